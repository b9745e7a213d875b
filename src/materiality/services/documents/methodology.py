"""The methodology note of a materiality assessment, generated from its data.

Plain Python, no Flask. The note says how topics were analysed (CASS-CSR 4.0 议题分析,
GRI 3-1 "Process to determine material topics"): survey dates, respondents and weights
per group (valid questionnaires: at least one numeric rating), the rating scale, how
"don't know" was treated, the bootstrap confidence intervals and how small groups affect
them, the thresholds and tier rule, how robust the classification is, and the company
score overrides with their reasons. It is built once as a list of blocks, then rendered as
Markdown, an HTML fragment or DOCX bytes, in "zh_CN" or "en".
"""
from __future__ import annotations

import html
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from ..rounding import percent_text
from ..scoring.sensitivity import SMALL_STRATUM
from .methodology_texts import MONTHS, TEXTS
from .office_files import (
    add_docx_table,
    docx_bytes,
    html_lang,
    new_docx_document,
    normalize_locale,
    two_decimals,
)

__all__ = [
    "Block",
    "Bullets",
    "GroupCount",
    "Heading",
    "MethodologyInput",
    "Paragraph",
    "Robustness",
    "Table",
    "methodology_docx",
    "methodology_html",
    "methodology_markdown",
    "render_docx",
    "render_html",
    "render_markdown",
]

#: The scale every respondent uses, and its midpoint (the default threshold).
SCALE_MIN, SCALE_MAX = 1, 5
SCALE_MIDPOINT = (SCALE_MIN + SCALE_MAX) / 2

#: The company-side rater kinds, in the order the note lists them.
RATER_KINDS = ("management", "internal_expert", "external_expert")


@dataclass(frozen=True)
class GroupCount:
    """One stakeholder group's respondents and its weight in the stakeholder score."""

    group: str
    respondents: int
    weight: float


@dataclass(frozen=True)
class Robustness:
    """How robust the classification is (from ``services.sensitivity``), names in the locale."""

    samples: int
    #: published tier -> scored topics
    counts: Mapping[str, int]
    #: topics per tier with thresholds at the mean of all topics (for the warning)
    mean_counts: Mapping[str, int]
    #: the tier holding more than three quarters of the topics, if any
    concentrated: str | None
    #: (topic, probability of keeping its tier) for topics below 90 %
    uncertain: Sequence[tuple[str, float]]
    #: (topic, [(scenario phrase, tier or None)]) for topics whose tier changes
    changes: Sequence[tuple[str, Sequence[tuple[str, str | None]]]]


@dataclass(frozen=True)
class MethodologyInput:
    """Everything the methodology note states, taken from one assessment."""

    #: The title in the note's language; "" when it has none in that language (an
    #: English note never quotes a Chinese title).
    assessment_title: str
    reporting_year: int
    survey_start: date | None
    survey_end: date | None
    topics: int
    groups: Sequence[GroupCount]
    #: Rater kind key ("management", "internal_expert", "external_expert") -> count.
    company_raters: Mapping[str, int]
    rater_kind_weights: Mapping[str, float]
    #: "midpoint" | "value" | "top_n" | "quantile"
    threshold_mode: str
    threshold_company: float | None
    threshold_stakeholder: float | None
    top_n: int | None
    quantile: float | None
    bootstrap_samples: int
    seed: int
    #: (topic name, company score, reason)
    overrides: Sequence[tuple[str, float, str]]
    feedback_responses: int = 0
    #: stakeholder questionnaires with "don't know" to every topic (not valid)
    dont_know_only: int = 0
    #: groups or rater kinds with 1..4 respondents: (name, respondents)
    small_strata: Sequence[tuple[str, int]] = ()
    #: topics a weighted group gave no numeric rating: (topic, [group names])
    unanswered: Sequence[tuple[str, Sequence[str]]] = ()
    robustness: Robustness | None = None
    #: questionnaires received before the survey opened or after it closed (counted)
    outside_period: int = 0
    #: The organisation's name in the note's language ("" when unset).
    organisation: str = ""


# --------------------------------------------------------------------------- blocks
#
# A note is a list of blocks; the renderers below turn any such list into Markdown, an
# HTML fragment or DOCX, so the double-materiality note (double_methodology.py) is printed
# exactly as this one.


@dataclass(frozen=True)
class Heading:
    text: str
    level: int


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Bullets:
    items: Sequence[str]


@dataclass(frozen=True)
class Table:
    headers: Sequence[str]
    rows: Sequence[Sequence[str]]
    numeric: frozenset[int] = frozenset({1, 2, 3})
    #: column widths in DOCX (cm); None: the group tables' 6, 3, 3, 3
    widths_cm: Sequence[float] | None = None


Block = Heading | Paragraph | Bullets | Table


def _number(value: float) -> str:
    """A weight or threshold as people write it: 1, 1.5, 0.333 -> "0.33"."""
    text = two_decimals(value).rstrip("0").rstrip(".")
    return text or "0"


def _finite(value: float | None) -> bool:
    return value is not None and math.isfinite(value)


def _score(value: float | None, t: Mapping) -> str:
    return two_decimals(value) if _finite(value) else t["not_set"]


def _date(value: date, locale: str) -> str:
    t = TEXTS[locale]
    return t["date"].format(d=value, month=MONTHS[value.month - 1])


def _count(value: int, locale: str) -> str:
    """A count in running text: "2,000" in English, "2000" in Chinese."""
    return f"{value:,}" if locale == "en" else str(value)


def _share(weight: float, total: float) -> str:
    return percent_text(weight / total)


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _rater_kinds(data: MethodologyInput) -> list[str]:
    extra = [k for k in (*data.company_raters, *data.rater_kind_weights) if k not in RATER_KINDS]
    return [*RATER_KINDS, *dict.fromkeys(extra)]


def _threshold_sentence(data: MethodologyInput, t: Mapping) -> str:
    mode = data.threshold_mode
    company, stakeholder = data.threshold_company, data.threshold_stakeholder
    if mode == "midpoint":
        company = company if _finite(company) else SCALE_MIDPOINT
        stakeholder = stakeholder if _finite(stakeholder) else SCALE_MIDPOINT
    values = {"company": _score(company, t), "stakeholder": _score(stakeholder, t)}
    if mode == "top_n":
        if not data.top_n:
            return t["threshold_top_n"].format(n=t["not_set"], n_next="", n2="")
        n = data.top_n
        return t["threshold_top_n"].format(n=n, n_next=n + 1, n2=2 * n)
    if mode == "quantile":
        q = t["not_set"] if data.quantile is None else _number(100 * data.quantile)
        return t["threshold_quantile"].format(q=q, **values)
    if mode == "mean":
        return t["threshold_mean"].format(**values) + _sep(t) + t["mean_default"]
    key = f"threshold_{mode}" if mode in ("midpoint", "value") else "threshold_unknown"
    return t[key].format(**values)


def _sep(t: Mapping) -> str:
    """Between two sentences: a space in English, nothing in Chinese."""
    return " " if t is TEXTS["en"] else ""


def _robustness_blocks(data: MethodologyInput, locale: str) -> list[Block]:
    """The paragraph on how robust the classification is (and the concentration warning)."""
    t = TEXTS[locale]
    robust = data.robustness
    if robust is None:
        return []
    blocks: list[Block] = [Heading(t["h_robustness"], 2)]
    scored = sum(robust.counts.values())
    sentences = []
    if robust.samples:
        text = t["robustness_probability"].format(
            samples=_count(robust.samples, locale), stable=scored - len(robust.uncertain))
        if robust.uncertain:
            text += t["robustness_uncertain"].format(items=t["list_sep"].join(
                t["robustness_uncertain_item"].format(topic=_one_line(topic), p=percent_text(p))
                for topic, p in robust.uncertain))
        sentences.append(text + t["robustness_end"])
    if robust.changes:
        items = t["list_sep"].join(
            t["robustness_change_item"].format(topic=_one_line(topic), changes=t["name_sep"].join(
                t["robustness_change"].format(scenario=scenario, tier=t["tiers"][tier])
                for scenario, tier in changes))
            for topic, changes in robust.changes)
        sentences.append(t["robustness_scenarios"] + t["robustness_changes"].format(items=items))
    else:
        sentences.append(t["robustness_scenarios"] + t["robustness_no_change"])
    if robust.concentrated:
        high, mid, low = (robust.mean_counts.get(k, 0)
                          for k in ("highly_material", "material", "to_watch"))
        sentences.append(t["concentration"].format(
            count=robust.counts[robust.concentrated], total=scored,
            tier=t["tiers"][robust.concentrated], high=high, mid=mid, low=low))
    blocks.append(Paragraph(_sep(t).join(sentences)))
    return blocks


def scenario_phrase(kind: str, name: str | None, locale: str) -> str:
    """A weighting scenario as the note words it: "with equal weights", "without X"."""
    t = TEXTS[normalize_locale(locale)]
    if kind == "equal_weights":
        return t["scenario_equal_weights"]
    return t["scenario_without"].format(name=name)


def _intro(data: MethodologyInput, t: Mapping[str, str]) -> str:
    """The opening sentence: the organisation (when named) and the assessment."""
    key = "assessment_named" if data.assessment_title else "assessment_unnamed"
    assessment = t[key].format(title=data.assessment_title, year=data.reporting_year)
    if data.organisation and "intro_organisation" in t:
        return t["intro_organisation"].format(organisation=data.organisation,
                                              assessment=assessment)
    return t["intro"].format(organisation=data.organisation, assessment=assessment)


def _blocks(data: MethodologyInput, locale: str) -> list[Block]:
    """The note's content, independent of the output format."""
    locale = normalize_locale(locale)
    t = TEXTS[locale]
    blocks: list[Block] = [
        Heading(t["title"].format(title=data.assessment_title), 1),
        Paragraph(_intro(data, t)),
        Heading(t["h_disclosure"], 2),
        Bullets([t["cass"], t["gri31"], t["gri32"]]),
        Heading(t["h_survey"], 2),
        Paragraph(t["topics"].format(topics=data.topics)),
    ]

    total = sum(g.respondents for g in data.groups)
    start, end = data.survey_start, data.survey_end
    if start and end:
        dates = t["dates_both"].format(
            start=_date(start, locale), end=_date(end, locale), total=_count(total, locale)
        )
    elif start:
        dates = t["dates_start"].format(start=_date(start, locale), total=_count(total, locale))
    elif end:
        dates = t["dates_end"].format(end=_date(end, locale), total=_count(total, locale))
    else:
        dates = t["dates_none"].format(total=_count(total, locale))
    if data.outside_period and (start or end):
        dates += _sep(t) + t["outside_period"].format(n=_count(data.outside_period, locale))
    dates += _sep(t) + t["valid_rule"]
    if data.dont_know_only:
        dates += _sep(t) + t["dont_know_only"].format(n=_count(data.dont_know_only, locale))
    blocks.append(Paragraph(dates))

    if data.groups:
        # Shares are of the groups that answered: a group without respondents has no mean.
        weight_total = sum(g.weight for g in data.groups if g.respondents > 0)
        rows = [
            [
                g.group,
                str(g.respondents),
                _number(g.weight),
                _share(g.weight, weight_total)
                if g.respondents > 0 and weight_total > 0
                else t["share_missing"],
            ]
            for g in data.groups
        ]
        rows.append([t["total"], str(total), "", "100.0%" if weight_total > 0 else ""])
        blocks += [Paragraph(t["groups_lead"]), Table(t["group_headers"], rows)]

    kinds = _rater_kinds(data)
    counts = {k: int(data.company_raters.get(k, 0)) for k in kinds}
    weights = {k: float(data.rater_kind_weights.get(k, 1.0)) for k in kinds}
    if any(counts.values()):
        weight_total = sum(weights[k] for k in kinds if counts[k] > 0)
        rows = [
            [
                t["rater_kinds"].get(k, k),
                str(counts[k]),
                _number(weights[k]),
                _share(weights[k], weight_total)
                if counts[k] > 0 and weight_total > 0
                else t["share_missing"],
            ]
            for k in kinds
        ]
        rows.append([t["total"], str(sum(counts.values())), "", "100.0%"])
        blocks += [Paragraph(t["company_lead"]), Table(t["rater_headers"], rows)]
    else:
        blocks.append(Paragraph(t["no_raters"]))
    if data.feedback_responses:
        blocks.append(
            Paragraph(t["feedback"].format(n=_count(data.feedback_responses, locale)))
        )

    labels = t["scale_sep"].join(
        t["scale_item"].format(value=value, label=label)
        for value, label in zip(range(SCALE_MIN, SCALE_MAX + 1), t["scale_labels"], strict=True)
    )
    blocks += [
        Heading(t["h_scale"], 2),
        Paragraph(t["scale"].format(labels=labels, dont_know=t["dont_know"])),
        Heading(t["h_scoring"], 2),
        Bullets([
            t["stakeholder_rule"],
            t["company_rule"],
            t["missing_rule"],
            t["bootstrap_rule"].format(
                samples=_count(data.bootstrap_samples, locale), seed=data.seed,
                limit=SMALL_STRATUM,
            ),
            *([t["small_strata"].format(limit=SMALL_STRATUM, items=t["list_sep"].join(
                t["small_item"].format(name=_one_line(name), n=n)
                for name, n in data.small_strata))] if data.small_strata else []),
            *([t["unanswered"].format(items=t["list_sep"].join(
                t["unanswered_item"].format(topic=_one_line(topic),
                                            groups=t["name_sep"].join(groups))
                for topic, groups in data.unanswered))] if data.unanswered else []),
        ]),
        Heading(t["h_tiers"], 2),
        Paragraph(
            (" " if locale == "en" else "").join(
                [_threshold_sentence(data, t)]
                + ([] if data.threshold_mode == "top_n" else [t["tier_rule"]])
            )
        ),
        Paragraph(t["rank_rule"]),
        *_robustness_blocks(data, locale),
        Heading(t["h_overrides"], 2),
    ]
    if data.overrides:
        blocks += [
            Paragraph(t["overrides_lead"]),
            Bullets([
                t["override_item"].format(
                    topic=_one_line(topic), score=two_decimals(score), reason=_one_line(reason)
                )
                for topic, score, reason in data.overrides
            ]),
        ]
    else:
        blocks.append(Paragraph(t["no_overrides"]))
    return blocks


# --------------------------------------------------------------------------- renderers

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~#])")


def _md(text: str) -> str:
    """Text made literal in Markdown: no emphasis, links, raw HTML or table breaks."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def render_markdown(blocks: Sequence[Block]) -> str:
    """Blocks as Markdown (GitHub-flavoured tables); every text is escaped."""
    out: list[str] = []
    for block in blocks:
        if isinstance(block, Heading):
            out.append("#" * block.level + " " + _md(block.text))
        elif isinstance(block, Paragraph):
            out.append(_md(block.text))
        elif isinstance(block, Bullets):
            out.append("\n".join("- " + _md(item) for item in block.items))
        else:
            lines = ["| " + " | ".join(_md(h) for h in block.headers) + " |"]
            lines.append("|" + "|".join(
                "---:" if i in block.numeric else "---" for i in range(len(block.headers))
            ) + "|")
            lines += ["| " + " | ".join(_md(c) for c in row) + " |" for row in block.rows]
            out.append("\n".join(lines))
    return "\n\n".join(out) + "\n"


def render_html(blocks: Sequence[Block], locale: str) -> str:
    """Blocks as an HTML fragment (<section>); every text is escaped."""
    e = html.escape
    out = [f'<section class="methodology" lang="{html_lang(locale)}">']
    for block in blocks:
        if isinstance(block, Heading):
            level = block.level + 1  # the fragment sits under the page's own <h1>
            out.append(f"<h{level}>{e(block.text)}</h{level}>")
        elif isinstance(block, Paragraph):
            out.append(f"<p>{e(block.text)}</p>")
        elif isinstance(block, Bullets):
            out.append("<ul>" + "".join(f"<li>{e(item)}</li>" for item in block.items) + "</ul>")
        else:
            head = "".join(f'<th scope="col">{e(h)}</th>' for h in block.headers)
            body = "".join(
                "<tr>" + "".join(
                    f'<td class="num">{e(c)}</td>' if i in block.numeric else f"<td>{e(c)}</td>"
                    for i, c in enumerate(row)
                ) + "</tr>"
                for row in block.rows
            )
            out.append(
                f'<table class="report-table"><thead><tr>{head}</tr></thead>'
                f"<tbody>{body}</tbody></table>"
            )
    out.append("</section>")
    return "\n".join(out) + "\n"


def render_docx(blocks: Sequence[Block], locale: str) -> bytes:
    """Blocks as a DOCX report appendix."""
    doc = new_docx_document(locale)
    for block in blocks:
        if isinstance(block, Heading):
            doc.add_heading(block.text, level=block.level)
        elif isinstance(block, Paragraph):
            doc.add_paragraph(block.text)
        elif isinstance(block, Bullets):
            for item in block.items:
                doc.add_paragraph(item, style="List Bullet")
        else:
            add_docx_table(
                doc,
                block.headers,
                block.rows,
                widths_cm=list(block.widths_cm or (6.0, 3.0, 3.0, 3.0)),
                align_right=block.numeric,
            )
            doc.add_paragraph()
    return docx_bytes(doc)


def methodology_markdown(data: MethodologyInput, locale: str) -> str:
    """The methodology note as Markdown (GitHub-flavoured tables); user text is escaped."""
    return render_markdown(_blocks(data, locale))


def methodology_html(data: MethodologyInput, locale: str) -> str:
    """The methodology note as an HTML fragment (<section>); every text is escaped."""
    return render_html(_blocks(data, locale), locale)


def methodology_docx(data: MethodologyInput, locale: str) -> bytes:
    """The methodology note as a DOCX report appendix."""
    return render_docx(_blocks(data, locale), locale)
