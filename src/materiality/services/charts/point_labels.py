"""The labels of a chart's points: wrapped a few ways, measured, placed (:mod:`.labels`)
and drawn with their leaders. Shared by the materiality matrix and the double-materiality
matrix; an editor's own label position is kept, within the plot (:func:`clamp_to_plot`)."""

from __future__ import annotations

import math
import textwrap
import unicodedata

import numpy as np
from matplotlib.lines import Line2D
from matplotlib.text import Text

from materiality.services.charts.fonts import font, text_extent
from materiality.services.charts.labels import place_labels
from materiality.services.charts.style import (
    INK,
    LABEL_PAD_PT,
    LABEL_PT,
    LEADER,
    MARKER_PAD_PT,
    MAX_LEADER_PT,
)


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


def draw_labels(ax, points, options, scale, avoid=()):
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
    # A chart renderer measures a label's wrappings from one shaping of the label.
    keep_line_metrics = getattr(renderer, "keep_line_metrics", None)
    for size in font_sizes:
        sizes = []
        for p, t, wraps in zip(points, labels, wrappings, strict=True):
            t.set_fontsize(size)
            if keep_line_metrics is not None:
                keep_line_metrics(t.get_fontproperties(), " ".join(p.label.split("\n")),
                                  [line for text in wraps for line in text.split("\n")])
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
            draw_leader(ax, anchors[i], radius - MARKER_PAD_PT * px_per_pt,
                         result.centers[i], sizes[i][variant] / 2)
    unplaced = tuple(p.key for i, p in enumerate(points) if not result.ok[i])
    return positions, unplaced


def draw_leader(ax, anchor, radius, center, half) -> None:
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
