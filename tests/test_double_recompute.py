"""Every score of the demo's double-materiality assessment recomputes from the raw assessor
ratings an editor downloads, with plain pandas and the formulas the methodology note states:
the mean of each criterion's numeric ratings, severity as the mean of scale, scope (and
irremediable character), the geometric combination with likelihood, severity alone for a
potential negative human-rights impact, the highest score per topic and axis, and a topic
material when it reaches either threshold."""
from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd
import pytest

from materiality.demo_2025_double import DEMO_TITLE, REGISTER
from materiality.extensions import db
from materiality.models import Assessment, Topic
from materiality.report.iro_data import load_iro_ratings, load_iro_register
from materiality.services.documents.office_files import FORMULA_TRIGGERS
from materiality.services.scoring.double import (
    DoubleMaterialitySettings,
    score_double_materiality,
)

THRESHOLD = 3.0


@pytest.fixture
def double_demo(demo_data) -> Assessment:
    return db.session.scalar(db.select(Assessment).where(Assessment.title == DEMO_TITLE))


def app_result(assessment: Assessment):
    """The app's scores of the assessment, with its own stored settings."""
    settings = DoubleMaterialitySettings(
        aggregate=assessment.dm_aggregate, combine=assessment.dm_combine,
        threshold_mode=assessment.dm_threshold_mode,
        threshold_impact=assessment.dm_threshold_impact,
        threshold_financial=assessment.dm_threshold_financial,
        top_n=assessment.dm_top_n, quantile=assessment.dm_quantile)
    return score_double_materiality(
        load_iro_register(assessment.id), load_iro_ratings(assessment.id),
        [link.topic_id for link in assessment.topic_links], settings)


def download(client, assessment: Assessment, locale: str = "zh_CN") -> bytes:
    response = client.get(f"/report/{assessment.id}/double/assessor-ratings.csv?locale={locale}")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in response.headers["Content-Disposition"]
    return response.data


def recompute(raw: pd.DataFrame, topic_ids: list[int]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The note's formulas, written out in plain pandas."""
    numeric = raw.dropna(subset=["value"])
    grouped = numeric.groupby(["iro_id", "criterion"])["value"]
    values = grouped.mean().unstack()
    span = (grouped.max() - grouped.min()).unstack()
    iros = raw.drop_duplicates("iro_id").set_index("iro_id")[
        ["topic_id", "kind", "actuality", "human_rights"]]
    iros = iros.join(values)
    for criterion in ("scale", "scope", "irremediable", "likelihood", "magnitude"):
        if criterion not in iros:
            iros[criterion] = np.nan
    negative = iros["kind"] == "negative_impact"
    positive = iros["kind"] == "positive_impact"
    potential = iros["actuality"] == "potential"
    human_rights = iros["human_rights"] == 1
    severity = pd.Series(np.nan, index=iros.index)
    severity[negative] = iros.loc[negative, ["scale", "scope", "irremediable"]].mean(
        axis=1, skipna=False)
    severity[positive] = iros.loc[positive, ["scale", "scope"]].mean(axis=1, skipna=False)
    score = pd.Series(np.nan, index=iros.index)
    impact = negative | positive
    score[impact & ~potential] = severity
    score[impact & potential] = np.sqrt(severity * iros["likelihood"])
    score[negative & potential & human_rights] = severity
    financial = iros["kind"].isin(["risk", "opportunity"])
    score[financial] = np.sqrt(iros["magnitude"] * iros["likelihood"])
    iros["severity"], iros["score"] = severity, score
    iros["needs_review"] = (span >= 2).any(axis=1).reindex(iros.index, fill_value=False)
    iros["assessors"] = numeric.groupby("iro_id")["assessor_id"].nunique()

    topics = pd.DataFrame(index=pd.Index(topic_ids, name="topic_id"))
    topics["impact_score"] = iros[impact].groupby("topic_id")["score"].max()
    topics["financial_score"] = iros[financial].groupby("topic_id")["score"].max()
    by_impact = topics["impact_score"].round(9) >= THRESHOLD
    by_financial = topics["financial_score"].round(9) >= THRESHOLD
    topics["materiality"] = pd.Series(np.select(
        [by_impact & by_financial, by_impact, by_financial], ["both", "impact", "financial"],
        default=""), index=topics.index).replace("", None)
    return iros, topics


def test_every_demo_score_recomputes_from_the_raw_assessor_ratings(editor_client, double_demo):
    raw = pd.read_csv(io.BytesIO(download(editor_client, double_demo)), encoding="utf-8-sig")
    assert len(raw) > 800 and raw["assessor_id"].nunique() == 8
    assert set(raw["rater_kind"]) == {"management", "internal_expert", "external_expert"}
    assert raw["value"].isna().sum() >= 8  # the demo's "cannot judge" answers
    topic_ids = [link.topic_id for link in double_demo.topic_links]
    iros, topics = recompute(raw, topic_ids)
    app = app_result(double_demo)

    assert len(app.iros) == len(REGISTER) == len(iros)
    both = app.iros.merge(iros, left_index=True, right_index=True, suffixes=("", "_raw"))
    assert np.allclose(both["score"], both["score_raw"], equal_nan=True, rtol=0, atol=1e-12)
    assert np.allclose(both["severity"], both["severity_raw"], equal_nan=True, rtol=0,
                       atol=1e-12)
    for criterion in ("scale", "scope", "irremediable", "likelihood", "magnitude"):
        assert np.allclose(both[criterion], both[f"{criterion}_raw"], equal_nan=True,
                           rtol=0, atol=1e-12)
    assert (both["needs_review"] == both["needs_review_raw"]).all()
    assert (both["assessors"] == both["assessors_raw"]).all()
    assert np.allclose(app.topics["impact_score"], topics["impact_score"], equal_nan=True,
                       rtol=0, atol=1e-12)
    assert np.allclose(app.topics["financial_score"], topics["financial_score"],
                       equal_nan=True, rtol=0, atol=1e-12)
    assert (list(app.topics["materiality"].fillna("none"))
            == list(topics["materiality"].fillna("none")))


def test_the_demo_shows_every_rule_at_work(double_demo):
    """The demo exercises what the note explains: each kind, the human-rights rule, the
    review flag, abstentions, a topic with only an opportunity, topics without IROs."""
    result = app_result(double_demo)
    iros, topics = result.iros, result.topics
    assert set(iros["kind"]) == {"negative_impact", "positive_impact", "risk", "opportunity"}
    hr_potential = iros[iros["human_rights"] & (iros["actuality"] == "potential")]
    assert len(hr_potential) >= 4
    assert np.allclose(hr_potential["score"], hr_potential["severity"])
    # the rule matters: the geometric mean would have ranked the tailings dam far lower
    assert (np.sqrt(hr_potential["severity"] * hr_potential["likelihood"])
            < hr_potential["score"] - 0.5).any()
    assert 1 <= iros["needs_review"].sum() <= 5
    assert (iros["assessors"] < 8).any() and iros["assessors"].max() == 8
    assert set(topics["materiality"].dropna()) == {"both", "impact", "financial"}
    assert (topics["materiality"].isna()).sum() >= 4
    strategic = db.session.scalar(db.select(Topic).where(Topic.name_zh == "战略合作"))
    assert np.isnan(topics.loc[strategic.id, "impact_score"])
    assert topics.loc[strategic.id, "materiality"] == "financial"
    horizons = {iro.time_horizon for iro in double_demo_iros(double_demo)
                if iro.kind in ("risk", "opportunity")}
    assert horizons == {"short", "medium", "long"}


def double_demo_iros(assessment: Assessment):
    from materiality.models import Iro

    return db.session.scalars(db.select(Iro).where(Iro.assessment_id == assessment.id)).all()


def test_seeding_twice_adds_nothing(double_demo):
    from materiality.seed import seed_demo

    assert double_demo.status == "closed"
    added = seed_demo()
    assert added == {"topics": 0, "groups": 0, "assessments": 0, "responses": 0}


def test_the_raw_csv_is_guarded_against_formulas(editor_client, double_demo):
    topic = double_demo.topic_links[0].topic
    topic.name_en = "=HYPERLINK(\"http://x\")"
    db.session.commit()
    data = download(editor_client, double_demo, "en").decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(data)) for cell in row]
    assert not [cell for cell in cells if cell.startswith(FORMULA_TRIGGERS)]
    assert "'=HYPERLINK(\"http://x\")" in cells


def test_the_raw_csv_names_topics_in_the_report_language(editor_client, double_demo):
    zh = download(editor_client, double_demo, "zh_CN").decode("utf-8-sig")
    en = download(editor_client, double_demo, "en").decode("utf-8-sig")
    assert "“三废”管理" in zh and "\"\"Three wastes\"\" management" in en
    assert zh.splitlines()[0] == en.splitlines()[0]


def test_a_classic_assessment_has_no_assessor_ratings(editor_client, demo_data):
    classic = db.session.scalar(db.select(Assessment).where(Assessment.reporting_year == 2023))
    response = editor_client.get(f"/report/{classic.id}/double/assessor-ratings.csv")
    assert response.status_code == 404


def test_the_report_index_links_the_raw_ratings_of_double_assessments(editor_client,
                                                                      double_demo):
    page = editor_client.get("/report/?lang=en").get_data(as_text=True)
    link = f"/report/{double_demo.id}/double/assessor-ratings.csv"
    assert page.count("/double/assessor-ratings.csv") == 1 and link in page
    assert "Assessor ratings (CSV)" in page
