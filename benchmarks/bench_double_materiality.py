"""Benchmark of the double-materiality scoring at the issue's size.

200 topics, 1,000 IROs (a quarter of each kind, a third of the impacts potential, some
on human rights) and 50 assessors who rate every criterion that applies, 10 %
"cannot judge". Prints the wall time of ``score_double_materiality`` (target: under
1 s). Run from the repository root:

    .venv/bin/python benchmarks/bench_double_materiality.py [--iros N] [--repeat K]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

try:
    from materiality.services.scoring.double import (
        KINDS,
        applicable_criteria,
        score_double_materiality,
    )
except ImportError:  # not installed: run from a checkout
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from materiality.services.scoring.double import (
        KINDS,
        applicable_criteria,
        score_double_materiality,
    )

TARGET_SECONDS = 1.0


def synthetic_register(iros: int, topics: int, assessors: int, seed: int = 12):
    """An IRO register and every assessor's ratings of it."""
    rng = np.random.default_rng(seed)
    register, ratings = [], []
    for iro in range(1, iros + 1):
        kind = KINDS[iro % 4]
        actuality = None if kind in ("risk", "opportunity") else (
            "potential" if iro % 3 == 0 else "actual")
        register.append((iro, 1 + iro % topics, kind, actuality,
                         kind == "negative_impact" and iro % 7 == 0))
        for criterion in applicable_criteria(kind, actuality):
            values = np.clip(np.rint(rng.normal(rng.uniform(2, 4.5), 1.0, assessors)), 1, 5)
            values[rng.random(assessors) < 0.10] = np.nan
            ratings.extend(zip([iro] * assessors, range(1, assessors + 1),
                               [criterion] * assessors, values, strict=True))
    return (pd.DataFrame(register, columns=["iro_id", "topic_id", "kind", "actuality",
                                            "human_rights"]),
            pd.DataFrame(ratings, columns=["iro_id", "assessor_id", "criterion", "value"]))


def main() -> int:
    """Score the synthetic register ``--repeat`` times and print the times."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--topics", type=int, default=200)
    parser.add_argument("--iros", type=int, default=1000)
    parser.add_argument("--assessors", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    register, ratings = synthetic_register(args.iros, args.topics, args.assessors)
    topic_ids = list(range(1, args.topics + 1))
    times = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        result = score_double_materiality(register, ratings, topic_ids)
        times.append(time.perf_counter() - started)
    material = int(result.topics["material"].sum())
    print(f"double materiality: {args.topics} topics, {args.iros} IROs, {args.assessors} "
          f"assessors, {len(ratings):,} ratings; {material} topics material")
    print(f"score_double_materiality: median {statistics.median(times):.3f} s, "
          f"max {max(times):.3f} s over {args.repeat} runs (target < {TARGET_SECONDS:.0f} s)")
    return 0 if max(times) < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
