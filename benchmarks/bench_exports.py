"""Benchmark of the raw responses CSV (``/report/<id>/raw.csv``), streamed.

The assessment of ``bench_scoring_db.py`` (25 topics, 8 groups, 60 company raters, 10%
"don't know"), built by its own loaders at two sizes (a fifth of the ratings, then all:
default 0.5 and 2.5 million) on an SQLite temp file and, when reachable, on PostgreSQL
(database ``bench_exports``, created when missing; its schema is dropped and rebuilt).
Each size is measured in a fresh process: an editor logs in with the app's test client
and reads the download chunk by chunk, three times:

* first byte: the request until its first chunk (the BOM and the header);
* whole file: until the last chunk, and its size;
* memory: the process's peak RSS (VmHWM) after the downloads less its RSS before them.

Targets (issue 14): first byte < 0.5 s; 2.5 million ratings < 3 s; memory flat as the
data grows (the same for both sizes, give or take a few MiB).

Run from the repository root:

    .venv/bin/python benchmarks/bench_exports.py [--ratings N] [--postgres URL|none]
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

import bench_report_pages as pages  # noqa: E402 - beside this script: the editor's client
import bench_scoring_db as loader  # noqa: E402 - the loaders live beside this script

DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/bench_exports"
REPEAT = 3
FIRST_BYTE_TARGET_S = 0.5
WHOLE_TARGET_S = 3.0


def _status_mib(field: str) -> float:
    """A memory figure of this process from /proc/self/status (Linux), MiB.

    VmHWM, not ``getrusage``'s ru_maxrss: a child started with fork and exec reports in
    ru_maxrss the parent's peak at the fork (here: the loader's arrays).
    """
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def measure(url: str, assessment_id: int) -> dict:
    """In this (fresh) process: log an editor in and read raw.csv REPEAT times."""
    _app, client = pages.editor_app(url)
    client.get("/").close()  # the first request's one-off work, outside the figures
    before = _status_mib("VmRSS")
    runs = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        cpu = time.process_time()
        response = client.get(f"/report/{assessment_id}/raw.csv?locale=zh_CN")
        size, first = 0, None
        for chunk in response.response:
            if first is None:
                first = time.perf_counter() - started
            size += len(chunk)
        response.close()
        if response.status_code != 200:
            raise SystemExit(f"raw.csv: status {response.status_code}")
        runs.append({"first_s": first, "whole_s": time.perf_counter() - started,
                     "cpu_s": time.process_time() - cpu, "bytes": size})
    peak = _status_mib("VmHWM")
    return {"runs": runs, "rss_before_mib": before, "peak_growth_mib": peak - before}


def run_size(name: str, url: str, respondents: int) -> dict:
    """Populate one backend at one size, then measure in a child process."""
    loader.fresh_database(url)
    assessment_id, _insert_s = loader.populate(url, respondents)
    figures = loader.measured_in_child(__file__, name, url, assessment_id)
    ratings = (respondents + loader.RATERS) * loader.TOPICS
    runs = figures["runs"]
    first = [r["first_s"] for r in runs]
    whole = [r["whole_s"] for r in runs]
    cpu = [r["cpu_s"] for r in runs]
    judged = respondents * loader.TOPICS >= 2_500_000
    verdict = (f" [target < {WHOLE_TARGET_S:.0f} s: "
               f"{'OK' if statistics.median(whole) < WHOLE_TARGET_S else 'OVER'}]"
               if judged else "")
    print(f"[{name}] {ratings:,} ratings, {runs[0]['bytes'] / 2**20:.0f} MiB: first byte "
          f"{', '.join(f'{s * 1000:.0f}' for s in first)} ms [target < "
          f"{FIRST_BYTE_TARGET_S * 1000:.0f} ms: "
          f"{'OK' if max(first) < FIRST_BYTE_TARGET_S else 'OVER'}]; whole file "
          f"{', '.join(f'{s:.2f}' for s in whole)} s{verdict}; this process's CPU "
          f"{', '.join(f'{s:.2f}' for s in cpu)} s; peak RSS +{figures['peak_growth_mib']:.0f}"
          f" MiB over {figures['rss_before_mib']:.0f} MiB", flush=True)
    return figures


def run_backend(name: str, url: str, respondents: int) -> None:
    """Both sizes on one backend, and whether memory stayed flat between them."""
    small = run_size(name, url, max(1, respondents // 5))
    large = run_size(name, url, respondents)
    growth = large["peak_growth_mib"] - small["peak_growth_mib"]
    print(f"[{name}] memory with 5x the ratings: {growth:+.0f} MiB "
          f"[target flat (< 20 MiB): {'OK' if growth < 20 else 'OVER'}]", flush=True)


def main() -> None:
    """Parse the arguments; run each backend, or measure when called as the child."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ratings", type=int, default=loader.TOPICS * 100_000,
                        help="stakeholder ratings of the larger size (default 2.5 M)")
    args = loader.backend_arguments(parser, DEFAULT_PG)
    if args.measure:
        print(json.dumps(measure(args.measure, args.assessment)))
        return
    respondents = max(5, args.ratings // loader.TOPICS)
    load = os.getloadavg()
    print(f"raw.csv of {respondents // 5:,} and {respondents:,} respondents x {loader.TOPICS} "
          f"topics, {REPEAT} downloads each; load average {load[0]:.1f} {load[1]:.1f} "
          f"{load[2]:.1f} on {os.cpu_count()} cores", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        run_backend("sqlite", f"sqlite:///{tmp}/bench.sqlite3", respondents)
    if args.postgres.lower() != "none" and loader.postgres_reachable(args.postgres):
        run_backend("postgresql", args.postgres, respondents)
    else:
        print("[postgresql] not reachable; skipped")


if __name__ == "__main__":
    main()
