"""Reading and writing the topic library as CSV and XLSX.

Validation returns error codes, not sentences: the caller words them in the
user's language. A file with any bad row is refused whole by the caller.
"""
from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Generator, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from ..documents.office_files import guard_formula
from ..input_checks import has_control_characters

#: Canonical column names, in file order.
TOPIC_COLUMNS = (
    "name_zh", "name_en", "description_zh", "description_en",
    "category", "cass_codes", "gri_codes", "esrs_codes", "guideline_codes",
)
#: Headings people write in Chinese spreadsheets, mapped to the canonical names.
HEADER_ALIASES = {
    "议题名称(中文)": "name_zh", "议题名称（中文）": "name_zh", "议题": "name_zh", "中文名称": "name_zh",
    "议题名称(英文)": "name_en", "议题名称（英文）": "name_en", "英文名称": "name_en",
    "说明(中文)": "description_zh", "说明（中文）": "description_zh",
    "说明(英文)": "description_en", "说明（英文）": "description_en",
    "类别": "category", "分类": "category",
    "cass-csr 4.0": "cass_codes", "cass": "cass_codes", "gri": "gri_codes", "esrs": "esrs_codes",
    "指引条款": "guideline_codes", "交易所指引条款": "guideline_codes", "指引": "guideline_codes",
    "guideline": "guideline_codes",
}
MAX_LENGTHS = {"name_zh": 200, "name_en": 200, "cass_codes": 200, "gri_codes": 200,
               "esrs_codes": 200, "guideline_codes": 200, "description_zh": 4000,
               "description_en": 4000}
#: Limits checked before anything is parsed in full: a 200,000-row sheet or a header of
#: 20,000 columns once held a worker for half a minute. A library has a few hundred topics.
MAX_ROWS = 5000
MAX_COLUMNS = 50
MAX_FILE_BYTES = 5 * 1024 * 1024
#: An XLSX is a zip: what it unpacks to is limited too. A 1.4 MB file held a 29 MB sheet,
#: and openpyxl reads a whole sheet once on opening when it does not state its size.
MAX_UNPACKED_BYTES = 20 * 1024 * 1024
#: Columns whose text may run over several lines.
MULTILINE_COLUMNS = frozenset({"description_zh", "description_en"})


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
    #: Articles of the exchanges' 2024 sustainability reporting guideline, e.g. "第30条".
    guideline_codes: str | None = None


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
    caller checks the columns it needs. The frame's index is each row's number in the
    spreadsheet (the header is row 1); blank rows are left out. Size, columns and rows
    are checked while reading, so an oversized file is refused before it is parsed whole.
    """
    name = filename.lower()
    if not name.endswith((".xlsx", ".csv", ".txt")):
        raise TopicFileError("unknown_type")
    if len(data) > MAX_FILE_BYTES:
        raise TopicFileError("too_large", str(MAX_FILE_BYTES))
    rows = _xlsx_rows(data) if name.endswith(".xlsx") else _csv_rows(data)
    try:
        header = [_canonical(c, aliases) for c in _trimmed(next(rows, None) or ())]
        if len(header) > MAX_COLUMNS:
            raise TopicFileError("too_many_columns", str(MAX_COLUMNS))
        numbered = []
        for row_number, cells in enumerate(rows, 2):
            values = ["" if v is None else _text(v) for v in cells]
            if not any(v.strip() for v in values):
                continue
            if len(numbered) == MAX_ROWS:
                raise TopicFileError("too_many_rows", str(MAX_ROWS))
            extra = [v for v in values[len(header):] if v.strip()]
            values = (values + [""] * len(header))[:len(header)]
            numbered.append((row_number, [*values, "x" if extra else ""]))
    except TopicFileError:
        raise
    except Exception as exc:  # csv, zipfile and openpyxl raise many kinds for a broken file
        raise TopicFileError("unreadable", str(exc)[:200]) from exc
    finally:
        rows.close()  # the rest of a long file is never read
    frame = pd.DataFrame([values for _number, values in numbered],
                         columns=[*header, _EXTRA], index=[number for number, _values in numbered],
                         dtype=object)
    return frame.loc[:, ~frame.columns.duplicated()]


#: A column marking rows with more cells than the header (an unquoted comma, say).
_EXTRA = "__extra_cells__"


def _csv_rows(data: bytes) -> Generator[Sequence[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TopicFileError("not_utf8") from exc
    yield from csv.reader(io.StringIO(text, newline=""))


def _xlsx_rows(data: bytes) -> Generator[Sequence[object]]:
    from openpyxl import load_workbook

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        if sum(member.file_size for member in archive.infolist()) > MAX_UNPACKED_BYTES:
            raise TopicFileError("too_large_unpacked", str(MAX_UNPACKED_BYTES))
    # Read-only mode streams the sheet row by row instead of building every cell first.
    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        yield from workbook.worksheets[0].iter_rows(values_only=True)
    finally:
        workbook.close()


def _trimmed(cells: Sequence[object]) -> list[object]:
    """The header without the empty cells a spreadsheet keeps at the end of a row."""
    cells = list(cells)
    while cells and (cells[-1] is None or not str(cells[-1]).strip()):
        cells.pop()
    return cells


def _text(value: object) -> str:
    """A cell as text; a whole number typed in a spreadsheet has no '.0'."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


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
    for row_number, record in zip(frame.index, frame.to_dict("records"), strict=True):
        values = {column: _clean(record.get(column)) for column in TOPIC_COLUMNS}
        error = RowError(int(row_number))
        if record.get(_EXTRA):
            error.problems.append(("extra_cells", "", ""))
        for column, value in values.items():
            if value and has_control_characters(value, multiline=column in MULTILINE_COLUMNS):
                error.problems.append(("control_characters", column, ""))
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
            guideline_codes=values["guideline_codes"],
        ))
    return rows, errors


def topics_csv(records: Iterable[Sequence[str | None]]) -> bytes:
    """CSV in UTF-8 with BOM, so Excel opens Chinese correctly."""
    return table_csv(TOPIC_COLUMNS, records)


def topics_xlsx(records: Iterable[Sequence[str | None]]) -> bytes:
    """The same table as an XLSX workbook, header frozen and bold."""
    return table_xlsx(TOPIC_COLUMNS, records, "topics", (24, 32, 40, 40, 16, 16, 16, 16, 20))


def table_csv(columns: Sequence[str], records: Iterable[Sequence[object]]) -> bytes:
    """A table as CSV in UTF-8 with BOM (Excel then opens Chinese correctly), cells
    that a spreadsheet would run as formulas guarded."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for record in records:
        writer.writerow([guard_formula("" if v is None else str(v)) for v in record])
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
