"""Benchmark of the report pages on a large assessment: first view and cached views.

The assessment of ``bench_scoring_db.py`` (100,000 stakeholder respondents x 25 topics,
2.5 million ratings, 10% "don't know", 8 groups, 60 company raters), built by its own
loaders, on an SQLite temp file and, when reachable, on PostgreSQL (database
``bench_report_pages``, created when missing; its schema is dropped and rebuilt).
Then, in a fresh process (empty per-process caches, as a newly started worker), an
editor logs in through the login form with the app's test client and opens:

* ``/report/<id>/scores``: the first view (scores the assessment), then 5 more;
* ``/report/<id>/matrix``: the first view with the caches emptied again (scores and
  draws), then 5 more;
* the preview PNG the matrix page shows (``matrix.png?preview=1``): the request that
  follows the page, then 5 more;
* ``compute_scores`` alone, last, for the scoring's share of a first view.

Targets (issue 11): the median of the 5 cached views under 300 ms; the first view under
the scoring target (5 s, see ``bench_scoring_db.py``).

Run from the repository root:

    .venv/bin/python benchmarks/bench_report_pages.py [--ratings N] [--postgres URL|none]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the modules beside it

import bench_scoring_db as loader  # noqa: E402 - the loaders live beside this script

DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/bench_report_pages"
WARM_VIEWS = 5
WARM_TARGET_S = 0.300
FIRST_TARGET_S = 5.0
EDITOR, PASSWORD = "editor@example.org", "benchmark password"  # noqa: S105


def _timed(client, url: str) -> tuple[float, int, int]:  # noqa: ANN001
    """Seconds for one GET, its status and its body's size."""
    started = time.perf_counter()
    response = client.get(url)
    body = response.get_data()
    return time.perf_counter() - started, response.status_code, len(body)


def editor_app(url: str, before_login=None):  # noqa: ANN001, ANN201
    """The app on ``url`` with an editor created, and a test client logged in as that
    editor through the login form; ``before_login(app)`` runs in the app's context first."""
    from materiality import create_app
    from materiality.auth.operations import create_user
    from materiality.config import normalise_database_url
    from materiality.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": normalise_database_url(url),
                      "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
                      "SESSION_COOKIE_SECURE": False, "REMEMBER_COOKIE_SECURE": False})
    with app.app_context():
        create_user(EDITOR, PASSWORD, "editor")
        db.session.commit()
        if before_login is not None:
            before_login(app)
        db.session.remove()
    client = app.test_client()
    login = client.post("/auth/login", data={"email": EDITOR, "password": PASSWORD})
    if login.status_code != 302:
        raise SystemExit(f"login failed: {login.status_code}")
    return app, client


def measure(url: str, assessment_id: int) -> dict:
    """In this (fresh) process: log an editor in and time the pages, cold then warm."""
    from materiality.extensions import db
    from materiality.models import Assessment
    from materiality.report.cache import caches
    from materiality.report.data import compute_scores, fingerprint

    timed: dict[str, float] = {}

    def time_fingerprint(_app) -> None:  # noqa: ANN001
        started = time.perf_counter()
        fingerprint(assessment_id)
        timed["fingerprint_s"] = time.perf_counter() - started

    app, client = editor_app(url, time_fingerprint)
    fingerprint_s = timed["fingerprint_s"]

    def empty_caches() -> None:
        with app.app_context():
            caches().results.clear()
            caches().charts.clear()

    base = f"/report/{assessment_id}"
    pages = [("scores", f"{base}/scores", True),
             ("matrix", f"{base}/matrix", True),
             ("preview png", f"{base}/matrix.png?preview=1", False)]
    figures: dict[str, dict] = {}
    for name, path, cold in pages:
        if cold:
            empty_caches()
        first_s, status, size = _timed(client, path)
        warm = [_timed(client, path) for _ in range(WARM_VIEWS)]
        statuses = {status, *(w[1] for w in warm)}
        if statuses != {200}:
            raise SystemExit(f"{path}: status {sorted(statuses)}")
        figures[name] = {"first_s": first_s, "cold": cold, "bytes": size,
                         "warm_s": [w[0] for w in warm]}
    with app.app_context():
        results = caches().results
        figures["cache"] = {"hits": results.hits, "misses": results.misses}
        # The scoring alone, in the same warmed-up process: what the first view adds to it
        # is the page's own share (queries, drawing, rendering).
        assessment = db.session.get(Assessment, assessment_id)
        started = time.perf_counter()
        compute_scores(assessment)
        figures["compute_scores_s"] = time.perf_counter() - started
        db.session.remove()
        db.engine.dispose()
    figures["fingerprint_s"] = fingerprint_s
    return figures


def run_backend(name: str, url: str, respondents: int) -> None:
    """Populate one backend, then measure in a child process and print the figures."""
    started = time.perf_counter()
    assessment_id, insert_s = loader.populate(url, respondents)
    setup_s = time.perf_counter() - started
    figures = loader.measured_in_child(__file__, name, url, assessment_id)
    print(f"[{name}] setup {setup_s:.1f} s (bulk insert {insert_s:.1f} s); "
          f"fingerprint query {figures['fingerprint_s'] * 1000:.0f} ms")
    for page in ("scores", "matrix", "preview png"):
        f = figures[page]
        warm = statistics.median(f["warm_s"])
        first = (f"first view (caches empty) {f['first_s']:.2f} s "
                 f"[target < {FIRST_TARGET_S:.0f} s: "
                 f"{'OK' if f['first_s'] < FIRST_TARGET_S else 'OVER'}]"
                 if f["cold"] else f"after the page {f['first_s'] * 1000:.0f} ms")
        print(f"[{name}] {page:<11} {first}; median of {len(f['warm_s'])} cached "
              f"{warm * 1000:.0f} ms (range {min(f['warm_s']) * 1000:.0f}–"
              f"{max(f['warm_s']) * 1000:.0f}) [target < {WARM_TARGET_S * 1000:.0f} ms: "
              f"{'OK' if warm < WARM_TARGET_S else 'OVER'}]; {f['bytes']:,} bytes")
    print(f"[{name}] scored-result cache: {figures['cache']['hits']} hits, "
          f"{figures['cache']['misses']} misses; compute_scores alone afterwards "
          f"{figures['compute_scores_s']:.2f} s", flush=True)


def main() -> None:
    """Parse the arguments; run each backend, or measure when called as the child."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ratings", type=int, default=loader.TOPICS * 100_000,
                        help="stakeholder ratings (respondents x 25 topics; default 2.5 M)")
    args = loader.backend_arguments(parser, DEFAULT_PG)
    if args.measure:
        print(json.dumps(measure(args.measure, args.assessment)))
        return

    respondents = max(1, args.ratings // loader.TOPICS)
    load = os.getloadavg()
    print(f"{respondents:,} respondents x {loader.TOPICS} topics in {loader.GROUPS} groups "
          f"(+{loader.RATERS} company raters), 10% don't know; load average "
          f"{load[0]:.1f} {load[1]:.1f} {load[2]:.1f} on {os.cpu_count()} cores", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        run_backend("sqlite", f"sqlite:///{tmp}/bench.sqlite3", respondents)
    if args.postgres.lower() != "none" and loader.postgres_reachable(args.postgres):
        loader.fresh_database(args.postgres)
        run_backend("postgresql", args.postgres, respondents)
    else:
        print("[postgresql] not reachable; skipped")


if __name__ == "__main__":
    main()
