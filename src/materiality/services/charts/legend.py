"""The chart's keys: the category legend under the plot and, in numbered mode, the
table of numbered markers with their topic labels.
"""

from __future__ import annotations

import math

from matplotlib.lines import Line2D
from matplotlib.text import Text

from materiality.services.charts.fonts import font, text_extent
from materiality.services.charts.style import CATEGORY_COLOURS, INK, MARKER_PT, MUTED, darker, ink_on


def _legend_order(points) -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for p in points:
        seen.setdefault(p.category, p.category_label)
    known = [k for k in CATEGORY_COLOURS if k in seen]
    return [(k, seen[k]) for k in known] + [(k, v) for k, v in seen.items() if k not in known]


def draw_legend(fig, ax, points, colours, texts, scale, layout) -> None:
    """Category legend centred under the plot, one row when it fits."""
    cats = _legend_order(points)
    if not cats:
        return
    handles = [
        Line2D([], [], linestyle="", marker="o", markersize=MARKER_PT * scale,
               markerfacecolor=colours[k], markeredgecolor=darker(colours[k]),
               markeredgewidth=0.6)
        for k, _ in cats
    ]
    x0, _, w, _ = layout.axes_rect
    ncol = len(cats) if len(cats) <= 6 else math.ceil(len(cats) / 2)
    legend = fig.legend(
        handles, [label for _, label in cats], loc="upper center",
        bbox_to_anchor=(x0 + w / 2, layout.legend_y), ncol=ncol, frameon=False,
        prop=font(8.5 * scale), title=texts["legend"], title_fontproperties=font(8.5 * scale),
        handletextpad=0.3, columnspacing=1.6, borderpad=0.2, labelcolor=INK,
    )
    legend.get_title().set_color(MUTED)
    for t in [*legend.get_texts(), legend.get_title()]:
        t.set_parse_math(False)


def draw_number_table(fig, points, numbers, colours, scale, layout) -> None:
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
        widest = max(text_extent(probe, p.label, renderer)[0] for p in entries)
        if widest <= avail or size <= 6.0 * scale:
            break
    rows = math.ceil(n / ncols)
    circles = []
    for idx, p in enumerate(entries):
        col, row = divmod(idx, rows)
        x_px = col * col_px
        y_px = (row + 0.5) * row_px
        cx = (x_px + dia_pt / 2 * px_per_pt) / box.width
        ty = y_px / box.height
        colour = colours[p.category]
        circles.append((cx, ty, colour))
        ax.text(cx, ty, str(numbers[p.key]), ha="center", va="center", color=ink_on(colour),
                fontproperties=font(size * 0.78), parse_math=False, zorder=4)
        label = ax.text((x_px + text_x_px) / box.width, ty, p.label, ha="left", va="center",
                        color=INK, fontproperties=font(size), parse_math=False,
                        gid=f"entry-{p.key}")
        _truncate(label, avail, renderer)
    # One collection for the circles (a scatter call costs about 2 ms).
    xs, ys, fill = zip(*circles, strict=True)
    ax.scatter(xs, ys, s=dia_pt**2, c=list(fill), edgecolors=[darker(c) for c in fill],
               linewidths=0.5, clip_on=False, zorder=3)


def _truncate(text: Text, width_px: float, renderer) -> None:
    """Shorten ``text`` with an ellipsis until it fits ``width_px``."""
    full = text.get_text()
    if text_extent(text, full, renderer)[0] <= width_px:
        return
    lo, hi = 0, len(full)
    while lo < hi:  # longest prefix that fits, found by bisection
        mid = (lo + hi + 1) // 2
        if text_extent(text, full[:mid].rstrip() + "…", renderer)[0] <= width_px:
            lo = mid
        else:
            hi = mid - 1
    text.set_text(full[:lo].rstrip() + "…")
