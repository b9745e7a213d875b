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

from dataclasses import replace
from typing import TYPE_CHECKING

from flask import current_app

from ..lru import LRUCache

if TYPE_CHECKING:
    from .data import ReportData
    from .exports import ExportFile, MatrixChoice
    from .label_editor import LabelEditor

#: How many scored results and how many drawn files (and their total bytes) are kept.
RESULTS_KEPT = 16
CHARTS_KEPT = 64
CHART_BYTES_KEPT = 96 * 1024 * 1024


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
    from ..services.charts.files import figure_bytes
    from ..services.charts.matrix import draw_matrix
    from . import exports
    from .data import label_positions, matrix_points
    from .label_editor import label_editor

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
