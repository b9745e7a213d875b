"""The double-materiality report: the scores page with its settings, the IRO table and the
material topics in every format and both languages, the matrix with its label editor."""
from __future__ import annotations

import csv
import io
import math

import pytest
from docx import Document
from openpyxl import load_workbook

from materiality.extensions import db
from materiality.frozen_configuration import frozen_configuration
from materiality.models import (
    Assessment,
    AssessmentTopic,
    Iro,
    IroRating,
    LabelPosition,
    Rating,
    StakeholderGroup,
    Submission,
    SurveyLink,
    TrailEntry,
)
from materiality.report.iro_data import load_iro_ratings, load_iro_register
from materiality.services.scoring.double import DoubleMaterialitySettings, score_double_materiality
from materiality.trail import verify

#: Three assessors' ratings: (topic index, kind, actuality, human rights, criterion values
#: per assessor). Topic 4 has only an opportunity, topic 5 nothing.
REGISTER = [
    (0, "negative_impact", "actual", False,
     {"scale": (4, 5, 4), "scope": (4, 4, 3), "irremediable": (3, 4, 4)}),
    (0, "risk", None, False, {"magnitude": (2, 3, 2), "likelihood": (3, 3, 4)}),
    (1, "positive_impact", "potential", False,
     {"scale": (3, 4, 3), "scope": (2, 3, 3), "likelihood": (4, 4, None)}),
    (2, "negative_impact", "potential", True,
     {"scale": (5, 4, 5), "scope": (3, 3, 4), "irremediable": (5, 5, 3),
      "likelihood": (1, 2, 1)}),
    (2, "risk", None, False, {"magnitude": (4, 4, 5), "likelihood": (4, 3, 4)}),
    (3, "negative_impact", "actual", False,
     {"scale": (1, 2, 2), "scope": (2, 1, 2), "irremediable": (1, 1, 2)}),
    (4, "opportunity", None, False, {"magnitude": (4, 5, 4), "likelihood": (2, 2, 5)}),
]


def build_double(status: str = "open", survey: bool = True) -> Assessment:
    """A double-materiality assessment over six of the demo's topics, its register rated
    by three assessors, and (``survey``) two stakeholders' answers."""
    demo = db.session.scalar(db.select(Assessment).order_by(Assessment.id))
    assessment = Assessment(title="双重实质性 2025", reporting_year=2025, status="open",
                            method="double", method_version="double-1")
    for i, link in enumerate(demo.topic_links[:6]):
        assessment.topic_links.append(AssessmentTopic(topic_id=link.topic_id, position=i))
    db.session.add(assessment)
    db.session.flush()
    topics = [link.topic_id for link in assessment.topic_links]
    link = SurveyLink(assessment_id=assessment.id, kind="assessor", requires_code=True)
    db.session.add(link)
    db.session.flush()
    assessors = [Submission(uid=f"assessor-{n}", assessment_id=assessment.id, link_id=link.id,
                            kind="assessor") for n in range(3)]
    db.session.add_all(assessors)
    db.session.flush()
    for n, (topic, kind, actuality, rights, criteria) in enumerate(REGISTER):
        iro = Iro(assessment_id=assessment.id, topic_id=topics[topic], kind=kind,
                  actuality=actuality, human_rights=rights, own_operations=True,
                  upstream=n % 2 == 0, time_horizon=("short", "medium", "long")[n % 3],
                  description_zh=f"影响{n}", description_en=f"IRO number {n}")
        db.session.add(iro)
        db.session.flush()
        for criterion, values in criteria.items():
            for assessor, value in zip(assessors, values, strict=True):
                db.session.add(IroRating(submission_id=assessor.id, iro_id=iro.id,
                                         criterion=criterion, value=value))
    if survey:
        group = db.session.scalar(db.select(StakeholderGroup).order_by(StakeholderGroup.id))
        stakeholder_link = SurveyLink(assessment_id=assessment.id, kind="stakeholder",
                                      group_id=group.id)
        db.session.add(stakeholder_link)
        db.session.flush()
        for n in range(2):
            answer = Submission(uid=f"stakeholder-{n}", assessment_id=assessment.id,
                                link_id=stakeholder_link.id, kind="stakeholder",
                                group_id=group.id)
            db.session.add(answer)
            db.session.flush()
            db.session.add_all([Rating(submission_id=answer.id, topic_id=t, score=3 + (i + n) % 3)
                                for i, t in enumerate(topics)])
    assessment.status = status
    db.session.commit()
    return assessment


def service_result(assessment: Assessment, **settings):  # noqa: ANN003, ANN201
    """The scores straight from the service, on the stored register and ratings."""
    return score_double_materiality(
        load_iro_register(assessment.id), load_iro_ratings(assessment.id),
        [link.topic_id for link in assessment.topic_links],
        DoubleMaterialitySettings(**settings))


def number(text: str) -> float | None:
    return None if text in ("", "—") else float(text)


@pytest.fixture
def double(demo_data) -> Assessment:  # noqa: ARG001
    return build_double()


def test_the_scores_page_shows_both_axes_the_iros_and_the_stakeholder_scores(
        editor_client, double):
    page = editor_client.get(f"/report/{double.id}/double/scores?lang=en")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    result = service_result(double)
    for topic_id in result.topics.index:
        name = db.session.get(AssessmentTopic, (double.id, topic_id)).topic.name("en")
        assert name in text
    assert "IRO number 6" in text and "Needs review" in text
    assert "Importance to stakeholders (survey)" in text
    assert f'href="/report/{double.id}/scores"' in text  # the survey's own page, in detail
    assert text.count('class="materiality-both"') == int((result.topics["materiality"]
                                                        == "both").sum())
    # The nav leads to the double-materiality pages, not the classic ones.
    assert f"/report/{double.id}/double/matrix" in text
    assert f'href="/report/{double.id}/matrix"' not in text
    index = editor_client.get("/report/?lang=en").get_data(as_text=True)
    assert f"/report/{double.id}/double/scores" in index
    # A classic assessment has no such pages; an editor sees no settings form.
    classic = db.session.scalar(db.select(Assessment).order_by(Assessment.id))
    assert editor_client.get(f"/report/{classic.id}/double/scores").status_code == 404
    assert 'name="dm_combine"' not in text


def test_without_a_survey_there_is_no_stakeholder_column(editor_client, demo_data):
    assessment = build_double(survey=False)
    text = editor_client.get(f"/report/{assessment.id}/double/scores?lang=en").get_data(True)
    assert "Importance to stakeholders (survey)" not in text


def test_every_number_of_the_csv_equals_the_service(editor_client, double):
    result = service_result(double)
    data = editor_client.get(f"/report/{double.id}/double/iros.csv?locale=en")
    assert data.status_code == 200 and data.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(data.get_data(as_text=True).lstrip("\ufeff"))))
    assert len(rows) == len(result.iros)
    names = {"Scale": "scale", "Scope": "scope", "Irremediable character": "irremediable",
             "Likelihood": "likelihood", "Financial magnitude": "magnitude",
             "Severity": "severity", "Score": "score"}
    for row in rows:
        expected = result.iros.loc[int(row["No."])]
        for header, column in names.items():
            value = expected[column]
            got = number(row[header])
            if isinstance(value, float) and math.isnan(value):
                assert got is None, (row["No."], header)
            else:
                assert got == pytest.approx(float(value), abs=1e-12), (row["No."], header)
        assert int(row["Assessors"]) == expected["assessors"] == 3
        assert ("Needs review" in row["Flags"]) == bool(expected["needs_review"])
    # The human-rights rule: the potential negative impact on human rights scores its
    # severity alone.
    rights = result.iros[result.iros["human_rights"]].iloc[0]
    assert rights["score"] == pytest.approx(rights["severity"])
    material = editor_client.get(f"/report/{double.id}/double/material-topics.csv?locale=en")
    lines = list(csv.DictReader(io.StringIO(material.get_data(as_text=True).lstrip("\ufeff"))))
    material_topics = result.topics[result.topics["material"]]
    assert {line["Topic"] for line in lines} == {
        db.session.get(AssessmentTopic, (double.id, t)).topic.name("en")
        for t in material_topics.index}
    for line in lines:
        topic_id = next(t for t in material_topics.index if db.session.get(
            AssessmentTopic, (double.id, t)).topic.name("en") == line["Topic"])
        impact = material_topics.at[topic_id, "impact_score"]
        assert number(line["Impact materiality"]) == (
            None if math.isnan(impact) else pytest.approx(impact))


@pytest.mark.parametrize("what", ["iros", "material-topics"])
@pytest.mark.parametrize("locale", ["zh_CN", "en"])
def test_downloads_parse_in_both_languages(editor_client, double, what, locale):
    header = {("iros", "zh_CN"): "影响、风险或机遇", ("iros", "en"): "Impact, risk or opportunity",
              ("material-topics", "zh_CN"): "实质性",
              ("material-topics", "en"): "Material by"}[(what, locale)]
    description = "影响0" if locale == "zh_CN" else "IRO number 0"
    base = f"/report/{double.id}/double/{what}"
    xlsx = editor_client.get(f"{base}.xlsx?locale={locale}")
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    assert header in cells[0] and any(description in str(v) for row in cells for v in row)
    docx = Document(io.BytesIO(editor_client.get(f"{base}.docx?locale={locale}").data))
    table = docx.tables[0]
    assert header in [c.text for c in table.rows[0].cells]
    assert any(description in c.text for row in table.rows[1:] for c in row.cells)
    page = editor_client.get(f"{base}.html?locale={locale}")
    lang = "zh-CN" if locale == "zh_CN" else "en"
    assert f'<html lang="{lang}">' in page.get_data(as_text=True)
    assert description in page.get_data(as_text=True)
    data = editor_client.get(f"{base}.csv?locale={locale}").get_data(as_text=True)
    assert header in next(csv.reader(io.StringIO(data.lstrip("\ufeff"))))


def settings_form(**changes) -> dict:  # noqa: ANN003
    form = {"dm_aggregate": "mean", "dm_combine": "arithmetic", "dm_threshold_mode": "value",
            "dm_threshold_impact": "2.5", "dm_threshold_financial": "3.5", "dm_top_n": "",
            "dm_quantile": "", "reason": "The panel chose the arithmetic mean"}
    form.update(changes)
    return form


def test_settings_are_stored_recorded_and_used(admin_client, double):
    page = admin_client.get(f"/report/{double.id}/double/scores?lang=en").get_data(True)
    assert 'name="dm_combine"' in page and "How each mode would sort the topics" in page
    before = frozen_configuration(double)["double_materiality"]
    assert before == {"aggregate": "mean", "combine": "geometric",
                      "thresholds": {"mode": "value", "impact": 3.0, "financial": 3.0,
                                     "top_n": None, "quantile": None}}
    response = admin_client.post(f"/report/{double.id}/double/scores/settings",
                                 data=settings_form())
    assert response.status_code == 302
    db.session.expire_all()
    stored = db.session.get(Assessment, double.id)
    assert (stored.dm_combine, stored.dm_threshold_impact, stored.dm_threshold_financial) == (
        "arithmetic", 2.5, 3.5)
    entry = db.session.scalar(db.select(TrailEntry).where(
        TrailEntry.assessment_id == double.id).order_by(TrailEntry.id.desc()).limit(1))
    assert entry.action == "double_materiality_settings_changed"
    assert '"combine":"geometric"' in entry.before and '"combine":"arithmetic"' in entry.after
    assert entry.reason == "The panel chose the arithmetic mean"
    assert verify(double.id).broken is None
    assert frozen_configuration(stored)["double_materiality"]["thresholds"]["impact"] == 2.5
    # The page shows the new scores (a new fingerprint, not the cached ones).
    result = service_result(stored, combine="arithmetic", threshold_impact=2.5,
                            threshold_financial=3.5)
    text = admin_client.get(f"/report/{double.id}/double/scores?lang=en").get_data(True)
    assert text.count('class="materiality-both"') == int(
        (result.topics["materiality"] == "both").sum())
    trail = admin_client.get(f"/report/{double.id}/trail?lang=en").get_data(True)
    assert "Double-materiality settings changed" in trail


def test_settings_need_a_reason_and_sound_values(admin_client, double):
    url = f"/report/{double.id}/double/scores/settings"
    for form, message in ((settings_form(reason=""), "Write the reason"),
                          (settings_form(dm_threshold_mode="top_n", dm_top_n=""), "Give N"),
                          (settings_form(dm_threshold_mode="quantile"), "Give the quantile"),
                          (settings_form(dm_threshold_impact=""), "Give both threshold"),
                          (settings_form(dm_threshold_impact="nan"), "Threshold"),
                          (settings_form(dm_combine="power"), "Not a valid choice")):
        response = admin_client.post(url, data=form, headers={"Accept-Language": "en"})
        assert response.status_code == 400, form
        assert message in response.get_data(as_text=True), form
    db.session.expire_all()
    assert db.session.get(Assessment, double.id).dm_combine == "geometric"
    # The same settings again: nothing changes, nothing is recorded, no reason needed.
    entries = db.session.scalar(db.select(db.func.count()).select_from(TrailEntry))
    same = settings_form(dm_combine="geometric", dm_threshold_impact="3",
                         dm_threshold_financial="3", reason="")
    assert admin_client.post(url, data=same).status_code == 302
    assert db.session.scalar(db.select(db.func.count()).select_from(TrailEntry)) == entries


def test_settings_are_refused_when_closed_and_to_editors(admin_client, demo_data):
    closed = build_double(status="closed")
    response = admin_client.post(f"/report/{closed.id}/double/scores/settings",
                                 data=settings_form(), headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert "This assessment is closed" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Assessment, closed.id).dm_combine == "geometric"


def test_editors_may_not_change_the_settings(editor_client, double):
    response = editor_client.post(f"/report/{double.id}/double/scores/settings",
                                  data=settings_form())
    assert response.status_code == 403


def test_the_matrix_page_previews_and_its_labels_move(editor_client, double):
    page = editor_client.get(f"/report/{double.id}/double/matrix?locale=en&lang=en")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    result = service_result(double)
    plotted = result.topics.dropna(subset=["impact_score", "financial_score"])
    assert text.count('<tr data-topic="') == len(plotted)
    assert f"/report/{double.id}/double/matrix.png" in text
    assert "Not on the matrix" in text  # the topics with one axis only
    for fmt, magic in (("png", b"\x89PNG"), ("svg", b"<?xml"), ("pdf", b"%PDF")):
        image = editor_client.get(f"/report/{double.id}/double/matrix.{fmt}?locale=zh_CN")
        assert image.status_code == 200 and image.data.startswith(magic)
    topic = int(plotted.index[0])
    moved = editor_client.post(f"/report/{double.id}/matrix/labels", data={
        "locale": "en", f"x_{topic}": "2.5", f"y_{topic}": "4.5", f"ox_{topic}": "1",
        f"oy_{topic}": "1"})
    assert moved.status_code == 302 and "/double/matrix" in moved.headers["Location"]
    assert db.session.get(LabelPosition, (double.id, topic, "en")).x == 2.5
    after = editor_client.get(f"/report/{double.id}/double/matrix?locale=en").get_data(True)
    assert 'value="2.5"' in after
    bad = editor_client.post(f"/report/{double.id}/matrix/labels", data={
        "locale": "en", f"x_{topic}": "nan", f"y_{topic}": "4"})
    assert bad.status_code == 400
    reset = editor_client.post(f"/report/{double.id}/matrix/labels/reset",
                               data={"confirmed": "yes", "locale": "en"})
    assert reset.status_code == 302
    assert db.session.get(LabelPosition, (double.id, topic, "en")) is None


def test_flask_export_writes_the_double_materiality_files(runner, double, tmp_path):
    result = runner.invoke(args=["export", str(double.id), "--out", str(tmp_path), "--dpi",
                                 "100"])
    assert result.exit_code == 0, result.output
    names = {path.name for path in tmp_path.iterdir()}
    stem = f"materiality-2025-{double.id}"
    for locale in ("zh_CN", "en"):
        assert {f"{stem}-double-matrix-half_a4-100dpi-{locale}.png",
                f"{stem}-double-matrix-half_a4-{locale}.svg",
                f"{stem}-iro-table-{locale}.xlsx", f"{stem}-iro-table-{locale}.docx",
                f"{stem}-material-topics-{locale}.csv",
                f"{stem}-material-topics-{locale}.html"} <= names
    assert (tmp_path / f"{stem}-double-matrix-half_a4-zh_CN.pdf").read_bytes().startswith(
        b"%PDF")


def test_the_preview_counts_what_each_mode_would_give(app, double):
    from materiality.services.scoring.double import threshold_preview

    previews = threshold_preview(service_result(double))
    assert [p.settings.threshold_mode for p in previews] == [
        "midpoint", "mean", "quantile", "top_n", "value"]
    for preview in previews:
        settings = preview.settings
        again = service_result(double, threshold_mode=settings.threshold_mode,
                               quantile=settings.quantile, top_n=settings.top_n,
                               threshold_impact=settings.threshold_impact,
                               threshold_financial=settings.threshold_financial)
        materiality = again.topics["materiality"]
        assert preview.counts == {key: int((materiality == key).sum())
                                  for key in ("impact", "financial", "both")} | {
            None: int(materiality.isna().sum())}
        for mine, theirs in ((preview.threshold_impact, again.threshold_impact),
                             (preview.threshold_financial, again.threshold_financial)):
            assert (math.isnan(mine) and math.isnan(theirs)) or mine == theirs
    assert sum(previews[0].counts.values()) == 6


def test_the_bundle_carries_the_double_materiality_settings(editor_client, double):
    import json
    import zipfile

    bundle = editor_client.get(f"/report/{double.id}/bundle.zip")
    assert bundle.status_code == 200
    configuration = json.loads(zipfile.ZipFile(io.BytesIO(bundle.data)).read("configuration.json"))
    assert configuration["double_materiality"] == frozen_configuration(double)[
        "double_materiality"]
    assert configuration["double_materiality"]["combine"] == "geometric"
