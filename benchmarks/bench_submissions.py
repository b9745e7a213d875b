"""Survey submissions under load: gunicorn, SQLite and PostgreSQL, against a one-row floor.

For each database: a fresh migrated DB (``flask --app wsgi db upgrade``), an open
assessment of 25 topics with its links, then the app under the production command
(``gunicorn -w 4 -k gthread --threads 4``; module benchmarks/survey_app.py raises the
survey rate limits, the limiter still runs). 100 concurrent clients on 127.0.0.1
fetch 2,000 forms (uid and signed stamp; printed as its own phase), then send the
2,000 complete submissions (the timed phase the targets are about: a respondent
opens the form and sends it minutes later). Then the floor: benchmarks/floor_app.py,
one INSERT per POST, same server, same two phases. Workers are warmed up first.
Prints submissions per second, p50/p95/p99 latency, errors, and rows stored against
acknowledged.

Run: .venv/bin/python benchmarks/bench_submissions.py [--total 2000] [--clients 100]
"""
from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PG_SERVER = "postgresql://postgres@127.0.0.1:5432"
TOPICS = 25
#: The production command's worker settings (README); BENCH_GUNICORN_ARGS overrides them.
GUNICORN_ARGS = os.environ.get("BENCH_GUNICORN_ARGS", "-w 4 -k gthread --threads 4").split()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def env_for(database_url: str) -> dict:
    env = dict(os.environ, DATABASE_URL=database_url, SECRET_KEY="bench-secret",
               SURVEY_MIN_SECONDS="0", RATELIMIT_STORAGE_URI="memory://",
               PYTHONPATH=f"{ROOT}{os.pathsep}{ROOT / 'src'}")
    return env


def prepare(database_url: str) -> list[str]:
    """Migrate, add an open 25-topic assessment with its links; return the open link tokens."""
    env = env_for(database_url)
    subprocess.run([str(BIN / "flask"), "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=env,
                   check=True, capture_output=True)
    script = f"""
from materiality import create_app
from materiality.extensions import db
from materiality.models import Assessment, AssessmentTopic, Category, StakeholderGroup, SurveyLink, Topic
from materiality.fieldwork.operations import ensure_links
from materiality.seed import seed_demo
app = create_app()
with app.app_context():
    seed_demo()
    category = db.session.scalar(db.select(Category))
    topics = list(db.session.scalars(db.select(Topic).order_by(Topic.id)))
    for n in range(len(topics), {TOPICS}):
        topic = Topic(name_zh=f"议题{{n}}", name_en=f"Topic {{n}}", category=category)
        db.session.add(topic)
        topics.append(topic)
    assessment = Assessment(title="Benchmark", reporting_year=2030, status="open")
    for position, topic in enumerate(topics[:{TOPICS}]):
        assessment.topic_links.append(AssessmentTopic(topic=topic, position=position))
    db.session.add(assessment)
    db.session.flush()
    groups = list(db.session.scalars(db.select(StakeholderGroup).order_by(StakeholderGroup.position)))
    ensure_links(assessment, groups)
    db.session.commit()
    links = db.session.scalars(db.select(SurveyLink).filter_by(
        assessment_id=assessment.id, kind="stakeholder", requires_code=False)
        .where(SurveyLink.group_id.is_not(None)))
    print(assessment.id, *[link.token for link in links])
"""
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, check=True,
                         capture_output=True, text=True).stdout.split()
    return out[1:]


def start_gunicorn(module: str, database_url: str, port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), *GUNICORN_ARGS,
         "-b", f"127.0.0.1:{port}", "--log-level", "warning", module],
        cwd=ROOT, env=env_for(database_url))
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"gunicorn {module} did not start")


def warm_up(port: int, path: str, requests: int = 64) -> None:
    """GET the page until every worker has booted and answered (not part of the figures).

    gunicorn accepts connections before its workers have imported the app; without
    this the first seconds of boot would be counted as request latency.
    """
    def fetch(_index: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        connection.request("GET", path)
        connection.getresponse().read()
        connection.close()

    with ThreadPoolExecutor(16) as pool:
        list(pool.map(fetch, range(requests)))


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _run_clients(port: int, jobs: list, clients: int, send) -> dict:  # noqa: ANN001
    """``clients`` threads share ``jobs``; ``send(connection, job)`` returns a result or raises.

    Latency is measured around each ``send``; the rate is jobs done per wall second.
    """
    lock = threading.Lock()
    queue = iter(enumerate(jobs))
    latencies: list[float] = []
    errors: list[str] = []
    results: dict[int, object] = {}

    def worker() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while True:
            with lock:
                item = next(queue, None)
            if item is None:
                break
            index, job = item
            started = time.perf_counter()
            try:
                result = send(connection, job)
            except Exception as error:  # noqa: BLE001  (counted and reported)
                with lock:
                    errors.append(str(error)[:80])
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                continue
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                results[index] = result
        connection.close()

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    latencies.sort()

    def pct(p: float) -> float:
        if not latencies:
            return 0.0
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000

    return {"rate": len(latencies) / wall, "wall": wall, "p50": pct(0.50), "p95": pct(0.95),
            "p99": pct(0.99), "errors": len(errors), "error_kinds": sorted(set(errors))[:3],
            "acknowledged": len(latencies), "results": results}


def load(port: int, paths: list[str], total: int, clients: int, survey: bool) -> tuple[dict, dict]:
    """Fetch ``total`` forms, then POST ``total`` complete submissions; two timed phases.

    A respondent opens the form and sends it minutes later, so the two requests are
    measured apart: the submissions phase is what the targets are about.
    """

    def fetch_form(connection: http.client.HTTPConnection, index: int) -> tuple[str, str]:
        path = paths[index % len(paths)]
        connection.request("GET", path)
        response = connection.getresponse()
        html = response.read().decode()
        if response.status != 200:
            raise RuntimeError(f"GET {response.status}")
        fields = dict(re.findall(r'name="(uid|stamp)" value="([^"]*)"', html))
        if survey:
            for name in dict.fromkeys(re.findall(r'name="(t\d+)"', html)):
                fields[name] = str(1 + (index + len(name)) % 5)
            fields["expectations"] = "Benchmark response"
        return path, urllib.parse.urlencode(fields)

    def submit(connection: http.client.HTTPConnection, form: tuple[str, str]) -> None:
        path, body = form
        connection.request("POST", path, body=body, headers={
            "Content-Type": "application/x-www-form-urlencoded"})
        response = connection.getresponse()
        response.read()
        if response.status != 303:
            raise RuntimeError(f"POST {response.status}")

    forms = _run_clients(port, list(range(total)), clients, fetch_form)
    ready = [forms["results"][i] for i in sorted(forms["results"])]
    return forms, _run_clients(port, ready, clients, submit)


def count_rows(database_url: str, sql: str) -> int:
    from sqlalchemy import create_engine, text

    sys.path.insert(0, str(ROOT / "src"))
    from materiality.config import normalise_database_url

    engine = create_engine(normalise_database_url(database_url))
    with engine.connect() as connection:
        value = connection.execute(text(sql)).scalar_one()
    engine.dispose()
    return value


def fresh_postgres(name: str) -> str | None:
    try:
        import psycopg

        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            connection.execute(f"CREATE DATABASE {name}")
    except Exception as error:  # noqa: BLE001
        print(f"  PostgreSQL skipped: {error}")
        return None
    return f"{PG_SERVER}/{name}"


def run_backend(label: str, survey_url: str, floor_url: str, total: int, clients: int) -> None:
    tokens = prepare(survey_url)
    port = free_port()
    server = start_gunicorn("benchmarks.survey_app:app", survey_url, port)
    try:
        warm_up(port, f"/s/{tokens[0]}")
        survey_forms, survey = load(port, [f"/s/{t}" for t in tokens], total, clients, survey=True)
    finally:
        stop(server)
    stored = count_rows(survey_url, "SELECT count(*) FROM submission s JOIN assessment a "
                                    "ON a.id = s.assessment_id WHERE a.title = 'Benchmark'")
    subprocess.run([sys.executable, str(ROOT / "benchmarks/floor_app.py")], cwd=ROOT,
                   env=env_for(floor_url), check=True)  # creates the floor's table
    port = free_port()
    server = start_gunicorn("benchmarks.floor_app:app", floor_url, port)
    try:
        warm_up(port, "/floor")
        floor_forms, floor = load(port, ["/floor"], total, clients, survey=False)
    finally:
        stop(server)
    floor_stored = count_rows(floor_url, "SELECT count(*) FROM floor_row")
    print(f"\n[{label}] {total} submissions of a {TOPICS}-topic survey, {clients} clients, "
          "gunicorn " + " ".join(GUNICORN_ARGS))
    for name, result in (("survey form GET ", survey_forms), ("floor GET       ", floor_forms)):
        print(f"  {name}: {result['rate']:7.1f}/s  p50 {result['p50']:6.1f} ms  "
              f"p95 {result['p95']:6.1f} ms  errors {result['errors']}")
    for name, result, rows in (("survey submit   ", survey, stored),
                               ("floor POST      ", floor, floor_stored)):
        print(f"  {name}: {result['rate']:7.1f}/s  p50 {result['p50']:6.1f} ms  "
              f"p95 {result['p95']:6.1f} ms  p99 {result['p99']:6.1f} ms  "
              f"errors {result['errors']}  stored {rows} / acknowledged {result['acknowledged']}"
              + (f"  {result['error_kinds']}" if result["errors"] else ""))
    print(f"  survey throughput = {survey['rate'] / floor['rate'] * 100:.0f}% of the floor")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--total", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=100)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-submissions-"))
    try:
        run_backend("SQLite", f"sqlite:///{workdir / 'survey.sqlite3'}",
                    f"sqlite:///{workdir / 'floor.sqlite3'}", args.total, args.clients)
        survey_pg = fresh_postgres("bench")
        floor_pg = fresh_postgres("bench_floor")
        if survey_pg and floor_pg:
            run_backend("PostgreSQL", survey_pg, floor_pg, args.total, args.clients)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
