"""Benchmark of the sensitivity analysis at the size the app must handle.

100,000 stakeholder respondents x 25 topics in 8 groups (the data of bench_scoring.py),
1000 bootstrap samples: the scoring (which keeps the bootstrap replicates) and then
``services.sensitivity.analyse`` - tier probabilities from the replicates and the tiers
under equal weights and with each of the 8 groups and 3 rater kinds left out. Target:
scoring plus sensitivity under 10 s. Run from the repository root:

    .venv/bin/python benchmarks/bench_sensitivity.py [--respondents N] [--repeat K]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

try:
    from materiality.services.scoring.classic import ScoringSettings, score_assessment
    from materiality.services.scoring.sensitivity import analyse
except ImportError:  # not installed: run from a checkout
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from materiality.services.scoring.classic import ScoringSettings, score_assessment
    from materiality.services.scoring.sensitivity import analyse

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_scoring import synthetic_ratings  # noqa: E402 - the same synthetic data

TARGET_SECONDS = 10.0


def main() -> int:
    """Time scoring and sensitivity; exit 1 when the target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--respondents", type=int, default=100_000)
    parser.add_argument("--topics", type=int, default=25)
    parser.add_argument("--groups", type=int, default=8)
    parser.add_argument("--samples", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    stakeholders, company, topic_ids, group_ids = synthetic_ratings(
        args.respondents, args.topics, args.groups)
    # Unequal weights and mean thresholds: several topics near a threshold, so the
    # scenarios and probabilities have something to find.
    settings = ScoringSettings(
        group_weights={g: 0.5 + g % 4 for g in group_ids},
        rater_kind_weights={"management": 2.0}, threshold_mode="mean",
        bootstrap_samples=args.samples)
    print(f"{len(stakeholders):,} stakeholder ratings, {len(company):,} company ratings, "
          f"{args.samples} bootstrap samples, mean thresholds")

    scoring, sensitivity, total, cpu = [], [], [], []
    for _ in range(args.repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = score_assessment(stakeholders, company, topic_ids, settings,
                                  group_ids=group_ids)
        scored = time.perf_counter()
        robust = analyse(result)
        done = time.perf_counter()
        scoring.append(scored - start)
        sensitivity.append(done - scored)
        total.append(done - start)
        cpu.append(time.process_time() - start_cpu)
    print(f"score_assessment (bootstrap kept): median {np.median(scoring):.2f} s")
    print(f"sensitivity ({len(robust.scenarios)} scenarios + probabilities from "
          f"{robust.samples} replicates): median {1000 * np.median(sensitivity):.1f} ms")
    worst = max(total)
    print(f"scoring + sensitivity: best {min(total):.2f} s, median {np.median(total):.2f} s, "
          f"worst {worst:.2f} s over {args.repeat} runs (target < {TARGET_SECONDS:.0f} s: "
          f"{'met' if np.median(total) < TARGET_SECONDS else 'MISSED'}); "
          f"median CPU {np.median(cpu):.2f} s (the cost when the machine is shared)")
    print(f"tiers {robust.counts}; {int(robust.topics['sensitive'].sum())} topics change "
          f"tier in a scenario, {int(robust.topics['uncertain'].sum())} keep it in < 90 % "
          "of the replicates")
    return 0 if np.median(total) < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
