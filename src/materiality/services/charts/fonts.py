"""Fonts for the charts: the pip-bundled Noto Sans CJK, registered once, used explicitly.

Chinese must render on a server with no system font, so the OFL font shipped by the
``noto-cjk-sans-otc`` wheel is added to matplotlib's font manager on first use. Nothing
here changes global ``rcParams``: callers pass :func:`font` to each text and wrap drawing
and saving in ``matplotlib.rc_context(chart_rc())``.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterable
from importlib.resources import files

import matplotlib
from matplotlib import font_manager
from matplotlib.backends.backend_agg import RendererAgg, get_hinting_flag
from matplotlib.font_manager import FontProperties
from matplotlib.ft2font import FT2Font
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


def _kept(store: dict, key: tuple, value, most: int = _EXTENTS_KEPT):  # noqa: ANN001, ANN202
    """Keep ``value`` under ``key`` in one of this module's bounded stores (emptied when
    it holds ``most``)."""
    if len(store) >= most:
        store.clear()
    store[key] = value
    return value


def text_extent(label: Text, text: str, renderer) -> tuple[float, float]:  # noqa: ANN001
    """The width and height in pixels of ``label`` showing ``text`` (left showing it)."""
    fp = label.get_fontproperties()
    key = (text, fp.get_size_in_points(), tuple(fp.get_family()), fp.get_weight(),
           fp.get_style(), label.get_linespacing(), label.figure.dpi)
    label.set_text(text)
    found = _EXTENTS.get(key)
    if found is None:
        extent = label.get_window_extent(renderer)
        found = _kept(_EXTENTS, key, (float(extent.width), float(extent.height)))
    return found


#: Line metrics (width, height, descent) measured by chart renderers in this process, by
#: text, font and dpi: see :class:`ChartRenderer`.
_METRICS: dict[tuple, tuple[float, float, float]] = {}
#: Lines shaped by chart renderers in this process (matplotlib's layout items), by text,
#: font, dpi and hinting: measured and then drawn from one shaping. Fewer are kept than
#: metrics: a line's glyphs take a few kilobytes.
_LAYOUTS: dict[tuple, list] = {}
_LAYOUTS_KEPT = 4_000
#: Glyph boxes and advances (26.6 subpixels) by font file, glyph, size, dpi and hinting.
_GLYPHS: dict[tuple, tuple[tuple[int, int, int, int], int]] = {}
#: Whether lines measured from their shaping equal matplotlib's own measurement in this
#: process: empty until checked, on first use.
_ONE_SHAPING: list[bool] = []
_CHECK_TEXT = "Importance to the company's development 对企业发展的重要性 “双碳”行动"


class ChartRenderer(RendererAgg):
    """Matplotlib's Agg renderer, shaping each line of text once and keeping what it
    measures and shapes for the next renderer.

    Matplotlib keeps metrics per renderer, and every drawing makes new renderers (a new
    figure, and the file's dpi): each PNG measured every line again, a tenth of drawing
    the demo's matrix. It also shapes a line twice, to measure it and to draw it, and
    shaping is most of the cost of text: FreeType loads each glyph's outline, about
    20 us a character. Here a line is shaped once (kept by text, font, dpi and hinting),
    its metrics are read off that shaping (:func:`_run_metrics`) and the drawing places
    the same glyphs; a label's other wrappings are read off the shaping of the label
    (:meth:`keep_line_metrics`). Anything else (mathtext, font features, a matplotlib
    that measures otherwise, checked once per process) is left to matplotlib.
    """

    def get_text_width_height_descent(self, s, prop, ismath):  # noqa: ANN001, ANN201
        if ismath:
            return super().get_text_width_height_descent(s, prop, ismath)
        key = _line_key(s, prop, self.dpi)
        found = _METRICS.get(key)
        if found is None:
            runs = self._runs_of(prop, s, [s]) if s and self._shaping_is_read(prop) else {}
            found = runs.get(s) or super().get_text_width_height_descent(s, prop, ismath)
            _kept(_METRICS, key, found)
        return found

    def draw_text(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):  # noqa: ANN001, ANN201, PLR0913
        # Matplotlib's own draw_text (3.11), drawing the line's kept shaping.
        if ismath or not self._shaping_is_read(prop) or (mtext is not None and (
                mtext.get_fontfeatures() is not None or mtext.get_language() is not None)):
            return super().draw_text(gc, x, y, s, prop, angle, ismath, mtext)
        size = prop.get_size_in_points()
        self._draw_text_glyphs_and_boxes(
            gc, x, y, angle,
            ((item.ft_object, size, item.glyph_index, 0, 1, item.x, item.y)
             for item in self._shaped(prop, s)),
            [])
        return None

    def keep_line_metrics(self, prop: FontProperties, text: str, lines: Iterable[str]) -> None:
        """Measure ``lines``, runs of ``text``'s characters, from one shaping of ``text``.

        A label is measured wrapped several ways, four or five times the same characters.
        Matplotlib's width of a line is the pen's advance over it and its height the
        glyphs' boxes, so a run of a shaped line measures the same as the run shaped
        alone: its glyphs' relative positions, the last one's advance and the boxes.
        Runs that do not start and end on a glyph of their own (a ligature across a
        break) are left to :meth:`get_text_width_height_descent`.
        """
        todo = [line for line in dict.fromkeys(lines)
                if line and _line_key(line, prop, self.dpi) not in _METRICS]
        if len(todo) < 2 or not self._shaping_is_read(prop):
            return
        for line, metrics in self._runs_of(prop, text, todo).items():
            _kept(_METRICS, _line_key(line, prop, self.dpi), metrics)

    def _shaped(self, prop: FontProperties, text: str) -> list:
        """Matplotlib's layout of ``text`` on one line (its glyphs and their places)."""
        hinting = _hinting()
        key = (text, prop.copy(), self.dpi, *hinting)
        items = _LAYOUTS.get(key)
        if items is None:
            items = _kept(_LAYOUTS, key, self._prepare_font(prop)._layout(text, hinting[0]),
                          _LAYOUTS_KEPT)
        return items

    def _runs_of(self, prop: FontProperties, text: str,
                 lines: list[str]) -> dict[str, tuple[float, float, float]]:
        """The metrics of those ``lines`` that can be read off the shaping of ``text``."""
        items = self._shaped(prop, text)
        starts = _glyph_starts(text, items)
        if starts is None:
            return {}
        size = (prop.get_size_in_points(), self.dpi)
        found = {}
        for line in lines:
            at = text.find(line)
            while at >= 0 and (at not in starts or at + len(line) not in starts):
                at = text.find(line, at + 1)
            if at < 0:
                continue
            run = items[starts[at]:starts[at + len(line)]]
            if run:
                found[line] = _run_metrics(run, size)
        return found

    def _shaping_is_read(self, prop: FontProperties) -> bool:
        """Whether metrics read off a shaping equal matplotlib's own measurement in this
        process (checked on first use)."""
        if not _ONE_SHAPING:
            lines = _CHECK_TEXT.split() + ["Importance to the", "company's development"]
            # The private parts of matplotlib 3.11 this relies on, then its measurement.
            usable = (hasattr(FT2Font, "_layout")
                      and hasattr(RendererAgg, "_draw_text_glyphs_and_boxes"))
            runs = self._runs_of(prop, _CHECK_TEXT, lines) if usable else {}
            _ONE_SHAPING.append(len(runs) == len(lines) and all(
                runs[line] == super(ChartRenderer, self).get_text_width_height_descent(
                    line, prop, False) for line in lines))
        return _ONE_SHAPING[0]


def _line_key(text: str, prop: FontProperties, dpi: float) -> tuple:
    """A plain (not math) line's key in the kept metrics (a copy of the font: it is
    mutable)."""
    return text, prop.copy(), False, dpi


def _hinting() -> tuple:
    """The glyph load flags and hinting factor matplotlib shapes and draws with now."""
    return get_hinting_flag(), matplotlib.rcParams["text.hinting_factor"]


def _glyph_starts(text: str, items: list) -> dict[int, int] | None:
    """Where each character that starts a glyph of its own is in the shaped ``items``:
    every character when each has one glyph, else the characters around spaces (a
    ligature never spans one); None if the glyphs are not in reading order."""
    if any(b.x < a.x or b.y != a.y for a, b in itertools.pairwise(items)):
        return None
    if len(items) == len(text) and all(i.char == c for i, c in zip(items, text, strict=True)):
        return {k: k for k in range(len(text) + 1)}
    spaces = [k for k, item in enumerate(items) if item.char == " "]
    chars = [k for k, c in enumerate(text) if c == " "]
    if len(spaces) != len(chars) or not items or items[0].char != text[0]:
        return None
    starts = {0: 0, len(text): len(items)}
    for c, k in zip(chars, spaces, strict=True):
        starts[c], starts[c + 1] = k, k + 1
    return starts


def _run_metrics(run: list, size: tuple[float, float]) -> tuple[float, float, float]:
    """Width, height and descent in pixels of shaped glyphs laid out alone, at ``size``
    (points, dpi): as matplotlib's FT2Font measures a line, the pen's advance from the
    first glyph to past the last, and the glyphs' boxes."""
    hinting = _hinting()
    flags = hinting[0]
    origin = run[0].x
    y_min, y_max = 32000, -32000
    pen = last_advance = 0
    for item in run:
        key = (item.ft_object.fname, item.ft_object.face_index, item.glyph_index) + size + hinting
        glyph = _GLYPHS.get(key)
        if glyph is None:
            item.ft_object.set_size(*size)
            loaded = item.ft_object.load_glyph(item.glyph_index, flags)
            glyph = _kept(_GLYPHS, key, (loaded.bbox, loaded.horiAdvance))
        (_, low, _, high), last_advance = glyph
        pen = round((item.x - origin) * 64)
        shift = round(item.y * 64)
        y_min, y_max = min(y_min, low + shift), max(y_max, high + shift)
    width = pen + last_advance
    if y_min > y_max:
        return width / 64, 0.0, 0.0
    return width / 64, (y_max - y_min) / 64, -y_min / 64


def forget_extents() -> None:
    """Empty the kept text extents, metrics and glyphs (the next drawing measures as a
    fresh worker would)."""
    _EXTENTS.clear()
    _METRICS.clear()
    _LAYOUTS.clear()
    _GLYPHS.clear()
