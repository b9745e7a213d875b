"""The materiality matrix chart: topics as points, importance to the company (x) against
importance to stakeholders (y), coloured by category, labelled without overlaps.

Plain matplotlib (``matplotlib.figure.Figure``, never pyplot) and no Flask: the caller
passes points and options and gets a figure (:func:`draw_matrix`) or file bytes
(:func:`render_matrix`). The same data always gives the same bytes.

Colours, sizes and the styled axes live in :mod:`.style`, the legend and the
number table in :mod:`.legend`, the topics' labels in :mod:`.point_labels` and the
files' bytes in :mod:`.files`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
from matplotlib import rc_context
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch

from materiality.services.charts.files import FORMATS, ChartCanvas, figure_bytes
from materiality.services.charts.fonts import chart_rc, font
from materiality.services.charts.labels import place_labels
from materiality.services.charts.legend import draw_legend, draw_number_table
from materiality.services.charts.point_labels import draw_labels, draw_leader
from materiality.services.charts.style import (
    DOT_PT,
    INK,
    LAYOUT_DPI,
    MARKER_PAD_PT,
    MARKER_PT,
    SCALE,
    TEXTS,
    Layout,
    category_colours,
    darker,
    ink_on,
    style_axes,
)
from materiality.services.charts.style import SIZE_PRESETS as SIZE_PRESETS


@dataclass(frozen=True)
class MatrixPoint:
    """One topic on the matrix; ``label`` and ``category_label`` already translated."""

    key: int
    label: str
    x: float
    y: float
    category: str
    category_label: str
    x_err: tuple[float, float] | None = None
    y_err: tuple[float, float] | None = None
    number: int | None = None
    label_offset: tuple[float, float] | None = None


@dataclass(frozen=True)
class MatrixOptions:
    """How to draw the matrix. ``label_iterations`` caps the re-placement attempts of the
    deterministic label optimiser after its greedy pass (no time limit is involved)."""

    locale: str = "zh_CN"
    title: str | None = None
    threshold_x: float | None = None
    threshold_y: float | None = None
    axis_min: float = 1.0
    axis_max: float = 5.0
    zoom: bool = False
    error_bars: bool = False
    numbered: bool = False
    size: str = "half_a4"
    label_iterations: int = 400
    #: Axis limits ((x0, x1), (y0, y1)) in the scale's units; when set, ``zoom`` is ignored
    #: (two years drawn on the same axes, see :func:`union_limits`).
    limits: tuple[tuple[float, float], tuple[float, float]] | None = None


@dataclass
class MatrixRender:
    """A drawn matrix: the figure and each label's centre in data coordinates.

    ``unplaced`` lists keys whose labels found no free spot even at the smallest size
    (they are drawn where they overlap least); the editor can move them by hand.
    """

    figure: Figure
    label_positions: dict[int, tuple[float, float]]
    unplaced: tuple[int, ...] = field(default=())


def render_matrix(
    points: Sequence[MatrixPoint],
    options: MatrixOptions = MatrixOptions(),  # noqa: B008 - frozen, so safe as default
    fmt: str = "png",
    dpi: int = 300,
    previous_positions: Mapping[int, tuple[float, float]] | None = None,
) -> bytes:
    """Draw the matrix and return it as PNG (at ``dpi``), SVG (text as paths) or PDF bytes.

    ``previous_positions`` adds the arrows of :func:`draw_matrix`.
    """
    if fmt.lower() not in FORMATS:
        raise ValueError(f"unsupported format {fmt!r}; use png, svg or pdf")
    return figure_bytes(draw_matrix(points, options, previous_positions).figure, fmt, dpi)


def draw_matrix(
    points: Sequence[MatrixPoint],
    options: MatrixOptions = MatrixOptions(),  # noqa: B008 - frozen, so safe as default
    previous_positions: Mapping[int, tuple[float, float]] | None = None,
) -> MatrixRender:
    """Draw the materiality matrix on a new Figure (Agg canvas attached) and return it.

    ``previous_positions`` maps topic keys to where the topic stood in an earlier
    assessment (company, stakeholders): each such point gets an arrow from there.
    """
    if options.size not in SIZE_PRESETS:
        raise ValueError(f"unknown size {options.size!r}; choose from {sorted(SIZE_PRESETS)}")
    keys = [p.key for p in points]
    if len(set(keys)) != len(keys):
        raise ValueError("topic keys must be unique")
    texts = TEXTS["zh" if options.locale.lower().startswith("zh") else "en"]
    scale = SCALE[options.size]
    with rc_context(chart_rc()):
        fig = Figure(figsize=SIZE_PRESETS[options.size], dpi=LAYOUT_DPI, facecolor="white")
        ChartCanvas(fig)
        numbers = _numbers(points) if options.numbered else {}
        layout = Layout(fig, options, scale, len(points))
        ax = fig.add_axes(layout.axes_rect)
        xlim, ylim = plot_limits(points, options)
        ax.set_xlim(*xlim)
        ax.set_ylim(*ylim)
        ax.set_autoscale_on(False)
        style_axes(ax, texts, scale, options)
        colours = category_colours(points)
        _draw_data(ax, points, options, colours, scale, numbers)
        arrows = draw_arrows(ax, points, previous_positions or {}, colours, scale, options)
        draw_legend(fig, ax, points, colours, texts, scale, layout)
        if options.title:
            fig.text(
                layout.axes_rect[0], 1 - 0.12 / fig.get_figheight(), options.title,
                ha="left", va="top", color=INK, fontproperties=font(12 * scale),
                parse_math=False,
            )
        if options.numbered:
            draw_number_table(fig, points, numbers, colours, scale, layout)
            positions, unplaced = _draw_badges(ax, points, options, colours, scale, numbers)
        else:
            positions, unplaced = draw_labels(ax, points, options, scale, avoid=arrows)
    return MatrixRender(figure=fig, label_positions=positions, unplaced=unplaced)


def _numbers(points: Sequence[MatrixPoint]) -> dict[int, int]:
    """Each point's number: its own ``number`` or its position in the input (1-based)."""
    return {p.key: p.number if p.number is not None else i for i, p in enumerate(points, 1)}


def label_area(options: MatrixOptions | None = None) -> tuple[tuple[float, float], tuple[float, float]]:
    """The plot's x and y limits on the full scale: where a label may be placed by hand."""
    return plot_limits((), replace(options or MatrixOptions(), zoom=False))


def plot_limits(points, options):
    """Axis limits: given ones, the full scale, or with ``zoom`` the data range plus a margin."""
    if options.limits is not None:
        return options.limits
    lo, hi = options.axis_min, options.axis_max
    full_pad = 0.04 * (hi - lo)
    if not options.zoom or not points:
        return (lo - full_pad, hi + full_pad), (lo - full_pad, hi + full_pad)
    lims = []
    for axis in ("x", "y"):
        vals = [getattr(p, axis) for p in points]
        for p in points:
            err = getattr(p, f"{axis}_err")
            if options.error_bars and err:
                vals.extend(err)
        thr = getattr(options, f"threshold_{axis}")
        if thr is not None:
            vals.append(thr)
        vmin, vmax = min(vals), max(vals)
        span = max(vmax - vmin, 0.5)
        margin = max(0.1 * span, 0.12)
        vmin, vmax = vmin - margin, vmax + margin
        lims.append((max(vmin, lo - full_pad), min(vmax, hi + full_pad)))
    return lims[0], lims[1]


def _draw_data(ax, points, options, colours, scale, numbers) -> None:
    """Error bars, markers and, in numbered mode, the numbers inside the markers."""
    if not points:
        return
    if options.error_bars:
        for p in points:
            if p.x_err is None and p.y_err is None:
                continue
            xerr = None if p.x_err is None else [[p.x - p.x_err[0]], [p.x_err[1] - p.x]]
            yerr = None if p.y_err is None else [[p.y - p.y_err[0]], [p.y_err[1] - p.y]]
            ax.errorbar([p.x], [p.y], xerr=xerr, yerr=yerr, fmt="none",
                        ecolor=colours[p.category], elinewidth=0.7, capsize=1.8 * scale,
                        capthick=0.7, alpha=0.55, zorder=2)
    dia = DOT_PT * scale if options.numbered else MARKER_PT * scale
    xs = np.array([p.x for p in points], float)
    ys = np.array([p.y for p in points], float)
    fill = [colours[p.category] for p in points]
    ax.scatter(xs, ys, s=dia**2, c=fill, edgecolors=[darker(c) for c in fill],
               linewidths=0.6, zorder=3, clip_on=False, gid="markers")


def union_limits(
    points: Sequence[MatrixPoint],
    previous_positions: Mapping[int, tuple[float, float]],
    options: MatrixOptions = MatrixOptions(),  # noqa: B008 - frozen, so safe as default
) -> tuple[tuple[float, float], tuple[float, float]]:
    """The zoomed axis limits around both years' points (for ``MatrixOptions.limits``).

    The earlier positions count as points of their own, so the same limits frame the
    earlier year's matrix and this one's.
    """
    earlier = [MatrixPoint(key=-1 - i, label="", x=float(x), y=float(y), category="",
                           category_label="")
               for i, (x, y) in enumerate(previous_positions.values())]
    return plot_limits([*points, *earlier], replace(options, zoom=True, limits=None))


def draw_arrows(ax, points, previous_positions, colours, scale, options) -> list:
    """An arrow from each topic's earlier position to its point, under the markers.

    The earlier position is a small hollow circle; the arrow ends at the marker's edge.
    A topic that moved less than its marker's radius gets no arrow (it would be hidden).
    Each arrow is a group ``arrow-<key>`` in the SVG. Returns the arrows as segments
    (x0, y0, x1, y1) in data coordinates, for the labels to keep clear of.
    """
    marker_pt = (DOT_PT if options.numbered else MARKER_PT) * scale
    to_px = ax.transData.transform
    px_per_pt = ax.figure.dpi / 72.0
    shown = [p for p in points if p.key in previous_positions]
    if not shown:
        return []
    before = np.array([previous_positions[p.key] for p in shown], float)
    ax.scatter(before[:, 0], before[:, 1], s=(0.55 * marker_pt) ** 2, facecolors="white",
               edgecolors=[colours[p.category] for p in shown], linewidths=0.7,
               zorder=2.6, clip_on=False, gid="previous-positions")
    segments = []
    for p, start in zip(shown, before, strict=True):
        length_pt = float(np.hypot(*(to_px([p.x, p.y]) - to_px(start)))) / px_per_pt
        if length_pt <= marker_pt / 2 + 1.0:
            continue
        segments.append((float(start[0]), float(start[1]), p.x, p.y))
        ax.add_patch(FancyArrowPatch(
            tuple(start), (p.x, p.y), arrowstyle="-|>", mutation_scale=6.5 * scale,
            shrinkA=0.55 * marker_pt / 2, shrinkB=marker_pt / 2 + 0.6,
            color=darker(colours[p.category], 0.85), linewidth=0.8, alpha=0.85,
            zorder=2.7, clip_on=False, gid=f"arrow-{p.key}"))
    return segments


def _draw_badges(ax, points, options, colours, scale, numbers):
    """Numbered mode: a numbered circle over each point, or beside it with a leader when
    another circle already covers the spot. Returns circle centres and unplaced keys."""
    if not points:
        return {}, ()
    fig = ax.figure
    px_per_pt = fig.dpi / 72.0
    to_px = ax.transData.transform
    anchors = to_px(np.array([[p.x, p.y] for p in points], float))
    dia_pt = _badge_diameter(scale, numbers)
    side = (dia_pt + 2 * MARKER_PAD_PT) * px_per_pt
    dot_r = (DOT_PT * scale / 2 + 0.3 + MARKER_PAD_PT) * px_per_pt
    bbox = ax.get_window_extent(fig.canvas.get_renderer())
    bounds = (bbox.x0 + 2, bbox.y0 + 2, bbox.x1 - 2, bbox.y1 - 2)
    result = place_labels(
        anchors, np.full((len(points), 2), side), np.full(len(points), dot_r), bounds,
        gap=0.5 * px_per_pt,  # a badge may sit on a threshold line: it marks its point
        refine_budget=options.label_iterations, on_anchor=True,
    )
    centers = ax.transData.inverted().transform(result.centers)
    fill = [colours[p.category] for p in points]
    ax.scatter(centers[:, 0], centers[:, 1], s=dia_pt**2, c=fill,
               edgecolors=[darker(c) for c in fill], linewidths=0.6, zorder=3.5,
               clip_on=False, gid="badges")
    num_font = font(6.5 * scale)
    positions = {}
    for i, p in enumerate(points):
        cx, cy = float(centers[i, 0]), float(centers[i, 1])
        ax.text(cx, cy, str(numbers[p.key]), ha="center", va="center",
                color=ink_on(colours[p.category]), fontproperties=num_font,
                parse_math=False, zorder=4, gid=f"number-{p.key}")
        positions[p.key] = (cx, cy)
        if result.leader[i]:
            half = np.full(2, dia_pt / 2 * px_per_pt * 0.72)  # box inside the circle
            draw_leader(ax, anchors[i], dot_r - MARKER_PAD_PT * px_per_pt,
                         result.centers[i], half)
    return positions, tuple(p.key for i, p in enumerate(points) if not result.ok[i])


def _badge_diameter(scale: float, numbers: dict[int, int]) -> float:
    digits = max((len(str(n)) for n in numbers.values()), default=1)
    return 6.5 * (1.05 + 0.45 * max(digits, 2)) * scale
