"""Every report file of an assessment, for the download views and ``flask export``.

Each function returns an :class:`ExportFile` (bytes, media type, file name), or for the
big raw data a :class:`StreamedFile` (its bytes made in chunks as they are read), so the
web and the command line give the same bytes.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from ..models import Assessment
from ..services.documents import methodology as methodology_service
from ..services.documents import methodology_texts, tables
from ..services.documents.tables import html_lang, normalize_locale
from .data import (
    ReportData,
    matrix_points,
    methodology_input,
    report_data,
    response_rows,
    topic_score_rows,
)
from .ratings import raw_responses_chunks

LOCALES = ("zh_CN", "en")
TABLE_FORMATS = ("xlsx", "csv", "docx", "html")
METHODOLOGY_FORMATS = ("md", "html", "docx")
MATRIX_FORMATS = ("png", "svg", "pdf")
MEDIA_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "csv": "text/csv; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
    "png": "image/png",
    "svg": "image/svg+xml",
    "pdf": "application/pdf",
    "zip": "application/zip",
}


@dataclass(frozen=True)
class ExportFile:
    """One file ready to send or write."""

    content: bytes
    filename: str

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.filename.rsplit(".", 1)[-1]]


@dataclass(frozen=True)
class StreamedFile:
    """A big file made as it is read, chunk by chunk (read it once): sent or written
    without ever being held whole."""

    chunks: Iterator[bytes]
    filename: str

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.filename.rsplit(".", 1)[-1]]


def _stem(assessment: Assessment, what: str, locale: str | None = None) -> str:
    parts = [f"materiality-{assessment.reporting_year}-{assessment.id}", what]
    if locale:
        parts.append(normalize_locale(locale))
    return "-".join(parts)


def html_document(fragment: str, title: str, locale: str) -> bytes:
    """A standalone HTML page around a fragment, to open and copy into a layout program.

    The title is its heading, and the content its main landmark (as on every page).
    """
    import html

    return (
        f'<!doctype html>\n<html lang="{html_lang(locale)}">\n<head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title></head>\n<body>\n<main>\n<h1>{html.escape(title)}</h1>\n"
        f"{fragment}</main>\n</body>\n</html>\n"
    ).encode()


def topic_table_file(data: ReportData, fmt: str) -> ExportFile:
    """The topic score table in one format, in the data's language."""
    rows, names = topic_score_rows(data), data.group_names
    stem = _stem(data.assessment, "topic-scores", data.locale)
    if fmt == "html":
        content = html_document(tables.topic_table_html(rows, data.locale, names),
                                data.assessment.display_title(data.locale), data.locale)
    else:
        content = getattr(tables, f"topic_table_{fmt}")(rows, data.locale, names)
    return ExportFile(content, f"{stem}.{fmt}")


def response_table_file(assessment: Assessment, locale: str, fmt: str) -> ExportFile:
    """The stakeholder response table in one format and language."""
    locale = normalize_locale(locale)
    rows = response_rows(assessment, locale)
    stem = _stem(assessment, "stakeholder-responses", locale)
    if fmt == "html":
        content = html_document(tables.response_table_html(rows, locale),
                                assessment.display_title(locale), locale)
    else:
        content = getattr(tables, f"response_table_{fmt}")(rows, locale)
    return ExportFile(content, f"{stem}.{fmt}")


def methodology_file(data: ReportData, fmt: str) -> ExportFile:
    """The methodology note as Markdown, HTML or DOCX."""
    note = methodology_input(data)
    stem = _stem(data.assessment, "methodology", data.locale)
    if fmt == "md":
        content = methodology_service.methodology_markdown(note, data.locale).encode()
    elif fmt == "html":
        content = html_document(methodology_service.methodology_html(note, data.locale),
                                note.assessment_title or methodology_texts.TEXTS[
                                    normalize_locale(data.locale)]["title"], data.locale)
    else:
        content = methodology_service.methodology_docx(note, data.locale)
    return ExportFile(content, f"{stem}.{fmt}")


@dataclass(frozen=True)
class MatrixChoice:
    """The editor's choices for one matrix file."""

    size: str = "half_a4"
    dpi: int = 300
    error_bars: bool = False
    numbered: bool = False
    zoom: bool = False
    #: Another assessment to draw arrows from (its id), and its axes: "fixed" (the whole
    #: scale) or "union" (the range of both years' points).
    compare: int | None = None
    axes: str = "fixed"


def matrix_options(data: ReportData, choice: MatrixChoice,  # noqa: ANN201
                   previous_positions: dict[int, tuple[float, float]] | None = None):
    """The chart service's options: thresholds in force, layout in the data's language.

    With ``previous_positions`` (a comparison) the axes are the same for both years.
    """
    import math

    from ..services.charts.matrix import MatrixOptions, union_limits

    def threshold(value: float) -> float | None:
        return None if value is None or math.isnan(value) else float(value)

    options = MatrixOptions(
        locale=data.locale,
        threshold_x=threshold(data.result.threshold_company),
        threshold_y=threshold(data.result.threshold_stakeholder),
        zoom=choice.zoom,
        error_bars=choice.error_bars,
        numbered=choice.numbered,
        size=choice.size,
    )
    if previous_positions is None:
        return options
    if choice.axes == "union":
        points = matrix_points(data, error_bars=choice.error_bars, saved_labels=False)
        return replace(options, limits=union_limits(points, previous_positions, options))
    return replace(options, zoom=False)


def matrix_file(data: ReportData, choice: MatrixChoice, fmt: str,
                content: bytes | None = None,
                previous_positions: dict[int, tuple[float, float]] | None = None) -> ExportFile:
    """The matrix as PNG (at ``choice.dpi``), SVG or PDF, with the editor's label moves
    (drawn here unless the caller drew it: ``content``).

    ``previous_positions`` (topic id -> the baseline's point) adds the arrows of a
    comparison with the assessment ``choice.compare``.
    """
    from ..services.charts.matrix import render_matrix

    if content is None:
        points = matrix_points(data, error_bars=choice.error_bars)
        content = render_matrix(points, matrix_options(data, choice, previous_positions), fmt,
                                choice.dpi, previous_positions)
    suffix = f"-{choice.dpi}dpi" if fmt == "png" else ""
    if previous_positions is not None:
        suffix += f"-from-{choice.compare}-{choice.axes}"
    stem = _stem(data.assessment, f"matrix-{choice.size}{suffix}", data.locale)
    return ExportFile(content, f"{stem}.{fmt}")


def raw_file(assessment: Assessment, locale: str) -> StreamedFile:
    """Every counted rating, one row each (CSV, UTF-8 with BOM), streamed."""
    return StreamedFile(raw_responses_chunks(assessment.id, locale),
                        f"{_stem(assessment, 'raw-responses')}.csv")


TRAIL_COLUMNS = ("id", "created_at_utc", "user_id", "user_email", "action", "subject",
                 "before", "after", "reason", "previous_hash", "hash")


def trail_file(assessment: Assessment, fmt: str) -> ExportFile:
    """The assessment's trail, every stored field of every entry (CSV or XLSX).

    Values are written as stored, so the hashes can be checked from the file alone
    (see services.trail_chain).
    """
    from ..services.documents.office_files import csv_bytes, xlsx_sheet
    from ..services.trail_chain import canonical_time
    from ..trail import entries

    rows = [(e.id, canonical_time(e.created_at), e.user_id, e.user_email, e.action, e.subject,
             e.before, e.after, e.reason, e.previous_hash, e.hash)
            for e in entries(assessment.id)]
    stem = _stem(assessment, "trail")
    if fmt == "csv":
        return ExportFile(csv_bytes(TRAIL_COLUMNS, rows), f"{stem}.csv")
    return ExportFile(xlsx_sheet("trail", TRAIL_COLUMNS, rows, autofilter=True,
                                 max_widths={6: 60, 7: 60, 8: 60}), f"{stem}.xlsx")


def export_all(assessment: Assessment, out_dir: Path, sizes: tuple[str, ...] = ("half_a4",),
               dpi: int = 300) -> list[Path]:
    """Write every report file of the assessment in both languages; return the paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []

    def write(export: ExportFile | StreamedFile) -> None:
        path = out_dir / export.filename
        with path.open("wb") as out:
            out.writelines(export.chunks if isinstance(export, StreamedFile)
                           else (export.content,))
        written.append(path)

    first = report_data(assessment, LOCALES[0])
    for locale in LOCALES:
        data = first if locale == LOCALES[0] else replace(first, locale=locale)
        for size in sizes:
            for fmt in MATRIX_FORMATS:
                write(matrix_file(data, MatrixChoice(size=size, dpi=dpi), fmt))
        for fmt in TABLE_FORMATS:
            write(topic_table_file(data, fmt))
            write(response_table_file(assessment, locale, fmt))
        for fmt in METHODOLOGY_FORMATS:
            write(methodology_file(data, fmt))
    if assessment.method == "double":
        _export_double(assessment, write, sizes, dpi)
    write(raw_file(assessment, LOCALES[0]))
    from .bundle import bundle_file  # the bundle re-exports what it reproduces, to sum it

    write(bundle_file(assessment))
    return written


def _export_double(assessment: Assessment, write, sizes: tuple[str, ...], dpi: int) -> None:  # noqa: ANN001
    """A double-materiality assessment's own files: its matrix, the IRO table, the
    material topics and the methodology note, in both languages."""
    from .double_data import double_report_data, iro_table_file, material_topics_file
    from .double_data import matrix_file as double_matrix_file
    from .double_documents import double_methodology_file

    for locale in LOCALES:
        data = double_report_data(assessment, locale)
        for size in sizes:
            for fmt in MATRIX_FORMATS:
                write(double_matrix_file(data, MatrixChoice(size=size, dpi=dpi), fmt))
        for fmt in TABLE_FORMATS:
            write(iro_table_file(data, fmt))
            write(material_topics_file(data, fmt))
        for fmt in METHODOLOGY_FORMATS:
            write(double_methodology_file(assessment, data.result, locale, fmt))
