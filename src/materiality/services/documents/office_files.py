"""Generic building blocks for office files: CSV, XLSX and DOCX bytes.

Plain Python, no Flask, and no report wording: callers pass headers, rows and the report
language ("zh_CN" or "en"). Text cells are guarded against spreadsheet formulas, CSV is
UTF-8 with a BOM, and DOCX documents name their Latin and CJK fonts explicitly.
"""
from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..rounding import score_text

__all__ = [
    "CSV_BOM",
    "add_docx_caption",
    "add_docx_table",
    "csv_bytes",
    "csv_fields",
    "docx_bytes",
    "docx_usable_width_cm",
    "guard_formula",
    "html_lang",
    "new_docx_document",
    "normalize_locale",
    "two_decimals",
    "xlsx_sheet",
]

#: Fonts for DOCX: Latin text, East Asian text (with a declared fallback) and complex scripts.
LATIN_FONT = "Calibri"
EAST_ASIA_FONT = "Microsoft YaHei"
EAST_ASIA_FALLBACK_FONT = "SimSun"
COMPLEX_SCRIPT_FONT = "Arial"

#: Starts every CSV file: tells Excel the file is UTF-8 (so it reads Chinese).
CSV_BOM = "\ufeff"

#: Leading characters a spreadsheet may read as the start of a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


# --------------------------------------------------------------------------- locale and text


def normalize_locale(locale: str | None) -> str:
    """Map any Chinese locale ("zh", "zh-CN", "zh_Hans") to "zh_CN", everything else to "en"."""
    return "zh_CN" if (locale or "").lower().replace("-", "_").startswith("zh") else "en"


def html_lang(locale: str | None) -> str:
    """The value of an HTML ``lang`` attribute for the report language."""
    return "zh-CN" if normalize_locale(locale) == "zh_CN" else "en"


def guard_formula(text: str) -> str:
    """Prefix an apostrophe to text a spreadsheet would otherwise run as a formula."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def two_decimals(value: float) -> str:
    """Round half up, as Excel's "0.00" does and as readers expect (4.125 -> "4.13")."""
    return score_text(value)


def _display_width(text: str) -> int:
    """Width of the longest line, counting wide (CJK) characters twice."""
    best = 0
    for line in text.split("\n") or [""]:
        width = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)
        best = max(best, width)
    return best


# --------------------------------------------------------------------------- CSV


def _csv_cells(line: Sequence[Any]) -> list:
    return [guard_formula(cell) if isinstance(cell, str) else ("" if cell is None else cell)
            for cell in line]


def csv_bytes(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    """CSV in UTF-8 with a BOM (so Excel reads Chinese), text cells guarded against formulas."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    for line in (header, *rows):
        writer.writerow(_csv_cells(line))
    return buffer.getvalue().encode("utf-8-sig")


def csv_fields(cells: Sequence[Any]) -> str:
    """Some cells of a CSV row as ``csv_bytes`` writes them (guarded, quoted as needed),
    comma-separated, without the line's end.

    For writers that stream millions of rows: a row's fixed parts are formatted once and
    joined with the parts that change (see ``report.ratings.raw_responses_chunks``). Cells
    are quoted one by one, so the pieces of a row of two cells or more join to the same
    text as the whole row (only a row of one empty cell is written differently, as ``""``).
    """
    buffer = io.StringIO(newline="")
    # The writer quotes a cell holding a character of its line terminator: keep csv_bytes's.
    csv.writer(buffer).writerow(_csv_cells(cells))
    return buffer.getvalue()[:-2]


# --------------------------------------------------------------------------- XLSX

_HEADER_FILL = PatternFill("solid", start_color="FFE7E6E6", end_color="FFE7E6E6")


def _xlsx_set(ws: Worksheet, row: int, column: int, value: Any, number_format: str | None = None):
    """Write one cell; text is always stored as text, never as a formula."""
    cell = ws.cell(row=row, column=column)
    if value == "":
        value = None
    if isinstance(value, str):
        cell.value = value
        cell.data_type = "s"
        if value.startswith(FORMULA_TRIGGERS):
            # Excel's own "typed with a leading apostrophe" flag: shown as text, kept as text.
            cell.quotePrefix = True
    else:
        cell.value = value
        if number_format and value is not None:
            cell.number_format = number_format
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    return cell


def xlsx_sheet(
    title: str,
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    number_formats: Mapping[int, str] | None = None,
    max_widths: Mapping[int, int] | None = None,
    autofilter: bool = False,
) -> bytes:
    """A one-sheet workbook: bold shaded header, wrapped cells, fitted widths, printable.

    ``number_formats`` and ``max_widths`` are keyed by zero-based column index.
    """
    wb = Workbook()
    ws = wb.active
    ws.title = re.sub(r"[\[\]:*?/\\]", " ", title)[:31]
    number_formats = number_formats or {}
    max_widths = max_widths or {}
    widths = [_display_width(h) for h in header]
    for col, text in enumerate(header, start=1):
        cell = _xlsx_set(ws, 1, col, text)
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    for r, line in enumerate(rows, start=2):
        for c, value in enumerate(line, start=1):
            _xlsx_set(ws, r, c, value, number_formats.get(c - 1))
            if isinstance(value, float):
                shown = two_decimals(value)
            else:
                shown = "" if value is None else str(value)
            widths[c - 1] = max(widths[c - 1], _display_width(shown))
    for c, width in enumerate(widths):
        limit = max_widths.get(c, 40)
        ws.column_dimensions[get_column_letter(c + 1)].width = max(8, min(width + 2, limit))
    ws.freeze_panes = "A2"
    if autofilter and rows:
        ws.auto_filter.ref = ws.dimensions
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# --------------------------------------------------------------------------- DOCX


def _docx_language(locale: str) -> str:
    return "zh-CN" if normalize_locale(locale) == "zh_CN" else "en-GB"


def _set_rfonts(rpr: Any, *, east_asia: str = EAST_ASIA_FONT) -> None:
    """Name the fonts explicitly; theme font attributes would otherwise take precedence."""
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)
    rfonts.set(qn("w:ascii"), LATIN_FONT)
    rfonts.set(qn("w:hAnsi"), LATIN_FONT)
    rfonts.set(qn("w:eastAsia"), east_asia)
    rfonts.set(qn("w:cs"), COMPLEX_SCRIPT_FONT)


def _set_language(rpr: Any, locale: str) -> None:
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), _docx_language(locale))
    lang.set(qn("w:eastAsia"), "zh-CN")


def new_docx_document(locale: str, *, landscape: bool = False) -> DocxDocument:
    """An A4 document whose styles name Latin and CJK fonts, ready for report tables."""
    doc = Document()
    styles_el = doc.styles.element
    defaults = styles_el.find(qn("w:docDefaults"))
    if defaults is not None:
        rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
        if rpr is not None:
            # Text without a style of its own falls back to the most widely installed CJK font.
            _set_rfonts(rpr, east_asia=EAST_ASIA_FALLBACK_FONT)
            _set_language(rpr, locale)
    for name in ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3", "Table Grid",
                 "List Bullet", "Caption"):
        try:
            style = doc.styles[name]
        except KeyError:
            continue
        _set_rfonts(style.element.get_or_add_rPr())
    normal = doc.styles["Normal"]
    normal.font.size = Pt(10.5)
    normal.paragraph_format.space_after = Pt(4)
    normal.paragraph_format.line_spacing = 1.15
    _set_language(normal.element.get_or_add_rPr(), locale)
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
    section.left_margin = section.right_margin = Cm(2.0)
    section.top_margin = section.bottom_margin = Cm(2.2)
    doc.core_properties.language = _docx_language(locale)
    return doc


def docx_usable_width_cm(doc: DocxDocument) -> float:
    """Width between the margins of the last section, in centimetres."""
    section = doc.sections[-1]
    return (section.page_width - section.left_margin - section.right_margin) / 360000


def add_docx_caption(doc: DocxDocument, text: str) -> None:
    """A bold table title kept on the same page as its table."""
    paragraph = doc.add_paragraph()
    paragraph.paragraph_format.keep_with_next = True
    paragraph.paragraph_format.space_after = Pt(6)
    run = paragraph.add_run(text)
    run.bold = True
    run.font.size = Pt(11)


def _shade(cell: Any, fill: str) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tc_pr.append(shd)


def _row_flag(row: Any, tag: str) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement(tag))


def add_docx_table(
    doc: DocxDocument,
    headers: Sequence[str],
    rows: Sequence[Sequence[str | Sequence[str]]],
    *,
    widths_cm: Sequence[float],
    align_right: Collection[int] = (),
    font_size: float = 9,
    bold_first_column: bool = False,
) -> Table:
    """A "Table Grid" table with a bold, shaded header row repeated on every page.

    A cell given as a list of strings gets one paragraph per item.
    """
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    header_row = table.rows[0]
    _row_flag(header_row, "w:tblHeader")
    _row_flag(header_row, "w:cantSplit")
    for i, text in enumerate(headers):
        cell = header_row.cells[i]
        _shade(cell, "E7E6E6")
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        paragraph = cell.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(text)
        run.bold = True
        run.font.size = Pt(font_size)
    for values in rows:
        row = table.add_row()
        _row_flag(row, "w:cantSplit")
        for i, value in enumerate(values):
            cell = row.cells[i]
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            items = [value] if isinstance(value, str) else list(value) or [""]
            for k, item in enumerate(items):
                paragraph = cell.paragraphs[0] if k == 0 else cell.add_paragraph()
                paragraph.paragraph_format.space_after = Pt(0)
                if i in align_right:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                run = paragraph.add_run(item)
                run.font.size = Pt(font_size)
                if bold_first_column and i == 0:
                    run.bold = True
    for i, width in enumerate(widths_cm):
        table.columns[i].width = Cm(width)
        for cell in table.columns[i].cells:
            cell.width = Cm(width)
    return table


#: Font-table entries that tell Word and LibreOffice which fonts are Chinese (charset 86,
#: GB2312), so a machine without them substitutes a CJK font rather than a Latin one.
_CJK_FONT_TABLE = (
    '<w:font w:name="Microsoft YaHei"><w:altName w:val="微软雅黑"/>'
    '<w:panose1 w:val="020B0503020204020204"/><w:charset w:val="86"/>'
    '<w:family w:val="swiss"/><w:pitch w:val="variable"/></w:font>'
    '<w:font w:name="SimSun"><w:altName w:val="宋体"/>'
    '<w:panose1 w:val="02010600030101010101"/><w:charset w:val="86"/>'
    '<w:family w:val="auto"/><w:pitch w:val="variable"/></w:font>'
)


def docx_bytes(doc: DocxDocument) -> bytes:
    """Serialise the document, declaring the CJK fonts in its font table."""
    raw = io.BytesIO()
    doc.save(raw)
    source = zipfile.ZipFile(raw)
    if "word/fontTable.xml" not in source.namelist():
        return raw.getvalue()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "word/fontTable.xml" and b"Microsoft YaHei" not in data:
                data = data.replace(b"</w:fonts>", _CJK_FONT_TABLE.encode() + b"</w:fonts>")
            target.writestr(info, data)
    return out.getvalue()
