"""Time the materiality matrix and measure its labels: the demo (23 topics, zh and en),
23, 40 and 80 synthetic topics.

Run: ``.venv/bin/python benchmarks/bench_matrix.py [--repeat N] [--no-demo]``. Prints,
best of N after a warm-up that registers the font: the label placement alone, the whole
drawing (placement included), and the files (PNG at 300 dpi, SVG, PDF); then the drawn
leader lines: how many, how many pairs cross, the longest and the mean length in points
(the half-A4 target: none crossing, none over 72 pt), and how many labels sit across a
threshold line from their point; then how the placement's time grows with the number
of topics. Targets (issue 14): 23 topics as a 300-dpi PNG under 0.3 s, 80 under 1.5 s;
a line each says whether every case meets it in wall time, CPU time and CPU time with
the kept label extents and text metrics emptied (fonts.forget_extents).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

try:
    from materiality.services.charts import labels as label_placement
    from materiality.services.charts import matrix as chart
    from materiality.services.charts import point_labels
    from materiality.services.charts.fonts import forget_extents
except ImportError:  # run from a checkout without the package installed
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from materiality.services.charts import labels as label_placement
    from materiality.services.charts import matrix as chart
    from materiality.services.charts import point_labels
    from materiality.services.charts.fonts import forget_extents

MatrixOptions, MatrixPoint, render_matrix = chart.MatrixOptions, chart.MatrixPoint, chart.render_matrix

NAMES = [
    ("知识产权保护", "Intellectual property protection"),
    ("公益慈善", "Public welfare and charity"),
    ("行业交流", "Industry exchange"),
    ("员工权益", "Employee rights"),
    ("客户权益", "Customer rights"),
    ("科技创新", "Technological innovation"),
    ("产品质量", "Product quality"),
    ("安全生产", "Production safety"),
    ("党建引领", "Party-building leadership"),
    ("“双碳”行动", '"Dual carbon" action'),
    ("“三废”管理", '"Three wastes" management'),
    ("合规运营", "Compliant operations"),
    ("公司治理", "Corporate governance"),
    ("能源管理", "Energy management"),
    ("服务国家战略", "Serving national strategy"),
    ("员工发展", "Employee development"),
    ("员工关爱", "Employee care"),
    ("乡村振兴", "Rural revitalisation"),
    ("战略合作", "Strategic cooperation"),
    ("风险治理", "Risk governance"),
    ("责任供应链", "Responsible supply chain"),
    ("员工身心健康", "Employee physical and mental health"),
    ("客户信息保护", "Customer information protection"),
]
CATEGORIES = ["economic", "environmental", "social", "governance"]


def points(n: int, lang: str, centre: tuple[float, float] = (4.05, 4.1),
           spread: tuple[float, float] = (0.45, 0.4), low: float = 2.3) -> list[MatrixPoint]:
    """``n`` topics crowded in the upper right (by default: normal around ``centre``,
    clipped to ``low``..4.98); beyond 23, names get suffixes, zh/en mixed."""
    rng = np.random.default_rng(n)
    xy = np.clip(rng.normal(list(centre), list(spread), size=(n, 2)), low, 4.98)
    out = []
    for i in range(n):
        zh, en = NAMES[i % len(NAMES)]
        label = (zh if lang == "zh" else en) if n <= 23 else (zh if i % 2 else en)
        if i >= len(NAMES):
            label += " " + ["2.0", "(Scope 3)", "体系", "and reporting"][i % 4]
        cat = CATEGORIES[i % 4]
        out.append(
            MatrixPoint(
                key=i + 1,
                label=label,
                x=float(xy[i, 0]),
                y=float(xy[i, 1]),
                category=cat,
                category_label=cat.title(),
            )
        )
    return out


def demo_points() -> dict[str, tuple[list, MatrixOptions]]:
    """The seed's 2023 assessment with its demo responses, scored by the app (a throwaway
    SQLite database), as points and options per language."""
    os.environ.setdefault("SECRET_KEY", "bench")
    from flask_migrate import upgrade

    from materiality import create_app
    from materiality.extensions import db
    from materiality.models import Assessment
    from materiality.report.data import matrix_points, report_data
    from materiality.report.exports import MatrixChoice, matrix_options
    from materiality.seed import seed_demo

    folder = tempfile.mkdtemp(prefix="bench-matrix-")
    try:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/demo.sqlite3",
                          "TESTING": True})
        with app.app_context():
            upgrade()
            seed_demo()
            db.session.commit()
            assessment = db.session.scalars(db.select(Assessment).where(
                Assessment.reporting_year == 2023)).one()
            found = {}
            for lang, locale in (("zh", "zh_CN"), ("en", "en")):
                data = report_data(assessment, locale)
                found[lang] = (matrix_points(data), matrix_options(data, MatrixChoice()))
            db.session.remove()
            db.engine.dispose()
        return found
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def best_of(repeat: int, fn, clock=time.perf_counter, before=None) -> float:
    """The shortest of ``repeat`` runs of ``fn`` (``before`` runs untimed before each)."""
    times = []
    for _ in range(repeat):
        if before is not None:
            before()
        start = clock()
        fn()
        times.append(clock() - start)
    return min(times)


def cold_png_cpu(repeat: int, pts, options) -> float:
    """CPU seconds of one PNG at 300 dpi with the kept label extents and text metrics
    emptied before it (as the first drawing of these labels in a worker), best of
    ``repeat`` such drawings, as the other columns."""
    return best_of(repeat, lambda: render_matrix(pts, options, "png", 300),
                   clock=time.process_time, before=forget_extents)


def growth(repeat: int) -> None:
    """How the label placement's time grows with the number of topics (CPU seconds of
    every placement of one drawing, best of ``repeat``; attempts = font sizes tried; draw
    = the whole drawing, best of ``repeat``)."""
    real = point_labels.place_labels
    print("\nplacement time by topics (crowded synthetic topics, mixed zh/en, CPU s, "
          f"best of {repeat}):")
    print(f"{'topics':>8} {'place':>7} {'attempts':>8} {'per attempt':>11} {'draw':>7} "
          f"{'crossings':>9}")
    for n in (10, 20, 23, 30, 40, 50, 60, 80, 100):
        pts = points(n, "mixed" if n > 23 else "zh")
        options = MatrixOptions(locale="zh_CN", threshold_x=3.5, threshold_y=3.5)
        best, best_draw = (np.inf, 0, 0), np.inf
        for _ in range(repeat):
            spent: list[float] = []
            found: list = []

            def timed(*args, _spent=spent, _found=found, **kwargs):
                start = time.process_time()
                try:
                    result = real(*args, **kwargs)
                    _found.append(result)
                    return result
                finally:
                    _spent.append(time.process_time() - start)

            point_labels.place_labels = timed
            try:
                start = time.process_time()
                chart.draw_matrix(pts, options)
                draw = time.process_time() - start
            finally:
                point_labels.place_labels = real
            best_draw = min(best_draw, draw)  # the first drawing also measures the labels
            if sum(spent) < best[0]:
                best = (sum(spent), len(spent), found[-1].crossings)
        place, attempts, crossings = best
        print(f"{n:>8} {place:>6.2f}s {attempts:>8} {place / attempts:>10.2f}s {best_draw:>6.2f}s "
              f"{crossings:>9}", flush=True)


def placement_time(repeat: int, pts, options) -> float:
    """Seconds spent in the label placer during one drawing (best of ``repeat``)."""
    spent = []
    real = point_labels.place_labels

    def timed(*args, **kwargs):
        start = time.perf_counter()
        try:
            return real(*args, **kwargs)
        finally:
            spent.append(time.perf_counter() - start)

    point_labels.place_labels = timed
    try:
        best = np.inf
        for _ in range(repeat):
            spent.clear()
            chart.draw_matrix(pts, options)
            best = min(best, sum(spent))
    finally:
        point_labels.place_labels = real
    return best


def leader_figures(pts, options) -> tuple[int, int, float, float, int]:
    """The drawn leaders: count, crossing pairs, longest and mean length (pt), and the
    labels not wholly on their point's side of both threshold lines."""
    render = chart.draw_matrix(pts, options)
    fig = render.figure
    ax = fig.axes[0]
    segs = np.array([[*ax.transData.transform((ln.get_xdata()[0], ln.get_ydata()[0])),
                      *ax.transData.transform((ln.get_xdata()[1], ln.get_ydata()[1]))]
                     for ln in ax.lines if ln.get_gid() == "leader"]).reshape(-1, 4)
    lengths = np.hypot(segs[:, 2] - segs[:, 0], segs[:, 3] - segs[:, 1]) * 72 / fig.dpi
    renderer = fig.canvas.get_renderer()
    texts = {t.get_gid(): t for t in ax.texts if (t.get_gid() or "").startswith("label-")}
    lines = ax.transData.transform((options.threshold_x or 0, options.threshold_y or 0))
    off = 0
    for p in pts:
        box = texts[f"label-{p.key}"].get_window_extent(renderer).extents
        anchor = ax.transData.transform((p.x, p.y))
        for axis, given in ((0, options.threshold_x), (1, options.threshold_y)):
            line = lines[axis]
            if given is None or abs(anchor[axis] - line) <= 0.5:
                continue
            if (anchor[axis] > line and box[axis] < line) or (
                    anchor[axis] < line and box[axis + 2] > line):
                off += 1
                break
    return (len(segs), label_placement.count_crossings(segs),
            float(lengths.max(initial=0.0)), float(lengths.mean()) if len(lengths) else 0.0,
            off)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-demo", action="store_true", help="skip the seeded demo")
    parser.add_argument("--no-growth", action="store_true",
                        help="skip the placement time by number of topics")
    args = parser.parse_args()
    render_matrix(points(5, "zh"), fmt="png", dpi=50)  # warm-up: font registration, caches
    cases = []
    if not args.no_demo:
        for lang, (pts, options) in demo_points().items():
            cases.append((f"demo {len(pts)}", lang, pts, options))
    for n, lang in ((23, "zh"), (23, "en"), (40, "mixed"), (80, "mixed")):
        options = MatrixOptions(locale="en" if lang == "en" else "zh_CN",
                                threshold_x=3.5, threshold_y=3.5)
        cases.append((str(n), lang, points(n, lang), options))
    load = os.getloadavg()
    print(f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} on {os.cpu_count()} cores; "
          f"wall seconds, best of {args.repeat}, except the CPU columns: png cpu = PNG 300 dpi, "
          "best of the same runs; cold = a PNG with the kept label extents and text metrics "
          "emptied first, best of as many")
    print(f"{'topics':>8} {'lang':>5} {'place':>7} {'draw':>7} {'png300':>7} {'svg':>7} "
          f"{'pdf':>7} {'png cpu':>7} {'cold':>7} | {'leaders':>7} {'cross':>5} {'max pt':>6} "
          f"{'mean pt':>7} {'off side':>8}")
    pngs: dict[int, list[tuple[str, float, float, float]]] = {}
    for name, lang, pts, options in cases:
        place = placement_time(args.repeat, pts, options)
        draw = best_of(args.repeat, lambda p=pts, o=options: chart.draw_matrix(p, o))
        files = [best_of(args.repeat, lambda f=fmt, p=pts, o=options: render_matrix(p, o, f, 300))
                 for fmt in ("png", "svg", "pdf")]
        files.append(best_of(args.repeat, lambda p=pts, o=options: render_matrix(p, o, "png", 300),
                             clock=time.process_time))
        files.append(cold_png_cpu(args.repeat, pts, options))
        pngs.setdefault(len(pts), []).append((f"{name} {lang}", files[0], files[3], files[4]))
        count, crossings, longest, mean, off = leader_figures(pts, options)
        print(f"{name:>8} {lang:>5} {place:>6.2f}s {draw:>6.2f}s "
              + " ".join(f"{t:>6.2f}s" for t in files)
              + f" | {count:>7} {crossings:>5} {longest:>6.1f} {mean:>7.1f} {off:>8}",
              flush=True)
    for topics, target in ((23, 0.3), (80, 1.5)):
        worst = max((max(t[1:]) for t in pngs.get(topics, [])), default=np.inf)
        print(f"target: {topics} topics as a 300-dpi PNG under {target} s (wall, CPU and cold "
              "CPU, each case): " + ", ".join(f"{case} {wall:.2f}/{cpu:.2f}/{cold:.2f} s"
                                              for case, wall, cpu, cold in pngs.get(topics, []))
              + (" -- met" if worst < target else " -- NOT met"))
    numbered = MatrixOptions(locale="zh_CN", threshold_x=3.5, threshold_y=3.5, numbered=True)
    pts = points(80, "mixed")
    print(f"80 numbered: png300 {best_of(args.repeat, lambda: render_matrix(pts, numbered)):.2f}s")
    if not args.no_growth:
        growth(args.repeat)


if __name__ == "__main__":
    main()
