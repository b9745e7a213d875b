"""Reading and writing the topic library as CSV and XLSX.

Validation returns error codes, not sentences: the caller words them in the
user's language. A file with any bad row is refused whole by the caller.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

#: Canonical column names, in file order.
TOPIC_COLUMNS = (
    "name_zh", "name_en", "description_zh", "description_en",
    "category", "cass_codes", "gri_codes", "esrs_codes",
)
#: Headings people write in Chinese spreadsheets, mapped to the canonical names.
HEADER_ALIASES = {
    "议题名称(中文)": "name_zh", "议题名称（中文）": "name_zh", "议题": "name_zh", "中文名称": "name_zh",
    "议题名称(英文)": "name_en", "议题名称（英文）": "name_en", "英文名称": "name_en",
    "说明(中文)": "description_zh", "说明（中文）": "description_zh",
    "说明(英文)": "description_en", "说明（英文）": "description_en",
    "类别": "category", "分类": "category",
    "cass-csr 4.0": "cass_codes", "cass": "cass_codes", "gri": "gri_codes", "esrs": "esrs_codes",
}
MAX_LENGTHS = {"name_zh": 200, "name_en": 200, "cass_codes": 200, "gri_codes": 200,
               "esrs_codes": 200, "description_zh": 4000, "description_en": 4000}
MAX_ROWS = 5000


class TopicFileError(ValueError):
    """The file as a whole cannot be read (wrong type, no header, too large)."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(code)
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class TopicRow:
    """One valid topic from a file."""

    name_zh: str | None
    name_en: str | None
    description_zh: str | None
    description_en: str | None
    category_key: str
    cass_codes: str | None
    gri_codes: str | None
    esrs_codes: str | None


@dataclass
class RowError:
    """What is wrong with one row: its spreadsheet row number and error codes."""

    row: int
    problems: list[tuple[str, str, str]] = field(default_factory=list)  # (code, column, value)


def read_topic_file(data: bytes, filename: str) -> pd.DataFrame:
    """Read a CSV (UTF-8, with or without BOM) or XLSX file of topics into text columns."""
    frame = read_table_file(data, filename, HEADER_ALIASES)
    if not {"name_zh", "name_en"} & set(frame.columns) or "category" not in frame.columns:
        raise TopicFileError("missing_columns", ", ".join(TOPIC_COLUMNS[:1] + ("category",)))
    return frame


def read_table_file(data: bytes, filename: str, aliases: Mapping[str, str]) -> pd.DataFrame:
    """Read a CSV (UTF-8, with or without BOM) or XLSX table into text columns.

    Headings are lower-cased, or mapped by ``aliases`` (e.g. Chinese headings); the
    caller checks the columns it needs. Too many rows are refused.
    """
    name = filename.lower()
    try:
        if name.endswith(".xlsx"):
            frame = pd.read_excel(io.BytesIO(data), dtype=str, engine="openpyxl")
        elif name.endswith(".csv") or name.endswith(".txt"):
            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                raise TopicFileError("not_utf8") from exc
            frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
        else:
            raise TopicFileError("unknown_type")
    except TopicFileError:
        raise
    except Exception as exc:  # pandas raises many kinds for a broken file
        raise TopicFileError("unreadable", str(exc)[:200]) from exc
    frame.columns = [_canonical(c, aliases) for c in frame.columns]
    if len(frame) > MAX_ROWS:
        raise TopicFileError("too_many_rows", str(MAX_ROWS))
    return frame.fillna("")


def _canonical(header: object, aliases: Mapping[str, str]) -> str:
    text = str(header).strip()
    return aliases.get(text.lower(), aliases.get(text, text.lower()))


def _clean(value: object) -> str | None:
    text = "" if value is None else str(value).strip()
    return text or None


def validate_topic_rows(
    frame: pd.DataFrame, categories: Mapping[str, str]
) -> tuple[list[TopicRow], list[RowError]]:
    """Check every row; return the valid rows and a list of bad rows.

    ``categories`` maps every accepted spelling (key, zh and en name, lower-cased)
    to a category key.
    """
    rows: list[TopicRow] = []
    errors: list[RowError] = []
    seen: dict[tuple[str, str], int] = {}
    for index, record in enumerate(frame.to_dict("records")):
        row_number = index + 2  # the header is row 1 in a spreadsheet
        values = {column: _clean(record.get(column)) for column in TOPIC_COLUMNS}
        error = RowError(row_number)
        if not values["name_zh"] and not values["name_en"]:
            error.problems.append(("missing_name", "name_zh", ""))
        for column, limit in MAX_LENGTHS.items():
            if values[column] and len(values[column]) > limit:
                error.problems.append(("too_long", column, str(limit)))
        category = values["category"]
        category_key = categories.get(category.lower()) if category else None
        if not category:
            error.problems.append(("missing_category", "category", ""))
        elif category_key is None:
            error.problems.append(("unknown_category", "category", category))
        for column in ("name_zh", "name_en"):
            name = values[column]
            if name:
                first = seen.setdefault((column, name.lower()), row_number)
                if first != row_number:
                    error.problems.append(("duplicate_name", column, f"{name}|{first}"))
        if error.problems:
            errors.append(error)
            continue
        rows.append(TopicRow(
            name_zh=values["name_zh"], name_en=values["name_en"],
            description_zh=values["description_zh"], description_en=values["description_en"],
            category_key=category_key or "", cass_codes=values["cass_codes"],
            gri_codes=values["gri_codes"], esrs_codes=values["esrs_codes"],
        ))
    return rows, errors


def _guard_formula(value: str) -> str:
    """Spreadsheets run cells that start with these as formulas."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def topics_csv(records: Iterable[Sequence[str | None]]) -> bytes:
    """CSV in UTF-8 with BOM, so Excel opens Chinese correctly."""
    return table_csv(TOPIC_COLUMNS, records)


def topics_xlsx(records: Iterable[Sequence[str | None]]) -> bytes:
    """The same table as an XLSX workbook, header frozen and bold."""
    return table_xlsx(TOPIC_COLUMNS, records, "topics", (24, 32, 40, 40, 16, 16, 16, 16))


def table_csv(columns: Sequence[str], records: Iterable[Sequence[object]]) -> bytes:
    """A table as CSV in UTF-8 with BOM (Excel then opens Chinese correctly), cells
    that a spreadsheet would run as formulas guarded."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for record in records:
        writer.writerow([_guard_formula("" if v is None else str(v)) for v in record])
    return out.getvalue().encode("utf-8-sig")


def table_xlsx(columns: Sequence[str], records: Iterable[Sequence[object]], title: str,
               widths: Sequence[int]) -> bytes:
    """A table as an XLSX workbook, header frozen and bold, text stored as text."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    sheet.append(list(columns))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for record in records:
        sheet.append([v if v not in ("", None) else None for v in record])
        for cell in sheet[sheet.max_row]:
            cell.data_type = "s" if isinstance(cell.value, str) else cell.data_type
    sheet.freeze_panes = "A2"
    for index, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
