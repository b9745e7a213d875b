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
from matplotlib.font_manager import FontProperties

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
