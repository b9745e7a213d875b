"""A double-materiality assessment's tables as files: the IRO table and the list of
material topics with their impacts, risks and opportunities.

Plain Python, no Flask. Each function takes prepared rows and a report language
("zh_CN" or "en") and returns XLSX, CSV (UTF-8 with BOM) or DOCX bytes, or an HTML
fragment. CSV keeps full precision (to recompute from); XLSX keeps numbers as numbers
shown with two decimals; HTML and DOCX show them rounded by the one rule
(services.rounding). Texts are report content, so they live in ``TEXTS`` below; the
building blocks are ``office_files``'.
"""
from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ..rounding import score_text
from ..scoring.double import CRITERIA
from .office_files import (
    add_docx_caption,
    add_docx_table,
    csv_bytes,
    docx_bytes,
    docx_usable_width_cm,
    html_lang,
    new_docx_document,
    normalize_locale,
    xlsx_sheet,
)

__all__ = [
    "IroTableRow", "MaterialTopicRow", "iro_table_csv", "iro_table_docx", "iro_table_html",
    "iro_table_xlsx", "material_topics_csv", "material_topics_docx", "material_topics_html",
    "material_topics_xlsx",
]

MISSING = "—"

TEXTS: dict[str, dict[str, str]] = {
    "zh_CN": {
        "iro_title": "影响、风险和机遇（IRO）评估结果",
        "iro_sheet": "IRO评估",
        "material_title": "实质性议题及其影响、风险和机遇",
        "material_sheet": "实质性议题",
        "topic": "议题",
        "category": "类别",
        "iro_id": "编号",
        "iro": "影响、风险或机遇",
        "kind": "类型",
        "actuality": "实际/潜在",
        "human_rights": "涉及人权",
        "value_chain": "价值链环节",
        "horizon": "时间范围",
        "criterion_scale": "规模",
        "criterion_scope": "范围",
        "criterion_irremediable": "不可补救性",
        "criterion_likelihood": "可能性",
        "criterion_magnitude": "财务影响程度",
        "severity": "严重程度",
        "score": "得分",
        "assessors": "评估人数",
        "flags": "提示",
        "material": "达到阈值",
        "impact_score": "影响实质性",
        "financial_score": "财务实质性",
        "stakeholder_score": "对利益相关方的重要性（问卷）",
        "materiality": "实质性",
        "iros": "影响、风险和机遇",
        "kind_negative_impact": "负面影响",
        "kind_positive_impact": "正面影响",
        "kind_risk": "风险",
        "kind_opportunity": "机遇",
        "actuality_actual": "实际",
        "actuality_potential": "潜在",
        "stage_upstream": "上游",
        "stage_own_operations": "自身运营",
        "stage_downstream": "下游",
        "horizon_short": "短期（{short}年以内）",
        "horizon_medium": "中期（{short}至{medium}年）",
        "horizon_long": "长期（{medium}年以上）",
        "materiality_both": "双重实质性",
        "materiality_impact": "影响实质性",
        "materiality_financial": "财务实质性",
        "materiality_none": "非实质性",
        "needs_review": "需复核（{criteria}评分分歧≥2分）",
        "missing": "缺少评分：{criteria}",
        "yes": "是",
        "no": "否",
        "list_sep": "、",
        "flag_sep": "；",
        "iro_line": "［{kind}］{description}（得分 {score}）",
    },
    "en": {
        "iro_title": "Impacts, risks and opportunities (IROs): assessment results",
        "iro_sheet": "IRO assessment",
        "material_title": "Material topics and their impacts, risks and opportunities",
        "material_sheet": "Material topics",
        "topic": "Topic",
        "category": "Category",
        "iro_id": "No.",
        "iro": "Impact, risk or opportunity",
        "kind": "Kind",
        "actuality": "Actual/potential",
        "human_rights": "Human rights",
        "value_chain": "Value chain",
        "horizon": "Time horizon",
        "criterion_scale": "Scale",
        "criterion_scope": "Scope",
        "criterion_irremediable": "Irremediable character",
        "criterion_likelihood": "Likelihood",
        "criterion_magnitude": "Financial magnitude",
        "severity": "Severity",
        "score": "Score",
        "assessors": "Assessors",
        "flags": "Flags",
        "material": "Reaches threshold",
        "impact_score": "Impact materiality",
        "financial_score": "Financial materiality",
        "stakeholder_score": "Importance to stakeholders (survey)",
        "materiality": "Material by",
        "iros": "Impacts, risks and opportunities",
        "kind_negative_impact": "Negative impact",
        "kind_positive_impact": "Positive impact",
        "kind_risk": "Risk",
        "kind_opportunity": "Opportunity",
        "actuality_actual": "Actual",
        "actuality_potential": "Potential",
        "stage_upstream": "Upstream",
        "stage_own_operations": "Own operations",
        "stage_downstream": "Downstream",
        "horizon_short": "Short term (up to {short} years)",
        "horizon_medium": "Medium term ({short} to {medium} years)",
        "horizon_long": "Long term (over {medium} years)",
        "materiality_both": "Impact and financial",
        "materiality_impact": "Impact",
        "materiality_financial": "Financial",
        "materiality_none": "Not material",
        "needs_review": "Needs review (ratings of {criteria} span 2 points or more)",
        "missing": "No rating of {criteria}",
        "yes": "Yes",
        "no": "No",
        "list_sep": ", ",
        "flag_sep": "; ",
        "iro_line": "[{kind}] {description} (score {score})",
    },
}


@dataclass(frozen=True)
class IroTableRow:
    """One IRO scored: its register entry, each criterion's value, score and flags."""

    topic: str
    iro_id: int
    description: str
    kind: str
    actuality: str | None
    human_rights: bool
    #: the value-chain stages (services: "upstream", "own_operations", "downstream")
    value_chain: Sequence[str]
    horizon: str
    #: each criterion's aggregate over the assessors (None: not rated or not applicable)
    criteria: Mapping[str, float | None]
    severity: float | None
    score: float | None
    assessors: int
    needs_review: bool = False
    review_criteria: Sequence[str] = ()
    missing_criteria: Sequence[str] = ()
    #: its score reaches its axis's threshold (impact or financial)
    material: bool = False


@dataclass(frozen=True)
class MaterialTopicRow:
    """One material topic: both scores, why it is material, and its IROs."""

    topic: str
    category: str
    impact_score: float | None
    financial_score: float | None
    #: "both", "impact" or "financial"
    materiality: str | None
    iros: Sequence[IroTableRow] = field(default_factory=tuple)
    #: importance to stakeholders from the survey, when the assessment ran one
    stakeholder_score: float | None = None


def texts(locale: str | None) -> dict[str, str]:
    """This module's report texts in the given language."""
    return TEXTS[normalize_locale(locale)]


def kind_label(kind: str, locale: str) -> str:
    return texts(locale).get(f"kind_{kind}", kind)


def materiality_label(materiality: str | None, locale: str) -> str:
    return texts(locale)[f"materiality_{materiality or 'none'}"]


def horizon_label(horizon: str, locale: str, horizons: tuple[int, int] = (1, 5)) -> str:
    """"Short term (up to 1 years)" with the assessment's own horizons."""
    template = texts(locale).get(f"horizon_{horizon}")
    return template.format(short=horizons[0], medium=horizons[1]) if template else horizon


def _criteria_names(criteria: Sequence[str], locale: str) -> str:
    t = texts(locale)
    return t["list_sep"].join(t[f"criterion_{c}"] for c in criteria)


def flags_text(row: IroTableRow, locale: str) -> str:
    """The review flag and the missing criteria, in words."""
    t = texts(locale)
    flags = []
    if row.needs_review:
        flags.append(t["needs_review"].format(criteria=_criteria_names(row.review_criteria,
                                                                       locale)))
    if row.missing_criteria:
        flags.append(t["missing"].format(criteria=_criteria_names(row.missing_criteria, locale)))
    return t["flag_sep"].join(flags)


def _yes_no(value: bool, locale: str) -> str:
    return texts(locale)["yes" if value else "no"]


# --------------------------------------------------------------------------- IRO table


def _iro_headers(locale: str) -> list[str]:
    t = texts(locale)
    return [t["topic"], t["iro_id"], t["iro"], t["kind"], t["actuality"], t["human_rights"],
            t["value_chain"], t["horizon"], *(t[f"criterion_{c}"] for c in CRITERIA),
            t["severity"], t["score"], t["assessors"], t["flags"], t["material"]]


#: Column indexes of the IRO table holding scores (the criteria, severity and score).
_SCORE_COLUMNS = tuple(range(8, 8 + len(CRITERIA) + 2))
_ASSESSORS_COLUMN = 8 + len(CRITERIA) + 2


def _iro_cells(row: IroTableRow, locale: str, horizons: tuple[int, int], *,
               as_text: bool) -> list:
    """One IRO's cells: numbers as floats (files of data) or rounded text (documents)."""
    t = texts(locale)

    def number(value: float | None):  # noqa: ANN202
        if as_text:
            return score_text(value)
        return None if value is None else float(value)

    return [
        row.topic, str(row.iro_id) if as_text else row.iro_id, row.description,
        kind_label(row.kind, locale),
        t[f"actuality_{row.actuality}"] if row.actuality else (MISSING if as_text else ""),
        _yes_no(row.human_rights, locale),
        t["list_sep"].join(t[f"stage_{s}"] for s in row.value_chain),
        horizon_label(row.horizon, locale, horizons),
        *(number(row.criteria.get(c)) for c in CRITERIA),
        number(row.severity), number(row.score),
        str(row.assessors) if as_text else row.assessors,
        flags_text(row, locale) or (MISSING if as_text else ""),
        _yes_no(row.material, locale),
    ]


def iro_table_csv(rows: Sequence[IroTableRow], locale: str,
                  horizons: tuple[int, int] = (1, 5)) -> bytes:
    """The IRO table as CSV data, every value at full precision."""
    return csv_bytes(_iro_headers(locale),
                     [_iro_cells(r, locale, horizons, as_text=False) for r in rows])


def iro_table_xlsx(rows: Sequence[IroTableRow], locale: str,
                   horizons: tuple[int, int] = (1, 5)) -> bytes:
    """The IRO table as a workbook; scores stay numbers shown with two decimals."""
    return xlsx_sheet(
        texts(locale)["iro_sheet"], _iro_headers(locale),
        [_iro_cells(r, locale, horizons, as_text=False) for r in rows],
        number_formats={**{c: "0.00" for c in _SCORE_COLUMNS}, _ASSESSORS_COLUMN: "0"},
        max_widths={0: 20, 2: 48, 6: 20, 7: 22, _ASSESSORS_COLUMN + 1: 40},
        autofilter=True)


def _e(text: object) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def iro_table_html(rows: Sequence[IroTableRow], locale: str,
                   horizons: tuple[int, int] = (1, 5)) -> str:
    """The IRO table as a clean, copyable HTML <table>; every text is escaped."""
    head = "".join(f'<th scope="col">{_e(h)}</th>' for h in _iro_headers(locale))
    numeric = {1, *_SCORE_COLUMNS, _ASSESSORS_COLUMN}
    lines = []
    for row in rows:
        cells = _iro_cells(row, locale, horizons, as_text=True)
        parts = "".join(f'<td class="num">{_e(c)}</td>' if i in numeric else f"<td>{_e(c)}</td>"
                        for i, c in enumerate(cells))
        classes = " ".join(c for c, on in (("needs-review", row.needs_review),
                                           ("iro-material", row.material)) if on)
        lines.append(f'<tr class="{classes}">{parts}</tr>' if classes else f"<tr>{parts}</tr>")
    return (f'<table class="report-table iro-table" lang="{html_lang(locale)}">\n'
            f"<thead><tr>{head}</tr></thead>\n<tbody>\n" + "\n".join(lines)
            + "\n</tbody>\n</table>\n")


def iro_table_docx(rows: Sequence[IroTableRow], locale: str,
                   horizons: tuple[int, int] = (1, 5)) -> bytes:
    """The IRO table as a landscape report-appendix DOCX, scores with two decimals."""
    doc = new_docx_document(locale, landscape=True)
    add_docx_caption(doc, texts(locale)["iro_title"])
    widths = [2.2, 0.9, 4.4, 1.6, 1.4, 1.1, 1.8, 1.9, *([1.1] * len(CRITERIA)), 1.1, 1.1,
              1.1, 2.6, 1.2]
    usable = docx_usable_width_cm(doc)
    if sum(widths) > usable:
        widths = [w * usable / sum(widths) for w in widths]
    add_docx_table(doc, _iro_headers(locale),
                   [_iro_cells(r, locale, horizons, as_text=True) for r in rows],
                   widths_cm=widths, align_right={1, *_SCORE_COLUMNS, _ASSESSORS_COLUMN},
                   font_size=7)
    return docx_bytes(doc)


# --------------------------------------------------------------------------- material topics


def _material_headers(locale: str, with_stakeholders: bool, flat: bool) -> list[str]:
    t = texts(locale)
    headers = [t["topic"], t["category"], t["materiality"], t["impact_score"],
               t["financial_score"]]
    if with_stakeholders:
        headers.append(t["stakeholder_score"])
    if flat:
        return [*headers, t["iro_id"], t["iro"], t["kind"], t["score"], t["material"]]
    return [*headers, t["iros"]]


def _topic_cells(row: MaterialTopicRow, locale: str, with_stakeholders: bool, *,
                 as_text: bool) -> list:
    def number(value: float | None):  # noqa: ANN202
        return score_text(value) if as_text else (None if value is None else float(value))

    cells = [row.topic, row.category, materiality_label(row.materiality, locale),
             number(row.impact_score), number(row.financial_score)]
    if with_stakeholders:
        cells.append(number(row.stakeholder_score))
    return cells


def _flat_material(rows: Sequence[MaterialTopicRow], locale: str,
                   with_stakeholders: bool) -> list[list]:
    """One line per (material topic, IRO), the topic's cells repeated: data to filter."""
    lines = []
    for row in rows:
        topic = _topic_cells(row, locale, with_stakeholders, as_text=False)
        for iro in row.iros or [None]:
            if iro is None:
                lines.append([*topic, None, "", "", None, ""])
                continue
            lines.append([*topic, iro.iro_id, iro.description, kind_label(iro.kind, locale),
                          None if iro.score is None else float(iro.score),
                          _yes_no(iro.material, locale)])
    return lines


def _iro_lines(row: MaterialTopicRow, locale: str) -> list[str]:
    t = texts(locale)
    return [t["iro_line"].format(kind=kind_label(i.kind, locale), description=i.description,
                                 score=score_text(i.score)) for i in row.iros]


def material_topics_csv(rows: Sequence[MaterialTopicRow], locale: str,
                        with_stakeholders: bool = False) -> bytes:
    """The material topics as CSV data: one line per topic and IRO, full precision."""
    return csv_bytes(_material_headers(locale, with_stakeholders, flat=True),
                     _flat_material(rows, locale, with_stakeholders))


def material_topics_xlsx(rows: Sequence[MaterialTopicRow], locale: str,
                         with_stakeholders: bool = False) -> bytes:
    """The material topics as a workbook: one line per topic and IRO."""
    scores = [3, 4, 5] if with_stakeholders else [3, 4]
    iro_score = len(scores) + 6
    return xlsx_sheet(
        texts(locale)["material_sheet"], _material_headers(locale, with_stakeholders, flat=True),
        _flat_material(rows, locale, with_stakeholders),
        number_formats={**{c: "0.00" for c in [*scores, iro_score]},
                        len(scores) + 3: "0"},
        max_widths={0: 24, len(scores) + 4: 50}, autofilter=True)


def material_topics_html(rows: Sequence[MaterialTopicRow], locale: str,
                         with_stakeholders: bool = False) -> str:
    """The material topics as a copyable HTML <table>: one row per topic, its IROs listed."""
    head = "".join(f'<th scope="col">{_e(h)}</th>'
                   for h in _material_headers(locale, with_stakeholders, flat=False))
    numeric = {3, 4, 5} if with_stakeholders else {3, 4}
    lines = []
    for row in rows:
        cells = _topic_cells(row, locale, with_stakeholders, as_text=True)
        parts = [f'<th scope="row">{_e(cells[0])}</th>'] + [
            f'<td class="num">{_e(c)}</td>' if i in numeric else f"<td>{_e(c)}</td>"
            for i, c in enumerate(cells) if i]
        items = "".join(f"<li>{_e(line)}</li>" for line in _iro_lines(row, locale))
        parts.append(f"<td><ul>{items}</ul></td>" if items else f"<td>{MISSING}</td>")
        lines.append(f'<tr class="materiality-{_e(row.materiality)}">{"".join(parts)}</tr>')
    return (f'<table class="report-table material-topics" lang="{html_lang(locale)}">\n'
            f"<thead><tr>{head}</tr></thead>\n<tbody>\n" + "\n".join(lines)
            + "\n</tbody>\n</table>\n")


def material_topics_docx(rows: Sequence[MaterialTopicRow], locale: str,
                         with_stakeholders: bool = False) -> bytes:
    """The material topics as a landscape DOCX: one row per topic, one paragraph per IRO."""
    doc = new_docx_document(locale, landscape=True)
    add_docx_caption(doc, texts(locale)["material_title"])
    widths = [3.4, 2.0, 2.4, 2.0, 2.0, *([2.2] if with_stakeholders else []), 12.0]
    usable = docx_usable_width_cm(doc)
    widths = [w * usable / sum(widths) for w in widths]
    add_docx_table(
        doc, _material_headers(locale, with_stakeholders, flat=False),
        [[*_topic_cells(r, locale, with_stakeholders, as_text=True),
          _iro_lines(r, locale) or [MISSING]] for r in rows],
        widths_cm=widths, align_right={3, 4, 5} if with_stakeholders else {3, 4},
        font_size=8, bold_first_column=True)
    return docx_bytes(doc)
