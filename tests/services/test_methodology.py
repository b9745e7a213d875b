"""The methodology note states the assessment's own figures, in Chinese and in English."""
from __future__ import annotations

import dataclasses
import io
import re
from datetime import date

import docx
import pytest

from materiality.services.documents.methodology import (
    GroupCount,
    MethodologyInput,
    methodology_docx,
    methodology_html,
    methodology_markdown,
)

LOCALES = pytest.mark.parametrize("locale", ["zh_CN", "en"])

GROUP_NAMES = {
    "zh_CN": ["国务院国资委/股东", "客户", "员工"],
    "en": ["SASAC / shareholders", "Customers", "Employees"],
}


def note_input(locale: str, **changes) -> MethodologyInput:
    """A closed assessment: three groups, all rater kinds, value thresholds, one override."""
    shareholders, customers, employees = GROUP_NAMES[locale]
    zh = locale == "zh_CN"
    data = MethodologyInput(
        assessment_title="2024年度实质性议题评估" if zh else "Materiality assessment 2024",
        reporting_year=2024,
        survey_start=date(2024, 11, 4),
        survey_end=date(2024, 12, 20),
        topics=23,
        groups=[
            GroupCount(shareholders, 7, 2.0),
            GroupCount(customers, 41, 1.5),
            GroupCount(employees, 236, 1.0),
        ],
        company_raters={"management": 6, "internal_expert": 4, "external_expert": 3},
        rater_kind_weights={"management": 2.0, "internal_expert": 1.0, "external_expert": 1.0},
        threshold_mode="value",
        threshold_company=3.4,
        threshold_stakeholder=3.65,
        top_n=None,
        quantile=None,
        bootstrap_samples=2000,
        seed=20240,
        overrides=[(
            "乡村振兴" if zh else "Rural revitalisation",
            4.5,
            "落实国家乡村振兴战略的定点帮扶任务" if zh else "Designated rural support duty",
        )],
        feedback_responses=17,
    )
    return dataclasses.replace(data, **changes)


def docx_text(data: bytes) -> str:
    """All paragraphs and table cells of a DOCX, one per line."""
    document = docx.Document(io.BytesIO(data))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        lines += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(lines)


def renderings(data: MethodologyInput, locale: str) -> dict[str, str]:
    return {
        "markdown": methodology_markdown(data, locale),
        "html": methodology_html(data, locale),
        "docx": docx_text(methodology_docx(data, locale)),
    }


EXPECTED = {
    "zh_CN": [
        "CASS-CSR 4.0", "议题分析", "GRI 3-1", "确定实质性议题的流程", "GRI 3-2",
        "2024年11月4日", "2024年12月20日", "23项议题", "284份",
        "管理层", "内部专家", "外部专家",
        "1＝不重要", "5＝非常重要", "不了解", "不计入平均分",
        "2000次", "随机数种子20240", "95%置信区间",
        "3.40", "3.65", "高度实质性", "实质性", "需关注",
        "乡村振兴：调整为4.50", "落实国家乡村振兴战略的定点帮扶任务", "17份",
    ],
    "en": [
        "CASS-CSR 4.0", "GRI 3-1", "Process to determine material topics", "GRI 3-2",
        "List of material topics", "4 November 2024", "20 December 2024", "23 topics",
        "284 valid questionnaires", "Management", "Internal experts", "External experts",
        "1 = Not important", "5 = Very important", "Don't know", "excluded from the means",
        "2,000 times", "random seed 20240", "95% confidence intervals",
        "3.40", "3.65", "highly material", "to watch",
        "Rural revitalisation: set to 4.50", "Designated rural support duty", "17 reader",
    ],
}


@LOCALES
@pytest.mark.parametrize("form", ["markdown", "html", "docx"])
def test_note_states_the_assessments_figures(locale, form):
    text = renderings(note_input(locale), locale)[form]
    if form == "html":
        text = text.replace("&#x27;", "'")
    for expected in EXPECTED[locale]:
        assert expected in text, expected


@LOCALES
@pytest.mark.parametrize("form", ["markdown", "html", "docx"])
def test_note_lists_respondents_and_weights_per_group(locale, form):
    text = renderings(note_input(locale), locale)[form]
    # Weights 2 : 1.5 : 1 of 4.5 -> 44.4%, 33.3%, 22.2%; rater kinds 2 : 1 : 1 -> 50%, 25%, 25%.
    for name in GROUP_NAMES[locale]:
        assert name in text
    for figure in ("7", "41", "236", "1.5", "44.4%", "33.3%", "22.2%", "50.0%", "25.0%"):
        assert figure in text, figure


def test_markdown_has_a_table_row_per_group():
    markdown = methodology_markdown(note_input("en"), "en")
    assert "| Customers | 41 | 1.5 | 33.3% |" in markdown
    assert "| Management | 6 | 2 | 50.0% |" in markdown
    assert markdown.startswith("# ")


def test_docx_is_a_report_appendix_with_tables():
    document = docx.Document(io.BytesIO(methodology_docx(note_input("zh_CN"), "zh_CN")))
    assert document.paragraphs[0].style.name == "Heading 1"
    assert len(document.tables) == 2
    header = document.tables[0].rows[0]
    assert [c.text for c in header.cells] == ["利益相关方", "有效问卷（份）", "权重", "权重占比"]
    assert header._tr.trPr.xpath("./w:tblHeader")
    assert all(r.bold for c in header.cells for p in c.paragraphs for r in p.runs)


@LOCALES
def test_user_text_is_escaped_in_html_and_markdown(locale):
    data = note_input(
        locale,
        assessment_title="<script>alert(1)</script>",
        overrides=[("<b>Topic</b> | x", 2.0, "reason with <img src=x onerror=alert(1)>")],
    )
    fragment = methodology_html(data, locale)
    assert "<script>" not in fragment and "<img" not in fragment and "<b>" not in fragment
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in fragment
    assert "&lt;img src=x onerror=alert(1)&gt;" in fragment

    markdown = methodology_markdown(data, locale)
    assert re.search(r"(?<!\\)<", markdown) is None, "every < is escaped, so no raw HTML"
    assert r"\<b\>Topic\</b\> \| x" in markdown


@LOCALES
def test_no_overrides_and_no_dates_are_said_plainly(locale):
    data = note_input(locale, overrides=[], survey_start=None, survey_end=None,
                      feedback_responses=0)
    text = methodology_markdown(data, locale)
    assert ("未对企业评分进行人工调整" if locale == "zh_CN" else "No company scores") in text
    assert ("起止日期未登记" if locale == "zh_CN" else "dates were not recorded") in text
    assert ("意见反馈" if locale == "zh_CN" else "reader feedback") not in text


@pytest.mark.parametrize(
    ("changes", "zh", "en"),
    [
        ({"threshold_mode": "midpoint", "threshold_company": None,
          "threshold_stakeholder": None}, "评分量表中点", "midpoint of the scale"),
        ({"threshold_mode": "quantile", "quantile": 0.75, "threshold_company": 3.81,
          "threshold_stakeholder": 4.02}, "第75百分位数", "percentile 75"),
        ({"threshold_mode": "top_n", "top_n": 8, "threshold_company": None,
          "threshold_stakeholder": None}, "前8位", "ranked 9 to 16"),
    ],
)
def test_each_threshold_mode_is_explained(changes, zh, en):
    zh_text = methodology_markdown(note_input("zh_CN", **changes), "zh_CN")
    en_text = methodology_markdown(note_input("en", **changes), "en")
    assert zh in zh_text and en in en_text
    if changes["threshold_mode"] == "midpoint":
        assert "3.00" in zh_text and "3.00" in en_text
    if changes["threshold_mode"] == "quantile":
        assert "3.81" in zh_text and "4.02" in en_text


def test_rater_kinds_without_raters_get_no_share():
    data = note_input("en", company_raters={"management": 5})
    markdown = methodology_markdown(data, "en")
    assert "| Management | 5 | 2 | 100.0% |" in markdown
    assert "| External experts | 0 | 1 | — |" in markdown


def robust_input(locale: str, **changes) -> MethodologyInput:
    """The assessment above with a robustness analysis: one uncertain topic, one that moves."""
    from materiality.services.documents.methodology import Robustness, scenario_phrase

    zh = locale == "zh_CN"
    welfare = "公益慈善" if zh else "Public welfare"
    robustness = Robustness(
        samples=1000,
        counts={"highly_material": 22, "material": 1, "to_watch": 0},
        mean_counts={"highly_material": 7, "material": 9, "to_watch": 7},
        concentrated="highly_material",
        uncertain=[(welfare, 0.5775)],
        changes=[(welfare, [(scenario_phrase("without_rater_kind",
                                             "外部专家" if zh else "external experts", locale),
                             "material")])],
    )
    return note_input(locale, robustness=robustness, dont_know_only=3,
                      small_strata=[(GROUP_NAMES[locale][0], 1)],
                      unanswered=[(welfare, [GROUP_NAMES[locale][0]])], **changes)


ROBUST_EXPECTED = {
    "zh_CN": ["分级结果的稳健性", "1000次自助重抽样", "22项议题在至少90%的重抽样中保持原等级",
              "公益慈善（保持原等级的概率57.8%）", "去掉外部专家时为“实质性”",
              "23项已评分议题中有22项（超过四分之三）为“高度实质性”", "7项、9项和7项",
              "另有3份问卷对全部议题均选择“不了解”", "仅有1名受访者的群体每次都抽到同一人",
              "受访者少于5人的群体或类别：国务院国资委/股东（1人）",
              "公益慈善（国务院国资委/股东）", "对至少一项议题给出1至5分评分"],
    "en": ["How robust the classification is", "1,000 bootstrap resamples",
           "22 topics kept their tier in at least 90%",
           "Public welfare (same tier in 57.8% of resamples)",
           "material without external experts",
           "22 of the 23 scored topics (more than three quarters) are highly material",
           "would hold 7, 9 and 7 topics", "3 further questionnaires answered",
           "a group of one respondent redraws that respondent every time",
           "fewer than 5 respondents this time: SASAC / shareholders (1)",
           "Public welfare (SASAC / shareholders)", "rates at least one topic from 1 to 5"],
}


@LOCALES
@pytest.mark.parametrize("form", ["markdown", "html", "docx"])
def test_note_says_how_robust_the_classification_is(locale, form):
    text = renderings(robust_input(locale), locale)[form]
    if form == "html":
        text = text.replace("&#x27;", "'").replace("&quot;", '"')
    for expected in ROBUST_EXPECTED[locale]:
        assert expected in text, expected


@LOCALES
def test_note_mentions_no_missing_answers_the_form_cannot_produce(locale):
    text = methodology_markdown(robust_input(locale), locale)
    assert "missing answers" not in text and "未作答均" not in text
    assert ("不存在未作答的情况" if locale == "zh_CN" else "so no answer is missing") in text


def test_a_robust_classification_is_said_plainly():
    from materiality.services.documents.methodology import Robustness

    robustness = Robustness(samples=500, counts={"highly_material": 5, "material": 6,
                                                 "to_watch": 5},
                            mean_counts={}, concentrated=None, uncertain=[], changes=[])
    text = methodology_markdown(note_input("en", robustness=robustness), "en")
    assert "16 topics kept their tier in at least 90% of the resamples." in text
    assert "no topic changes tier." in text and "do not separate" not in text


def test_mean_thresholds_and_why_they_are_the_default():
    data = note_input("en", threshold_mode="mean", threshold_company=3.951,
                      threshold_stakeholder=3.845)
    text = methodology_markdown(data, "en")
    assert "mean of all topics' scores on each axis (3.95 for" in text
    assert "3.85 for importance to stakeholders" in text  # 3.845 half up
    assert "default for new assessments" in text
    zh = methodology_markdown(note_input("zh_CN", threshold_mode="mean", threshold_company=3.951,
                                         threshold_stakeholder=3.845), "zh_CN")
    assert "全部议题得分的平均值" in zh and "新建评估默认采用此方式" in zh


@LOCALES
def test_questionnaires_outside_the_survey_period_are_reported_apart(locale):
    text = methodology_markdown(note_input(locale, outside_period=3), locale)
    assert ("其中3份问卷在调查期间之外提交，已计入结果。" if locale == "zh_CN" else
            "3 of the questionnaires were submitted outside this period; they are included "
            "in the results.") in text
    plain = methodology_markdown(note_input(locale), locale)
    assert "期间之外" not in plain and "outside this period" not in plain
