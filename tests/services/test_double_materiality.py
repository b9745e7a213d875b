"""Double-materiality scoring, told as small registers whose numbers are worked out by hand."""

import math

import pandas as pd
import pytest

from materiality.services.scoring.double import (
    IRO_COLUMNS,
    TOPIC_COLUMNS,
    DoubleMaterialitySettings,
    applicable_criteria,
    score_double_materiality,
)

CANNOT_JUDGE = math.nan


def register(*rows):
    """IRO rows: (iro_id, topic_id, kind, actuality, human_rights)."""
    return pd.DataFrame(rows, columns=["iro_id", "topic_id", "kind", "actuality", "human_rights"])


def ratings(*rows):
    """Rating rows: (iro_id, assessor_id, criterion, value)."""
    return pd.DataFrame(rows, columns=["iro_id", "assessor_id", "criterion", "value"]).astype(
        {"value": "float64"})


def rate(iro, assessor, **values):
    """One assessor's ratings of one IRO as rows."""
    return [(iro, assessor, criterion, value) for criterion, value in values.items()]


def test_actual_negative_impact_scores_its_severity():
    """Two assessors: scale 4 and 2 (mean 3), scope 5 and 3 (4), irremediable 2 and 2 (2)."""
    result = score_double_materiality(
        register((1, 10, "negative_impact", "actual", False)),
        ratings(*rate(1, 100, scale=4, scope=5, irremediable=2),
                *rate(1, 101, scale=2, scope=3, irremediable=2)),
        [10])
    iro = result.iros.loc[1]
    assert (iro["scale"], iro["scope"], iro["irremediable"]) == (3.0, 4.0, 2.0)
    assert iro["severity"] == pytest.approx((3 + 4 + 2) / 3)
    assert iro["score"] == pytest.approx(3.0)
    assert iro["assessors"] == 2
    assert math.isnan(iro["likelihood"])
    assert list(result.iros.columns) == list(IRO_COLUMNS)
    assert list(result.topics.columns) == list(TOPIC_COLUMNS)
    assert result.topics.loc[10, "impact_score"] == pytest.approx(3.0)
    assert math.isnan(result.topics.loc[10, "financial_score"])
    assert result.topics.loc[10, "materiality"] == "impact"


def test_potential_negative_impact_is_the_geometric_mean_of_severity_and_likelihood():
    """Severity (4 + 4 + 1) / 3 = 3, likelihood 3: sqrt(3 x 3) = 3; options 3 and 9/5."""
    iros = register((1, 10, "negative_impact", "potential", False))
    rows = ratings(*rate(1, 100, scale=4, scope=4, irremediable=1, likelihood=3))
    geometric = score_double_materiality(iros, rows, [10]).iros.loc[1]
    assert geometric["severity"] == pytest.approx(3.0)
    assert geometric["score"] == pytest.approx(3.0)

    rows = ratings(*rate(1, 100, scale=4, scope=4, irremediable=1, likelihood=1))
    assert score_double_materiality(iros, rows, [10]).iros.loc[1, "score"] == pytest.approx(
        math.sqrt(3 * 1))
    arithmetic = score_double_materiality(
        iros, rows, [10], DoubleMaterialitySettings(combine="arithmetic"))
    assert arithmetic.iros.loc[1, "score"] == pytest.approx((3 + 1) / 2)
    product = score_double_materiality(iros, rows, [10], DoubleMaterialitySettings(combine="product"))
    assert product.iros.loc[1, "score"] == pytest.approx(3 * 1 / 5)


def test_potential_human_rights_impact_scores_severity_alone():
    """ESRS 1 §45: severity 4.5 ((5 + 4 + 4.5) / 3), likelihood 1 does not pull it down."""
    result = score_double_materiality(
        register((1, 10, "negative_impact", "potential", True),
                 (2, 10, "negative_impact", "potential", False)),
        ratings(*rate(1, 100, scale=5, scope=4, irremediable=5, likelihood=1),
                *rate(1, 101, scale=5, scope=4, irremediable=4, likelihood=1),
                *rate(2, 100, scale=5, scope=4, irremediable=5, likelihood=1),
                *rate(2, 101, scale=5, scope=4, irremediable=4, likelihood=1)),
        [10])
    assert result.iros.loc[1, "severity"] == pytest.approx(4.5)
    assert result.iros.loc[1, "score"] == pytest.approx(4.5)
    assert result.iros.loc[1, "likelihood"] == 1.0  # still shown
    assert result.iros.loc[2, "score"] == pytest.approx(math.sqrt(4.5 * 1))
    assert result.topics.loc[10, "impact_score"] == pytest.approx(4.5)


def test_human_rights_without_likelihood_still_scores():
    """No one judged the likelihood of a potential human-rights impact: severity suffices."""
    result = score_double_materiality(
        register((1, 10, "negative_impact", "potential", True)),
        ratings(*rate(1, 100, scale=3, scope=3, irremediable=3, likelihood=CANNOT_JUDGE)),
        [10])
    assert result.iros.loc[1, "score"] == pytest.approx(3.0)
    assert result.iros.loc[1, "missing_criteria"] == ()


def test_positive_impacts_use_scale_and_scope():
    """Actual: (4 + 2) / 2 = 3. Potential: severity (5 + 3) / 2 = 4, likelihood 1: sqrt 4 = 2."""
    result = score_double_materiality(
        register((1, 10, "positive_impact", "actual", False),
                 (2, 10, "positive_impact", "potential", False)),
        ratings(*rate(1, 100, scale=4, scope=2, irremediable=5),  # irremediable ignored
                *rate(2, 100, scale=5, scope=3, likelihood=1)),
        [10])
    assert result.iros.loc[1, "score"] == pytest.approx(3.0)
    assert math.isnan(result.iros.loc[1, "irremediable"])
    assert result.iros.loc[2, "severity"] == pytest.approx(4.0)
    assert result.iros.loc[2, "score"] == pytest.approx(2.0)
    assert result.topics.loc[10, "impact_score"] == pytest.approx(3.0)  # the highest


def test_risk_and_opportunity_score_magnitude_and_likelihood():
    """Risk: magnitude 4, likelihood (5 + 3 + 4) / 3 = 4: sqrt 16 = 4. Opportunity: sqrt(2 x 2)."""
    result = score_double_materiality(
        register((1, 10, "risk", None, False), (2, 10, "opportunity", None, False)),
        ratings(*rate(1, 100, magnitude=4, likelihood=5),
                *rate(1, 101, magnitude=4, likelihood=3),
                *rate(1, 102, magnitude=4, likelihood=4),
                *rate(2, 100, magnitude=2, likelihood=2, scale=5)),
        [10])
    assert result.iros.loc[1, "score"] == pytest.approx(4.0)
    assert math.isnan(result.iros.loc[1, "severity"])
    assert result.iros.loc[1, "assessors"] == 3
    assert result.iros.loc[2, "score"] == pytest.approx(2.0)
    topic = result.topics.loc[10]
    assert topic["financial_score"] == pytest.approx(4.0)
    assert math.isnan(topic["impact_score"])
    assert (topic["impact_iros"], topic["financial_iros"]) == (0, 2)


def test_a_topic_with_only_risks_has_no_impact_score_and_can_be_material_financially():
    result = score_double_materiality(
        register((1, 10, "risk", None, False), (2, 20, "negative_impact", "actual", False)),
        ratings(*rate(1, 100, magnitude=5, likelihood=5),
                *rate(2, 100, scale=2, scope=2, irremediable=2)),
        [10, 20, 30])
    topics = result.topics
    assert math.isnan(topics.loc[10, "impact_score"])
    assert topics.loc[10, "materiality"] == "financial"
    assert not topics.loc[10, "material_impact"]
    assert not topics.loc[20, "material"] and topics.loc[20, "materiality"] is None
    assert math.isnan(topics.loc[30, "impact_score"]) and math.isnan(
        topics.loc[30, "financial_score"])
    assert list(topics.index) == [10, 20, 30]


def test_material_when_either_threshold_is_reached_and_the_result_says_which():
    """Thresholds 3.0: topic 10 both, 20 impact only, 30 financial only, 40 neither."""
    rows = []
    scores = {10: (3, 4), 20: (4, 2), 30: (2.9, 3), 40: (2, 2)}
    iros = []
    for topic, (impact, financial) in scores.items():
        iros += [(topic, topic, "positive_impact", "actual", False),
                 (topic + 1, topic, "opportunity", None, False)]
        rows += rate(topic, 100, scale=impact, scope=impact)
        rows += rate(topic + 1, 100, magnitude=financial, likelihood=financial)
    result = score_double_materiality(register(*iros), ratings(*rows), list(scores))
    assert list(result.topics["materiality"]) == ["both", "impact", "financial", None]
    assert list(result.topics["material"]) == [True, True, True, False]
    assert (result.threshold_impact, result.threshold_financial) == (3.0, 3.0)

    stricter = score_double_materiality(register(*iros), ratings(*rows), list(scores),
                                        DoubleMaterialitySettings(threshold_impact=3.5,
                                                                  threshold_financial=2.0))
    assert list(stricter.topics["materiality"]) == ["financial", "both", "financial", "financial"]


def test_threshold_modes_per_axis():
    """Impact scores 1, 2, 3, 5 (mean 2.75); financial 4 only on the first topic."""
    iros = [(t, t, "positive_impact", "actual", False) for t in (1, 2, 3, 4)]
    rows = [r for t, s in zip((1, 2, 3, 4), (1, 2, 3, 5), strict=True)
            for r in rate(t, 100, scale=s, scope=s)]
    iros.append((9, 1, "risk", None, False))
    rows += rate(9, 100, magnitude=4, likelihood=4)

    mean = score_double_materiality(register(*iros), ratings(*rows), [1, 2, 3, 4],
                                    DoubleMaterialitySettings(threshold_mode="mean"))
    assert mean.threshold_impact == pytest.approx(2.75)
    assert mean.threshold_financial == pytest.approx(4.0)  # over the topics with a score
    assert list(mean.topics["material_impact"]) == [False, False, True, True]

    top = score_double_materiality(register(*iros), ratings(*rows), [1, 2, 3, 4],
                                   DoubleMaterialitySettings(threshold_mode="top_n", top_n=1))
    assert math.isnan(top.threshold_impact)
    assert list(top.topics["material_impact"]) == [False, False, False, True]
    assert list(top.topics["material_financial"]) == [True, False, False, False]

    quantile = score_double_materiality(
        register(*iros), ratings(*rows), [1, 2, 3, 4],
        DoubleMaterialitySettings(threshold_mode="quantile", quantile=0.5))
    assert quantile.threshold_impact == pytest.approx(2.5)  # linear median of 1, 2, 3, 5


def test_cannot_judge_is_left_out_per_criterion():
    """Scale 5 and 'cannot judge' -> 5; scope 1 and 3 -> 2; irremediable only 'cannot judge'."""
    result = score_double_materiality(
        register((1, 10, "negative_impact", "actual", False),
                 (2, 10, "positive_impact", "actual", False)),
        ratings(*rate(1, 100, scale=5, scope=1, irremediable=CANNOT_JUDGE),
                *rate(1, 101, scale=CANNOT_JUDGE, scope=3, irremediable=CANNOT_JUDGE),
                *rate(2, 100, scale=5, scope=1),
                *rate(2, 101, scale=CANNOT_JUDGE, scope=3),
                *rate(2, 102, scale=CANNOT_JUDGE, scope=CANNOT_JUDGE)),
        [10])
    negative = result.iros.loc[1]
    assert (negative["scale"], negative["scope"]) == (5.0, 2.0)
    assert math.isnan(negative["irremediable"])
    assert math.isnan(negative["score"])
    assert negative["missing_criteria"] == ("irremediable",)
    positive = result.iros.loc[2]
    assert positive["score"] == pytest.approx((5 + 2) / 2)
    assert positive["assessors"] == 2  # the third only said "cannot judge"
    assert result.topics.loc[10, "impact_score"] == pytest.approx(3.5)


def test_an_iro_nobody_rated_has_no_score_and_is_flagged():
    result = score_double_materiality(register((1, 10, "risk", None, False)), ratings(), [10])
    iro = result.iros.loc[1]
    assert math.isnan(iro["score"])
    assert iro["assessors"] == 0
    assert iro["missing_criteria"] == ("magnitude", "likelihood")
    assert math.isnan(result.topics.loc[10, "financial_score"])
    assert result.topics.loc[10, "financial_iros"] == 1


def test_ratings_spanning_two_points_flag_the_iro_for_review():
    """Likelihood 2 and 4 span 2 points; magnitude 3 and 4 span only 1."""
    result = score_double_materiality(
        register((1, 10, "risk", None, False), (2, 10, "risk", None, False)),
        ratings(*rate(1, 100, magnitude=3, likelihood=2), *rate(1, 101, magnitude=4, likelihood=4),
                *rate(2, 100, magnitude=3, likelihood=3), *rate(2, 101, magnitude=4, likelihood=4)),
        [10])
    assert result.iros.loc[1, "needs_review"]
    assert result.iros.loc[1, "review_criteria"] == ("likelihood",)
    assert not result.iros.loc[2, "needs_review"]
    assert result.iros.loc[2, "review_criteria"] == ()


def test_median_option():
    """Magnitude 1, 4, 5: mean 10/3, median 4."""
    iros = register((1, 10, "risk", None, False))
    rows = ratings(*rate(1, 100, magnitude=1, likelihood=4), *rate(1, 101, magnitude=4, likelihood=4),
                   *rate(1, 102, magnitude=5, likelihood=4))
    assert score_double_materiality(iros, rows, [10]).iros.loc[1, "magnitude"] == pytest.approx(
        10 / 3)
    median = score_double_materiality(iros, rows, [10], DoubleMaterialitySettings(aggregate="median"))
    assert median.iros.loc[1, "magnitude"] == 4.0
    assert median.iros.loc[1, "score"] == pytest.approx(4.0)


def test_applicable_criteria_per_kind():
    assert applicable_criteria("negative_impact", "actual") == ("scale", "scope", "irremediable")
    assert applicable_criteria("negative_impact", "potential")[-1] == "likelihood"
    assert applicable_criteria("positive_impact", "potential") == ("scale", "scope", "likelihood")
    assert applicable_criteria("opportunity", None) == ("magnitude", "likelihood")


@pytest.mark.parametrize(("iros", "rows", "message"), [
    (register((1, 10, "harm", "actual", False)), ratings(), "kind"),
    (register((1, 10, "negative_impact", None, False)), ratings(), "actual or potential"),
    (register((1, 99, "risk", None, False)), ratings(), "not in the assessment"),
    (register((1, 10, "risk", None, False)), ratings((1, 100, "magnitude", 6)), "outside"),
    (register((1, 10, "risk", None, False)), ratings((1, 100, "mood", 3)), "criterion"),
    (register((1, 10, "risk", None, False)),
     ratings((1, 100, "magnitude", 3), (1, 100, "magnitude", 4)), "twice"),
])
def test_bad_input_is_refused(iros, rows, message):
    with pytest.raises(ValueError, match=message):
        score_double_materiality(iros, rows, [10])


def test_settings_are_checked():
    with pytest.raises(ValueError):
        DoubleMaterialitySettings(combine="harmonic")
    with pytest.raises(ValueError):
        DoubleMaterialitySettings(threshold_mode="top_n")
    with pytest.raises(ValueError):
        DoubleMaterialitySettings(threshold_impact=None)
