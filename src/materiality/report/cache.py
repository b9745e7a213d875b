"""Per-process caches of scored results and drawn matrices, keyed by a data fingerprint.

Scoring a large assessment takes seconds and drawing the matrix a good fraction of one,
while the pages that show them are opened again and again on unchanged data. Each
entry's key holds the assessment's fingerprint (:func:`.data.fingerprint`: one small
query over everything a result depends on), so a change of data or configuration makes
a new key and an old entry can never be served; the old one just ages out. The caches
live on the app (one per app and process): the app runs as several stateless
instances, and each keeps its own.

Cached values are shared between requests: callers read them and never change them.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import replace
from typing import TYPE_CHECKING, Any, TypeVar

from flask import current_app

if TYPE_CHECKING:
    from .data import LabelEditor, ReportData
    from .exports import ExportFile, MatrixChoice

T = TypeVar("T")

#: How many scored results and how many drawn files (and their total bytes) are kept.
RESULTS_KEPT = 16
CHARTS_KEPT = 64
CHART_BYTES_KEPT = 96 * 1024 * 1024


class LRUCache:
    """A bounded, thread-safe least-recently-used mapping (entries and total bytes)."""

    def __init__(self, max_entries: int, max_bytes: int | None = None) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._data: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable) -> Any | None:
        """The value kept under ``key`` (now the most recent), or None."""
        with self._lock:
            entry = self._data.get(key)
            if entry is None:
                self.misses += 1
                return None
            self._data.move_to_end(key)
            self.hits += 1
            return entry[0]

    def put(self, key: Hashable, value: Any, size: int = 0) -> None:
        """Keep ``value`` (of ``size`` bytes), dropping the least recently used if full."""
        with self._lock:
            if key in self._data:
                self._bytes -= self._data.pop(key)[1]
            self._data[key] = (value, size)
            self._bytes += size
            while len(self._data) > self.max_entries or (
                    self.max_bytes is not None and self._bytes > self.max_bytes
                    and len(self._data) > 1):
                self._bytes -= self._data.popitem(last=False)[1][1]

    def get_or_make(self, key: Hashable, make: Callable[[], T],
                    size: Callable[[T], int] | None = None) -> T:
        """The value under ``key``, made (outside the lock) and kept when missing."""
        value = self.get(key)
        if value is None:
            value = make()
            self.put(key, value, size(value) if size else 0)
        return value

    def __len__(self) -> int:
        return len(self._data)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
            self._bytes = 0


class ReportCaches:
    """The app's caches: scored results, and the matrix's files and label layouts."""

    def __init__(self) -> None:
        self.results = LRUCache(RESULTS_KEPT)
        self.charts = LRUCache(CHARTS_KEPT, CHART_BYTES_KEPT)


def caches() -> ReportCaches:
    """This app's caches (made on first use)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    found = app.extensions.get("materiality_report_caches")
    if found is None:
        found = app.extensions.setdefault("materiality_report_caches", ReportCaches())
    return found


#: The preview the matrix page shows (see ``routes.matrix_image``).
PREVIEW_DPI = 100


def matrix_file(data: ReportData, choice: MatrixChoice, fmt: str) -> ExportFile:
    """The matrix file, drawn once per fingerprint, language, format and choices."""
    from . import exports

    if data.fingerprint is None:
        return exports.matrix_file(data, choice, fmt)
    key = ("file", data.assessment.id, data.fingerprint.chart, data.locale, fmt, choice)
    return caches().charts.get_or_make(key, lambda: exports.matrix_file(data, choice, fmt),
                                       size=lambda export: len(export.content))


def matrix_editor(data: ReportData, choice: MatrixChoice) -> LabelEditor:
    """Where the labels sit, for the matrix page's editor, drawn once per fingerprint,
    language and choices. The same drawing gives the preview PNG the page shows next,
    kept for that request."""
    from ..services.charts.matrix import draw_matrix, figure_bytes
    from . import exports
    from .data import label_editor, label_positions, matrix_points

    key = ("editor", data.assessment.id, data.fingerprint.chart if data.fingerprint else None,
           data.locale, replace(choice, dpi=0))
    editor = caches().charts.get(key) if data.fingerprint else None
    if editor is not None:
        return editor
    options = exports.matrix_options(data, choice)
    saved = label_positions(data.assessment.id, data.locale)
    render = draw_matrix(matrix_points(data, error_bars=choice.error_bars, saved=saved),
                         options)
    editor = label_editor(data, options, error_bars=choice.error_bars, render=render)
    if data.fingerprint is not None:
        caches().charts.put(key, editor)
        preview = replace(choice, dpi=PREVIEW_DPI)
        file_key = ("file", data.assessment.id, data.fingerprint.chart, data.locale, "png",
                    preview)
        if caches().charts.get(file_key) is None:
            export = exports.matrix_file(data, preview, "png",
                                         content=figure_bytes(render.figure, "png", PREVIEW_DPI))
            caches().charts.put(file_key, export, len(export.content))
    return editor
