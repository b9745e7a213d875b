"""The double-materiality methodology note states the formulas and thresholds the
assessment's own settings compute with, in both languages and every format."""
from __future__ import annotations

import io
import math
from dataclasses import replace
from datetime import date

import pytest
from docx import Document

from materiality.services.documents.double_methodology import (
    DoubleMethodologyInput,
    double_methodology_docx,
    double_methodology_html,
    double_methodology_markdown,
)
from materiality.services.scoring.anchors import DEFAULT_ANCHORS, merged_anchors
from materiality.services.scoring.double import DoubleMaterialitySettings


def note_input(**changes) -> DoubleMethodologyInput:  # noqa: ANN003
    data = DoubleMethodologyInput(
        assessment_title="2025年度双重重要性评估", reporting_year=2025,
        rating_start=date(2025, 11, 10), rating_end=date(2025, 11, 28),
        topics=3, topics_without_iros=["行业交流"],
        kinds={"negative_impact": 2, "positive_impact": 1, "risk": 1, "opportunity": 1},
        actual=1, potential=2, human_rights=1,
        stages={"upstream": 1, "own_operations": 4, "downstream": 2},
        horizons={"short": 2, "medium": 2, "long": 1},
        horizon_short_years=1, horizon_medium_years=5,
        assessors={"management": 3, "internal_expert": 3, "external_expert": 2},
        assessors_per_iro=(7, 8, 7.5), affected_groups=["员工", "社区"],
        stakeholder_respondents=0, anchors=merged_anchors(), overridden=frozenset(),
        settings=DoubleMaterialitySettings(), threshold_impact=3.0, threshold_financial=3.0,
        flagged=[("责任供应链", "进口矿料来源地的人权风险", ("likelihood",))],
        unscored=[("公益慈善", "捐资助学", ("scope",))],
        topic_results=[("“双碳”行动", 3.7916, 4.4930, "both"), ("公益慈善", 2.25, None, None),
                       ("行业交流", None, None, None)])
    return replace(data, **changes)


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
def test_the_defaults_print_the_geometric_mean_and_the_human_rights_rule(locale):
    text = double_methodology_markdown(note_input(), locale)
    assert "√" in text and "45" in text
    if locale == "en":
        assert "the mean of the numeric ratings" in text
        assert "(scale + scope + irremediable character) / 3" in text
        assert "\u221a(severity \u00d7 likelihood)" in text
        assert "\u221a(magnitude \u00d7 likelihood)" in text
        assert "Thresholds set by the assessment team (ESRS 1 paragraph 42): 3.00 for impact" in text
        assert "span 2 points or more" in text
        assert "7 to 8 assessors (median 7.5)" in text
        assert "IROs flagged this time (1)" in text
    else:
        assert "算术平均值" in text and "（规模＋范围＋不可补救性）÷3" in text
        assert "√（严重程度×发生可能性）" in text and "√（财务影响程度×发生可能性）" in text
        assert "影响重要性3.00，财务重要性3.00" in text
        assert "相差2分及以上" in text and "为7至8人，中位数为7.5人" in text


def test_other_settings_change_the_formulas_stated():
    median = DoubleMaterialitySettings(aggregate="median", combine="arithmetic")
    text = double_methodology_markdown(note_input(settings=median), "en")
    assert "the median of the numeric ratings" in text
    assert "(severity + likelihood) / 2" in text and "(magnitude + likelihood) / 2" in text
    product = DoubleMaterialitySettings(combine="product")
    text = double_methodology_markdown(note_input(settings=product), "zh_CN")
    assert "严重程度×发生可能性÷5" in text and "中位数" not in text.split("四、")[1][:60]


@pytest.mark.parametrize(("settings", "used", "en", "zh"), [
    (DoubleMaterialitySettings(threshold_mode="midpoint"), (3.0, 3.0),
     "midpoint of the scale: 3.00 on both axes", "量表中点：影响重要性和财务重要性均为3.00"),
    (DoubleMaterialitySettings(threshold_mode="mean"), (3.1234, 2.9),
     "(3.12 for impact materiality, 2.90 for financial", "本次影响重要性3.12，财务重要性2.90"),
    (DoubleMaterialitySettings(threshold_mode="quantile", quantile=0.75), (3.5, 3.25),
     "percentile 75 of the scores", "第75百分位数"),
    (DoubleMaterialitySettings(threshold_mode="top_n", top_n=5), (math.nan, math.nan),
     "the 5 topics with the highest scores", "得分最高的5项议题"),
    (DoubleMaterialitySettings(threshold_mode="value", threshold_impact=3.5,
                               threshold_financial=2.5), (3.5, 2.5),
     "3.50 for impact materiality, 2.50 for financial", "影响重要性3.50，财务重要性2.50"),
])
def test_each_threshold_mode_is_stated_with_its_thresholds(settings, used, en, zh):
    data = note_input(settings=settings, threshold_impact=used[0], threshold_financial=used[1])
    assert en in double_methodology_markdown(data, "en")
    assert zh in double_methodology_markdown(data, "zh_CN")
    for locale in ("en", "zh_CN"):
        assert ("either" in double_methodology_markdown(data, "en")
                and "任一维度" in double_methodology_markdown(data, "zh_CN"))
        del locale


def test_the_anchors_in_use_are_printed_and_own_words_marked():
    anchors = merged_anchors([{"criterion": "magnitude", "level": 4,
                               "text_zh": "超过年度利润的5%", "text_en": "Over 5% of annual profit"}])
    data = note_input(anchors=anchors, overridden=frozenset({("magnitude", 4)}))
    en = double_methodology_markdown(data, "en")
    zh = double_methodology_markdown(data, "zh_CN")
    assert "| 4\\* | Over 5% of annual profit |" in en and "超过年度利润的5%" in zh
    assert DEFAULT_ANCHORS["irremediable"][5]["en"] in en
    assert DEFAULT_ANCHORS["likelihood"][1]["zh"] in zh
    assert "Levels marked \\* (1)" in en


def test_results_review_flags_and_missing_scores_are_listed():
    en = double_methodology_markdown(note_input(), "en")
    assert "| “双碳”行动 | 3.79 | 4.49 | both |" in en
    assert "| 行业交流 | — | — | — |" in en
    assert "Topics: 3; material by both impact and financial materiality: 1;" in en
    assert "责任供应链: 进口矿料来源地的人权风险 (likelihood)" in en
    assert "公益慈善: 捐资助学 (missing scope)" in en
    assert "Topics without an IRO, and so without a score (1): 行业交流" in en


def test_a_survey_and_own_horizons_are_said():
    data = note_input(stakeholder_respondents=320, horizon_short_years=2,
                      horizon_medium_years=10)
    en = double_methodology_markdown(data, "en")
    zh = double_methodology_markdown(data, "zh_CN")
    assert "320 valid questionnaires" in en and "有效问卷320份" in zh
    assert "up to 2 years, medium term 2 to 10 years, long term over 10 years" in en
    assert "set by the assessment team" in en and "由评估工作组界定" in zh


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
def test_every_citation_and_the_sources_are_in_every_format(locale):
    data = note_input()
    markdown = double_methodology_markdown(data, locale)
    html = double_methodology_html(data, locale)
    docx = "\n".join(p.text for p in Document(io.BytesIO(
        double_methodology_docx(data, locale))).paragraphs)
    for text in (markdown.replace("\\", ""), html, docx):
        assert "IRO-1" in text and "AR 16" in text and "3-1" in text and "IG 1" in text
        if locale == "en":
            assert "Article 5" in text and "Article 59" in text and "paragraph 28" in text
            assert "77 (time horizons)" in text and "Not verified" in text
        else:
            assert "第五条" in text and "第五十九条第（五）项" in text and "第28段" in text
            assert "第77段" in text and "未能核实" in text


def test_user_text_is_escaped():
    data = note_input(topic_results=[("<b>x</b>|*y*", 3.0, 3.0, "both")])
    assert "<b>x</b>" not in double_methodology_html(data, "en")
    assert "\\<b\\>x\\</b\\>\\|\\*y\\*" in double_methodology_markdown(data, "en")
