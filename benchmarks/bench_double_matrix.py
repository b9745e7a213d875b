"""Time the double-materiality matrix and measure its labels: 23 and 80 topics, zh and en.

Run: ``.venv/bin/python benchmarks/bench_double_matrix.py [--repeat N]``. Topics spread
over all four quadrants (impact 3.0 / financial 3.0 thresholds), the model report's 23
names (beyond 23, suffixed, zh and en mixed). Prints, best of N after a warm-up that
registers the font: the drawing (placement included) and each file (PNG at 300 dpi, SVG,
PDF) at half A4; the leader lines drawn, pairs crossing, labels left unplaced. Target:
23 topics under 2 s in every format.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

try:
    from materiality.services.charts import double_matrix as chart
    from materiality.services.charts import labels as label_placement
    from materiality.services.charts.files import figure_bytes
except ImportError:  # run from a checkout without the package installed
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from materiality.services.charts import double_matrix as chart
    from materiality.services.charts import labels as label_placement
    from materiality.services.charts.files import figure_bytes

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_matrix import points as classic_points  # noqa: E402 - the classic bench's topics

TARGET_SECONDS = 2.0


def points(n: int, lang: str) -> list[chart.DoubleMatrixPoint]:
    """The classic bench's topics spread over the four quadrants, each material by the
    either-threshold rule."""
    out = []
    for p in classic_points(n, lang, centre=(3.3, 3.4), spread=(0.8, 0.75), low=1.1):
        material = ("both" if p.x >= 3 and p.y >= 3 else "impact" if p.y >= 3 else
                    "financial" if p.x >= 3 else None)
        out.append(chart.DoubleMatrixPoint(**vars(p), materiality=material))
    return out


def leaders(render) -> np.ndarray:  # noqa: ANN001
    ax = render.figure.axes[0]
    segs = [ax.transData.transform(np.column_stack([ln.get_xdata(), ln.get_ydata()]))
            for ln in ax.lines if ln.get_gid() == "leader"]
    return np.array([[*a, *b] for a, b in segs]).reshape(-1, 4)


def best(fn, repeat: int) -> float:  # noqa: ANN001
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> int:
    """Draw each case ``--repeat`` times; print times and the leader figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    chart.render_double_matrix(points(5, "zh"), chart.double_matrix_options(), "png", 72)
    ok = True
    print("double-materiality matrix, half A4; best of", args.repeat)
    print(f"{'case':>10} {'draw':>7} {'png300':>7} {'svg':>7} {'pdf':>7} "
          f"{'leaders':>7} {'crossing':>8} {'unplaced':>8}")
    for n in (23, 80):
        for lang in ("zh", "en"):
            pts = points(n, lang)
            options = chart.double_matrix_options(
                locale="zh_CN" if lang == "zh" else "en", threshold_impact=3.0,
                threshold_financial=3.0)
            draw = best(lambda: chart.draw_double_matrix(pts, options), args.repeat)  # noqa: B023
            files = {fmt: best(lambda: chart.render_double_matrix(  # noqa: B023
                pts, options, fmt, 300), args.repeat) for fmt in ("png", "svg", "pdf")}  # noqa: B023
            render = chart.draw_double_matrix(pts, options)
            figure_bytes(render.figure, "png", 72)
            segs = leaders(render)
            crossing = label_placement.count_crossings(segs)
            print(f"{n:>4} {lang:>5} {draw:>6.2f}s {files['png']:>6.2f}s {files['svg']:>6.2f}s "
                  f"{files['pdf']:>6.2f}s {len(segs):>7} {crossing:>8} {len(render.unplaced):>8}")
            if n == 23 and max(files.values()) >= TARGET_SECONDS:
                ok = False
    print(f"target: 23 topics under {TARGET_SECONDS:.0f} s in every format: "
          f"{'met' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
