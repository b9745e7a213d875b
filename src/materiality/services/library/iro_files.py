"""Reading and writing an assessment's IRO register as CSV and XLSX.

The files share the topic library's reader and writers (``topic_files``: size and row
limits, formula guard). Validation returns error codes, not sentences: the caller
words them in the user's language, and refuses a file with any bad row whole.

Columns: ``id`` (empty to add an IRO, an exported id to update it), ``topic`` (the
topic's Chinese or English name, or its id), ``kind``, ``actuality``, ``human_rights``,
the value-chain stages ``upstream``, ``own_operations``, ``downstream`` (yes/no),
``time_horizon`` (short, medium, long), ``description_zh``, ``description_en`` and
``stakeholder_groups`` (group names separated by semicolons).
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from .topic_files import RowError, TopicFileError, read_table_file, table_csv, table_xlsx

IRO_FILE_COLUMNS = (
    "id", "topic", "kind", "actuality", "human_rights", "upstream", "own_operations",
    "downstream", "time_horizon", "description_zh", "description_en", "stakeholder_groups",
)
KINDS = ("negative_impact", "positive_impact", "risk", "opportunity")
IMPACT_KINDS = ("negative_impact", "positive_impact")
STAGES = ("upstream", "own_operations", "downstream")
HORIZONS = ("short", "medium", "long")
#: Headings people write in Chinese spreadsheets, mapped to the canonical names.
HEADER_ALIASES = {
    "编号": "id", "议题": "topic", "类型": "kind", "实际或潜在": "actuality",
    "人权": "human_rights", "上游": "upstream", "自身运营": "own_operations", "下游": "downstream",
    "时间范围": "time_horizon", "描述(中文)": "description_zh", "描述（中文）": "description_zh",
    "描述(英文)": "description_en", "描述（英文）": "description_en",
    "利益相关方": "stakeholder_groups",
}
_YES = {"yes", "y", "true", "1", "x", "是", "√"}
_NO = {"", "no", "n", "false", "0", "否"}
_GROUP_SEPARATORS = re.compile(r"[;；、]")
MAX_DESCRIPTION = 4000
#: Control characters (tab and line breaks allowed in descriptions): the database
#: refuses NUL and none is ever meant in a register.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class IroRow:
    """One valid row: the id it updates (None: a new IRO) and its values."""

    iro_id: int | None
    #: keyword arguments of the register's ``IroValues``
    values: dict


def read_iro_file(data: bytes, filename: str) -> pd.DataFrame:
    """Read a CSV or XLSX register into text columns (see :func:`read_table_file`)."""
    frame = read_table_file(data, filename, HEADER_ALIASES)
    if not {"topic", "kind"} <= set(frame.columns):
        raise TopicFileError("missing_columns", "topic, kind")
    return frame


def _clean(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(
        value).strip()


def validate_iro_rows(
    frame: pd.DataFrame, topics: Mapping[str, int], groups: Mapping[str, int],
    existing_ids: set[int],
) -> tuple[list[IroRow], list[RowError]]:
    """Check every row; return the valid rows and a list of bad rows.

    ``topics`` maps every accepted spelling of the assessment's topics (lower-cased) to
    its id, ``groups`` every spelling of a stakeholder group to its id;
    ``existing_ids`` are the assessment's IROs (a row may update one of them).
    """
    rows: list[IroRow] = []
    errors: list[RowError] = []
    seen_ids: set[int] = set()
    for index, record in enumerate(frame.to_dict("records")):
        error = RowError(index + 2)  # the header is row 1 in a spreadsheet
        cell = {column: _clean(record.get(column)) for column in IRO_FILE_COLUMNS}
        for column, text in cell.items():
            if _CONTROL.search(text) or (column != "description_zh" and column != "description_en"
                                          and ("\n" in text or "\r" in text)):
                error.problems.append(("control_characters", column, ""))
        iro_id = _iro_id(cell["id"], existing_ids, seen_ids, error)
        topic_id = topics.get(cell["topic"].lower())
        if topic_id is None:
            error.problems.append(("unknown_topic", "topic", cell["topic"]))
        kind = cell["kind"].lower()
        if kind not in KINDS:
            error.problems.append(("unknown_kind", "kind", cell["kind"]))
        actuality = cell["actuality"].lower() or None
        if actuality not in (None, "actual", "potential"):
            error.problems.append(("unknown_actuality", "actuality", cell["actuality"]))
        elif kind in IMPACT_KINDS and actuality is None:
            error.problems.append(("missing_actuality", "actuality", ""))
        elif kind in ("risk", "opportunity") and actuality is not None:
            error.problems.append(("unexpected_actuality", "actuality", cell["actuality"]))
        flags = {column: _yes_no(cell[column], column, error)
                 for column in ("human_rights", *STAGES)}
        if flags["human_rights"] and kind in KINDS and kind != "negative_impact":
            error.problems.append(("human_rights_not_negative", "human_rights", ""))
        if not any(flags[stage] for stage in STAGES):
            error.problems.append(("no_value_chain", "upstream", ""))
        horizon = cell["time_horizon"].lower()
        if horizon not in HORIZONS:
            error.problems.append(("unknown_horizon", "time_horizon", cell["time_horizon"]))
        if not cell["description_zh"] and not cell["description_en"]:
            error.problems.append(("missing_description", "description_zh", ""))
        for column in ("description_zh", "description_en"):
            if len(cell[column]) > MAX_DESCRIPTION:
                error.problems.append(("too_long", column, str(MAX_DESCRIPTION)))
        group_ids = []
        for name in filter(None, (n.strip() for n in _GROUP_SEPARATORS.split(
                cell["stakeholder_groups"]))):
            if name.lower() in groups:
                group_ids.append(groups[name.lower()])
            else:
                error.problems.append(("unknown_group", "stakeholder_groups", name))
        if _clean(record.get("__extra_cells__")):
            error.problems.append(("extra_cells", "", ""))
        if error.problems:
            errors.append(error)
            continue
        rows.append(IroRow(iro_id, {
            "topic_id": topic_id, "kind": kind, "actuality": actuality,
            "human_rights": flags["human_rights"],
            "value_chain": tuple(stage for stage in STAGES if flags[stage]),
            "time_horizon": horizon, "description_zh": cell["description_zh"] or None,
            "description_en": cell["description_en"] or None,
            "group_ids": tuple(dict.fromkeys(group_ids)),
        }))
    return rows, errors


def _iro_id(text: str, existing: set[int], seen: set[int], error: RowError) -> int | None:
    if not text:
        return None
    number = int(text[:-2]) if re.fullmatch(r"[0-9]{1,10}\.0", text) else (
        int(text) if re.fullmatch(r"[0-9]{1,10}", text) else None)
    if number is None or number not in existing:
        error.problems.append(("unknown_id", "id", text))
        return None
    if number in seen:
        error.problems.append(("duplicate_id", "id", text))
    seen.add(number)
    return number


def _yes_no(text: str, column: str, error: RowError) -> bool:
    value = text.lower()
    if value in _YES:
        return True
    if value not in _NO:
        error.problems.append(("not_yes_no", column, text))
    return False


def iros_csv(records: Iterable[Sequence[object]]) -> bytes:
    """The register as CSV (UTF-8 with BOM); it imports back unchanged."""
    return table_csv(IRO_FILE_COLUMNS, records)


def iros_xlsx(records: Iterable[Sequence[object]]) -> bytes:
    """The register as an XLSX workbook; it imports back unchanged."""
    return table_xlsx(IRO_FILE_COLUMNS, records, "iros",
                      (8, 24, 18, 12, 12, 10, 14, 12, 12, 48, 48, 32))
