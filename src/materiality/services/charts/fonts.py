"""Fonts for the charts: the pip-bundled Noto Sans CJK, registered once, used explicitly.

Chinese must render on a server with no system font, so the OFL font shipped by the
``noto-cjk-sans-otc`` wheel is added to matplotlib's font manager on first use. Nothing
here changes global ``rcParams``: callers pass :func:`font` to each text and wrap drawing
and saving in ``matplotlib.rc_context(chart_rc())``.
"""

from __future__ import annotations

import functools
from importlib.resources import files

from matplotlib import font_manager
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.font_manager import FontProperties
from matplotlib.text import Text

#: The Simplified Chinese face of the bundled collection; it also covers Latin text.
CJK_FAMILY = "Noto Sans CJK SC"
#: Matplotlib's own font, used per glyph only for characters the CJK font lacks.
FALLBACK_FAMILY = "DejaVu Sans"
FAMILIES = [CJK_FAMILY, FALLBACK_FAMILY]


@functools.cache
def register_cjk_font() -> str:
    """Add the bundled Noto Sans CJK collection to matplotlib once; return its path."""
    path = str(files("noto_cjk_sans_otc") / "NotoSansCJK-Regular.ttc")
    font_manager.fontManager.addfont(path)
    return path


def font(size: float) -> FontProperties:
    """Return font properties for chart text of ``size`` points (CJK first, then fallback)."""
    register_cjk_font()
    return FontProperties(family=FAMILIES, size=size)


def chart_rc() -> dict[str, object]:
    """Return rcParams for ``matplotlib.rc_context`` while drawing and saving a chart.

    SVG text becomes paths (self-contained files); PDF uses Type 3 fonts because the
    collection's CFF outlines embedded as "TrueType" (fonttype 42) make poppler warn.
    A fixed hash salt keeps SVG ids, and so the bytes, identical between runs.
    """
    register_cjk_font()
    return {
        "font.family": "sans-serif",
        "font.sans-serif": FAMILIES,
        "axes.unicode_minus": False,
        "text.usetex": False,
        "svg.fonttype": "path",
        "svg.hashsalt": "materiality-matrix",
        "pdf.fonttype": 3,
        "path.simplify": True,
    }


#: Text extents measured in this process, by text and font: measuring a label takes
#: about half a millisecond (FreeType lays out every glyph), and the same labels come
#: back with every drawing (page, preview, downloads, both languages, each font size
#: tried, the number table's columns).
_EXTENTS: dict[tuple, tuple[float, float]] = {}
_EXTENTS_KEPT = 20_000


def text_extent(label: Text, text: str, renderer) -> tuple[float, float]:  # noqa: ANN001
    """The width and height in pixels of ``label`` showing ``text`` (left showing it)."""
    fp = label.get_fontproperties()
    key = (text, fp.get_size_in_points(), tuple(fp.get_family()), fp.get_weight(),
           fp.get_style(), label.get_linespacing(), label.figure.dpi)
    label.set_text(text)
    found = _EXTENTS.get(key)
    if found is None:
        if len(_EXTENTS) >= _EXTENTS_KEPT:
            _EXTENTS.clear()
        extent = label.get_window_extent(renderer)
        found = _EXTENTS[key] = (float(extent.width), float(extent.height))
    return found


#: Line metrics (width, height, descent) measured by chart renderers in this process, by
#: text, font and dpi: see :class:`ChartRenderer`.
_METRICS: dict[tuple, tuple[float, float, float]] = {}


class ChartRenderer(RendererAgg):
    """Matplotlib's Agg renderer, keeping the text metrics it measures for the next one.

    Matplotlib keeps them per renderer, and every drawing makes new renderers (a new
    figure, and the file's dpi): each PNG measured every line of text again, a tenth of
    drawing the demo's matrix. The metrics depend only on the text, the font and the
    dpi, so they are kept by those, bounded as the extents are.
    """

    def get_text_width_height_descent(self, s, prop, ismath):  # noqa: ANN001, ANN201
        if ismath == "TeX":
            return super().get_text_width_height_descent(s, prop, ismath)
        key = (s, prop.copy(), ismath, self.dpi)  # a copy: FontProperties is mutable
        found = _METRICS.get(key)
        if found is None:
            if len(_METRICS) >= _EXTENTS_KEPT:
                _METRICS.clear()
            found = _METRICS[key] = super().get_text_width_height_descent(s, prop, ismath)
        return found


def forget_extents() -> None:
    """Empty the kept text extents and metrics (the next drawing measures as a fresh
    worker would)."""
    _EXTENTS.clear()
    _METRICS.clear()
