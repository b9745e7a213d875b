"""Every number on the matrix is recomputed from the raw-data export with plain pandas.

The raw responses CSV (one row per rating) is all a reader needs: group means, the
weighted mean of the group means with the configured weights, the same over rater
kinds, and midpoint tiers give exactly the scores the matrix is drawn from (the topic
score table CSV, and the chart's points).
"""
from __future__ import annotations

import io

import pandas as pd
import pytest

from materiality.extensions import db
from materiality.frozen_configuration import group_weights as assessment_group_weights
from materiality.models import Assessment, AssessmentGroupWeight, StakeholderGroup, Submission
from materiality.report.data import matrix_points, report_data

GROUP_WEIGHTS = [3.0, 1.0, 2.0, 1.0, 0.5, 1.0, 4.0, 1.0]
KIND_WEIGHTS = {"management": 2.0, "internal_expert": 1.0, "external_expert": 0.5}
TIERS_ZH = {(True, True): "高度实质性", (True, False): "实质性", (False, True): "实质性",
            (False, False): "需关注"}


@pytest.fixture
def weighted_demo(demo_data) -> Assessment:
    """The demo with unequal group and rater-kind weights and one deleted response."""
    assessment = db.session.scalar(db.select(Assessment).order_by(Assessment.id))
    groups = db.session.scalars(db.select(StakeholderGroup).order_by(StakeholderGroup.position))
    for group, weight in zip(groups, GROUP_WEIGHTS, strict=True):
        row = db.session.get(AssessmentGroupWeight, (assessment.id, group.id))
        row.weight = weight
    for kind, weight in KIND_WEIGHTS.items():
        setattr(assessment, f"weight_{kind}", weight)
    deleted = db.session.scalar(db.select(Submission).where(
        Submission.assessment_id == assessment.id).order_by(Submission.id.desc()))
    deleted.deleted_at = db.func.now()
    deleted.deleted_reason = "test"
    db.session.commit()
    return assessment


def weighted_scores(ratings: pd.DataFrame, stratum: str, weights: dict) -> pd.Series:
    """Per topic: the weighted mean of the strata's means (strata without answers left out)."""
    means = ratings.dropna(subset=["score"]).groupby(["topic_id", stratum])["score"].mean()
    frame = means.rename("mean").reset_index()
    frame["w"] = frame[stratum].map(weights).fillna(1.0)
    frame["wm"] = frame["w"] * frame["mean"]
    sums = frame.groupby("topic_id")[["wm", "w"]].sum()
    return sums["wm"] / sums["w"]


def recompute(raw_csv: bytes, group_weights: dict) -> pd.DataFrame:
    """The two scores, n per group and the midpoint tier of every topic, from raw rows."""
    raw = pd.read_csv(io.BytesIO(raw_csv), encoding="utf-8-sig")
    stake = raw[raw["kind"] == "stakeholder"]
    company = raw[raw["kind"] == "company"]
    out = pd.DataFrame({
        "stakeholder": weighted_scores(stake, "group_id", group_weights),
        "company": weighted_scores(company, "rater_kind", KIND_WEIGHTS),
    })
    out["tier"] = [TIERS_ZH[(c >= 3.0, s >= 3.0)] for c, s in zip(
        out["company"], out["stakeholder"], strict=True)]
    names = raw.drop_duplicates("topic_id").set_index("topic_id")["topic_name"]
    out["topic"] = names.reindex(out.index)
    n = stake.dropna(subset=["score"]).groupby(["topic_id", "group_name"]).size()
    out["n"] = [n.xs(t, level="topic_id").to_dict() for t in out.index]
    return out


def check_against_table(expected: pd.DataFrame, table_csv: bytes) -> None:
    """Compare every topic of the topic score table (zh) with the recomputed figures."""
    table = pd.read_csv(io.BytesIO(table_csv), encoding="utf-8-sig").set_index("议题")
    assert len(table) == len(expected) == 23
    for _topic_id, row in expected.iterrows():
        shown = table.loc[row["topic"]]
        assert shown["对企业发展的重要性"] == pytest.approx(row["company"], abs=1e-9)
        assert shown["对利益相关方的重要性"] == pytest.approx(row["stakeholder"], abs=1e-9)
        assert shown["实质性等级"] == row["tier"]
        for group, count in row["n"].items():
            assert shown[f"有效样本数：{group}"] == count


def group_weights() -> dict[int, float]:
    """The demo assessment's own group weights (the groups' weights are only defaults)."""
    return assessment_group_weights(db.session.scalar(db.select(Assessment).order_by(Assessment.id)))


def test_matrix_numbers_recomputed_from_the_cli_raw_export(runner, weighted_demo, tmp_path):
    result = runner.invoke(args=["export", "2023", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    raw = next(tmp_path.glob("*raw-responses.csv")).read_bytes()
    expected = recompute(raw, group_weights())
    check_against_table(expected, next(tmp_path.glob("*topic-scores-zh_CN.csv")).read_bytes())

    # The chart is drawn from these very points.
    points = {p.key: p for p in matrix_points(report_data(weighted_demo, "zh_CN"))}
    assert set(points) == set(expected.index)
    for topic_id, row in expected.iterrows():
        assert points[topic_id].x == pytest.approx(row["company"], abs=1e-9)
        assert points[topic_id].y == pytest.approx(row["stakeholder"], abs=1e-9)
        assert points[topic_id].label == row["topic"]


def test_matrix_numbers_recomputed_from_the_downloads(editor_client, weighted_demo):
    base = f"/report/{weighted_demo.id}"
    raw_response = editor_client.get(f"{base}/raw.csv?locale=zh_CN")
    table_response = editor_client.get(f"{base}/topics.csv?locale=zh_CN")
    raw, table = raw_response.data, table_response.data
    raw_response.close()
    table_response.close()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig")
    assert len(rows) == (8 * 40 + 15 - 1) * 23  # the deleted response is left out
    assert rows["score"].isna().any()  # "don't know" is an empty cell
    check_against_table(recompute(raw, group_weights()), table)
