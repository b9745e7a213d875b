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
from materiality.report.double_data import compute_double
from materiality.services.documents.office_files import FORMULA_TRIGGERS

THRESHOLD = 3.0


@pytest.fixture
def double_demo(demo_data) -> Assessment:
    return db.session.scalar(db.select(Assessment).where(Assessment.title == DEMO_TITLE))


def app_result(assessment: Assessment):
    """The app's scores of the assessment, with its own stored settings."""
    return compute_double(assessment)


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
    from materiality.admin.operations import change_status

    topic = double_demo.topic_links[0].topic
    topic.name_en = "=HYPERLINK(\"http://x\")"
    # Closed, the assessment keeps the names it was closed with: close it again after.
    change_status(double_demo, "open", reason="a formula in a topic's name")
    change_status(double_demo, "closed")
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


def test_the_report_index_and_nav_lead_to_the_double_documents(editor_client, double_demo):
    page = editor_client.get("/report/?lang=en").get_data(as_text=True)
    link = f"/report/{double_demo.id}/double/assessor-ratings.csv"
    assert page.count("/double/assessor-ratings.csv") == 1 and link in page
    assert "Assessor ratings (CSV)" in page
    assert page.count("/double/methodology") == 1
    assert f"/report/{double_demo.id}/double/methodology" in page
    scores = editor_client.get(f"/report/{double_demo.id}/double/scores").get_data(as_text=True)
    assert f"/report/{double_demo.id}/double/methodology" in scores
    assert f'/report/{double_demo.id}/methodology"' not in scores
    # the demo ran the stakeholder survey too: its scores are shown beside the topics
    assert "Importance to stakeholders (survey)" in editor_client.get(
        f"/report/{double_demo.id}/double/scores?lang=en").get_data(as_text=True)


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
def test_the_note_states_the_assessments_numbers_and_its_sources(editor_client, double_demo,
                                                                 locale):
    from materiality.services.rounding import score_text

    result = app_result(double_demo)
    page = editor_client.get(f"/report/{double_demo.id}/double/methodology?locale={locale}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    markdown = editor_client.get(
        f"/report/{double_demo.id}/double/methodology.md?locale={locale}").get_data(as_text=True)
    counts = result.iros["kind"].value_counts()
    flagged = int(result.iros["needs_review"].sum())
    low, high = int(result.iros["assessors"].min()), int(result.iros["assessors"].max())
    material = result.topics["materiality"].value_counts()
    if locale == "en":
        expected = [f"registered {len(REGISTER)} impacts", f"{counts['negative_impact']} negative",
                    f"{counts['risk']} risks", "8 rated: 3 from management, 3 internal experts, "
                    "2 external experts", f"rated by {low} to {high} assessors",
                    f"IROs flagged this time ({flagged})", "3.00 for impact materiality",
                    f"material by both impact and financial materiality: {material['both']}",
                    "Article 5", "Article 59", "paragraph 28", "IRO-1", "Disclosure 3-1",
                    "\u221a(severity \u00d7 likelihood)", "10 November 2025",
                    "the stakeholder survey: 200 valid questionnaires"]
    else:
        expected = [f"登记了{len(REGISTER)}项影响、风险和机遇", f"负面影响{counts['negative_impact']}项",
                    f"风险{counts['risk']}项", "共8名：管理层3名、内部专家3名、外部专家2名",
                    f"为{low}至{high}人", f"需复核的IRO共{flagged}项", "影响重要性3.00，财务重要性3.00",
                    f"{material['both']}项兼具影响重要性和财务重要性", "第五条", "第五十九条第（五）项",
                    "第28段", "IRO-1", "GRI 3-1", "√（严重程度×发生可能性）", "2025年11月10日",
                    "共回收有效问卷200份"]
    for piece in expected:
        assert piece in text, piece
        assert piece in markdown.replace("\\", ""), piece
    for score in result.topics["impact_score"].dropna():
        assert score_text(score) in markdown
    assert f"/report/{double_demo.id}/double/assessor-ratings.csv" in text


def test_the_note_downloads_in_every_format(editor_client, double_demo):
    from docx import Document

    for fmt, kind in (("md", "text/markdown"), ("html", "text/html"), ("docx", "application/vnd")):
        response = editor_client.get(f"/report/{double_demo.id}/double/methodology.{fmt}?locale=en")
        assert response.status_code == 200 and response.content_type.startswith(kind)
        assert f"double-methodology-en.{fmt}" in response.headers["Content-Disposition"]
    docx = editor_client.get(f"/report/{double_demo.id}/double/methodology.docx?locale=zh_CN")
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.data)).paragraphs)
    assert "双重重要性评估方法说明" in text and "第十八条" in text


def test_a_classic_assessment_has_no_double_note(editor_client, demo_data):
    classic = db.session.scalar(db.select(Assessment).where(Assessment.reporting_year == 2023))
    assert editor_client.get(f"/report/{classic.id}/double/methodology").status_code == 404
    assert editor_client.get(f"/report/{classic.id}/double/methodology.md").status_code == 404
