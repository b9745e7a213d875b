"""The scoring service, told as small assessments whose numbers are worked out by hand."""

import math

import numpy as np
import pandas as pd
import pytest

from materiality.services.scoring import bootstrap as scoring_bootstrap
from materiality.services.scoring.classic import TIERS, ScoringSettings, score_assessment

DK = math.nan  # "don't know"


def stakeholders(*rows):
    """Stakeholder rating rows: (respondent_id, group_id, topic_id, score)."""
    return pd.DataFrame(rows, columns=["respondent_id", "group_id", "topic_id", "score"]).astype(
        {"respondent_id": "int64", "group_id": "int64", "topic_id": "int64", "score": "float64"}
    )


def company(*rows):
    """Company rating rows: (respondent_id, rater_kind, topic_id, score)."""
    return pd.DataFrame(rows, columns=["respondent_id", "rater_kind", "topic_id", "score"]).astype(
        {"respondent_id": "int64", "topic_id": "int64", "score": "float64"}
    )


def one_answer_each(topic_scores, first_respondent=1, group=1):
    """One stakeholder per topic score, all in ``group``: {topic: [scores]} -> rows."""
    rows, respondent = [], first_respondent
    for topic, scores in topic_scores.items():
        for score in scores:
            rows.append((respondent, group, topic, score))
            respondent += 1
    return rows


def managers(topic_scores, first_respondent=100):
    """One manager rating per topic: {topic: score} -> rows."""
    return [(first_respondent, "management", topic, score) for topic, score in topic_scores.items()]


def test_each_group_counts_by_its_weight_not_its_head_count():
    """Three customers average 4, one employee gives 1; employees weigh 3 times more."""
    ratings = stakeholders(
        (1, 10, 7, 5), (2, 10, 7, 5), (3, 10, 7, 2),  # customers: mean 4
        (4, 20, 7, 1),                                # employee: mean 1
    )
    equal = score_assessment(ratings, company(), [7])
    weighted = score_assessment(ratings, company(), [7],
                                ScoringSettings(group_weights={20: 3.0}))

    assert equal.topics.loc[7, "stakeholder_score"] == pytest.approx((4 + 1) / 2)
    assert weighted.topics.loc[7, "stakeholder_score"] == pytest.approx((1 * 4 + 3 * 1) / 4)
    assert weighted.topics.loc[7, "stakeholder_n"] == 4
    assert weighted.by_group.loc[(7, 10), "weight"] == pytest.approx(0.25)
    assert weighted.by_group.loc[(7, 20), "weight"] == pytest.approx(0.75)
    assert weighted.group_weights_used == pytest.approx({10: 0.25, 20: 0.75})


def test_dont_know_is_left_out_of_the_mean_and_reported_as_a_share():
    """Four answers, two of them "don't know": mean of 4 and 2, half "don't know"."""
    ratings = stakeholders((1, 10, 7, 4), (2, 10, 7, DK), (3, 10, 7, 2), (4, 10, 7, DK))
    result = score_assessment(ratings, company(), [7])

    row = result.by_group.loc[(7, 10)]
    assert row["answers"] == 4
    assert row["n"] == 2
    assert row["mean"] == pytest.approx(3.0)
    assert row["std"] == pytest.approx(math.sqrt(2.0))  # ((4-3)^2 + (2-3)^2) / (2-1)
    assert row["dont_know_share"] == pytest.approx(0.5)
    assert result.topics.loc[7, "stakeholder_score"] == pytest.approx(3.0)
    assert result.topics.loc[7, "stakeholder_n"] == 2


def test_a_single_respondent_gives_an_interval_collapsed_on_the_point():
    """One stakeholder and one manager: the bootstrap can only redraw them."""
    result = score_assessment(stakeholders((1, 10, 7, 4)), company((9, "management", 7, 2)),
                              [7])
    topic = result.topics.loc[7]
    assert (topic["stakeholder_ci_low"], topic["stakeholder_score"],
            topic["stakeholder_ci_high"]) == (4.0, 4.0, 4.0)
    assert (topic["company_ci_low"], topic["company_score"], topic["company_ci_high"]) == (
        2.0, 2.0, 2.0)
    assert math.isnan(result.by_group.loc[(7, 10), "std"])  # n < 2


def test_two_opposite_respondents_give_an_interval_over_the_whole_scale():
    """Scores 1 and 5: replicate means are 1, 3 or 5 (1/4, 1/2, 1/4), so the 95% CI is 1-5."""
    result = score_assessment(stakeholders((1, 10, 7, 1), (2, 10, 7, 5)), company(), [7])
    assert result.topics.loc[7, "stakeholder_score"] == 3.0
    assert result.topics.loc[7, "stakeholder_ci_low"] == 1.0
    assert result.topics.loc[7, "stakeholder_ci_high"] == 5.0


def test_a_group_without_answers_has_an_empty_row_and_no_say():
    """Media (30) never answered and the community (40) only said "don't know"."""
    ratings = stakeholders(
        (1, 10, 7, 5), (2, 20, 7, 3),
        (3, 40, 7, DK),
    )
    result = score_assessment(ratings, company(), [7], group_ids=[10, 20, 30, 40])

    assert list(result.by_group.index.get_level_values("group_id")) == [10, 20, 30, 40]
    media = result.by_group.loc[(7, 30)]
    assert (media["n"], media["answers"], media["weight"]) == (0, 0, 0.0)
    assert math.isnan(media["mean"]) and math.isnan(media["dont_know_share"])
    community = result.by_group.loc[(7, 40)]
    assert (community["n"], community["answers"], community["dont_know_share"]) == (0, 1, 1.0)
    assert result.topics.loc[7, "stakeholder_score"] == pytest.approx((5 + 3) / 2)
    assert result.group_weights_used == pytest.approx({10: 0.5, 20: 0.5})


def test_a_topic_nobody_answered_has_no_scores_no_tier_and_ranks_last():
    """Topic 8 has no ratings at all but still appears, in assessment order."""
    result = score_assessment(stakeholders((1, 10, 7, 4)), company(*managers({7: 4})), [8, 7])

    assert list(result.topics.index) == [8, 7]
    empty = result.topics.loc[8]
    assert math.isnan(empty["stakeholder_score"]) and math.isnan(empty["company_ci_high"])
    assert (empty["stakeholder_n"], empty["company_n"]) == (0, 0)
    assert empty["tier"] is None
    assert (empty["rank"], result.topics.loc[7, "rank"]) == (2, 1)


def test_unanimous_answers_have_zero_spread():
    """Everyone says 4: std 0 and an interval of zero width."""
    ratings = stakeholders(*[(r, 10 + r % 2, 7, 4) for r in range(1, 9)])
    result = score_assessment(ratings, company(), [7])

    assert list(result.by_group["std"]) == [0.0, 0.0]
    topic = result.topics.loc[7]
    assert topic["stakeholder_ci_low"] == topic["stakeholder_ci_high"] == 4.0


def random_assessment(seed=1, respondents=60, topics=(1, 2, 3)):
    """A small random assessment with three groups and "don't know" answers."""
    rng = np.random.default_rng(seed)
    rows = []
    for r in range(1, respondents + 1):
        for t in topics:
            score = DK if rng.random() < 0.2 else float(rng.integers(1, 6))
            rows.append((r, 10 + r % 3, t, score))
    raters = [(200 + i, kind, t, float(rng.integers(1, 6)))
              for i, kind in enumerate(["management", "internal_expert", "external_expert"] * 3)
              for t in topics]
    return stakeholders(*rows), company(*raters), list(topics)


def test_the_same_data_always_gives_the_same_figures():
    """Two runs agree to the last digit; another seed moves the intervals."""
    ratings, raters, topics = random_assessment()
    first = score_assessment(ratings, raters, topics)
    again = score_assessment(ratings, raters, topics)
    other = score_assessment(ratings, raters, topics, ScoringSettings(seed=7))

    pd.testing.assert_frame_equal(first.topics, again.topics)
    pd.testing.assert_frame_equal(first.by_group, again.by_group)
    assert not first.topics["stakeholder_ci_low"].equals(other.topics["stakeholder_ci_low"])
    pd.testing.assert_series_equal(first.topics["stakeholder_score"],
                                   other.topics["stakeholder_score"])


def test_the_order_groups_are_listed_in_only_changes_the_row_order():
    """Bootstrap draws go by ascending group id, whatever order the groups are listed in."""
    ratings, raters, topics = random_assessment()
    listed = score_assessment(ratings, raters, topics, group_ids=[12, 10, 11])
    found = score_assessment(ratings, raters, topics)

    pd.testing.assert_frame_equal(listed.topics, found.topics)
    assert list(listed.by_group.index.get_level_values("group_id")[:3]) == [12, 10, 11]


def test_the_intervals_do_not_depend_on_how_the_bootstrap_is_chunked(monkeypatch):
    """Drawing the replicates a few at a time gives exactly the same intervals."""
    ratings, raters, topics = random_assessment()
    whole = score_assessment(ratings, raters, topics)
    monkeypatch.setattr(scoring_bootstrap, "CHUNK_ELEMENTS", 450)  # 22 replicates
    chunked = score_assessment(ratings, raters, topics)
    pd.testing.assert_frame_equal(whole.topics, chunked.topics)


def test_the_intervals_follow_the_published_recipe():
    """Redo the stratified bootstrap with plain pandas, as the methodology describes it."""
    ratings, raters, topics = random_assessment(respondents=30)
    settings = ScoringSettings(bootstrap_samples=200, group_weights={11: 2.0})
    result = score_assessment(ratings, raters, topics, settings)

    rng = np.random.default_rng(settings.seed)
    # Each group's respondents x topics table, respondents in ascending id order.
    tables = {g: rows.pivot(index="respondent_id", columns="topic_id", values="score")
              for g, rows in ratings.groupby("group_id")}
    drawn = {g: rng.integers(0, len(table), size=(settings.bootstrap_samples, len(table)))
             for g, table in tables.items()}
    w = pd.Series({g: settings.group_weights.get(g, 1.0) for g in tables})
    replicates = []
    for b in range(settings.bootstrap_samples):
        means = pd.DataFrame({g: table.iloc[drawn[g][b]].mean() for g, table in tables.items()})
        present = means.notna()
        replicates.append((means.fillna(0) * w).sum(axis=1) / (present * w).sum(axis=1))
    expected = pd.concat(replicates, axis=1).quantile([0.025, 0.975], axis=1).T

    assert list(result.topics["stakeholder_ci_low"]) == pytest.approx(list(expected[0.025]))
    assert list(result.topics["stakeholder_ci_high"]) == pytest.approx(list(expected[0.975]))


def test_an_override_replaces_the_company_score_and_is_flagged():
    """The board's 2.0 on topic 7 is overruled to 4.5 by the CSR admin, with a reason."""
    ratings = stakeholders((1, 10, 7, 4), (2, 10, 8, 4))
    raters = company(*managers({7: 2, 8: 2}))
    result = score_assessment(ratings, raters, [7, 8], company_overrides={7: 4.5})

    seven, eight = result.topics.loc[7], result.topics.loc[8]
    assert seven["company_score"] == 4.5 and seven["company_overridden"]
    assert math.isnan(seven["company_ci_low"]) and math.isnan(seven["company_ci_high"])
    assert seven["company_n"] == 1  # the raters are still counted
    assert seven["tier"] == "highly_material" and seven["rank"] == 1
    assert eight["company_score"] == 2.0 and not eight["company_overridden"]
    assert eight["tier"] == "material"
    with pytest.raises(ValueError, match="not in the assessment"):
        score_assessment(ratings, raters, [7, 8], company_overrides={99: 3.0})


def matrix_of(points):
    """One stakeholder and one manager per topic: {topic: (company, stakeholder)}."""
    ratings = stakeholders(*[(t, 10, t, y) for t, (_, y) in points.items()])
    raters = company(*managers({t: x for t, (x, _) in points.items()}))
    return ratings, raters, list(points)


FOUR_TOPICS = {1: (4, 5), 2: (3, 2), 3: (2, 4), 4: (1, 1)}  # topic: (company, stakeholder)


def test_midpoint_thresholds_split_the_matrix_at_three():
    """On a 1-5 scale both thresholds are 3.0; reaching it counts (>=)."""
    result = score_assessment(*matrix_of(FOUR_TOPICS))

    assert (result.threshold_company, result.threshold_stakeholder) == (3.0, 3.0)
    assert list(result.topics["tier"]) == ["highly_material", "material", "material",
                                           "to_watch"]
    assert set(result.topics["tier"]) <= set(TIERS)


def test_value_thresholds_are_taken_as_given():
    """Company >= 2, stakeholders >= 4.5: only topic 1 clears both."""
    settings = ScoringSettings(threshold_mode="value", threshold_company=2.0,
                               threshold_stakeholder=4.5)
    result = score_assessment(*matrix_of(FOUR_TOPICS), settings)

    assert (result.threshold_company, result.threshold_stakeholder) == (2.0, 4.5)
    assert list(result.topics["tier"]) == ["highly_material", "material", "material",
                                           "to_watch"]
    with pytest.raises(ValueError):
        ScoringSettings(threshold_mode="value", threshold_company=2.0)


def test_quantile_thresholds_follow_the_topics_own_scores():
    """Medians: company of 4,3,2,1 is 2.5; stakeholders of 5,2,4,1 is 3.0."""
    result = score_assessment(*matrix_of(FOUR_TOPICS),
                              ScoringSettings(threshold_mode="quantile", quantile=0.5))

    assert result.threshold_company == pytest.approx(2.5)
    assert result.threshold_stakeholder == pytest.approx(3.0)
    assert list(result.topics["tier"]) == ["highly_material", "material", "material",
                                           "to_watch"]


def test_top_n_takes_tiers_from_the_ranking():
    """Combined 4.5, 2.5, 3.0, 1.0: rank 1 is highly material, rank 2 material, the rest watched."""
    result = score_assessment(*matrix_of(FOUR_TOPICS),
                              ScoringSettings(threshold_mode="top_n", top_n=1))

    assert math.isnan(result.threshold_company) and math.isnan(result.threshold_stakeholder)
    assert list(result.topics["rank"]) == [1, 3, 2, 4]
    assert list(result.topics["tier"]) == ["highly_material", "to_watch", "material",
                                           "to_watch"]


def test_ranks_break_ties_by_stakeholder_score_then_assessment_order():
    """Topics 1-3 all combine to 3.0; 2 and 3 are identical, so their order decides."""
    points = {1: (4, 2), 2: (2, 4), 3: (2, 4), 4: (5, 5)}
    result = score_assessment(*matrix_of(points))

    assert list(result.topics["combined_score"]) == [3.0, 3.0, 3.0, 5.0]
    assert list(result.topics["rank"]) == [4, 2, 3, 1]


def test_rater_kinds_are_weighted_like_groups():
    """Management says 4, an external expert 1; management weighs double: (2*4 + 1) / 3."""
    raters = company((1, "management", 7, 4), (2, "external_expert", 7, 1),
                     (3, "internal_expert", 7, DK))
    result = score_assessment(stakeholders(), raters, [7],
                              ScoringSettings(rater_kind_weights={"management": 2.0}))

    assert result.topics.loc[7, "company_score"] == pytest.approx(3.0)
    assert result.rater_kind_weights_used == pytest.approx(
        {"management": 2 / 3, "external_expert": 1 / 3})
    internal = result.by_rater_kind.loc[(7, "internal_expert")]
    assert (internal["n"], internal["answers"], internal["dont_know_share"]) == (0, 1, 1.0)
    assert result.by_rater_kind.loc[(7, "management"), "weight"] == pytest.approx(2 / 3)


def test_the_result_has_the_published_columns():
    """Other code reads these names."""
    ratings, raters, topics = random_assessment()
    result = score_assessment(ratings, raters, topics)

    assert list(result.topics.columns) == [
        "stakeholder_score", "stakeholder_ci_low", "stakeholder_ci_high", "stakeholder_n",
        "company_score", "company_ci_low", "company_ci_high", "company_n",
        "company_overridden", "combined_score", "tier", "rank",
    ]
    assert result.by_group.index.names == ["topic_id", "group_id"]
    assert result.by_rater_kind.index.names == ["topic_id", "rater_kind"]
    for table in (result.by_group, result.by_rater_kind):
        assert list(table.columns) == ["n", "mean", "std", "dont_know_share", "answers",
                                       "weight"]
    assert result.settings == ScoringSettings()


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([(1, 10, 7, 6)], "within"),
        ([(1, 10, 7, 4), (1, 10, 7, 3)], "more than once"),
        ([(1, 10, 7, 4), (1, 20, 8, 3)], "more than one group_id"),
    ],
)
def test_inconsistent_ratings_are_refused(rows, message):
    """Out-of-scale scores, double answers and respondents in two groups are errors."""
    with pytest.raises(ValueError, match=message):
        score_assessment(stakeholders(*rows), company(), [7, 8])


def test_an_unknown_rater_kind_is_refused():
    """Only management, internal and external experts rate for the company."""
    with pytest.raises(ValueError, match="rater_kind"):
        score_assessment(stakeholders(), company((1, "intern", 7, 3)), [7])


def test_replicates_that_draw_only_dont_knowers_are_left_out():
    """One 4 and two "don't know": about 30% of replicates have no answer and are skipped."""
    ratings = stakeholders((1, 10, 7, 4), (2, 10, 7, DK), (3, 10, 7, DK))
    result = score_assessment(ratings, company(), [7])

    topic = result.topics.loc[7]
    assert (topic["stakeholder_ci_low"], topic["stakeholder_ci_high"]) == (4.0, 4.0)
    assert result.by_group.loc[(7, 10), "dont_know_share"] == pytest.approx(2 / 3)


# --------------------------------------------------------------------------- sensitivity


def test_probabilities_of_a_tiny_case_follow_the_draws():
    """Two customers rate 2 and 4 (mean 3, on the midpoint); one manager rates 4.

    A replicate draws two customers with replacement: both the first (mean 2, below 3)
    with probability 1/4, else the mean is 3 or 4. So the stakeholder score reaches 3 in
    every replicate except those drawing the first customer twice, the company score
    (one rater) always does, and the topic is material in every replicate.
    """
    from materiality.services.scoring.sensitivity import analyse

    settings = ScoringSettings(bootstrap_samples=400, seed=11)
    result = score_assessment(stakeholders((1, 10, 7, 2), (2, 10, 7, 4)),
                              company(*managers({7: 4})), [7], settings)
    robust = analyse(result).topics.loc[7]

    draws = np.random.default_rng(11).integers(0, 2, size=(400, 2))  # the stakeholder draws
    reaching = (draws.max(axis=1) == 1).mean()
    assert 0.65 < reaching < 0.85  # about 3/4
    assert robust["p_stakeholder"] == pytest.approx(reaching)
    assert robust["p_company"] == 1.0
    assert robust["p_highly"] == pytest.approx(reaching)
    assert robust["p_material"] == 1.0
    assert result.topics.loc[7, "tier"] == "highly_material"
    assert robust["p_same_tier"] == pytest.approx(reaching)
    assert robust["uncertain"]


def test_leaving_out_a_group_or_a_rater_kind_changes_the_tier():
    """Topic 7: customers (weight 3) give 4, employees (weight 1) give 2 -> (12+2)/4 = 3.5.

    Without customers it is 2 (material only on the company axis); without employees 4;
    with equal weights (4+2)/2 = 3, still reaching the midpoint. Topic 8 is rated 4 by
    everyone and never moves. The company axis: management 5, external experts 1 ->
    3 at equal weights on both topics; without management 1 (below), without external
    experts 5.
    """
    from materiality.services.scoring.sensitivity import Scenario, analyse

    ratings = stakeholders((1, 10, 7, 4), (1, 10, 8, 4), (2, 20, 7, 2), (2, 20, 8, 4))
    raters = company((100, "management", 7, 5), (100, "management", 8, 5),
                     (101, "external_expert", 7, 1), (101, "external_expert", 8, 1))
    settings = ScoringSettings(group_weights={10: 3.0, 20: 1.0}, bootstrap_samples=0)
    result = score_assessment(ratings, raters, [7, 8], settings)
    robust = analyse(result)

    assert list(result.topics["tier"]) == ["highly_material", "highly_material"]
    assert robust.scenarios == (
        Scenario("equal_weights"), Scenario("without_group", 10), Scenario("without_group", 20),
        Scenario("without_rater_kind", "management"),
        Scenario("without_rater_kind", "external_expert"),
    )
    assert list(robust.scenario_tiers.loc[7]) == [
        "highly_material", "material", "highly_material", "material", "highly_material"]
    assert list(robust.scenario_tiers.loc[8]) == [
        "highly_material", "highly_material", "highly_material", "material", "highly_material"]
    assert robust.topics.loc[7, "changes"] == (
        (Scenario("without_group", 10), "material"),
        (Scenario("without_rater_kind", "management"), "material"),
    )
    assert robust.topics["sensitive"].tolist() == [True, True]
    # Without bootstrap samples there are no probabilities, and nothing is "uncertain".
    assert robust.topics["p_material"].isna().all() and not robust.topics["uncertain"].any()
    assert robust.samples == 0


def test_respondents_are_those_with_a_numeric_rating():
    """Respondent 3 answered "don't know" to both topics: not a respondent, reported apart."""
    ratings = stakeholders((1, 10, 7, 4), (1, 10, 8, DK), (2, 10, 7, DK), (2, 10, 8, 5),
                           (3, 10, 7, DK), (3, 10, 8, DK), (4, 20, 7, 3))
    result = score_assessment(ratings, company(*managers({7: 4, 8: DK})), [7, 8],
                              group_ids=[10, 20, 30])

    assert result.group_respondents.loc[10].tolist() == [2, 1]
    assert result.group_respondents.loc[20].tolist() == [1, 0]
    assert result.group_respondents.loc[30].tolist() == [0, 0]
    assert result.rater_kind_respondents.loc["management"].tolist() == [1, 0]


def test_small_groups_and_unrated_topics_are_flagged():
    """Group 20 has one respondent, who rated only topic 7; group 30 (weight 0) rated none."""
    from materiality.services.scoring.sensitivity import analyse

    ratings = stakeholders(*[(r, 10, t, 4) for r in range(1, 6) for t in (7, 8)],
                           (6, 20, 7, 3), (6, 20, 8, DK), (7, 30, 7, 5), (7, 30, 8, DK))
    result = score_assessment(ratings, company(*managers({7: 4, 8: 4})), [7, 8],
                              ScoringSettings(group_weights={30: 0.0}, bootstrap_samples=10))
    robust = analyse(result)

    assert robust.small_groups == {20: 1, 30: 1}
    assert robust.small_rater_kinds == {"management": 1}
    assert robust.unanswered == {8: (("group", 20),)}


def test_mean_threshold_and_tier_concentration():
    """Stakeholder scores 2, 3, 4 (mean 3) and company 4, 4, 1 (mean 3)."""
    from materiality.services.scoring.sensitivity import dominant_tier, threshold_preview, tier_counts

    ratings = stakeholders(*one_answer_each({1: [2], 2: [3], 3: [4]}))
    raters = company(*managers({1: 4, 2: 4, 3: 1}))
    result = score_assessment(ratings, raters, [1, 2, 3],
                              ScoringSettings(threshold_mode="mean", bootstrap_samples=0))

    assert (result.threshold_company, result.threshold_stakeholder) == (3.0, 3.0)
    assert list(result.topics["tier"]) == ["material", "highly_material", "material"]
    previews = {p.settings.threshold_mode: p for p in threshold_preview(result, top_n=1)}
    assert set(previews) == {"midpoint", "mean", "quantile", "top_n"}
    assert previews["top_n"].counts == {"highly_material": 1, "material": 1, "to_watch": 1}
    assert previews["quantile"].threshold_stakeholder == 3.0
    assert tier_counts(["material", "material", "material", "to_watch", None]) == {
        "highly_material": 0, "material": 3, "to_watch": 1}
    assert dominant_tier({"highly_material": 3, "material": 1, "to_watch": 0}) is None  # 3/4
    assert dominant_tier({"highly_material": 4, "material": 1, "to_watch": 0}) == (
        "highly_material")


def test_replicate_tiers_recompute_data_dependent_thresholds():
    """In top-N mode each replicate ranks its own scores; no per-axis probability exists."""
    from materiality.services.scoring.sensitivity import analyse

    ratings = stakeholders((1, 10, 1, 5), (1, 10, 2, 1), (1, 10, 3, 3),
                           (2, 10, 1, 4), (2, 10, 2, 2), (2, 10, 3, 3))
    raters = company(*managers({1: 5, 2: 1, 3: 3}))
    result = score_assessment(ratings, raters, [1, 2, 3],
                              ScoringSettings(threshold_mode="top_n", top_n=1,
                                              bootstrap_samples=50))
    robust = analyse(result).topics
    assert robust["p_company"].isna().all()
    # Topic 1 is best in every replicate (stakeholders 4-5 vs 1-2 and 3), topic 2 worst.
    assert robust.loc[1, "p_highly"] == 1.0 and robust.loc[2, "p_material"] == 0.0
    assert robust.loc[3, "p_same_tier"] == 1.0


# --------------------------------------------------------------------------- rounding


def test_one_rounding_rule_half_up():
    from materiality.services.documents.office_files import two_decimals
    from materiality.services.rounding import percent_text, score_text

    assert score_text(2.345) == "2.35"  # Python's f"{2.345:.2f}" gives 2.35 only by luck
    assert f"{2.675:.2f}" == "2.67" and score_text(2.675) == "2.68"
    assert score_text(2.3449999999999998) == "2.35"  # noise of a computed mean
    assert score_text(4.125) == two_decimals(4.125) == "4.13"
    assert percent_text(0.0625) == "6.3%" and f"{6.25:.1f}" == "6.2"
    assert percent_text(1 / 16) == "6.3%"
    assert percent_text(0.00049) == "0.0%" and percent_text(1.0) == "100.0%"
    assert score_text(None) == "—" and percent_text(math.nan) == "—"
    assert score_text(-0.005) == "-0.01"
