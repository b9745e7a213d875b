"""The materiality matrix chart: topics as points, importance to the company (x) against
importance to stakeholders (y), coloured by category, labelled without overlaps.

Plain matplotlib (``matplotlib.figure.Figure``, never pyplot) and no Flask: the caller
passes points and options and gets a figure (:func:`draw_matrix`) or file bytes
(:func:`render_matrix`). The same data always gives the same bytes.

Colours, sizes and the styled axes live in :mod:`.style`, the legend and the
number table in :mod:`.legend`.
"""

from __future__ import annotations

import io
import math
import struct
import textwrap
import unicodedata
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
from matplotlib import rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch
from matplotlib.text import Text

from materiality.services.charts.fonts import ChartRenderer, chart_rc, font, text_extent
from materiality.services.charts.labels import place_labels
from materiality.services.charts.legend import draw_legend, draw_number_table
from materiality.services.charts.style import (
    DOT_PT,
    INK,
    LABEL_PAD_PT,
    LABEL_PT,
    LAYOUT_DPI,
    LEADER,
    MARKER_PAD_PT,
    MARKER_PT,
    MAX_LEADER_PT,
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
    previous_positions: Mapping[int, tuple[float, float]] | None = None,
) -> bytes:
    """Draw the matrix and return it as PNG (at ``dpi``), SVG (text as paths) or PDF bytes.

    ``previous_positions`` adds the arrows of :func:`draw_matrix`.
    """
    if fmt.lower() not in _METADATA:
        raise ValueError(f"unsupported format {fmt!r}; use png, svg or pdf")
    return figure_bytes(draw_matrix(points, options, previous_positions).figure, fmt, dpi)


class ChartCanvas(FigureCanvasAgg):
    """Matplotlib's Agg canvas, drawing with a :class:`ChartRenderer` and writing its own
    PNG (see :func:`png_bytes`)."""

    def get_renderer(self) -> ChartRenderer:
        """A renderer of the figure's size and dpi (a new one when they change), as
        FigureCanvasAgg's, but one that keeps its text metrics."""
        width, height = self.get_width_height(physical=True)
        key = width, height, self.figure.dpi
        if self._lastKey != key:
            self.renderer = ChartRenderer(width, height, self.figure.dpi)
            self._lastKey = key
        return self.renderer

    def print_png(self, filename_or_obj, *, metadata=None,  # noqa: ANN001
                  **_ignored) -> None:  # noqa: ANN003 - savefig's facecolor etc., already applied
        """Draw the figure and write it as an RGB PNG."""
        self.draw()
        data = png_bytes(np.asarray(self.buffer_rgba()), self.figure.dpi, metadata)
        if hasattr(filename_or_obj, "write"):
            filename_or_obj.write(data)
        else:
            with open(filename_or_obj, "wb") as out:
                out.write(data)


def png_bytes(rgba: np.ndarray, dpi: float, metadata: Mapping[str, str | None] | None = None,
              level: int = 3) -> bytes:
    """An opaque RGBA image (rows top down) as an RGB PNG: no alpha channel (a chart is
    drawn on white), rows stored unfiltered, zlib at ``level``.

    Pillow chooses a filter for every row by trying all five, which on a chart's flat
    colours took twice as long as compressing and made the file bigger: a half-A4 matrix
    at 300 dpi is written in about 30 ms instead of 60 ms, 10-30 % smaller.
    """
    height, width = rgba.shape[:2]
    rows = np.empty((height, 1 + 3 * width), np.uint8)  # each row: filter 0, then RGB
    rows[:, 0] = 0
    rgb = rows[:, 1:].reshape(height, width, 3)  # a view: the copies land in rows
    # Channel by channel: copying the three-of-four-bytes pixels at once took four
    # times as long (a strided copy of 3-byte items), about 20 ms at 300 dpi.
    for channel in range(3):
        rgb[:, :, channel] = rgba[:, :, channel]

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))

    per_metre = int(dpi / 0.0254 + 0.5)
    parts = [b"\x89PNG\r\n\x1a\n",
             chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)),
             chunk(b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1))]
    parts += [chunk(b"tEXt", key.encode("latin-1") + b"\0" + value.encode("latin-1"))
              for key, value in (metadata or {}).items() if value is not None]
    parts += [chunk(b"IDAT", zlib.compress(rows, level)), chunk(b"IEND", b"")]
    return b"".join(parts)


def figure_bytes(fig: Figure, fmt: str = "png", dpi: int = 300) -> bytes:
    """A drawn matrix (:func:`draw_matrix`'s figure) as PNG, SVG or PDF bytes."""
    fmt = fmt.lower()
    if fmt not in _METADATA:
        raise ValueError(f"unsupported format {fmt!r}; use png, svg or pdf")
    if not isinstance(fig.canvas, ChartCanvas):
        ChartCanvas(fig)
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
        xlim, ylim = _limits(points, options)
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
            positions, unplaced = _draw_labels(ax, points, options, scale, avoid=arrows)
    return MatrixRender(figure=fig, label_positions=positions, unplaced=unplaced)


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


def _units(text: str) -> int:
    return sum(2 if _is_wide(c) else 1 for c in text)


def _wrappings(label: str, width: int = 24) -> list[str]:
    """The ways to break a label the placer may choose from, preferred first: as
    :func:`_wrap` breaks it, then on one line, in two and in three balanced lines."""
    if "\n" in label:
        return [label]
    options = [_wrap(label, width), label]
    words = label.split()
    if len(words) >= 2:
        splits = [(" ".join(words[:k]), " ".join(words[k:])) for k in range(1, len(words))]
        options.append("\n".join(min(splits, key=lambda s: max(_units(s[0]), _units(s[1])))))
        if len(words) >= 3 and _units(label) > 2 * width // 2:
            threes = [(" ".join(words[:a]), " ".join(words[a:b]), " ".join(words[b:]))
                      for a in range(1, len(words) - 1) for b in range(a + 1, len(words))]
            options.append("\n".join(min(threes, key=lambda s: max(map(_units, s)))))
    elif _units(label) > 8:
        half = math.ceil(len(label) / 2)
        options.append(label[:half] + "\n" + label[half:])
    return list(dict.fromkeys(options))


def _numbers(points: Sequence[MatrixPoint]) -> dict[int, int]:
    """Each point's number: its own ``number`` or its position in the input (1-based)."""
    return {p.key: p.number if p.number is not None else i for i, p in enumerate(points, 1)}


def label_area(options: MatrixOptions | None = None) -> tuple[tuple[float, float], tuple[float, float]]:
    """The plot's x and y limits on the full scale: where a label may be placed by hand."""
    return _limits((), replace(options or MatrixOptions(), zoom=False))


def clamp_to_plot(xy: tuple[float, float], xlim: tuple[float, float],
                  ylim: tuple[float, float]) -> tuple[float, float] | None:
    """A label centre moved onto the plot's edge if outside it; None if not a finite point.

    A stored x of 1e308 once made every PNG of that language fail (FreeType's raster
    overflowed), so drawing never trusts a stored position.
    """
    x, y = float(xy[0]), float(xy[1])
    if not (math.isfinite(x) and math.isfinite(y)):
        return None
    return min(max(x, xlim[0]), xlim[1]), min(max(y, ylim[0]), ylim[1])


def _limits(points, options):
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
    return _limits([*points, *earlier], replace(options, zoom=True, limits=None))


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
            _draw_leader(ax, anchors[i], dot_r - MARKER_PAD_PT * px_per_pt,
                         result.centers[i], half)
    return positions, tuple(p.key for i, p in enumerate(points) if not result.ok[i])


def _badge_diameter(scale: float, numbers: dict[int, int]) -> float:
    digits = max((len(str(n)) for n in numbers.values()), default=1)
    return 6.5 * (1.05 + 0.45 * max(digits, 2)) * scale


def _draw_labels(ax, points, options, scale, avoid=()):
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
    radius = (diam_pt / 2 + 0.3 + MARKER_PAD_PT) * px_per_pt
    radii = np.full(len(points), radius)
    bbox = ax.get_window_extent(renderer)
    inset = 2.0
    bounds = (bbox.x0 + inset, bbox.y0 + inset, bbox.x1 - inset, bbox.y1 - inset)
    soft = _soft_segments(ax, points, options, avoid)
    wrappings = [_wrappings(p.label) for p in points]
    labels: list[Text] = [
        ax.text(p.x, p.y, wraps[0], ha="center", va="center", color=INK,
                fontproperties=font(LABEL_PT * scale), parse_math=False, zorder=4,
                gid=f"label-{p.key}", clip_on=False, linespacing=1.15)
        for p, wraps in zip(points, wrappings, strict=True)
    ]
    xlim, ylim = ax.get_xlim(), ax.get_ylim()
    fixed_data = {i: xy for i, xy in ((i, clamp_to_plot(p.label_offset, xlim, ylim))
                                      for i, p in enumerate(points) if p.label_offset is not None)
                  if xy is not None}
    fixed = {i: tuple(to_px(np.array([xy], float))[0]) for i, xy in fixed_data.items()}
    pad = LABEL_PAD_PT * px_per_pt
    # Leaders are drawn as placed: from the marker's edge to the padded box (a drawn
    # leader is part of the placer's, which starts at the point's centre, so what the
    # placer kept apart stays apart), about 0.4 px longer than the placer measures.
    max_leader = MAX_LEADER_PT * scale * px_per_pt - 1.0
    result = None
    font_sizes = LABEL_PT * scale - np.array([0.0, 0.5, 1.0, 1.5, 2.0])
    for size in font_sizes:
        sizes = []
        for t, wraps in zip(labels, wrappings, strict=True):
            t.set_fontsize(size)
            extents = []
            for text in wraps:
                width, height = text_extent(t, text, renderer)
                extents.append((width + 2 * pad, height + 2 * pad))
            sizes.append(np.array(extents))
        result = place_labels(anchors, sizes, radii, bounds, fixed=fixed, soft_segments=soft,
                              gap=1.0 * px_per_pt, refine_budget=options.label_iterations,
                              max_leader=max_leader,
                              thresholds=_thresholds_px(ax, options),
                              give_up_if_illegal=size != font_sizes[-1])
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
        variant = int(result.variant[i])
        t.set_text(wrappings[i][variant])
        t.set_position((cx, cy))
        dx = result.centers[i, 0] - anchors[i, 0]
        if "\n" in t.get_text():
            t.set_multialignment("left" if dx > 1 else "right" if dx < -1 else "center")
        positions[p.key] = (cx, cy)
        if result.leader[i]:
            _draw_leader(ax, anchors[i], radius - MARKER_PAD_PT * px_per_pt,
                         result.centers[i], sizes[i][variant] / 2)
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
    ax.add_line(Line2D([sx, ex], [sy, ey], color=LEADER, linewidth=0.5, zorder=2.5,
                       solid_capstyle="round", gid="leader"))


def _thresholds_px(ax, options) -> tuple[float | None, float | None]:
    """The threshold lines' positions in pixels (x of the vertical, y of the horizontal)."""
    tx, ty = options.threshold_x, options.threshold_y
    x, y = ax.transData.transform((tx if tx is not None else 0.0, ty if ty is not None else 0.0))
    return (None if tx is None else float(x)), (None if ty is None else float(y))


def _soft_segments(ax, points, options, avoid=()) -> np.ndarray:
    """Threshold lines, error bars and ``avoid`` (data coordinates) in pixels: labels
    should rather not lie on them."""
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
    segs += [list(segment) for segment in avoid]  # e.g. the comparison's arrows
    if not segs:
        return np.zeros((0, 4))
    arr = np.array(segs, float)
    to_px = ax.transData.transform
    return np.concatenate([to_px(arr[:, :2]), to_px(arr[:, 2:])], axis=1)
