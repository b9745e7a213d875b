"""Time the materiality matrix: 23 and 80 topics as PNG (300 dpi), SVG and PDF.

Run: ``.venv/bin/python benchmarks/bench_matrix.py [--repeat N]``. Prints seconds per
render (best of N, after a warm-up that registers the font); the target is under 2 s for
23 topics in every format.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

try:
    from materiality.services.matrix_chart import MatrixOptions, MatrixPoint, render_matrix
except ImportError:  # run from a checkout without the package installed
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from materiality.services.matrix_chart import MatrixOptions, MatrixPoint, render_matrix

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


def points(n: int, lang: str) -> list[MatrixPoint]:
    """``n`` topics crowded in the upper right; beyond 23, names get suffixes, zh/en mixed."""
    rng = np.random.default_rng(n)
    xy = np.clip(rng.normal([4.05, 4.1], [0.45, 0.4], size=(n, 2)), 2.3, 4.98)
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


def best_of(repeat: int, fn) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    render_matrix(points(5, "zh"), fmt="png", dpi=50)  # warm-up: font registration, caches
    print(f"{'topics':>6} {'lang':>4} {'mode':>8} {'png300':>8} {'svg':>8} {'pdf':>8}")
    cases = [(23, "zh", False), (23, "en", False), (80, "mixed", False), (80, "mixed", True)]
    for n, lang, numbered in cases:
        pts = points(n, lang)
        options = MatrixOptions(
            locale="en" if lang == "en" else "zh_CN",
            threshold_x=3.5,
            threshold_y=3.5,
            numbered=numbered,
        )
        row = [
            best_of(args.repeat, lambda f=fmt, p=pts, o=options: render_matrix(p, o, f, 300))
            for fmt in ("png", "svg", "pdf")
        ]
        mode = "numbered" if numbered else "labels"
        print(f"{n:>6} {lang:>4} {mode:>8} " + " ".join(f"{t:>7.2f}s" for t in row))


if __name__ == "__main__":
    main()
