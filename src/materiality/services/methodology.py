"""The methodology note of a materiality assessment, generated from its data.

Plain Python, no Flask. The note says how topics were analysed (CASS-CSR 4.0 议题分析,
GRI 3-1 "Process to determine material topics"): survey dates, respondents and weights
per group, the rating scale, how "don't know" and missing answers were treated, the
bootstrap confidence intervals, the thresholds and tier rule, and the company score
overrides with their reasons. It is built once as a list of blocks, then rendered as
Markdown, an HTML fragment or DOCX bytes, in "zh_CN" or "en".
"""
from __future__ import annotations

import html
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from .report_tables import (
    add_docx_table,
    docx_bytes,
    html_lang,
    new_docx_document,
    normalize_locale,
    two_decimals,
)

__all__ = [
    "GroupCount",
    "MethodologyInput",
    "methodology_docx",
    "methodology_html",
    "methodology_markdown",
]

#: The scale every respondent uses, and its midpoint (the default threshold).
SCALE_MIN, SCALE_MAX = 1, 5
SCALE_MIDPOINT = (SCALE_MIN + SCALE_MAX) / 2

#: The company-side rater kinds, in the order the note lists them.
RATER_KINDS = ("management", "internal_expert", "external_expert")

TEXTS: dict[str, dict] = {
    "zh_CN": {
        "title": "实质性议题分析方法说明",
        "intro": (
            "本说明介绍“{title}”（{year}年度报告）实质性议题分析的方法、数据来源与计算规则，"
            "所列数据均由评估系统根据调查结果自动生成。"
        ),
        "h_disclosure": "一、对应的披露要求",
        "cass": (
            "《中国企业社会责任报告指南（CASS-CSR 4.0）》报告编制流程中的“议题分析”："
            "对照各议题对利益相关方的重要性与对企业发展的重要性，形成本年度实质性议题矩阵，"
            "作为报告编写的依据。"
        ),
        "gri31": "《GRI 3：实质性议题 2021》披露项 GRI 3-1“确定实质性议题的流程”：即本说明。",
        "gri32": (
            "《GRI 3：实质性议题 2021》披露项 GRI 3-2“实质性议题清单”：评定为“高度实质性”"
            "和“实质性”的议题即本年度实质性议题，详见议题评分表。"
        ),
        "h_survey": "二、议题与调查样本",
        "topics": (
            "本次评估共纳入{topics}项议题。议题清单在公司议题库基础上，"
            "结合公司发展战略、行业特点、国内外主流社会责任标准与指南以及报告评级要求确定。"
        ),
        "dates_both": "利益相关方调查于{start}至{end}开展，共回收有效问卷{total}份。",
        "dates_start": "利益相关方调查自{start}起开展，共回收有效问卷{total}份。",
        "dates_end": "利益相关方调查截至{end}，共回收有效问卷{total}份。",
        "dates_none": "共回收利益相关方有效问卷{total}份（调查起止日期未登记）。",
        "groups_lead": "各利益相关方群体的有效问卷数及权重如下：",
        "group_headers": ["利益相关方", "有效问卷（份）", "权重", "权重占比"],
        "total": "合计",
        "company_lead": (
            "对企业发展的重要性由公司内部评估得出，参与评分的人员及各类评分人的权重如下："
        ),
        "rater_headers": ["评分人类别", "人数", "权重", "权重占比"],
        "rater_kinds": {
            "management": "管理层",
            "internal_expert": "内部专家",
            "external_expert": "外部专家",
        },
        "no_raters": "本次评估未登记企业内部评分人。",
        "feedback": (
            "此外，收到报告读者意见反馈{n}份，作为改进报告编制的参考，不计入议题评分。"
        ),
        "h_scale": "三、评分量表",
        "scale": (
            "受访者采用五级量表评价每项议题的重要性：{labels}；"
            "另设“{dont_know}”选项，供对该议题不熟悉的受访者选择。"
        ),
        "scale_labels": ["不重要", "较不重要", "一般", "比较重要", "非常重要"],
        "scale_item": "{value}＝{label}",
        "scale_sep": "，",
        "dont_know": "不了解",
        "h_scoring": "四、得分计算",
        "stakeholder_rule": (
            "对利益相关方的重要性：先计算各利益相关方群体对该议题评分的算术平均值，"
            "再按上表所列群体权重加权平均；某群体对某议题无有效评分时，不参与该议题的加权，"
            "其余群体的权重按比例归一。"
        ),
        "company_rule": (
            "对企业发展的重要性：先按评分人类别计算平均值，再按评分人类别权重加权平均，"
            "无评分人的类别不参与加权。"
        ),
        "missing_rule": (
            "“不了解”和未作答均不计入平均分，也不计入有效样本数；"
            "二者另行统计其占该议题全部答卷的比例，用于判断结果的代表性。"
        ),
        "bootstrap_rule": (
            "95%置信区间：采用自助法（bootstrap），在各利益相关方群体及各评分人类别内"
            "对受访者分层进行有放回重抽样，共{samples}次（随机数种子{seed}，结果可复现），"
            "取重抽样得分的2.5%与97.5%分位数。"
        ),
        "h_tiers": "五、实质性判定规则",
        "threshold_midpoint": (
            "判定阈值取评分量表中点：对企业发展的重要性{company}，"
            "对利益相关方的重要性{stakeholder}。"
        ),
        "threshold_value": (
            "判定阈值由评估工作组设定：对企业发展的重要性{company}，"
            "对利益相关方的重要性{stakeholder}。"
        ),
        "threshold_top_n": (
            "按排名分级：综合排名前{n}位的议题为“高度实质性”议题，第{n_next}至{n2}位为"
            "“实质性”议题，其余为“需关注”议题；此方式不设分值阈值。"
        ),
        "threshold_quantile": (
            "判定阈值取每个维度全部议题得分的第{q}百分位数"
            "（本次对企业发展的重要性{company}，对利益相关方的重要性{stakeholder}）。"
        ),
        "threshold_unknown": (
            "判定阈值：对企业发展的重要性{company}，对利益相关方的重要性{stakeholder}。"
        ),
        "tier_rule": (
            "两个维度得分均不低于阈值的议题为“高度实质性”议题；仅一个维度不低于阈值的为"
            "“实质性”议题；两个维度均低于阈值的为“需关注”议题。"
        ),
        "rank_rule": (
            "议题按综合得分（两个维度得分的平均值）由高到低排序，综合得分相同时，"
            "对利益相关方的重要性较高者在前；缺少任一维度得分的议题不参与分级，排在最后。"
        ),
        "h_overrides": "六、企业评分调整",
        "overrides_lead": (
            "以下议题对企业发展的重要性得分经评估工作组调整，调整后的得分替代计算得分，"
            "用于矩阵、排序与分级，不再给出置信区间。调整理由如下："
        ),
        "override_item": "{topic}：调整为{score}。理由：{reason}",
        "no_overrides": "本年度未对企业评分进行人工调整。",
        "date": "{d.year}年{d.month}月{d.day}日",
        "not_set": "未设定",
        "share_missing": "—",
    },
    "en": {
        "title": "Methodology: how the material topics were determined",
        "intro": (
            "This note describes how the topics of the assessment \u201c{title}\u201d (reporting "
            "year {year}) were analysed: the method, the data and the calculation rules. All "
            "figures are "
            "generated by the assessment tool from the survey results."
        ),
        "h_disclosure": "1. Disclosures served",
        "cass": (
            "Guidelines on Corporate Social Responsibility Reporting for Chinese Enterprises "
            "(CASS-CSR 4.0), topic analysis (议题分析) in the "
            "reporting process: each topic's importance to stakeholders is compared with its "
            "importance to the company's development, giving the year's materiality matrix "
            "that guides the report."
        ),
        "gri31": (
            "GRI 3: Material Topics 2021, Disclosure GRI 3-1 \"Process to determine material "
            "topics\": this note."
        ),
        "gri32": (
            "GRI 3: Material Topics 2021, Disclosure GRI 3-2 \"List of material topics\": the "
            "topics rated highly material or material are the year's material topics; see "
            "the topic score table."
        ),
        "h_survey": "2. Topics and survey sample",
        "topics": (
            "The assessment covered {topics} topics, selected from the company's topic "
            "library in the light of its strategy, the characteristics of the industry, "
            "mainstream Chinese and international CSR standards and guidelines, and "
            "report-rating requirements."
        ),
        "dates_both": (
            "The stakeholder survey ran from {start} to {end}; {total} valid questionnaires "
            "were received."
        ),
        "dates_start": (
            "The stakeholder survey opened on {start}; {total} valid questionnaires were "
            "received."
        ),
        "dates_end": (
            "The stakeholder survey closed on {end}; {total} valid questionnaires were "
            "received."
        ),
        "dates_none": (
            "{total} valid stakeholder questionnaires were received (the survey dates were "
            "not recorded)."
        ),
        "groups_lead": "Respondents and weights by stakeholder group:",
        "group_headers": ["Stakeholder group", "Respondents", "Weight", "Share of weight"],
        "total": "Total",
        "company_lead": (
            "The importance to the company's development was rated internally, by these "
            "raters, with these weights per kind of rater:"
        ),
        "rater_headers": ["Kind of rater", "Raters", "Weight", "Share of weight"],
        "rater_kinds": {
            "management": "Management",
            "internal_expert": "Internal experts",
            "external_expert": "External experts",
        },
        "no_raters": "No company raters were recorded for this assessment.",
        "feedback": (
            "We also received {n} reader feedback forms on the report; they inform how the "
            "report is written and are not part of the topic scores."
        ),
        "h_scale": "3. Rating scale",
        "scale": (
            "Respondents rated the importance of each topic on a five-point scale: {labels}; "
            "a \"{dont_know}\" option was offered to respondents unfamiliar with a topic."
        ),
        "scale_labels": [
            "Not important",
            "Slightly important",
            "Moderately important",
            "Important",
            "Very important",
        ],
        "scale_item": "{value} = {label}",
        "scale_sep": ", ",
        "dont_know": "Don't know",
        "h_scoring": "4. Scores",
        "stakeholder_rule": (
            "Importance to stakeholders: the mean rating of each stakeholder group, then the "
            "mean of the group means weighted by the group weights above. A group without a "
            "numeric rating for a topic is left out of that topic's mean, and the other "
            "groups' weights are rescaled."
        ),
        "company_rule": (
            "Importance to the company's development: the mean rating of each kind of rater, "
            "then the mean of these weighted by the rater-kind weights above; kinds without "
            "raters are left out."
        ),
        "missing_rule": (
            "\"Don't know\" and missing answers are excluded from the means and from the "
            "number of respondents; their share of all answers to a topic is counted "
            "separately, as a sign of how representative the result is."
        ),
        "bootstrap_rule": (
            "95% confidence intervals: bootstrap, resampling respondents with replacement "
            "within each stakeholder group and each kind of rater, {samples} times (random "
            "seed {seed}, so the results can be reproduced), taking the 2.5th and 97.5th "
            "percentiles of the resampled scores."
        ),
        "h_tiers": "5. Thresholds and tiers",
        "threshold_midpoint": (
            "Thresholds at the midpoint of the scale: {company} for importance to the company, "
            "{stakeholder} for importance to stakeholders."
        ),
        "threshold_value": (
            "Thresholds set by the assessment team: {company} for importance to the company, "
            "{stakeholder} for importance to stakeholders."
        ),
        "threshold_top_n": (
            "Tiers by rank: the {n} best-ranked topics are highly material, those ranked "
            "{n_next} to {n2} material, and the rest to watch; no score thresholds are used "
            "in this mode."
        ),
        "threshold_quantile": (
            "Thresholds at percentile {q} of all topics' scores on each axis "
            "({company} for importance to the company, {stakeholder} for importance to "
            "stakeholders)."
        ),
        "threshold_unknown": (
            "Thresholds: {company} for importance to the company, {stakeholder} for "
            "importance to stakeholders."
        ),
        "tier_rule": (
            "A topic at or above the threshold on both axes is highly material; at or above "
            "it on one axis only, material; below it on both axes, to watch."
        ),
        "rank_rule": (
            "Topics are ranked by their combined score (the mean of the two scores), ties "
            "going to the higher importance to stakeholders; a topic missing either score "
            "gets no tier and is ranked last."
        ),
        "h_overrides": "6. Company score overrides",
        "overrides_lead": (
            "The assessment team set the importance-to-the-company score of these topics; the "
            "set score replaces the computed one in the matrix, the ranking and the tiers, "
            "and has no confidence interval. Reasons:"
        ),
        "override_item": "{topic}: set to {score}. Reason: {reason}",
        "no_overrides": "No company scores were overridden this year.",
        "date": "{d.day} {month} {d.year}",
        "not_set": "not set",
        "share_missing": "—",
    },
}

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


@dataclass(frozen=True)
class GroupCount:
    """One stakeholder group's respondents and its weight in the stakeholder score."""

    group: str
    respondents: int
    weight: float


@dataclass(frozen=True)
class MethodologyInput:
    """Everything the methodology note states, taken from one assessment."""

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


# --------------------------------------------------------------------------- blocks


@dataclass(frozen=True)
class _Heading:
    text: str
    level: int


@dataclass(frozen=True)
class _Paragraph:
    text: str


@dataclass(frozen=True)
class _Bullets:
    items: Sequence[str]


@dataclass(frozen=True)
class _Table:
    headers: Sequence[str]
    rows: Sequence[Sequence[str]]
    numeric: frozenset[int] = frozenset({1, 2, 3})


_Block = _Heading | _Paragraph | _Bullets | _Table


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
    return t["date"].format(d=value, month=_MONTHS[value.month - 1])


def _count(value: int, locale: str) -> str:
    """A count in running text: "2,000" in English, "2000" in Chinese."""
    return f"{value:,}" if locale == "en" else str(value)


def _share(weight: float, total: float) -> str:
    return f"{100 * weight / total:.1f}%"


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
    key = f"threshold_{mode}" if mode in ("midpoint", "value") else "threshold_unknown"
    return t[key].format(**values)


def _blocks(data: MethodologyInput, locale: str) -> list[_Block]:
    """The note's content, independent of the output format."""
    locale = normalize_locale(locale)
    t = TEXTS[locale]
    blocks: list[_Block] = [
        _Heading(t["title"].format(title=data.assessment_title), 1),
        _Paragraph(t["intro"].format(title=data.assessment_title, year=data.reporting_year)),
        _Heading(t["h_disclosure"], 2),
        _Bullets([t["cass"], t["gri31"], t["gri32"]]),
        _Heading(t["h_survey"], 2),
        _Paragraph(t["topics"].format(topics=data.topics)),
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
    blocks.append(_Paragraph(dates))

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
        blocks += [_Paragraph(t["groups_lead"]), _Table(t["group_headers"], rows)]

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
        blocks += [_Paragraph(t["company_lead"]), _Table(t["rater_headers"], rows)]
    else:
        blocks.append(_Paragraph(t["no_raters"]))
    if data.feedback_responses:
        blocks.append(
            _Paragraph(t["feedback"].format(n=_count(data.feedback_responses, locale)))
        )

    labels = t["scale_sep"].join(
        t["scale_item"].format(value=value, label=label)
        for value, label in zip(range(SCALE_MIN, SCALE_MAX + 1), t["scale_labels"], strict=True)
    )
    blocks += [
        _Heading(t["h_scale"], 2),
        _Paragraph(t["scale"].format(labels=labels, dont_know=t["dont_know"])),
        _Heading(t["h_scoring"], 2),
        _Bullets([
            t["stakeholder_rule"],
            t["company_rule"],
            t["missing_rule"],
            t["bootstrap_rule"].format(
                samples=_count(data.bootstrap_samples, locale), seed=data.seed
            ),
        ]),
        _Heading(t["h_tiers"], 2),
        _Paragraph(
            (" " if locale == "en" else "").join(
                [_threshold_sentence(data, t)]
                + ([] if data.threshold_mode == "top_n" else [t["tier_rule"]])
            )
        ),
        _Paragraph(t["rank_rule"]),
        _Heading(t["h_overrides"], 2),
    ]
    if data.overrides:
        blocks += [
            _Paragraph(t["overrides_lead"]),
            _Bullets([
                t["override_item"].format(
                    topic=_one_line(topic), score=two_decimals(score), reason=_one_line(reason)
                )
                for topic, score, reason in data.overrides
            ]),
        ]
    else:
        blocks.append(_Paragraph(t["no_overrides"]))
    return blocks


# --------------------------------------------------------------------------- renderers

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~#])")


def _md(text: str) -> str:
    """Text made literal in Markdown: no emphasis, links, raw HTML or table breaks."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def methodology_markdown(data: MethodologyInput, locale: str) -> str:
    """The methodology note as Markdown (GitHub-flavoured tables); user text is escaped."""
    out: list[str] = []
    for block in _blocks(data, locale):
        if isinstance(block, _Heading):
            out.append("#" * block.level + " " + _md(block.text))
        elif isinstance(block, _Paragraph):
            out.append(_md(block.text))
        elif isinstance(block, _Bullets):
            out.append("\n".join("- " + _md(item) for item in block.items))
        else:
            lines = ["| " + " | ".join(_md(h) for h in block.headers) + " |"]
            lines.append("|" + "|".join(
                "---:" if i in block.numeric else "---" for i in range(len(block.headers))
            ) + "|")
            lines += ["| " + " | ".join(_md(c) for c in row) + " |" for row in block.rows]
            out.append("\n".join(lines))
    return "\n\n".join(out) + "\n"


def methodology_html(data: MethodologyInput, locale: str) -> str:
    """The methodology note as an HTML fragment (<section>); every text is escaped."""
    e = html.escape
    out = [f'<section class="methodology" lang="{html_lang(locale)}">']
    for block in _blocks(data, locale):
        if isinstance(block, _Heading):
            level = block.level + 1  # the fragment sits under the page's own <h1>
            out.append(f"<h{level}>{e(block.text)}</h{level}>")
        elif isinstance(block, _Paragraph):
            out.append(f"<p>{e(block.text)}</p>")
        elif isinstance(block, _Bullets):
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


def methodology_docx(data: MethodologyInput, locale: str) -> bytes:
    """The methodology note as a DOCX report appendix."""
    doc = new_docx_document(locale)
    for block in _blocks(data, locale):
        if isinstance(block, _Heading):
            doc.add_heading(block.text, level=block.level)
        elif isinstance(block, _Paragraph):
            doc.add_paragraph(block.text)
        elif isinstance(block, _Bullets):
            for item in block.items:
                doc.add_paragraph(item, style="List Bullet")
        else:
            add_docx_table(
                doc,
                block.headers,
                block.rows,
                widths_cm=[6.0, 3.0, 3.0, 3.0],
                align_right=block.numeric,
            )
            doc.add_paragraph()
    return docx_bytes(doc)
