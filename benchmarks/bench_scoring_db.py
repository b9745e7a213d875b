"""Benchmark of scoring from the database: the app's own path from query to tiers.

100,000 stakeholder respondents x 25 topics (2.5 million ratings, 10% "don't know") in
8 groups, plus 60 company raters, stored in a database migrated by ``flask db upgrade``:
an SQLite temp file, and PostgreSQL (database ``bench_scoring``, created when missing)
when reachable. Then, in a fresh process so memory is the scoring's own:

* ``load_ratings`` (materiality.report.ratings, what the pages and exports use) for both
  questionnaires, and ``compute_scores`` (load + score_assessment with 1000 bootstrap
  samples, thresholds and tiers): wall time and peak RSS;
* one SQL ``GROUP BY (topic, group)`` with count/avg over the same rows, for comparison.

Run from the repository root:

    .venv/bin/python benchmarks/bench_scoring_db.py [--respondents N] [--postgres URL|none]
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("SECRET_KEY", "benchmark")

DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/bench_scoring"
TOPICS, GROUPS, RATERS = 25, 8, 60
KINDS = ("management", "internal_expert", "external_expert")
STAMP = "2023-11-06 09:00:00+00:00"
GROUP_BY_SQL = (
    "SELECT r.topic_id, s.group_id, COUNT(r.score), AVG(r.score) "
    "FROM rating r JOIN submission s ON s.id = r.submission_id "
    "WHERE s.assessment_id = {a} AND s.kind = 'stakeholder' AND s.deleted_at IS NULL "
    "GROUP BY r.topic_id, s.group_id"
)


def make_app(url: str):  # noqa: ANN201
    """An app on ``url``; the URL is normalised as in production."""
    from materiality import create_app
    from materiality.config import normalise_database_url

    return create_app({"SQLALCHEMY_DATABASE_URI": normalise_database_url(url),
                       "RATELIMIT_ENABLED": False})


# --------------------------------------------------------------------------- setup


def fresh_database(url: str) -> None:
    """An empty database at ``url``: SQLite file removed, PostgreSQL schema dropped."""
    if url.startswith("sqlite"):
        Path(url.split("///", 1)[1]).unlink(missing_ok=True)
        return
    import psycopg

    base, _, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            admin.execute(f'CREATE DATABASE "{name}"')
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")


def synthetic(respondents: int, seed: int = 7) -> dict[str, np.ndarray]:
    """Respondents' groups and their ratings (0 = don't know) as flat arrays."""
    rng = np.random.default_rng(seed)
    sizes = rng.dirichlet(np.full(GROUPS, 2.0))
    group_index = rng.choice(GROUPS, size=respondents, p=sizes)
    leaning = rng.uniform(2.0, 4.5, size=TOPICS)
    score = np.clip(np.rint(rng.normal(np.tile(leaning, respondents), 1.0)), 1, 5).astype(np.int64)
    score[rng.random(score.size) < 0.10] = 0
    company = rng.integers(1, 6, size=RATERS * TOPICS)
    return {"group_index": group_index, "score": score, "company": company}


def populate(url: str, respondents: int) -> tuple[int, float]:
    """Migrate with ``flask db upgrade``, add the library with the ORM, bulk-load ratings.

    Returns the assessment id and the seconds spent loading the two big tables.
    """
    from flask_migrate import upgrade

    from materiality.extensions import db
    from materiality.models import (
        Assessment,
        AssessmentTopic,
        Category,
        StakeholderGroup,
        SurveyLink,
        Topic,
    )

    app = make_app(url)
    with app.app_context():
        upgrade()
        category = db.session.scalar(db.select(Category)) or Category(key="social")
        topics = [Topic(name_en=f"Topic {i}", name_zh=f"议题{i}", category=category)
                  for i in range(TOPICS)]
        groups = [StakeholderGroup(name_en=f"Group {i}", name_zh=f"群体{i}", position=i)
                  for i in range(GROUPS)]
        assessment = Assessment(title="Benchmark", reporting_year=2099, status="closed")
        assessment.topic_links = [AssessmentTopic(topic=t, position=i)
                                  for i, t in enumerate(topics)]
        db.session.add_all([*topics, *groups, assessment])
        db.session.flush()
        stake_link = SurveyLink(assessment_id=assessment.id, kind="stakeholder")
        company_link = SurveyLink(assessment_id=assessment.id, kind="company")
        db.session.add_all([stake_link, company_link])
        db.session.commit()
        ids = {
            "assessment": assessment.id, "links": (stake_link.id, company_link.id),
            "topics": np.array([t.id for t in topics]), "groups": np.array([g.id for g in groups]),
        }
        db.engine.dispose()

    data = synthetic(respondents)
    started = time.perf_counter()
    if url.startswith("sqlite"):
        _load_sqlite(url.split("///", 1)[1], ids, data, respondents)
    else:
        _load_postgresql(url, ids, data, respondents)
    return ids["assessment"], time.perf_counter() - started


def _rows(ids: dict, data: dict, respondents: int):  # noqa: ANN202
    """Submission and rating rows as Python tuples (shared by both loaders)."""
    a = ids["assessment"]
    stake_link, company_link = ids["links"]
    groups = ids["groups"][data["group_index"]].tolist()
    submissions = [(i + 1, f"b{i + 1}", a, stake_link, "stakeholder", g, None, "zh_CN", STAMP)
                   for i, g in enumerate(groups)]
    submissions += [(respondents + k + 1, f"c{k + 1}", a, company_link, "company", None,
                     KINDS[k % 3], "zh_CN", STAMP) for k in range(RATERS)]
    sub = np.repeat(np.arange(1, respondents + 1), TOPICS)
    topic = np.tile(ids["topics"], respondents)
    score = data["score"].astype(object)
    score[data["score"] == 0] = None
    ratings = zip(sub.tolist(), topic.tolist(), score.tolist(), strict=True)
    company = zip(np.repeat(np.arange(respondents + 1, respondents + RATERS + 1), TOPICS).tolist(),
                  np.tile(ids["topics"], RATERS).tolist(), data["company"].tolist(), strict=True)
    return submissions, ratings, company


SUBMISSION_COLUMNS = ("id, uid, assessment_id, link_id, kind, group_id, rater_kind, locale, "
                      "submitted_at")


def _load_sqlite(path: str, ids: dict, data: dict, respondents: int) -> None:
    """executemany in one transaction."""
    import sqlite3

    submissions, ratings, company = _rows(ids, data, respondents)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA synchronous=OFF")
    with conn:
        conn.executemany(f"INSERT INTO submission ({SUBMISSION_COLUMNS}) "  # noqa: S608
                         "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", submissions)
        conn.executemany("INSERT INTO rating (submission_id, topic_id, score) VALUES (?, ?, ?)",
                         ratings)
        conn.executemany("INSERT INTO rating (submission_id, topic_id, score) VALUES (?, ?, ?)",
                         company)
    conn.execute("ANALYZE")
    conn.close()


def _pg_binary_ratings(submission: np.ndarray, topic: np.ndarray, score: np.ndarray) -> bytes:
    """Rows for ``COPY rating FROM STDIN (FORMAT BINARY)`` built with numpy (0 = NULL score)."""
    known = score > 0
    with_score = np.dtype([("n", ">i2"), ("l1", ">i4"), ("s", ">i4"), ("l2", ">i4"), ("t", ">i4"),
                           ("l3", ">i4"), ("v", ">i2")])
    without = np.dtype([("n", ">i2"), ("l1", ">i4"), ("s", ">i4"), ("l2", ">i4"), ("t", ">i4"),
                        ("l3", ">i4")])
    parts = [b"PGCOPY\n\xff\r\n\x00" + (0).to_bytes(4, "big") + (0).to_bytes(4, "big")]
    for dtype, mask in ((with_score, known), (without, ~known)):
        rows = np.zeros(int(mask.sum()), dtype=dtype)
        rows["n"], rows["l1"], rows["l2"] = 3, 4, 4
        rows["s"], rows["t"] = submission[mask], topic[mask]
        if "v" in dtype.names:
            rows["l3"], rows["v"] = 2, score[mask]
        else:
            rows["l3"] = -1
        parts.append(rows.tobytes())
    parts.append((-1).to_bytes(2, "big", signed=True))
    return b"".join(parts)


def _load_postgresql(url: str, ids: dict, data: dict, respondents: int) -> None:
    """COPY FROM STDIN: submissions as text, ratings as binary built with numpy; ANALYZE."""
    import psycopg

    submissions, _ratings, _company = _rows(ids, data, respondents)
    text = "".join("\t".join(r"\N" if v is None else str(v) for v in row) + "\n"
                   for row in submissions)
    sub = np.concatenate([np.repeat(np.arange(1, respondents + 1), TOPICS),
                          np.repeat(np.arange(respondents + 1, respondents + RATERS + 1), TOPICS)])
    topic = np.concatenate([np.tile(ids["topics"], respondents), np.tile(ids["topics"], RATERS)])
    score = np.concatenate([data["score"], data["company"]])
    with psycopg.connect(url) as conn:
        with conn.cursor() as cursor:
            # Generated rows are consistent by construction: skip the per-row foreign-key
            # triggers (needs a superuser; otherwise they run, only slower).
            try:
                cursor.execute("SET session_replication_role = replica")
            except psycopg.Error:
                conn.rollback()
            with cursor.copy(f"COPY submission ({SUBMISSION_COLUMNS}) FROM STDIN") as copy:
                copy.write(text)
            with cursor.copy("COPY rating (submission_id, topic_id, score) FROM STDIN "
                             "(FORMAT BINARY)") as copy:
                copy.write(_pg_binary_ratings(sub, topic, score))
            cursor.execute("SELECT setval('submission_id_seq', (SELECT max(id) FROM submission))")
        conn.commit()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("ANALYZE submission")
        conn.execute("ANALYZE rating")


# --------------------------------------------------------------------------- measuring


def _rss_mib() -> float:
    """Current resident set size (Linux), MiB."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def measure(url: str, assessment_id: int) -> dict:
    """In this (fresh) process: load, score, and the SQL GROUP BY, with times and memory."""
    from materiality.extensions import db
    from materiality.models import Assessment
    from materiality.report.data import compute_scores
    from materiality.report.ratings import load_ratings

    app = make_app(url)
    with app.app_context():
        assessment = db.session.get(Assessment, assessment_id)
        _ = assessment.topic_links  # the ORM's few rows, outside the timings
        baseline = _rss_mib()
        started = time.perf_counter()
        stake = load_ratings(assessment_id, "stakeholder")
        company = load_ratings(assessment_id, "company")
        load_s = time.perf_counter() - started
        rows = len(stake) + len(company)
        del stake, company

        started = time.perf_counter()
        result = compute_scores(assessment)
        total_s = time.perf_counter() - started
        tiers = result.topics["tier"].value_counts().to_dict()

        raw = db.engine.raw_connection()
        try:
            cursor = raw.cursor()
            started = time.perf_counter()
            cursor.execute(GROUP_BY_SQL.format(a=int(assessment_id)))
            groups = cursor.fetchall()
            group_by_s = time.perf_counter() - started
            cursor.close()
        finally:
            raw.close()
        db.engine.dispose()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"rows": rows, "load_s": load_s, "total_s": total_s, "group_by_s": group_by_s,
            "group_by_rows": len(groups), "peak_rss_mib": peak, "baseline_rss_mib": baseline,
            "tiers": tiers}


def run_backend(name: str, url: str, respondents: int) -> None:
    """Populate one backend, then measure in a child process and print the figures."""
    started = time.perf_counter()
    assessment_id, insert_s = populate(url, respondents)
    setup_s = time.perf_counter() - started
    figures = measured_in_child(__file__, name, url, assessment_id)
    verdict_time = "OK" if figures["total_s"] < 5 else "OVER"
    verdict_mem = "OK" if figures["peak_rss_mib"] < 1024 else "OVER"
    print(f"[{name}] setup {setup_s:.1f} s (bulk insert of {figures['rows']:,} ratings "
          f"{insert_s:.1f} s)")
    print(f"[{name}] load_ratings (both kinds): {figures['load_s']:.2f} s")
    print(f"[{name}] query -> tiers (compute_scores, 1000 bootstrap samples): "
          f"{figures['total_s']:.2f} s  [target < 5 s: {verdict_time}]")
    print(f"[{name}] peak RSS of the measuring process: {figures['peak_rss_mib']:.0f} MiB "
          f"(after imports {figures['baseline_rss_mib']:.0f} MiB)  [target < 1 GiB: "
          f"{verdict_mem}]")
    print(f"[{name}] SQL GROUP BY (topic, group) count/avg: {figures['group_by_s']:.2f} s "
          f"({figures['group_by_rows']} rows)")
    print(f"[{name}] tiers: {figures['tiers']}", flush=True)


def postgres_reachable(url: str) -> bool:
    """True when the server answers (the benchmark database need not exist yet)."""
    try:
        import psycopg

        base = url.rpartition("/")[0]
        with psycopg.connect(f"{base}/postgres", connect_timeout=3):
            return True
    except Exception:  # noqa: BLE001 - any failure means "skip PostgreSQL"
        return False


def measured_in_child(script: str, name: str, url: str, assessment_id: int) -> dict:
    """Run ``script --measure url --assessment id`` in a fresh process (its memory and
    caches its own) and return the JSON figures it prints last."""
    child = subprocess.run(  # noqa: S603 - a benchmark script, with our own arguments
        [sys.executable, script, "--measure", url, "--assessment", str(assessment_id)],
        capture_output=True, text=True, check=False, cwd=ROOT)
    if child.returncode != 0:
        print(child.stdout, child.stderr, sep="\n", file=sys.stderr)
        raise SystemExit(f"[{name}] measuring failed (exit {child.returncode})")
    return json.loads(child.stdout.strip().splitlines()[-1])


def backend_arguments(parser: argparse.ArgumentParser, default_pg: str) -> argparse.Namespace:
    """Add the options every database benchmark here takes (the PostgreSQL URL, and the
    child's --measure URL and --assessment id) and parse the command line."""
    parser.add_argument("--postgres", default=os.environ.get("BENCH_POSTGRES_URL", default_pg),
                        help="PostgreSQL URL of the benchmark database, or 'none'")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--assessment", type=int, help=argparse.SUPPRESS)
    return parser.parse_args()


def main() -> None:
    """Parse the arguments; run each backend, or measure when called as the child."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--respondents", type=int, default=100_000)
    args = backend_arguments(parser, DEFAULT_PG)
    if args.measure:
        figures = measure(args.measure, args.assessment)
        print(json.dumps(figures))
        return

    print(f"{args.respondents:,} respondents x {TOPICS} topics in {GROUPS} groups "
          f"(+{RATERS} company raters), 10% don't know", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        run_backend("sqlite", f"sqlite:///{tmp}/bench.sqlite3", args.respondents)
    if args.postgres.lower() != "none" and postgres_reachable(args.postgres):
        fresh_database(args.postgres)
        run_backend("postgresql", args.postgres, args.respondents)
    else:
        print("[postgresql] not reachable; skipped")


if __name__ == "__main__":
    main()
