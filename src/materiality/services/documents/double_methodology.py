"""The methodology note of a double-materiality assessment, generated from its data.

Plain Python, no Flask. The note serves ESRS 2 IRO-1 §53, GRI 3-1 and the exchanges'
2024 guideline (Articles 5, 9, 14, 18 and 59): the process (the IRO register, assessors
invited by code, the criteria with the anchors of every level, the stakeholder survey as
an input), every formula exactly as ``services.scoring.double`` computes it with the
assessment's own settings, the thresholds and the either-threshold rule, the review
flags, the assessors per IRO and the time horizons, then the topics' results and the
sources cited. Built once as a list of blocks, then rendered as Markdown, an HTML
fragment or DOCX bytes (the classic note's renderers), in "zh_CN" or "en".
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from ..rounding import score_text
from ..scoring.anchors import CRITERION_NAMES, CRITERION_QUESTIONS, LEVELS, anchor_text
from ..scoring.double import CRITERIA, DoubleMaterialitySettings
from .double_methodology_texts import TEXTS
from .methodology import Block, Bullets, Heading, Paragraph, Table, render_docx, render_html
from .methodology import render_markdown as _render_markdown
from .methodology_texts import MONTHS
from .office_files import normalize_locale

__all__ = [
    "DoubleMethodologyInput",
    "double_methodology_docx",
    "double_methodology_html",
    "double_methodology_markdown",
]

RATER_KINDS = ("management", "internal_expert", "external_expert")
KINDS = ("negative_impact", "positive_impact", "risk", "opportunity")
STAGES = ("upstream", "own_operations", "downstream")
HORIZONS = ("short", "medium", "long")


@dataclass(frozen=True)
class DoubleMethodologyInput:
    """Everything the note states, taken from one assessment; names in the note's language."""

    assessment_title: str
    reporting_year: int
    rating_start: date | None
    rating_end: date | None
    #: topics asked, and the names of those without any IRO
    topics: int
    topics_without_iros: Sequence[str]
    #: IROs per kind ("negative_impact", ...), per actuality, per stage, per horizon
    kinds: Mapping[str, int]
    actual: int
    potential: int
    human_rights: int
    stages: Mapping[str, int]
    horizons: Mapping[str, int]
    horizon_short_years: int
    horizon_medium_years: int
    #: assessors with a submission, per rater kind (None: no kind stated)
    assessors: Mapping[str | None, int]
    #: assessors per IRO (those with a numeric rating of it): min, max, median
    assessors_per_iro: tuple[int, int, float] | None
    affected_groups: Sequence[str]
    stakeholder_respondents: int
    #: criterion -> level -> {"zh": text, "en": text}, the assessment's overrides laid over
    #: the defaults, and which (criterion, level) are overridden
    anchors: Mapping[str, Mapping[int, Mapping[str, str]]]
    overridden: frozenset[tuple[str, int]]
    settings: DoubleMaterialitySettings
    #: thresholds in force (NaN in top_n mode)
    threshold_impact: float
    threshold_financial: float
    #: (topic, IRO description, criteria) of IROs flagged for review
    flagged: Sequence[tuple[str, str, Sequence[str]]]
    #: (topic, IRO description, criteria missing) of IROs without a score
    unscored: Sequence[tuple[str, str, Sequence[str]]]
    #: (topic, impact score, financial score, materiality) per topic, assessment order
    topic_results: Sequence[tuple[str, float | None, float | None, str | None]] = field(
        default_factory=tuple)


# --------------------------------------------------------------------------- helpers


def _finite(value: float | None) -> bool:
    return value is not None and math.isfinite(value)


def _score(value: float | None, t: Mapping) -> str:
    return score_text(value) if _finite(value) else t["not_set"]


def _number(value: float) -> str:
    """A count or setting as people write it: 3, 2.5."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text or "0"


def _date(value: date, locale: str) -> str:
    return TEXTS[locale]["date"].format(d=value, month=MONTHS[value.month - 1])


def _years(n: int, t: Mapping) -> str:
    return t["year" if n == 1 else "years"].format(n=n)


def _sep(locale: str) -> str:
    """Between two sentences: a space in English, nothing in Chinese."""
    return " " if locale == "en" else ""


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _criteria(names: Sequence[str], locale: str) -> str:
    """Criteria named in running text: "scale, likelihood"; "规模、发生可能性"."""
    t = TEXTS[locale]
    if locale == "en":
        return t["criterion_sep"].join(CRITERION_NAMES[c]["en"].lower() for c in names)
    # The Chinese names carry a gloss in brackets ("范围（广泛程度）"): not inside brackets.
    return t["criterion_sep"].join(CRITERION_NAMES[c]["zh"].split("（")[0] for c in names)


def _item_text(text: str) -> str:
    """An IRO's description inside a list item: one line, without its closing full stop."""
    return _one_line(text).rstrip("。．.；;")


def combination(settings: DoubleMaterialitySettings, first: str, locale: str) -> str:
    """How two criteria combine into a score, in words and as a formula."""
    t = TEXTS[locale]
    a = t[f"{first}_word"]
    b = t["likelihood_word"]
    return t[f"combine_{settings.combine}"].format(a=a, b=b, top=settings.scale_max)


# --------------------------------------------------------------------------- blocks


def _disclosure_blocks(t: Mapping) -> list[Block]:
    return [Heading(t["h_disclosure"], 2),
            Bullets([t["guideline"], t["esrs1"], t["iro1"], t["ig1"], t["gri31"]])]


def _process_blocks(data: DoubleMethodologyInput, locale: str) -> list[Block]:
    t = TEXTS[locale]
    sep = _sep(locale)
    total = sum(data.kinds.values())
    register = t["register"].format(
        topics=data.topics, total=total,
        **{k.removesuffix("_impact"): data.kinds.get(k, 0) for k in KINDS}, actual=data.actual,
        potential=data.potential, human_rights=data.human_rights,
        **{s: data.stages.get(s, 0) for s in STAGES})
    if data.topics_without_iros:
        register += sep + t["no_iro_topics"].format(
            n=len(data.topics_without_iros),
            names=t["name_sep"].join(_one_line(n) for n in data.topics_without_iros))
    short, medium = data.horizon_short_years, data.horizon_medium_years
    source = t["horizons_default"] if (short, medium) == (1, 5) else t["horizons_own"]
    horizons = t["horizons"].format(short=short, medium=medium, source=source,
                                    short_span=_years(short, t), medium_span=_years(medium, t),
                                    **{h[0]: data.horizons.get(h, 0) for h in HORIZONS})
    blocks: list[Block] = [Heading(t["h_process"], 2), Paragraph(register),
                           Paragraph(horizons)]

    start, end = data.rating_start, data.rating_end
    if start and end:
        dates = t["assessors_dates_both"].format(start=_date(start, locale),
                                                 end=_date(end, locale))
    elif start:
        dates = t["assessors_dates_start"].format(start=_date(start, locale))
    elif end:
        dates = t["assessors_dates_end"].format(end=_date(end, locale))
    else:
        dates = t["assessors_dates_none"]
    total_assessors = sum(data.assessors.values())
    if total_assessors:
        kinds = [k for k in (*RATER_KINDS, None) if data.assessors.get(k)]
        kinds += [k for k in data.assessors if k not in kinds and data.assessors[k]]
        listed = t["name_sep"].join(
            t["assessor_kind"].format(n=data.assessors[k], name=t["kinds"].get(k, k))
            for k in kinds)
        assessors = t["assessors"].format(total=total_assessors, kinds=listed)
    else:
        assessors = t["no_assessors"]
    sentences = [s for s in (dates, assessors) if s]
    if data.assessors_per_iro is not None:
        low, high, median = data.assessors_per_iro
        sentences.append(t["per_iro"].format(low=low, high=high, median=_number(median)))
    blocks.append(Paragraph(sep.join(sentences)))
    stakeholders = []
    if data.affected_groups:
        stakeholders.append(t["affected"].format(
            names=t["name_sep"].join(_one_line(g) for g in data.affected_groups)))
    stakeholders.append(t["survey"].format(n=data.stakeholder_respondents)
                        if data.stakeholder_respondents else t["no_survey"])
    blocks.append(Paragraph(sep.join(stakeholders)))
    return blocks


def _criteria_blocks(data: DoubleMethodologyInput, locale: str) -> list[Block]:
    t = TEXTS[locale]
    language = "en" if locale == "en" else "zh"
    lead = t["anchors_lead"]
    if data.overridden:
        lead += _sep(locale) + t["anchors_own"].format(n=len(data.overridden))
    blocks: list[Block] = [Heading(t["h_criteria"], 2), Paragraph(t["criteria_rule"]),
                           Bullets(list(t["criteria_items"])), Paragraph(lead)]
    for criterion in CRITERIA:
        blocks.append(Heading(t["criterion_heading"].format(
            name=CRITERION_NAMES[criterion][language],
            question=CRITERION_QUESTIONS[criterion][language]), 3))
        rows = [[f"{level}*" if (criterion, level) in data.overridden else str(level),
                 _one_line(anchor_text(data.anchors, criterion, level, locale))]
                for level in LEVELS]
        blocks.append(Table(t["anchor_headers"], rows, numeric=frozenset({0}),
                            widths_cm=(2.0, 14.0)))
    return blocks


def _scoring_blocks(data: DoubleMethodologyInput, locale: str) -> list[Block]:
    t = TEXTS[locale]
    sep = _sep(locale)
    settings = data.settings
    value = t[f"value_{settings.aggregate}"] + sep + t["value_rest"]
    missing = t["missing"]
    if data.unscored:
        missing += sep + t["missing_items"].format(items=t["list_sep"].join(
            t["missing_item"].format(topic=_one_line(topic), description=_item_text(text),
                                     criteria=_criteria(criteria, locale))
            for topic, text, criteria in data.unscored))
    review = t["review_rule"].format(span=_number(settings.review_span))
    if data.flagged:
        review += sep + t["review_items"].format(n=len(data.flagged), items=t["list_sep"].join(
            t["review_item"].format(topic=_one_line(topic), description=_item_text(text),
                                    criteria=_criteria(criteria, locale))
            for topic, text, criteria in data.flagged))
    else:
        review += sep + t["no_review"]
    return [
        Heading(t["h_scoring"], 2),
        Bullets([
            value,
            t["severity"],
            t["impact_score"].format(impact_formula=combination(settings, "severity", locale)),
            t["financial_score"].format(
                financial_formula=combination(settings, "magnitude", locale)),
            missing,
            t["topic_rule"],
            review,
            t["rounding"],
        ]),
    ]


def _threshold_sentence(data: DoubleMethodologyInput, locale: str) -> str:
    t = TEXTS[locale]
    settings = data.settings
    values = {"impact": _score(data.threshold_impact, t),
              "financial": _score(data.threshold_financial, t)}
    mode = settings.threshold_mode
    if mode == "top_n":
        return t["threshold_top_n"].format(n=settings.top_n or t["not_set"])
    if mode == "quantile":
        q = t["not_set"] if settings.quantile is None else _number(100 * settings.quantile)
        return t["threshold_quantile"].format(q=q, **values)
    return t[f"threshold_{mode}"].format(**values)


def _threshold_blocks(data: DoubleMethodologyInput, locale: str) -> list[Block]:
    t = TEXTS[locale]
    counts = {key: 0 for key in ("both", "impact", "financial", None)}
    unscored = 0
    rows = []
    for topic, impact, financial, materiality in data.topic_results:
        counts[materiality] = counts.get(materiality, 0) + 1
        unscored += not _finite(impact) and not _finite(financial)
        rows.append([_one_line(topic), _score(impact, t) if _finite(impact) else "—",
                     _score(financial, t) if _finite(financial) else "—",
                     t["materiality"][materiality]])
    blocks: list[Block] = [
        Heading(t["h_thresholds"], 2),
        Paragraph(_sep(locale).join([_threshold_sentence(data, locale), t["either_rule"]])),
    ]
    if rows:
        blocks += [
            Paragraph(t["results"].format(total=len(rows), both=counts["both"],
                                          impact=counts["impact"],
                                          financial=counts["financial"], none=counts[None],
                                          unscored=unscored)),
            Table(t["results_headers"], rows, numeric=frozenset({1, 2}),
                  widths_cm=(7.0, 3.0, 3.0, 3.0)),
        ]
    return blocks


def _source_blocks(t: Mapping) -> list[Block]:
    return [Heading(t["h_sources"], 2), Paragraph(t["sources_lead"]),
            Bullets(list(t["sources"])), Paragraph(t["unverified"])]


def note_blocks(data: DoubleMethodologyInput, locale: str) -> list[Block]:
    """The note's content, independent of the output format."""
    locale = normalize_locale(locale)
    t = TEXTS[locale]
    return [
        Heading(t["title"], 1),
        Paragraph(t["intro"].format(title=_one_line(data.assessment_title),
                                    year=data.reporting_year)),
        *_disclosure_blocks(t),
        *_process_blocks(data, locale),
        *_criteria_blocks(data, locale),
        *_scoring_blocks(data, locale),
        *_threshold_blocks(data, locale),
        *_source_blocks(t),
    ]


# --------------------------------------------------------------------------- renderers


def double_methodology_markdown(data: DoubleMethodologyInput, locale: str) -> str:
    """The note as Markdown (GitHub-flavoured tables); every text is escaped."""
    return _render_markdown(note_blocks(data, locale))


def double_methodology_html(data: DoubleMethodologyInput, locale: str) -> str:
    """The note as an HTML fragment (<section>); every text is escaped."""
    return render_html(note_blocks(data, locale), locale)


def double_methodology_docx(data: DoubleMethodologyInput, locale: str) -> bytes:
    """The note as a DOCX report appendix."""
    return render_docx(note_blocks(data, locale), locale)
