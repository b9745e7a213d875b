"""The report's tables as files: the stakeholder response table and the topic score table.

Plain Python, no Flask. Each function takes prepared rows and a report language
("zh_CN" or "en") and returns XLSX, CSV (UTF-8 with BOM) or DOCX bytes, or an HTML
fragment as a string. Texts are report content, so they live in ``TEXTS`` below rather
than in the gettext catalogue. The DOCX helpers at the end are shared with
``services.methodology``.
"""
from __future__ import annotations

import csv
import html
import io
import re
import unicodedata
import zipfile
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
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

__all__ = [
    "ResponseTableRow",
    "TopicScoreRow",
    "response_table_csv",
    "response_table_docx",
    "response_table_html",
    "response_table_xlsx",
    "topic_table_csv",
    "topic_table_docx",
    "topic_table_html",
    "topic_table_xlsx",
]

TEXTS: dict[str, dict[str, str]] = {
    "zh_CN": {
        "response_title": "利益相关方关注议题及回应",
        "response_sheet": "利益相关方沟通与回应",
        "group": "利益相关方",
        "expectations": "关注议题/期望",
        "responses": "沟通与回应方式",
        "topic_title": "实质性议题评估结果",
        "topic_sheet": "实质性议题评分",
        "rank": "排序",
        "topic": "议题",
        "category": "类别",
        "company_score": "对企业发展的重要性",
        "company_ci": "95%置信区间（企业）",
        "stakeholder_score": "对利益相关方的重要性",
        "stakeholder_ci": "95%置信区间（利益相关方）",
        "tier": "实质性等级",
        "n_group": "有效样本数：{group}",
        "overridden": "企业维度得分经调整",
        "yes": "是",
        "no": "否",
        "override_note": "* 该议题对企业发展的重要性得分经评估工作组调整，调整理由见方法说明。",
        "tier_highly_material": "高度实质性",
        "tier_material": "实质性",
        "tier_to_watch": "需关注",
    },
    "en": {
        "response_title": "Stakeholder expectations and our responses",
        "response_sheet": "Stakeholder responses",
        "group": "Stakeholder group",
        "expectations": "Expectations",
        "responses": "Our responses",
        "topic_title": "Materiality assessment results by topic",
        "topic_sheet": "Topic scores",
        "rank": "Rank",
        "topic": "Topic",
        "category": "Category",
        "company_score": "Importance to the company",
        "company_ci": "95% CI (company)",
        "stakeholder_score": "Importance to stakeholders",
        "stakeholder_ci": "95% CI (stakeholders)",
        "tier": "Tier",
        "n_group": "n: {group}",
        "overridden": "Company score overridden",
        "yes": "Yes",
        "no": "No",
        "override_note": (
            "* The importance-to-the-company score of this topic was set by the assessment "
            "team; the reasons are given in the methodology note."
        ),
        "tier_highly_material": "Highly material",
        "tier_material": "Material",
        "tier_to_watch": "To watch",
    },
}

#: Fonts for DOCX: Latin text, East Asian text (with a declared fallback) and complex scripts.
LATIN_FONT = "Calibri"
EAST_ASIA_FONT = "Microsoft YaHei"
EAST_ASIA_FALLBACK_FONT = "SimSun"
COMPLEX_SCRIPT_FONT = "Arial"

#: Leading characters a spreadsheet may read as the start of a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

OVERRIDE_MARK = "*"
MISSING = "—"


# --------------------------------------------------------------------------- rows


@dataclass(frozen=True)
class ResponseTableRow:
    """One stakeholder group: what it expects and how the company responds."""

    group: str
    expectations: Sequence[str]
    responses: Sequence[str]


@dataclass(frozen=True)
class TopicScoreRow:
    """One topic's scores, confidence intervals, tier and sample sizes per group."""

    rank: int | None
    topic: str
    category: str
    company_score: float | None
    company_ci: tuple[float, float] | None
    stakeholder_score: float | None
    stakeholder_ci: tuple[float, float] | None
    tier: str | None
    n_by_group: Mapping[str, int] = field(default_factory=dict)
    company_overridden: bool = False


# --------------------------------------------------------------------------- helpers


def normalize_locale(locale: str | None) -> str:
    """Map any Chinese locale ("zh", "zh-CN", "zh_Hans") to "zh_CN", everything else to "en"."""
    return "zh_CN" if (locale or "").lower().replace("-", "_").startswith("zh") else "en"


def texts(locale: str | None) -> dict[str, str]:
    """The report texts of this module in the given language."""
    return TEXTS[normalize_locale(locale)]


def html_lang(locale: str | None) -> str:
    """The value of an HTML ``lang`` attribute for the report language."""
    return "zh-CN" if normalize_locale(locale) == "zh_CN" else "en"


def tier_label(tier: str | None, locale: str) -> str:
    """The tier key shown in the report language; unknown keys are shown as they are."""
    if not tier:
        return ""
    return texts(locale).get(f"tier_{tier}", tier)


def guard_formula(text: str) -> str:
    """Prefix an apostrophe to text a spreadsheet would otherwise run as a formula."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def two_decimals(value: float) -> str:
    """Round half up, as Excel's "0.00" does and as readers expect (4.125 -> "4.13")."""
    return str(Decimal(repr(float(value))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def format_score(value: float | None) -> str:
    """A score with two decimals for reading, or a dash when there is none."""
    return MISSING if value is None else two_decimals(value)


def format_ci(ci: tuple[float, float] | None, *, full_precision: bool = False) -> str:
    """A 95% confidence interval as "[low, high]" (APA style), or empty when there is none."""
    if ci is None:
        return ""
    low, high = ci
    if full_precision:
        return f"[{float(low)!r}, {float(high)!r}]"
    return f"[{two_decimals(low)}, {two_decimals(high)}]"


def _lines(items: Sequence[str]) -> list[str]:
    return [str(item) for item in items if str(item).strip()]


def _display_width(text: str) -> int:
    """Width of the longest line, counting wide (CJK) characters twice."""
    best = 0
    for line in text.split("\n") or [""]:
        width = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)
        best = max(best, width)
    return best


def _topic_headers(locale: str, group_names: Sequence[str]) -> list[str]:
    t = texts(locale)
    return [
        t["rank"],
        t["topic"],
        t["category"],
        t["company_score"],
        t["company_ci"],
        t["stakeholder_score"],
        t["stakeholder_ci"],
        t["tier"],
        *(t["n_group"].format(group=name) for name in group_names),
    ]


def _response_headers(locale: str) -> list[str]:
    t = texts(locale)
    return [t["group"], t["expectations"], t["responses"]]


# --------------------------------------------------------------------------- CSV


def _csv_bytes(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    """CSV in UTF-8 with a BOM (so Excel reads Chinese), text cells guarded against formulas."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    for line in (header, *rows):
        writer.writerow(
            [guard_formula(cell) if isinstance(cell, str) else ("" if cell is None else cell)
             for cell in line]
        )
    return buffer.getvalue().encode("utf-8-sig")


def response_table_csv(rows: Sequence[ResponseTableRow], locale: str) -> bytes:
    """The response table as CSV; the items of a cell are separated by newlines."""
    return _csv_bytes(
        _response_headers(locale),
        [[row.group, "\n".join(_lines(row.expectations)), "\n".join(_lines(row.responses))]
         for row in rows],
    )


def topic_table_csv(
    rows: Sequence[TopicScoreRow], locale: str, group_names: Sequence[str]
) -> bytes:
    """The topic score table as CSV data: scores at full precision, one n column per group.

    A last column says whether the company score is an override, so the data stays honest
    when it leaves the report.
    """
    t = texts(locale)
    data = _topic_data(rows, locale, group_names, full_precision=True)
    return _csv_bytes([*_topic_headers(locale, group_names), t["overridden"]], data)


def _topic_data(rows: Sequence[TopicScoreRow], locale: str, group_names: Sequence[str],
                full_precision: bool) -> list[list[Any]]:
    """The topic table's cells as data (CSV and XLSX): numbers stay numbers."""
    t = texts(locale)
    return [[
        row.rank,
        row.topic,
        row.category,
        None if row.company_score is None else float(row.company_score),
        format_ci(row.company_ci, full_precision=full_precision),
        None if row.stakeholder_score is None else float(row.stakeholder_score),
        format_ci(row.stakeholder_ci, full_precision=full_precision),
        tier_label(row.tier, locale),
        *(row.n_by_group.get(name) for name in group_names),
        t["yes"] if row.company_overridden else t["no"],
    ] for row in rows]


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


def _xlsx_sheet(
    title: str,
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    number_formats: Mapping[int, str] | None = None,
    max_widths: Mapping[int, int] | None = None,
    autofilter: bool = False,
) -> bytes:
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


def response_table_xlsx(rows: Sequence[ResponseTableRow], locale: str) -> bytes:
    """The response table as a workbook: one row per group, items on their own lines."""
    return _xlsx_sheet(
        texts(locale)["response_sheet"],
        _response_headers(locale),
        [[row.group, "\n".join(_lines(row.expectations)), "\n".join(_lines(row.responses))]
         for row in rows],
        max_widths={0: 24, 1: 50, 2: 50},
    )


def topic_table_xlsx(
    rows: Sequence[TopicScoreRow], locale: str, group_names: Sequence[str]
) -> bytes:
    """The topic score table as a workbook; scores stay numbers shown with two decimals."""
    t = texts(locale)
    data = _topic_data(rows, locale, group_names, full_precision=False)
    n_columns = len(group_names)
    return _xlsx_sheet(
        t["topic_sheet"],
        [*_topic_headers(locale, group_names), t["overridden"]],
        data,
        number_formats={3: "0.00", 5: "0.00", **{8 + i: "0" for i in range(n_columns)}},
        max_widths={1: 36, 2: 20, **{8 + i: 14 for i in range(n_columns)}},
        autofilter=True,
    )


# --------------------------------------------------------------------------- HTML


def _e(text: Any) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def _html_items(items: Sequence[str]) -> str:
    return "<br>".join(_e(item) for item in _lines(items))


def response_table_html(rows: Sequence[ResponseTableRow], locale: str) -> str:
    """The response table as a clean, copyable HTML <table>; every text is escaped."""
    head = "".join(f'<th scope="col">{_e(h)}</th>' for h in _response_headers(locale))
    body = "\n".join(
        f'<tr><th scope="row">{_e(row.group)}</th>'
        f"<td>{_html_items(row.expectations)}</td>"
        f"<td>{_html_items(row.responses)}</td></tr>"
        for row in rows
    )
    return (
        f'<table class="report-table response-table" lang="{html_lang(locale)}">\n'
        f"<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>\n"
    )


def _topic_display_cells(row: TopicScoreRow, locale: str, group_names: Sequence[str]) -> list[str]:
    """The cells of one topic row as report text (two decimals, dashes for gaps)."""
    company = format_score(row.company_score)
    if row.company_overridden and row.company_score is not None:
        company += OVERRIDE_MARK
    return [
        MISSING if row.rank is None else str(row.rank),
        row.topic,
        row.category,
        company,
        format_ci(row.company_ci) or MISSING,
        format_score(row.stakeholder_score),
        format_ci(row.stakeholder_ci) or MISSING,
        tier_label(row.tier, locale) or MISSING,
        *(MISSING if row.n_by_group.get(name) is None else str(row.n_by_group[name])
          for name in group_names),
    ]


#: Topic-table columns (by index before the n columns) that hold numbers.
_NUMERIC_TOPIC_COLUMNS = frozenset({0, 3, 4, 5, 6})


def topic_table_html(
    rows: Sequence[TopicScoreRow], locale: str, group_names: Sequence[str]
) -> str:
    """The topic score table as a clean, copyable HTML <table>; every text is escaped."""
    headers = _topic_headers(locale, group_names)
    head = "".join(f'<th scope="col">{_e(h)}</th>' for h in headers)
    lines = []
    for row in rows:
        cells = _topic_display_cells(row, locale, group_names)
        parts = []
        for i, text in enumerate(cells):
            numeric = i in _NUMERIC_TOPIC_COLUMNS or i >= 8
            parts.append(f'<td class="num">{_e(text)}</td>' if numeric else f"<td>{_e(text)}</td>")
        tier_class = f' class="tier-{_e(row.tier)}"' if row.tier else ""
        lines.append(f"<tr{tier_class}>{''.join(parts)}</tr>")
    foot = ""
    if any(row.company_overridden for row in rows):
        foot = (
            f'<tfoot><tr><td colspan="{len(headers)}">'
            f"{_e(texts(locale)['override_note'])}</td></tr></tfoot>\n"
        )
    return (
        f'<table class="report-table topic-table" lang="{html_lang(locale)}">\n'
        f"<thead><tr>{head}</tr></thead>\n{foot}<tbody>\n"
        + "\n".join(lines)
        + "\n</tbody>\n</table>\n"
    )


# --------------------------------------------------------------------------- DOCX


def response_table_docx(rows: Sequence[ResponseTableRow], locale: str) -> bytes:
    """The response table as a report-appendix DOCX: one paragraph per item in a cell."""
    doc = new_docx_document(locale)
    add_docx_caption(doc, texts(locale)["response_title"])
    add_docx_table(
        doc,
        _response_headers(locale),
        [[row.group, _lines(row.expectations), _lines(row.responses)] for row in rows],
        widths_cm=[3.4, 6.3, 6.3],
        bold_first_column=True,
    )
    return docx_bytes(doc)


def topic_table_docx(
    rows: Sequence[TopicScoreRow], locale: str, group_names: Sequence[str]
) -> bytes:
    """The topic score table as a landscape report-appendix DOCX, scores with two decimals."""
    doc = new_docx_document(locale, landscape=True)
    add_docx_caption(doc, texts(locale)["topic_title"])
    fixed = [1.1, 3.8, 2.4, 1.9, 2.3, 1.9, 2.3, 2.0]
    usable = docx_usable_width_cm(doc)
    n_width = max(1.2, (usable - sum(fixed)) / len(group_names)) if group_names else 0
    widths = [*fixed, *([n_width] * len(group_names))]
    if sum(widths) > usable:
        widths = [w * usable / sum(widths) for w in widths]
    add_docx_table(
        doc,
        _topic_headers(locale, group_names),
        [_topic_display_cells(row, locale, group_names) for row in rows],
        widths_cm=widths,
        align_right={*_NUMERIC_TOPIC_COLUMNS, *range(8, 8 + len(group_names))},
        font_size=8,
    )
    if any(row.company_overridden for row in rows):
        note = doc.add_paragraph(texts(locale)["override_note"])
        for run in note.runs:
            run.font.size = Pt(8)
    return docx_bytes(doc)


# ----- DOCX building blocks (also used by services.methodology)


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
    lang.set(qn("w:val"), "zh-CN" if normalize_locale(locale) == "zh_CN" else "en-GB")
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
    doc.core_properties.language = "zh-CN" if normalize_locale(locale) == "zh_CN" else "en-GB"
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
