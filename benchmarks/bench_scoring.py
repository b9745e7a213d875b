"""Benchmark of the scoring service at the size the app must handle.

100,000 stakeholder respondents x 25 topics (2.5 million ratings) in 8 groups, 10%
"don't know", plus 60 company raters, scored with 1000 bootstrap samples. Prints the
wall time of ``score_assessment`` and its peak memory. Run from the repository root:

    .venv/bin/python benchmarks/bench_scoring.py [--respondents N] [--repeat K]
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

try:
    from materiality.services.scoring.classic import ScoringSettings, score_assessment
except ImportError:  # not installed: run from a checkout
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from materiality.services.scoring.classic import ScoringSettings, score_assessment


def synthetic_ratings(respondents: int, topics: int, groups: int, seed: int = 7):
    """Stakeholder and company rating frames with uneven groups and some "don't know"."""
    rng = np.random.default_rng(seed)
    group_sizes = rng.dirichlet(np.full(groups, 2.0))
    group_of = rng.choice(np.arange(1, groups + 1), size=respondents, p=group_sizes)
    respondent = np.repeat(np.arange(1, respondents + 1), topics)
    topic = np.tile(np.arange(101, 101 + topics), respondents)
    leaning = rng.uniform(2.0, 4.5, size=topics)
    score = np.clip(np.rint(rng.normal(np.tile(leaning, respondents), 1.0)), 1, 5)
    score[rng.random(score.size) < 0.10] = np.nan
    stakeholders = pd.DataFrame({
        "respondent_id": respondent,
        "group_id": np.repeat(group_of, topics),
        "topic_id": topic,
        "score": score,
    })
    raters = 60
    kinds = np.array(["management", "internal_expert", "external_expert"])
    company = pd.DataFrame({
        "respondent_id": np.repeat(np.arange(1, raters + 1), topics),
        "rater_kind": np.repeat(kinds[np.arange(raters) % 3], topics),
        "topic_id": np.tile(np.arange(101, 101 + topics), raters),
        "score": rng.integers(1, 6, size=raters * topics).astype(float),
    })
    return stakeholders, company, list(range(101, 101 + topics)), list(range(1, groups + 1))


def main() -> None:
    """Time the scoring and report peak memory."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--respondents", type=int, default=100_000)
    parser.add_argument("--topics", type=int, default=25)
    parser.add_argument("--groups", type=int, default=8)
    parser.add_argument("--samples", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    stakeholders, company, topic_ids, group_ids = synthetic_ratings(
        args.respondents, args.topics, args.groups)
    settings = ScoringSettings(bootstrap_samples=args.samples)
    print(f"{len(stakeholders):,} stakeholder ratings, {len(company):,} company ratings, "
          f"{args.samples} bootstrap samples")
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    times, cpu = [], []
    for _ in range(args.repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = score_assessment(stakeholders, company, topic_ids, settings,
                                  group_ids=group_ids)
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    # CPU time (all threads, BLAS included) shows the cost when the machine is shared.
    print(f"score_assessment: best {min(times):.2f} s, median {np.median(times):.2f} s wall "
          f"over {args.repeat} runs; median CPU {np.median(cpu):.2f} s")
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    tracemalloc.start()
    score_assessment(stakeholders, company, topic_ids, settings, group_ids=group_ids)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"peak memory allocated during one call (tracemalloc): {peak / 2**20:.0f} MiB")
    print(f"process max RSS: {rss_before:.0f} MiB after generating the data, "
          f"{rss_after:.0f} MiB after scoring")
    print(result.topics.head(3).to_string())


if __name__ == "__main__":
    main()
