"""The double-materiality matrix: topics as points, financial materiality (x) against
impact materiality (y), coloured by category, shaped by what makes them material.

A topic is material when it reaches either threshold (services.scoring.double), so the
material area is the L-shaped band right of the financial threshold or above the
impact one; both quadrants are shaded, the "both" corner darker. Each marker says why
its topic is material: a filled circle for both, a triangle pointing up for impact
alone, a square for financial alone, a hollow circle for neither. All shapes lie inside
the classic marker's circle, so the classic label placer (:mod:`.labels`, through
:func:`.point_labels.draw_labels`) keeps labels off them and off each other and leaders
uncrossed, exactly as on the classic matrix.

The figure sizes, fonts, category colours, axes and file formats are the classic
matrix's (:mod:`.matrix`, :mod:`.style`); plain matplotlib, no Flask, same bytes for the
same data.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
from matplotlib import rc_context
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.path import Path
from matplotlib.transforms import Affine2D

from materiality.services.charts.files import ChartCanvas, figure_bytes
from materiality.services.charts.fonts import chart_rc, font
from materiality.services.charts.legend import _legend_order
from materiality.services.charts.matrix import (
    MatrixOptions,
    MatrixPoint,
    MatrixRender,
    plot_limits,
)
from materiality.services.charts.point_labels import draw_labels
from materiality.services.charts.style import (
    INK,
    LAYOUT_DPI,
    MARKER_PT,
    MUTED,
    SCALE,
    SIZE_PRESETS,
    Layout,
    category_colours,
    darker,
    style_axes,
)
from materiality.services.charts.style import TEXTS as CLASSIC_TEXTS

__all__ = ["MATERIALITY_KEYS", "TEXTS", "DoubleMatrixPoint", "draw_double_matrix",
           "double_matrix_options", "render_double_matrix"]

#: Why a topic is material, as services.scoring.double says it; None: not material.
MATERIALITY_KEYS = ("both", "impact", "financial", None)

#: The classic matrix's texts (axis ends, the category legend's title), the axes renamed
#: and the materiality key added.
TEXTS = {
    "zh": {**CLASSIC_TEXTS["zh"], "x": "财务实质性", "y": "影响实质性", "marker_legend": "实质性",
           "both": "双重实质性", "impact": "影响实质性", "financial": "财务实质性",
           None: "非实质性"},
    "en": {**CLASSIC_TEXTS["en"], "x": "Financial materiality", "y": "Impact materiality",
           "marker_legend": "Material by", "both": "Both", "impact": "Impact",
           "financial": "Financial", None: "Not material"},
}

#: The material band (either threshold reached) and its "both" corner.
_BAND = "#F3F6FA"
_CORNER = "#E3EBF4"


@dataclass(frozen=True)
class DoubleMatrixPoint(MatrixPoint):
    """One topic: ``x`` its financial and ``y`` its impact materiality, ``materiality``
    "both", "impact", "financial" or None (not material)."""

    materiality: str | None = None


def _shape(kind: str | None) -> Path:
    """A marker outline in units of the marker's diameter, inside the circle of radius 0.6."""
    if kind == "impact":  # a triangle pointing up, the impact axis's direction
        return Path.unit_regular_polygon(3).transformed(Affine2D().scale(0.6))
    if kind == "financial":
        return Path.unit_rectangle().transformed(
            Affine2D().translate(-0.5, -0.5).scale(0.84))
    return Path.unit_circle().transformed(Affine2D().scale(0.5))


def double_matrix_options(
    *, locale: str = "zh_CN", threshold_impact: float | None = None,
    threshold_financial: float | None = None, size: str = "half_a4", zoom: bool = False,
    title: str | None = None, scores: Sequence[float] = (),
) -> MatrixOptions:
    """The chart options for a double-materiality matrix. A NaN or missing threshold
    (top-N mode) draws no line. Scores below 1 (the product combination reaches 0.2)
    take the axes down to 0."""

    def line(value: float | None) -> float | None:
        return None if value is None or not math.isfinite(value) else float(value)

    low = min((s for s in scores if math.isfinite(s)), default=1.0)
    return MatrixOptions(locale=locale, title=title, threshold_x=line(threshold_financial),
                         threshold_y=line(threshold_impact), size=size, zoom=zoom,
                         axis_min=0.0 if low < 1.0 else 1.0)


def draw_double_matrix(
    points: Sequence[DoubleMatrixPoint],
    options: MatrixOptions = MatrixOptions(),  # noqa: B008 - frozen, so safe as default
) -> MatrixRender:
    """Draw the double-materiality matrix on a new Figure (Agg canvas attached).

    ``options.threshold_x`` is the financial threshold, ``threshold_y`` the impact one;
    error bars and numbered markers are the classic matrix's and are not drawn here.
    """
    if options.size not in SIZE_PRESETS:
        raise ValueError(f"unknown size {options.size!r}; choose from {sorted(SIZE_PRESETS)}")
    keys = [p.key for p in points]
    if len(set(keys)) != len(keys):
        raise ValueError("topic keys must be unique")
    unknown = {p.materiality for p in points} - set(MATERIALITY_KEYS)
    if unknown:
        raise ValueError(f"unknown materiality {sorted(map(str, unknown))}")
    options = replace(options, error_bars=False, numbered=False)
    texts = TEXTS["zh" if options.locale.lower().startswith("zh") else "en"]
    scale = SCALE[options.size]
    with rc_context(chart_rc()):
        fig = Figure(figsize=SIZE_PRESETS[options.size], dpi=LAYOUT_DPI, facecolor="white")
        ChartCanvas(fig)
        layout = Layout(fig, options, scale, len(points))
        colours = category_colours(points)
        raised = _draw_legends(fig, points, colours, texts, scale, layout)
        left, bottom, width, height = layout.axes_rect
        ax = fig.add_axes((left, bottom + raised, width, height - raised))
        xlim, ylim = plot_limits(points, options)
        ax.set_xlim(*xlim)
        ax.set_ylim(*ylim)
        ax.set_autoscale_on(False)
        _shade_band(ax, options)
        style_axes(ax, texts, scale, replace(options, threshold_x=None, threshold_y=None))
        _threshold_lines(ax, options)
        _draw_markers(ax, points, colours, scale)
        if options.title:
            fig.text(layout.axes_rect[0], 1 - 0.12 / fig.get_figheight(), options.title,
                     ha="left", va="top", color=INK, fontproperties=font(12 * scale),
                     parse_math=False)
        positions, unplaced = draw_labels(ax, points, options, scale)
    return MatrixRender(figure=fig, label_positions=positions, unplaced=unplaced)


def render_double_matrix(
    points: Sequence[DoubleMatrixPoint],
    options: MatrixOptions = MatrixOptions(),  # noqa: B008 - frozen, so safe as default
    fmt: str = "png",
    dpi: int = 300,
) -> bytes:
    """The double-materiality matrix as PNG (at ``dpi``), SVG or PDF bytes."""
    if fmt.lower() not in ("png", "svg", "pdf"):
        raise ValueError(f"unsupported format {fmt!r}; use png, svg or pdf")
    return figure_bytes(draw_double_matrix(points, options).figure, fmt, dpi)


def _shade_band(ax, options: MatrixOptions) -> None:
    """The material band: right of the financial threshold or above the impact one."""
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    tx, ty = options.threshold_x, options.threshold_y
    if tx is not None:
        ax.add_patch(Rectangle((tx, y0), x1 - tx, y1 - y0, facecolor=_BAND, edgecolor="none",
                               zorder=0, gid="band-financial"))
    if ty is not None:
        ax.add_patch(Rectangle((x0, ty), x1 - x0, y1 - ty, facecolor=_BAND, edgecolor="none",
                               zorder=0, gid="band-impact"))
    if tx is not None and ty is not None:
        ax.add_patch(Rectangle((tx, ty), x1 - tx, y1 - ty, facecolor=_CORNER,
                               edgecolor="none", zorder=0.1, gid="band-both"))


def _threshold_lines(ax, options: MatrixOptions) -> None:
    # The classic matrix's dashed threshold lines (style.style_axes draws them alike).
    line = {"color": "#8C8C8C", "linewidth": 0.8, "linestyle": (0, (4, 3)), "zorder": 1}
    if options.threshold_x is not None:
        ax.axvline(options.threshold_x, gid="threshold-financial", **line)
    if options.threshold_y is not None:
        ax.axhline(options.threshold_y, gid="threshold-impact", **line)


def _draw_markers(ax, points, colours, scale) -> None:
    """One collection ("markers", as the label placer expects): each point its shape,
    filled in its category's colour, hollow when the topic is not material."""
    if not points:
        return
    dia = MARKER_PT * scale
    xs = np.array([p.x for p in points], float)
    ys = np.array([p.y for p in points], float)
    edges = [darker(colours[p.category]) for p in points]
    faces = [colours[p.category] if p.materiality else "white" for p in points]
    markers = ax.scatter(xs, ys, s=dia**2, c=faces, edgecolors=edges,
                         linewidths=[0.6 if p.materiality else 1.1 for p in points],
                         zorder=3, clip_on=False, gid="markers")
    markers.set_paths([_shape(p.materiality) for p in points])


def _draw_legends(fig, points, colours, texts, scale, layout) -> float:
    """The category legend and the materiality key side by side under the plot; in two
    rows each when one row does not fit beside the other, the plot then raised to make
    room. Returns how far the plot is raised (figure fraction)."""
    cats = _legend_order(points)
    dia = MARKER_PT * scale
    cat_handles = [Line2D([], [], linestyle="", marker="o", markersize=dia,
                          markerfacecolor=colours[k], markeredgecolor=darker(colours[k]),
                          markeredgewidth=0.6) for k, _ in cats]
    kinds = [k for k in MATERIALITY_KEYS]
    key_handles = [Line2D([], [], linestyle="", marker=_shape(k), markersize=dia,
                          markerfacecolor=MUTED if k else "white", markeredgecolor=INK,
                          markeredgewidth=0.6 if k else 1.0) for k in kinds]
    x0, _, w, _ = layout.axes_rect
    common = {"frameon": False, "prop": font(8.5 * scale),
              "title_fontproperties": font(8.5 * scale), "handletextpad": 0.3,
              "columnspacing": 1.2, "borderpad": 0.2, "labelcolor": INK}
    renderer = fig.canvas.get_renderer()
    raised = 0.0
    for rows in (1, 2):
        legends = []
        top = layout.legend_y + raised
        if cats:
            legends.append(fig.legend(
                cat_handles, [label for _, label in cats], loc="upper left",
                bbox_to_anchor=(x0, top), ncol=math.ceil(len(cats) / rows),
                title=texts["legend"], **common))
        legends.append(fig.legend(
            key_handles, [texts[k] for k in kinds], loc="upper right",
            bbox_to_anchor=(x0 + w, top), ncol=math.ceil(len(kinds) / rows),
            title=texts["marker_legend"], **common))
        for legend in legends:
            legend.get_title().set_color(MUTED)
            for t in [*legend.get_texts(), legend.get_title()]:
                t.set_parse_math(False)
        boxes = [legend.get_window_extent(renderer) for legend in legends]
        if rows == 1 and len(boxes) == 2 and boxes[0].x1 + 6 >= boxes[1].x0:
            for legend in legends:
                legend.remove()
            # Two rows need a row's more height than one: measured on the one-row key.
            raised = (boxes[1].height - boxes[1].height / 2) / fig.bbox.height + 0.02
            continue
        return raised
    return raised
