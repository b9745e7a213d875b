"""The materiality matrix chart: topics as points, importance to the company (x) against
importance to stakeholders (y), coloured by category, labelled without overlaps.

Plain matplotlib (``matplotlib.figure.Figure``, never pyplot) and no Flask: the caller
passes points and options and gets a figure (:func:`draw_matrix`) or file bytes
(:func:`render_matrix`). The same data always gives the same bytes.
"""

from __future__ import annotations

import io
import math
import textwrap
import unicodedata
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from matplotlib import colors as mcolors
from matplotlib import rc_context
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.text import Text

from materiality.services.chart_fonts import chart_rc, font
from materiality.services.label_placement import place_labels

#: Figure sizes in inches: half an A4 page (210 x 148 mm), the printable area of an A4
#: portrait page (180 x 267 mm, 15 mm margins), a 16:9 slide.
SIZE_PRESETS: dict[str, tuple[float, float]] = {
    "half_a4": (210 / 25.4, 148 / 25.4),
    "full_a4": (180 / 25.4, 267 / 25.4),
    "slide_16_9": (40 / 3, 7.5),
}
#: Text scale per preset: print sizes are 9 pt labels; slides are read from further away.
_SCALE = {"half_a4": 1.0, "full_a4": 1.0, "slide_16_9": 1.35}
#: Where the number table goes in numbered mode.
_TABLE_SIDE = {"half_a4": "right", "full_a4": "below", "slide_16_9": "right"}

_TEXTS = {
    "zh": {
        "x": "对企业发展的重要性",
        "y": "对利益相关方的重要性",
        "ends": ("低", "高"),
        "legend": "议题类别",
    },
    "en": {
        "x": "Importance to the company's development",
        "y": "Importance to stakeholders",
        "ends": ("Low", "High"),
        "legend": "Topic category",
    },
}

#: Okabe–Ito colours (colour-blind safe). The four usual ESG-style categories keep fixed
#: colours; other category keys get one of the rest, chosen from a hash of the key.
_CATEGORY_COLOURS = {
    "economic": "#0072B2",
    "environmental": "#009E73",
    "social": "#E69F00",
    "governance": "#CC79A7",
}
_EXTRA_COLOURS = ["#56B4E9", "#D55E00", "#000000", "#F0E442", "#7F7F7F"]

_INK = "#222222"
_MUTED = "#555555"
_AXIS = "#444444"
_THRESHOLD = "#8C8C8C"
_SHADE = "#EEF3F8"
_LEADER = "#9A9A9A"

_LABEL_PT = 9.0  # labels, before the preset's scale
_MARKER_PT = 7.0  # marker diameter in label mode
_DOT_PT = 3.0  # the exact point under a numbered circle
_LABEL_PAD_PT = 1.5  # free space kept around every label box
_MARKER_PAD_PT = 1.0  # and around every marker
_LAYOUT_DPI = 100  # figure dpi used for placement; savefig rescales consistently


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


@dataclass
class MatrixRender:
    """A drawn matrix: the figure and each label's centre in data coordinates.

    ``unplaced`` lists keys whose labels found no free spot even at the smallest size
    (they are drawn where they overlap least); the editor can move them by hand.
    """

    figure: Figure
    label_positions: dict[int, tuple[float, float]]
    unplaced: tuple[int, ...] = field(default=())


_METADATA = {
    "png": {"Software": None},
    "svg": {"Date": None, "Creator": None},
    "pdf": {"CreationDate": None, "ModDate": None, "Creator": None, "Producer": None},
}


def render_matrix(
    points: Sequence[MatrixPoint],
    options: MatrixOptions = MatrixOptions(),  # noqa: B008 - frozen, so safe as default
    fmt: str = "png",
    dpi: int = 300,
) -> bytes:
    """Draw the matrix and return it as PNG (at ``dpi``), SVG (text as paths) or PDF bytes."""
    fmt = fmt.lower()
    if fmt not in _METADATA:
        raise ValueError(f"unsupported format {fmt!r}; use png, svg or pdf")
    fig = draw_matrix(points, options).figure
    buf = io.BytesIO()
    with rc_context(chart_rc()):
        fig.savefig(
            buf,
            format=fmt,
            dpi=dpi if fmt == "png" else 72,
            metadata=_METADATA[fmt],
            facecolor="white",
        )
    return buf.getvalue()


def draw_matrix(
    points: Sequence[MatrixPoint],
    options: MatrixOptions = MatrixOptions(),  # noqa: B008 - frozen, so safe as default
) -> MatrixRender:
    """Draw the materiality matrix on a new Figure (Agg canvas attached) and return it."""
    if options.size not in SIZE_PRESETS:
        raise ValueError(f"unknown size {options.size!r}; choose from {sorted(SIZE_PRESETS)}")
    keys = [p.key for p in points]
    if len(set(keys)) != len(keys):
        raise ValueError("topic keys must be unique")
    texts = _TEXTS["zh" if options.locale.lower().startswith("zh") else "en"]
    scale = _SCALE[options.size]
    with rc_context(chart_rc()):
        fig = Figure(figsize=SIZE_PRESETS[options.size], dpi=_LAYOUT_DPI, facecolor="white")
        FigureCanvasAgg(fig)
        numbers = _numbers(points) if options.numbered else {}
        layout = _Layout(fig, options, scale, len(points))
        ax = fig.add_axes(layout.axes_rect)
        xlim, ylim = _limits(points, options)
        ax.set_xlim(*xlim)
        ax.set_ylim(*ylim)
        ax.set_autoscale_on(False)
        _style_axes(ax, texts, scale, options)
        colours = _category_colours(points)
        _draw_data(ax, points, options, colours, scale, numbers)
        _draw_legend(fig, ax, points, colours, texts, scale, layout)
        if options.title:
            fig.text(
                layout.axes_rect[0], 1 - 0.12 / fig.get_figheight(), options.title,
                ha="left", va="top", color=_INK, fontproperties=font(12 * scale),
                parse_math=False,
            )
        if options.numbered:
            _draw_number_table(fig, points, numbers, colours, scale, layout)
            positions, unplaced = _draw_badges(ax, points, options, colours, scale, numbers)
        else:
            positions, unplaced = _draw_labels(ax, points, options, scale)
    return MatrixRender(figure=fig, label_positions=positions, unplaced=unplaced)


class _Layout:
    """Margins in inches turned into figure fractions for the axes, legend and table."""

    def __init__(self, fig: Figure, options: MatrixOptions, scale: float, n: int):
        width, height = fig.get_size_inches()
        top = 0.2 * scale + (0.42 * scale if options.title else 0.0)
        left = 0.5 * scale
        right = 0.25 * scale
        legend_h = 0.5 * scale
        self.legend_top = legend_h  # the legend hangs below this line (inches from bottom)
        bottom = legend_h + 0.36 * scale  # plus the x axis row: ends and title
        self.table_rect = None
        if options.numbered and n:
            if _TABLE_SIDE[options.size] == "right":
                table_w = 0.36 * width
                self.table_rect = (
                    (width - table_w) / width, bottom / height,
                    (table_w - right) / width, (height - top - bottom) / height,
                )
                right = table_w + 0.15 * scale
            else:
                table_h = 0.3 * height
                self.table_rect = (
                    left / width, 0.15 * scale / height,
                    (width - left - right) / width, (table_h - 0.15 * scale) / height,
                )
                bottom += table_h
                self.legend_top += table_h
        self.axes_rect = (
            left / width, bottom / height,
            (width - left - right) / width, (height - top - bottom) / height,
        )
        self.legend_y = self.legend_top / height - 0.04 * scale / height


def _is_wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


def _wrap(label: str, width: int = 24) -> str:
    """Break long labels into at most a few lines: by words, or by characters for CJK."""
    if "\n" in label:
        return label
    units = sum(2 if _is_wide(c) else 1 for c in label)
    if units <= width:
        return label
    if " " in label.strip():
        lines = textwrap.wrap(label, width=max(width - 2, units // 2 + 3))
        return "\n".join(lines)
    half = math.ceil(len(label) / 2)
    return label[:half] + "\n" + label[half:]


def _numbers(points: Sequence[MatrixPoint]) -> dict[int, int]:
    """Each point's number: its own ``number`` or its position in the input (1-based)."""
    return {p.key: p.number if p.number is not None else i for i, p in enumerate(points, 1)}


def _limits(points, options):
    """Axis limits: the full scale, or with ``zoom`` the data range plus a margin."""
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


def _category_colours(points) -> dict[str, str]:
    """Stable colour per category key; custom keys hash into the remaining palette."""
    colours: dict[str, str] = {}
    for p in points:
        if p.category in colours:
            continue
        if p.category in _CATEGORY_COLOURS:
            colours[p.category] = _CATEGORY_COLOURS[p.category]
            continue
        start = zlib.crc32(p.category.encode("utf-8")) % len(_EXTRA_COLOURS)
        used = set(colours.values()) | {
            _CATEGORY_COLOURS[q.category] for q in points if q.category in _CATEGORY_COLOURS
        }
        for k in range(len(_EXTRA_COLOURS)):
            cand = _EXTRA_COLOURS[(start + k) % len(_EXTRA_COLOURS)]
            if cand not in used:
                break
        else:
            cand = _EXTRA_COLOURS[start]
        colours[p.category] = cand
    return colours


def _darker(colour: str, factor: float = 0.7) -> tuple[float, float, float]:
    r, g, b = mcolors.to_rgb(colour)
    return (r * factor, g * factor, b * factor)


def _ink_on(colour: str) -> str:
    """Black or white text, whichever reads better on ``colour``."""
    r, g, b = mcolors.to_rgb(colour)
    return "#111111" if 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.5 else "white"


def _style_axes(ax: Axes, texts, scale: float, options: MatrixOptions) -> None:
    """Two arrowed axes, no ticks, titles and low/high marks as in the model report."""
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color(_AXIS)
        ax.spines[side].set_linewidth(0.8)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.patch.set_facecolor("white")
    arrow = {"color": _AXIS, "markersize": 4.5 * scale, "clip_on": False, "zorder": 5}
    ax.plot([1], [0], ">", transform=ax.transAxes, **arrow)
    ax.plot([0], [1], "^", transform=ax.transAxes, **arrow)
    low, high = texts["ends"]
    end_font = font(8.5 * scale)
    title_font = font(9.5 * scale)
    kw = {"xycoords": "axes fraction", "textcoords": "offset points", "parse_math": False,
          "annotation_clip": False}
    ax.annotate(low, (0, 0), (0, -4 * scale), ha="left", va="top", color=_MUTED,
                fontproperties=end_font, **kw)
    ax.annotate(high, (1, 0), (0, -4 * scale), ha="right", va="top", color=_MUTED,
                fontproperties=end_font, **kw)
    ax.annotate(texts["x"], (0.5, 0), (0, -4 * scale), ha="center", va="top", color=_INK,
                fontproperties=title_font, **kw)
    ax.annotate(low, (0, 0), (-5 * scale, 0), ha="right", va="bottom", color=_MUTED,
                fontproperties=end_font, **kw)
    ax.annotate(high, (0, 1), (-5 * scale, 0), ha="right", va="top", color=_MUTED,
                fontproperties=end_font, **kw)
    ax.annotate(texts["y"], (0, 0.5), (-5 * scale, 0), ha="right", va="center", rotation=90,
                color=_INK, fontproperties=title_font, **kw)
    tx, ty = options.threshold_x, options.threshold_y
    if tx is not None or ty is not None:
        x1, y1 = ax.get_xlim()[1], ax.get_ylim()[1]
        x0 = tx if tx is not None else ax.get_xlim()[0]
        y0 = ty if ty is not None else ax.get_ylim()[0]
        ax.add_patch(Rectangle((x0, y0), x1 - x0, y1 - y0, facecolor=_SHADE,
                               edgecolor="none", zorder=0))
    line = {"color": _THRESHOLD, "linewidth": 0.8, "linestyle": (0, (4, 3)), "zorder": 1}
    if tx is not None:
        ax.axvline(tx, **line)
    if ty is not None:
        ax.axhline(ty, **line)


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
    dia = _DOT_PT * scale if options.numbered else _MARKER_PT * scale
    xs = np.array([p.x for p in points], float)
    ys = np.array([p.y for p in points], float)
    fill = [colours[p.category] for p in points]
    ax.scatter(xs, ys, s=dia**2, c=fill, edgecolors=[_darker(c) for c in fill],
               linewidths=0.6, zorder=3, clip_on=False, gid="markers")


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
    side = (dia_pt + 2 * _MARKER_PAD_PT) * px_per_pt
    dot_r = (_DOT_PT * scale / 2 + 0.3 + _MARKER_PAD_PT) * px_per_pt
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
               edgecolors=[_darker(c) for c in fill], linewidths=0.6, zorder=3.5,
               clip_on=False, gid="badges")
    num_font = font(6.5 * scale)
    positions = {}
    for i, p in enumerate(points):
        cx, cy = float(centers[i, 0]), float(centers[i, 1])
        ax.text(cx, cy, str(numbers[p.key]), ha="center", va="center",
                color=_ink_on(colours[p.category]), fontproperties=num_font,
                parse_math=False, zorder=4, gid=f"number-{p.key}")
        positions[p.key] = (cx, cy)
        if result.leader[i]:
            half = np.full(2, dia_pt / 2 * px_per_pt * 0.72)  # box inside the circle
            _draw_leader(ax, anchors[i], dot_r - _MARKER_PAD_PT * px_per_pt,
                         result.centers[i], half)
    return positions, tuple(p.key for i, p in enumerate(points) if not result.ok[i])


def _badge_diameter(scale: float, numbers: dict[int, int]) -> float:
    digits = max((len(str(n)) for n in numbers.values()), default=1)
    return 6.5 * (1.05 + 0.45 * max(digits, 2)) * scale


def _legend_order(points) -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for p in points:
        seen.setdefault(p.category, p.category_label)
    known = [k for k in _CATEGORY_COLOURS if k in seen]
    return [(k, seen[k]) for k in known] + [(k, v) for k, v in seen.items() if k not in known]


def _draw_legend(fig, ax, points, colours, texts, scale, layout) -> None:
    """Category legend centred under the plot, one row when it fits."""
    cats = _legend_order(points)
    if not cats:
        return
    handles = [
        Line2D([], [], linestyle="", marker="o", markersize=_MARKER_PT * scale,
               markerfacecolor=colours[k], markeredgecolor=_darker(colours[k]),
               markeredgewidth=0.6)
        for k, _ in cats
    ]
    x0, _, w, _ = layout.axes_rect
    ncol = len(cats) if len(cats) <= 6 else math.ceil(len(cats) / 2)
    legend = fig.legend(
        handles, [label for _, label in cats], loc="upper center",
        bbox_to_anchor=(x0 + w / 2, layout.legend_y), ncol=ncol, frameon=False,
        prop=font(8.5 * scale), title=texts["legend"], title_fontproperties=font(8.5 * scale),
        handletextpad=0.3, columnspacing=1.6, borderpad=0.2, labelcolor=_INK,
    )
    legend.get_title().set_color(_MUTED)
    for t in [*legend.get_texts(), legend.get_title()]:
        t.set_parse_math(False)


def _draw_labels(ax, points, options, scale):
    """Place and draw the labels; return their centres (data coords) and unplaced keys."""
    if not points:
        return {}, ()
    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    px_per_pt = fig.dpi / 72.0
    to_px = ax.transData.transform
    anchors = to_px(np.array([[p.x, p.y] for p in points], float))
    scat = next(c for c in ax.collections if c.get_gid() == "markers")
    diam_pt = np.sqrt(scat.get_sizes()[0])
    radius = (diam_pt / 2 + 0.3 + _MARKER_PAD_PT) * px_per_pt
    radii = np.full(len(points), radius)
    bbox = ax.get_window_extent(renderer)
    inset = 2.0
    bounds = (bbox.x0 + inset, bbox.y0 + inset, bbox.x1 - inset, bbox.y1 - inset)
    soft = _soft_segments(ax, points, options)
    labels: list[Text] = [
        ax.text(p.x, p.y, _wrap(p.label), ha="center", va="center", color=_INK,
                fontproperties=font(_LABEL_PT * scale), parse_math=False, zorder=4,
                gid=f"label-{p.key}", clip_on=False, linespacing=1.15)
        for p in points
    ]
    fixed_data = {i: p.label_offset for i, p in enumerate(points) if p.label_offset is not None}
    fixed = {i: tuple(to_px(np.array([xy], float))[0]) for i, xy in fixed_data.items()}
    pad = _LABEL_PAD_PT * px_per_pt
    result = None
    for size in _LABEL_PT * scale - np.array([0.0, 0.5, 1.0, 1.5, 2.0]):
        for t in labels:
            t.set_fontsize(size)
        sizes = np.array([[e.width + 2 * pad, e.height + 2 * pad]
                          for e in (t.get_window_extent(renderer) for t in labels)])
        result = place_labels(anchors, sizes, radii, bounds, fixed=fixed, soft_segments=soft,
                              gap=1.0 * px_per_pt, refine_budget=options.label_iterations)
        if result.ok.all():
            break
    to_data = ax.transData.inverted().transform
    centers = to_data(result.centers)
    positions: dict[int, tuple[float, float]] = {}
    for i, (p, t) in enumerate(zip(points, labels, strict=True)):
        if i in fixed_data:
            cx, cy = fixed_data[i]
        else:
            cx, cy = float(centers[i, 0]), float(centers[i, 1])
        t.set_position((cx, cy))
        dx = result.centers[i, 0] - anchors[i, 0]
        if "\n" in t.get_text():
            t.set_multialignment("left" if dx > 1 else "right" if dx < -1 else "center")
        positions[p.key] = (cx, cy)
        if result.leader[i]:
            _draw_leader(ax, anchors[i], radius - _MARKER_PAD_PT * px_per_pt,
                         result.centers[i], sizes[i] / 2 - pad)
    unplaced = tuple(p.key for i, p in enumerate(points) if not result.ok[i])
    return positions, unplaced


def _draw_leader(ax, anchor, radius, center, half) -> None:
    """A thin line from the marker edge to the nearest point of the label box."""
    lo, hi = center - half, center + half
    target = np.clip(anchor, lo, hi)
    vec = target - anchor
    length = float(np.hypot(*vec))
    if length <= radius + 1:
        return
    start = anchor + vec * (radius / length)
    end = target - vec * (1.0 / length)
    (sx, sy), (ex, ey) = ax.transData.inverted().transform(np.array([start, end]))
    ax.add_line(Line2D([sx, ex], [sy, ey], color=_LEADER, linewidth=0.5, zorder=2.5,
                       solid_capstyle="round", gid="leader"))


def _soft_segments(ax, points, options) -> np.ndarray:
    """Threshold lines and error bars in pixels: labels should rather not lie on them."""
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    segs = []
    if options.threshold_x is not None:
        segs.append([options.threshold_x, y0, options.threshold_x, y1])
    if options.threshold_y is not None:
        segs.append([x0, options.threshold_y, x1, options.threshold_y])
    if options.error_bars:
        for p in points:
            if p.x_err:
                segs.append([p.x_err[0], p.y, p.x_err[1], p.y])
            if p.y_err:
                segs.append([p.x, p.y_err[0], p.x, p.y_err[1]])
    if not segs:
        return np.zeros((0, 4))
    arr = np.array(segs, float)
    to_px = ax.transData.transform
    return np.concatenate([to_px(arr[:, :2]), to_px(arr[:, 2:])], axis=1)


def _draw_number_table(fig, points, numbers, colours, scale, layout) -> None:
    """The key for numbered mode: "number label" entries in balanced columns."""
    if layout.table_rect is None:
        return
    ax = fig.add_axes(layout.table_rect)
    ax.set_axis_off()
    ax.set_xlim(0, 1)
    ax.set_ylim(1, 0)
    renderer = fig.canvas.get_renderer()
    box = ax.get_window_extent(renderer)
    px_per_pt = fig.dpi / 72.0
    entries = sorted(points, key=lambda p: (numbers[p.key], p.key))
    n = len(entries)
    for size in (8.5, 8.0, 7.5, 7.0, 6.5, 6.0):
        size *= scale
        row_px = size * 1.6 * px_per_pt
        rows = max(1, int(box.height // row_px))
        ncols = math.ceil(n / rows)
        col_px = box.width / ncols
        dia_pt = size * 1.55
        text_x_px = (dia_pt + 3) * px_per_pt
        avail = col_px - text_x_px - 6 * px_per_pt
        probe = Text(0, 0, "", fontproperties=font(size), parse_math=False, figure=fig)
        widest = 0.0
        for p in entries:
            probe.set_text(p.label)
            widest = max(widest, probe.get_window_extent(renderer).width)
        if widest <= avail or size <= 6.0 * scale:
            break
    rows = math.ceil(n / ncols)
    for idx, p in enumerate(entries):
        col, row = divmod(idx, rows)
        x_px = col * col_px
        y_px = (row + 0.5) * row_px
        cx = (x_px + dia_pt / 2 * px_per_pt) / box.width
        ty = y_px / box.height
        colour = colours[p.category]
        ax.scatter([cx], [ty], s=dia_pt**2, c=[colour], edgecolors=[_darker(colour)],
                   linewidths=0.5, clip_on=False, zorder=3)
        ax.text(cx, ty, str(numbers[p.key]), ha="center", va="center", color=_ink_on(colour),
                fontproperties=font(size * 0.78), parse_math=False, zorder=4)
        label = ax.text((x_px + text_x_px) / box.width, ty, p.label, ha="left", va="center",
                        color=_INK, fontproperties=font(size), parse_math=False,
                        gid=f"entry-{p.key}")
        _truncate(label, avail, renderer)


def _truncate(text: Text, width_px: float, renderer) -> None:
    """Shorten ``text`` with an ellipsis until it fits ``width_px``."""
    full = text.get_text()
    if text.get_window_extent(renderer).width <= width_px:
        return
    lo, hi = 0, len(full)
    while lo < hi:  # longest prefix that fits, found by bisection
        mid = (lo + hi + 1) // 2
        text.set_text(full[:mid].rstrip() + "…")
        if text.get_window_extent(renderer).width <= width_px:
            lo = mid
        else:
            hi = mid - 1
    text.set_text(full[:lo].rstrip() + "…")
