"""The report's tables as files: the stakeholder response table and the topic score table.

Plain Python, no Flask. Each function takes prepared rows and a report language
("zh_CN" or "en") and returns XLSX, CSV (UTF-8 with BOM) or DOCX bytes, or an HTML
fragment as a string. Texts are report content, so they live in ``TEXTS`` below rather
than in the gettext catalogue. The generic CSV, XLSX and DOCX building blocks live in
``services.office_files``.
"""
from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from docx.shared import Pt

from ..rounding import percent_text
from ..scoring.sensitivity import CERTAIN

# normalize_locale and html_lang are also imported from here by the report blueprint.
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
        "dont_know": "“不了解”占比（利益相关方）",
        "p_material": "判为实质性的概率",
        "p_same_tier": "等级不变的概率",
        "tier_changes": "等级随权重变化",
        "unanswered": "无有效评分的加权群体",
        "scenario_equal_weights": "等权重",
        "scenario_without": "去掉{name}",
        "no_tier": "无等级",
        "change_item": "{scenario}：{tier}",
        "list_sep": "；",
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
        "dont_know": "Don't know (stakeholders)",
        "p_material": "Probability material",
        "p_same_tier": "Probability same tier",
        "tier_changes": "Tier under other weights",
        "unanswered": "Weighted groups without a numeric rating",
        "scenario_equal_weights": "equal weights",
        "scenario_without": "without {name}",
        "no_tier": "no tier",
        "change_item": "{scenario}: {tier}",
        "list_sep": "; ",
    },
}

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
    #: share of the stakeholders' answers to the topic that were "don't know"
    dont_know_share: float | None = None
    #: bootstrap probabilities (services.sensitivity): material, and keeping the tier
    p_material: float | None = None
    p_same_tier: float | None = None
    #: (scenario name in the report language, tier or None) where the tier changes
    tier_changes: Sequence[tuple[str, str | None]] = ()
    #: weighted groups / rater kinds (names) that gave the topic no numeric rating
    unanswered: Sequence[str] = ()


# --------------------------------------------------------------------------- helpers


def texts(locale: str | None) -> dict[str, str]:
    """The report texts of this module in the given language."""
    return TEXTS[normalize_locale(locale)]


def tier_label(tier: str | None, locale: str) -> str:
    """The tier key shown in the report language; unknown keys are shown as they are."""
    if not tier:
        return ""
    return texts(locale).get(f"tier_{tier}", tier)


def format_score(value: float | None) -> str:
    """A score with two decimals for reading, or a dash when there is none."""
    return MISSING if value is None else two_decimals(value)


def scenario_name(kind: str, name: str | None, locale: str) -> str:
    """A sensitivity scenario in the report language: "equal weights", "without X"."""
    t = texts(locale)
    if kind == "equal_weights":
        return t["scenario_equal_weights"]
    return t["scenario_without"].format(name=name)


def format_changes(changes: Sequence[tuple[str, str | None]], locale: str) -> str:
    """The scenarios that change a topic's tier, with the tier each gives."""
    t = texts(locale)
    return t["list_sep"].join(
        t["change_item"].format(scenario=name, tier=tier_label(tier, locale) or t["no_tier"])
        for name, tier in changes)


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
        t["dont_know"],
        t["p_material"],
        t["p_same_tier"],
        t["tier_changes"],
        t["unanswered"],
    ]


def _response_headers(locale: str) -> list[str]:
    t = texts(locale)
    return [t["group"], t["expectations"], t["responses"]]


def _response_data(rows: Sequence[ResponseTableRow]) -> list[list[str]]:
    """The response table's cells as data (CSV and XLSX): a cell's items on their own lines."""
    return [[row.group, "\n".join(_lines(row.expectations)), "\n".join(_lines(row.responses))]
            for row in rows]


# --------------------------------------------------------------------------- CSV


def response_table_csv(rows: Sequence[ResponseTableRow], locale: str) -> bytes:
    """The response table as CSV; the items of a cell are separated by newlines."""
    return csv_bytes(
        _response_headers(locale),
        _response_data(rows),
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
    return csv_bytes([*_topic_headers(locale, group_names), t["overridden"]], data)


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
        row.dont_know_share,
        row.p_material,
        row.p_same_tier,
        format_changes(row.tier_changes, locale),
        t["list_sep"].join(row.unanswered),
        t["yes"] if row.company_overridden else t["no"],
    ] for row in rows]


# --------------------------------------------------------------------------- XLSX


def response_table_xlsx(rows: Sequence[ResponseTableRow], locale: str) -> bytes:
    """The response table as a workbook: one row per group, items on their own lines."""
    return xlsx_sheet(
        texts(locale)["response_sheet"],
        _response_headers(locale),
        _response_data(rows),
        max_widths={0: 24, 1: 50, 2: 50},
    )


def topic_table_xlsx(
    rows: Sequence[TopicScoreRow], locale: str, group_names: Sequence[str]
) -> bytes:
    """The topic score table as a workbook; scores stay numbers shown with two decimals."""
    t = texts(locale)
    data = _topic_data(rows, locale, group_names, full_precision=False)
    n_columns = len(group_names)
    shares = 8 + n_columns  # don't-know share and the two probabilities
    return xlsx_sheet(
        t["topic_sheet"],
        [*_topic_headers(locale, group_names), t["overridden"]],
        data,
        number_formats={3: "0.00", 5: "0.00", **{8 + i: "0" for i in range(n_columns)},
                        **{shares + i: "0.0%" for i in range(3)}},
        max_widths={1: 36, 2: 20, **{8 + i: 14 for i in range(n_columns)},
                    shares + 3: 40, shares + 4: 30},
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
        percent_text(row.dont_know_share),
        percent_text(row.p_material),
        percent_text(row.p_same_tier),
        format_changes(row.tier_changes, locale) or MISSING,
        texts(locale)["list_sep"].join(row.unanswered) or MISSING,
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
            numeric = i in _NUMERIC_TOPIC_COLUMNS or 8 <= i < len(cells) - 2
            parts.append(f'<td class="num">{_e(text)}</td>' if numeric else f"<td>{_e(text)}</td>")
        classes = [f"tier-{row.tier}"] if row.tier else []
        if row.tier_changes or (row.p_same_tier is not None and row.p_same_tier < CERTAIN):
            classes.append("tier-uncertain")
        tier_class = f' class="{_e(" ".join(classes))}"' if classes else ""
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
    robustness = [1.6, 1.6, 1.6, 3.6, 2.4]
    usable = docx_usable_width_cm(doc)
    n_width = (max(1.2, (usable - sum(fixed) - sum(robustness)) / len(group_names))
               if group_names else 0)
    widths = [*fixed, *([n_width] * len(group_names)), *robustness]
    if sum(widths) > usable:
        widths = [w * usable / sum(widths) for w in widths]
    add_docx_table(
        doc,
        _topic_headers(locale, group_names),
        [_topic_display_cells(row, locale, group_names) for row in rows],
        widths_cm=widths,
        align_right={*_NUMERIC_TOPIC_COLUMNS, *range(8, 11 + len(group_names))},
        font_size=8,
    )
    if any(row.company_overridden for row in rows):
        note = doc.add_paragraph(texts(locale)["override_note"])
        for run in note.runs:
            run.font.size = Pt(8)
    return docx_bytes(doc)
