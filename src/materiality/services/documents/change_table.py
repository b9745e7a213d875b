"""The year-over-year change table as files: XLSX, CSV, DOCX and an HTML fragment.

Plain Python, no Flask. Rows come prepared (names translated, see
``services.comparison`` for what the figures mean); each function takes them with the
report language and the two assessments' labels (usually their reporting years). The
writers are the report's own (``services.office_files``), the wording sits in
``TEXTS`` like the other report tables'.
"""
from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .office_files import (
    add_docx_caption,
    add_docx_table,
    csv_bytes,
    docx_bytes,
    docx_usable_width_cm,
    html_lang,
    new_docx_document,
    normalize_locale,
    two_decimals,
    xlsx_sheet,
)
from .tables import MISSING, format_score, tier_label
from .tables import texts as table_texts

__all__ = [
    "ChangeTableRow",
    "change_table_csv",
    "change_table_docx",
    "change_table_html",
    "change_table_xlsx",
    "change_title",
]

TEXTS: dict[str, dict[str, str]] = {
    "zh_CN": {
        "title": "实质性议题评估变化：{current}对比{baseline}",
        "sheet": "议题变化",
        "change": "变化",
        "company": "对企业发展的重要性（{label}）",
        "company_change": "对企业发展的重要性（变化）",
        "stakeholder": "对利益相关方的重要性（{label}）",
        "stakeholder_change": "对利益相关方的重要性（变化）",
        "company_rank": "企业维度排序（{label}）",
        "stakeholder_rank": "利益相关方维度排序（{label}）",
        "rank": "综合排序（{label}）",
        "tier": "实质性等级（{label}）",
        "new": "新增议题",
        "dropped": "本期未评估",
        "entered": "进入实质性议题",
        "left": "退出实质性议题",
        "tier_changed": "等级变化",
    },
    "en": {
        "title": "Changes in the materiality assessment: {current} versus {baseline}",
        "sheet": "Changes",
        "change": "Change",
        "company": "Importance to the company, {label}",
        "company_change": "Importance to the company, change",
        "stakeholder": "Importance to stakeholders, {label}",
        "stakeholder_change": "Importance to stakeholders, change",
        "company_rank": "Rank (company), {label}",
        "stakeholder_rank": "Rank (stakeholders), {label}",
        "rank": "Overall rank, {label}",
        "tier": "Tier, {label}",
        "new": "New topic",
        "dropped": "Not assessed any more",
        "entered": "Entered the material set",
        "left": "Left the material set",
        "tier_changed": "Tier changed",
    },
}

#: Column indexes (zero-based) of scores, changes and ranks.
_SCORE_COLUMNS = (3, 4, 6, 7)
_CHANGE_COLUMNS = (5, 8)
_RANK_COLUMNS = (9, 10, 11, 12, 13, 14)


@dataclass(frozen=True)
class ChangeTableRow:
    """One topic in both assessments; a pair is (baseline, current), None where missing."""

    topic: str
    category: str
    #: "shared", "new" or "dropped"
    status: str
    #: "entered", "left" or None
    material_change: str | None
    tier_changed: bool
    company: tuple[float | None, float | None]
    stakeholder: tuple[float | None, float | None]
    company_rank: tuple[int | None, int | None]
    stakeholder_rank: tuple[int | None, int | None]
    rank: tuple[int | None, int | None]
    tier: tuple[str | None, str | None]

    @property
    def company_change(self) -> float | None:
        return _difference(self.company)

    @property
    def stakeholder_change(self) -> float | None:
        return _difference(self.stakeholder)

    @property
    def change_key(self) -> str | None:
        """What changed, most telling first: new/dropped, entered/left, tier_changed."""
        if self.status in ("new", "dropped"):
            return self.status
        return self.material_change or ("tier_changed" if self.tier_changed else None)


def _difference(pair: tuple[float | None, float | None]) -> float | None:
    before, after = pair
    return None if before is None or after is None else after - before


def _texts(locale: str) -> dict[str, str]:
    return TEXTS[normalize_locale(locale)]


def change_title(locale: str, baseline: str, current: str) -> str:
    """The table's caption, e.g. "... 2024 versus 2023"."""
    return _texts(locale)["title"].format(baseline=baseline, current=current)


def _headers(locale: str, baseline: str, current: str) -> list[str]:
    t, shared = _texts(locale), table_texts(locale)
    both = (baseline, current)
    return [
        shared["topic"], shared["category"], t["change"],
        *(t["company"].format(label=label) for label in both), t["company_change"],
        *(t["stakeholder"].format(label=label) for label in both), t["stakeholder_change"],
        *(t["company_rank"].format(label=label) for label in both),
        *(t["stakeholder_rank"].format(label=label) for label in both),
        *(t["rank"].format(label=label) for label in both),
        *(t["tier"].format(label=label) for label in both),
    ]


def _change_label(row: ChangeTableRow, locale: str) -> str:
    key = row.change_key
    return _texts(locale)[key] if key else ""


def _data(rows: Sequence[ChangeTableRow], locale: str) -> list[list[Any]]:
    """The cells as data (CSV and XLSX): numbers stay numbers at full precision."""
    return [[
        row.topic, row.category, _change_label(row, locale),
        *row.company, row.company_change,
        *row.stakeholder, row.stakeholder_change,
        *row.company_rank, *row.stakeholder_rank, *row.rank,
        *(tier_label(tier, locale) for tier in row.tier),
    ] for row in rows]


def format_change(value: float | None) -> str:
    """A change of score with its sign and two decimals ("+0.62", "−0.13", "0.00")."""
    if value is None:
        return MISSING
    shown = two_decimals(abs(value))
    if shown == "0.00":
        return shown
    return ("+" if value > 0 else "\u2212") + shown


def _display_cells(row: ChangeTableRow, locale: str) -> list[str]:
    """The cells as report text: two decimals, signed changes, dashes for gaps."""
    def rank(value: int | None) -> str:
        return MISSING if value is None else str(value)

    return [
        row.topic, row.category, _change_label(row, locale),
        *(format_score(v) for v in row.company), format_change(row.company_change),
        *(format_score(v) for v in row.stakeholder), format_change(row.stakeholder_change),
        *(rank(v) for v in (*row.company_rank, *row.stakeholder_rank, *row.rank)),
        *(tier_label(tier, locale) or MISSING for tier in row.tier),
    ]


def change_table_csv(rows: Sequence[ChangeTableRow], locale: str, baseline: str,
                     current: str) -> bytes:
    """The change table as CSV data (UTF-8 with BOM), scores at full precision."""
    return csv_bytes(_headers(locale, baseline, current), _data(rows, locale))


def change_table_xlsx(rows: Sequence[ChangeTableRow], locale: str, baseline: str,
                      current: str) -> bytes:
    """The change table as a workbook: scores shown with two decimals, changes signed."""
    return xlsx_sheet(
        _texts(locale)["sheet"],
        _headers(locale, baseline, current),
        _data(rows, locale),
        number_formats={**dict.fromkeys(_SCORE_COLUMNS, "0.00"),
                        **dict.fromkeys(_CHANGE_COLUMNS, "+0.00;-0.00;0.00"),
                        **dict.fromkeys(_RANK_COLUMNS, "0")},
        max_widths={0: 36, 1: 20, 2: 24, **dict.fromkeys(range(3, 17), 16)},
        autofilter=True,
    )


def change_table_html(rows: Sequence[ChangeTableRow], locale: str, baseline: str,
                      current: str) -> str:
    """The change table as a clean, copyable HTML <table>; every text is escaped."""
    def e(text: Any) -> str:
        return html.escape("" if text is None else str(text), quote=True)

    numeric = {*_SCORE_COLUMNS, *_CHANGE_COLUMNS, *_RANK_COLUMNS}
    head = "".join(f'<th scope="col">{e(h)}</th>' for h in _headers(locale, baseline, current))
    lines = []
    for row in rows:
        cells = "".join(
            f'<td class="num">{e(text)}</td>' if i in numeric else f"<td>{e(text)}</td>"
            for i, text in enumerate(_display_cells(row, locale)))
        css = f' class="change-{e(row.change_key)}"' if row.change_key else ""
        lines.append(f"<tr{css}>{cells}</tr>")
    return (
        f'<table class="report-table change-table" lang="{html_lang(locale)}">\n'
        f"<caption>{e(change_title(locale, baseline, current))}</caption>\n"
        f"<thead><tr>{head}</tr></thead>\n<tbody>\n" + "\n".join(lines)
        + "\n</tbody>\n</table>\n"
    )


def change_table_docx(rows: Sequence[ChangeTableRow], locale: str, baseline: str,
                      current: str) -> bytes:
    """The change table as a landscape report-appendix DOCX."""
    doc = new_docx_document(locale, landscape=True)
    add_docx_caption(doc, change_title(locale, baseline, current))
    fixed = [3.2, 1.8, 2.0]
    usable = docx_usable_width_cm(doc)
    rest = (usable - sum(fixed)) / 14
    add_docx_table(
        doc,
        _headers(locale, baseline, current),
        [_display_cells(row, locale) for row in rows],
        widths_cm=[*fixed, *([rest] * 14)],
        align_right={*_SCORE_COLUMNS, *_CHANGE_COLUMNS, *_RANK_COLUMNS},
        font_size=7,
    )
    return docx_bytes(doc)
