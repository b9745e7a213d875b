"""How the materiality matrix looks: size presets and the layout they give, texts,
the colour-blind safe palette with each category's colour, and the styled axes.

Shared by :mod:`materiality.services.charts.matrix` and :mod:`.legend`; plain
matplotlib, no Flask.
"""

from __future__ import annotations

import zlib
from typing import TYPE_CHECKING

from matplotlib import colors as mcolors
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from materiality.services.charts.fonts import font

if TYPE_CHECKING:
    from materiality.services.charts.matrix import MatrixOptions

#: Figure sizes in inches: half an A4 page (210 x 148 mm), the printable area of an A4
#: portrait page (180 x 267 mm, 15 mm margins), a 16:9 slide.
SIZE_PRESETS: dict[str, tuple[float, float]] = {
    "half_a4": (210 / 25.4, 148 / 25.4),
    "full_a4": (180 / 25.4, 267 / 25.4),
    "slide_16_9": (40 / 3, 7.5),
}
#: Text scale per preset: print sizes are 9 pt labels; slides are read from further away.
SCALE = {"half_a4": 1.0, "full_a4": 1.0, "slide_16_9": 1.35}
#: Where the number table goes in numbered mode.
_TABLE_SIDE = {"half_a4": "right", "full_a4": "below", "slide_16_9": "right"}

TEXTS = {
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
CATEGORY_COLOURS = {
    "economic": "#0072B2",
    "environmental": "#009E73",
    "social": "#E69F00",
    "governance": "#CC79A7",
}
_EXTRA_COLOURS = ["#56B4E9", "#D55E00", "#000000", "#F0E442", "#7F7F7F"]

INK = "#222222"
MUTED = "#555555"
_AXIS = "#444444"
_THRESHOLD = "#8C8C8C"
_SHADE = "#EEF3F8"
LEADER = "#9A9A9A"

LABEL_PT = 9.0  # labels, before the preset's scale
MARKER_PT = 7.0  # marker diameter in label mode
DOT_PT = 3.0  # the exact point under a numbered circle
LABEL_PAD_PT = 1.5  # free space kept around every label box
MARKER_PAD_PT = 1.0  # and around every marker
MAX_LEADER_PT = 72.0  # longest leader line wanted, before the preset's scale
LAYOUT_DPI = 100  # figure dpi used for placement; savefig rescales consistently


class Layout:
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


def category_colours(points) -> dict[str, str]:
    """Stable colour per category key; custom keys hash into the remaining palette."""
    colours: dict[str, str] = {}
    for p in points:
        if p.category in colours:
            continue
        if p.category in CATEGORY_COLOURS:
            colours[p.category] = CATEGORY_COLOURS[p.category]
            continue
        start = zlib.crc32(p.category.encode("utf-8")) % len(_EXTRA_COLOURS)
        used = set(colours.values()) | {
            CATEGORY_COLOURS[q.category] for q in points if q.category in CATEGORY_COLOURS
        }
        for k in range(len(_EXTRA_COLOURS)):
            cand = _EXTRA_COLOURS[(start + k) % len(_EXTRA_COLOURS)]
            if cand not in used:
                break
        else:
            cand = _EXTRA_COLOURS[start]
        colours[p.category] = cand
    return colours


def darker(colour: str, factor: float = 0.7) -> tuple[float, float, float]:
    r, g, b = mcolors.to_rgb(colour)
    return (r * factor, g * factor, b * factor)


def ink_on(colour: str) -> str:
    """Black or white text, whichever reads better on ``colour``."""
    r, g, b = mcolors.to_rgb(colour)
    return "#111111" if 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.5 else "white"


def style_axes(ax: Axes, texts, scale: float, options: MatrixOptions) -> None:
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
    ax.annotate(low, (0, 0), (0, -4 * scale), ha="left", va="top", color=MUTED,
                fontproperties=end_font, **kw)
    ax.annotate(high, (1, 0), (0, -4 * scale), ha="right", va="top", color=MUTED,
                fontproperties=end_font, **kw)
    ax.annotate(texts["x"], (0.5, 0), (0, -4 * scale), ha="center", va="top", color=INK,
                fontproperties=title_font, **kw)
    ax.annotate(low, (0, 0), (-5 * scale, 0), ha="right", va="bottom", color=MUTED,
                fontproperties=end_font, **kw)
    ax.annotate(high, (0, 1), (-5 * scale, 0), ha="right", va="top", color=MUTED,
                fontproperties=end_font, **kw)
    ax.annotate(texts["y"], (0, 0.5), (-5 * scale, 0), ha="right", va="center", rotation=90,
                color=INK, fontproperties=title_font, **kw)
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
