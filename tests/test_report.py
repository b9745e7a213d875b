"""Editors' report pages: scores, overrides, thresholds, the matrix and its label editor,
the response table with open answers, and the methodology note, through the web."""
from __future__ import annotations

import csv
import io
import re

import pytest
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from materiality.extensions import db
from materiality.models import (
    Assessment,
    CompanyScoreOverride,
    GroupStatement,
    LabelPosition,
    Rating,
    StakeholderGroup,
    Submission,
    Topic,
    now_utc,
)


@pytest.fixture
def demo(demo_data) -> Assessment:
    """The demo 2023 assessment, with its synthetic responses."""
    return db.session.scalar(db.select(Assessment).where(Assessment.reporting_year == 2023))


def get(client, url: str):
    """GET and close the response (file downloads keep nothing open)."""
    response = client.get(url)
    response.close()
    return response


def test_seed_demo_adds_responses_once(app, demo, runner):
    count = db.session.scalar(db.select(db.func.count()).select_from(Submission).where(
        Submission.assessment_id == demo.id))
    assert count == 8 * 40 + 15
    result = runner.invoke(args=["seed-demo"])
    assert "0 responses added" in result.output
    assert db.session.scalar(db.select(db.func.count()).select_from(Submission).where(
        Submission.assessment_id == demo.id)) == count


def test_scores_page_shows_table_weights_and_thresholds(editor_client, demo):
    page = get(editor_client, f"/report/{demo.id}/scores?lang=en").get_data(as_text=True)
    assert "Customer information protection" in page
    assert "Weighting and thresholds in force" in page
    assert "Midpoint of the scale" in page and "3.00" in page
    assert "12.5%" in page  # 8 groups of equal weight
    assert "Scoring settings" not in page  # admin only


def test_scores_page_tells_how_robust_each_tier_is(editor_client, demo):
    """The demo's midpoint puts 22 of 23 topics in one tier: warned, and the modes compared."""
    page = get(editor_client, f"/report/{demo.id}/scores?lang=en").get_data(as_text=True)
    assert "22 of the 23 scored topics are “Highly material”" in page
    assert "How robust the tiers are" in page
    assert "without External experts" in page and "equal weights" in page
    # Public welfare and charity: material once external experts are left out.
    row = re.search(r"<tr class=\"tier-uncertain\"><th scope=\"row\">Public welfare and charity"
                    r".*?</tr>", page, re.S).group(0)
    assert row.count('class="changed"') == 1 and "57.8%" in row
    preview = page[page.index("How each mode would cut the tiers"):]
    mean_row = re.search(r"Mean of all topics</th>(.*?)</tr>", preview, re.S).group(1)
    assert re.findall(r'<td class="num">([^<]*)</td>', mean_row) == ["3.95", "3.84", "7", "9", "7"]
    assert "one tier holds more than three quarters" in preview
    # Respondents counted and the "don't know"-only ones, per group.
    assert re.search(r"<td>Customers</td><td class=\"num\">1</td><td class=\"num\">12.5%</td>"
                     r"<td class=\"num\">40</td><td class=\"num\">0</td>", page)


def test_scores_page_flags_small_groups_and_unrated_topics(admin_client, demo):
    """Leave one Media respondent, who said "don't know" to the first topic."""
    media = db.session.scalar(db.select(StakeholderGroup).where(StakeholderGroup.name_en == "Media"))
    kept = db.session.scalars(db.select(Submission).where(
        Submission.assessment_id == demo.id, Submission.group_id == media.id,
        Submission.deleted_at.is_(None)).order_by(Submission.id)).all()
    for submission in kept[1:]:
        submission.deleted_at = now_utc()
    first = demo.topics[0]
    rating = db.session.get(Rating, (kept[0].id, first.id))
    rating.score = None
    db.session.commit()
    page = get(admin_client, f"/report/{demo.id}/scores?lang=en").get_data(as_text=True)
    assert "Fewer than 5 respondents:" in page and "Media (1)" in page
    assert "a group of one respondent adds no uncertainty" in page
    assert f"<li>{first.name_en}: Media</li>" in page
    note = get(admin_client, f"/report/{demo.id}/methodology?locale=en").get_data(as_text=True)
    assert "fewer than 5 respondents this time: Media (1)" in note
    assert f"{first.name_en} (Media)" in note


def test_admin_chooses_the_mean_of_all_topics(admin_client, demo):
    response = admin_client.post(f"/report/{demo.id}/scores/settings", data={
        "threshold_mode": "mean", "weight_management": "1",
        "weight_internal_expert": "1", "weight_external_expert": "1",
        "reason": "Tiers that separate the topics"})
    assert response.status_code == 302
    db.session.refresh(demo)
    assert demo.threshold_mode == "mean"
    page = get(admin_client, f"/report/{demo.id}/scores?lang=en").get_data(as_text=True)
    assert "scored topics are" not in page  # 7 / 9 / 7: no warning
    note = get(admin_client, f"/report/{demo.id}/methodology?locale=en").get_data(as_text=True)
    assert "mean of all topics&#x27; scores" in note
    assert "default for new assessments" in note and "do not separate" not in note


def test_admin_overrides_a_company_score_with_a_reason(admin_client, demo):
    topic = demo.topics[0]
    response = admin_client.post(f"/report/{demo.id}/scores/overrides", data={
        "topic_id": topic.id, "score": "1.5", "reason": "Board decision of 3 March"})
    assert response.status_code == 302
    override = db.session.get(CompanyScoreOverride, (demo.id, topic.id))
    assert override.score == 1.5 and override.set_by_id is not None
    page = get(admin_client, f"/report/{demo.id}/scores?lang=en").get_data(as_text=True)
    assert "Board decision of 3 March" in page and "1.50*" in page
    csv_text = get(admin_client, f"/report/{demo.id}/topics.csv?locale=en").data.decode("utf-8-sig")
    row = next(r for r in csv.DictReader(io.StringIO(csv_text)) if r["Topic"] == topic.name_en)
    assert float(row["Importance to the company"]) == 1.5

    refused = admin_client.post(f"/report/{demo.id}/scores/overrides", data={
        "topic_id": topic.id, "score": "4", "reason": " "})
    assert refused.status_code == 400
    admin_client.post(f"/report/{demo.id}/scores/overrides/{topic.id}/remove", data={"confirmed": "yes"})
    assert db.session.get(CompanyScoreOverride, (demo.id, topic.id)) is not None  # no reason
    admin_client.post(f"/report/{demo.id}/scores/overrides/{topic.id}/remove",
                      data={"confirmed": "yes", "reason": "The board revised its decision"})
    assert db.session.get(CompanyScoreOverride, (demo.id, topic.id)) is None


def test_editors_cannot_change_scoring(editor_client, demo):
    assert editor_client.post(f"/report/{demo.id}/scores/settings",
                              data={"threshold_mode": "top_n"}).status_code == 403
    assert editor_client.post(f"/report/{demo.id}/scores/overrides",
                              data={"score": "2"}).status_code == 403


def test_admin_sets_top_n_and_rater_weights(admin_client, demo):
    response = admin_client.post(f"/report/{demo.id}/scores/settings", data={
        "threshold_mode": "top_n", "top_n": "5", "weight_management": "2",
        "weight_internal_expert": "1", "weight_external_expert": "1",
        "reason": "Tiers by rank, as the board asked"})
    assert response.status_code == 302
    db.session.refresh(demo)
    assert demo.threshold_mode == "top_n" and demo.top_n == 5 and demo.weight_management == 2
    rows = list(csv.reader(io.StringIO(get(
        admin_client, f"/report/{demo.id}/topics.csv?locale=en").data.decode("utf-8-sig"))))
    tiers = [r[7] for r in rows[1:]]
    assert tiers.count("Highly material") == 5 and tiers.count("Material") == 5
    page = get(admin_client, f"/report/{demo.id}/scores?lang=en").get_data(as_text=True)
    assert "50.0%" in page  # management's share of the company score

    missing = admin_client.post(f"/report/{demo.id}/scores/settings?lang=en", data={
        "threshold_mode": "value", "weight_management": "1",
        "weight_internal_expert": "1", "weight_external_expert": "1"})
    assert missing.status_code == 400 and b"Give both threshold values." in missing.data


@pytest.mark.parametrize("fmt,check", [
    ("png", lambda data: data.startswith(b"\x89PNG")),
    ("svg", lambda data: b"<svg" in data[:500]),
    ("pdf", lambda data: len(PdfReader(io.BytesIO(data)).pages) == 1),
])
def test_matrix_downloads_open(editor_client, demo, fmt, check):
    response = get(editor_client, f"/report/{demo.id}/matrix.{fmt}?locale=en&size=slide_16_9"
                                  "&error_bars=y")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    assert check(response.data)


def test_png_dpi_choice_sets_the_pixel_size(editor_client, demo):
    from PIL import Image

    sizes = {}
    for dpi in (150, 300):
        data = get(editor_client, f"/report/{demo.id}/matrix.png?dpi={dpi}").data
        sizes[dpi] = Image.open(io.BytesIO(data)).size
    assert sizes[300][0] == pytest.approx(2 * sizes[150][0], abs=2)
    assert sizes[300][0] == pytest.approx(210 / 25.4 * 300, abs=2)  # half A4, 300 DPI


def test_matrix_page_offers_the_label_editor(editor_client, demo):
    page = get(editor_client, f"/report/{demo.id}/matrix?lang=en&locale=zh_CN").get_data(
        as_text=True)
    assert "matrix_editor.js" in page and "data-box=" in page
    assert "客户信息保护" in page  # labels in the chosen language
    assert page.count('name="x_') == 23
    numbered = get(editor_client, f"/report/{demo.id}/matrix?numbered=y").get_data(as_text=True)
    assert 'name="x_' not in numbered


def test_moved_label_is_kept_per_language_and_reset(editor_client, demo):
    topic = demo.topics[3]
    page = get(editor_client, f"/report/{demo.id}/matrix?locale=en").get_data(as_text=True)
    assert f'name="x_{topic.id}"' in page
    form = {"locale": "en", f"x_{topic.id}": "2.0", f"y_{topic.id}": "4.5",
            f"ox_{topic.id}": "3.0", f"oy_{topic.id}": "3.0",
            f"x_{demo.topics[4].id}": "3.3", f"ox_{demo.topics[4].id}": "3.3",
            f"y_{demo.topics[4].id}": "3.1", f"oy_{demo.topics[4].id}": "3.1"}
    assert editor_client.post(f"/report/{demo.id}/matrix/labels", data=form).status_code == 302
    rows = db.session.scalars(db.select(LabelPosition)).all()
    assert [(r.topic_id, r.locale, r.x, r.y) for r in rows] == [(topic.id, "en", 2.0, 4.5)]

    from materiality.report.data import report_data
    from materiality.report.exports import MatrixChoice, matrix_options
    from materiality.report.label_editor import label_editor

    data = report_data(demo, "en")
    editor = label_editor(data, matrix_options(data, MatrixChoice()))
    row = next(r for r in editor.rows if r.topic_id == topic.id)
    assert (row.x, row.y) == pytest.approx((2.0, 4.5), abs=1e-3) and row.saved
    assert not any(r.saved for r in label_editor(
        report_data(demo, "zh_CN"), matrix_options(report_data(demo, "zh_CN"),
                                                    MatrixChoice())).rows)

    editor_client.post(f"/report/{demo.id}/matrix/labels/reset", data={"confirmed": "yes", "locale": "en"})
    assert db.session.scalars(db.select(LabelPosition)).all() == []


def test_response_table_page_and_downloads(editor_client, demo):
    zh = get(editor_client, f"/report/{demo.id}/responses?locale=zh_CN").get_data(as_text=True)
    en = get(editor_client, f"/report/{demo.id}/responses?locale=en&lang=en").get_data(
        as_text=True)
    assert "国务院国资委/股东" in zh and "Local government" in en
    assert "Promote to expectations" not in en  # editors review, admins promote
    xlsx = load_workbook(io.BytesIO(get(
        editor_client, f"/report/{demo.id}/responses.xlsx?locale=zh_CN").data))
    assert xlsx.active.max_row >= 9
    document = Document(io.BytesIO(get(
        editor_client, f"/report/{demo.id}/responses.docx?locale=en").data))
    assert any("Customers" in cell.text for t in document.tables for row in t.rows
               for cell in row.cells)
    raw = get(editor_client, f"/report/{demo.id}/responses.csv?locale=en").data
    assert raw.startswith(b"\xef\xbb\xbf")
    page = get(editor_client, f"/report/{demo.id}/responses.html?locale=en").data
    assert b"<table" in page and b'lang="en"' in page


def test_admin_promotes_an_open_answer(admin_client, demo):
    submission = db.session.scalar(db.select(Submission).where(
        Submission.expectations.is_not(None)).order_by(Submission.id))
    page = get(admin_client, f"/report/{demo.id}/responses?locale=en&lang=en").get_data(
        as_text=True)
    assert submission.expectations in page and "Promote to expectations" in page
    before = db.session.scalar(db.select(db.func.count()).select_from(GroupStatement))
    response = admin_client.post(f"/report/{demo.id}/responses/promote?locale=en", data={
        "submission_id": submission.id, "field": "expectations"})
    assert response.status_code == 302
    statement = db.session.scalar(db.select(GroupStatement).order_by(GroupStatement.id.desc()))
    assert statement.text_en == submission.expectations and statement.text_zh is None
    assert statement.kind == "expectation" and statement.group_id == submission.group_id
    group = db.session.get(StakeholderGroup, submission.group_id)
    assert group.expectations[-1].id == statement.id
    assert db.session.scalar(db.select(db.func.count()).select_from(GroupStatement)) == before + 1


def test_deleted_submissions_do_not_count(editor_client, demo):
    topic = db.session.scalar(db.select(Topic).where(Topic.name_en == "Product quality"))

    def n_first_group() -> str:
        text = get(editor_client, f"/report/{demo.id}/topics.csv?locale=en").data.decode(
            "utf-8-sig")
        row = next(r for r in csv.reader(io.StringIO(text)) if r[1] == topic.name_en)
        return row[8]

    before = int(n_first_group())
    first = db.session.scalar(db.select(Submission).where(Submission.kind == "stakeholder")
                              .order_by(Submission.id))
    first.deleted_at = db.func.now()
    db.session.commit()
    assert int(n_first_group()) == before - 1
    raw = get(editor_client, f"/report/{demo.id}/raw.csv").data.decode("utf-8-sig")
    assert f"\n{first.id}," not in raw


def test_topic_table_downloads_open(editor_client, demo):
    xlsx = load_workbook(io.BytesIO(get(editor_client, f"/report/{demo.id}/topics.xlsx").data))
    assert xlsx.active.max_row >= 24
    document = Document(io.BytesIO(get(editor_client,
                                       f"/report/{demo.id}/topics.docx?locale=en").data))
    assert document.tables
    page = get(editor_client, f"/report/{demo.id}/topics.html?locale=zh_CN").get_data(
        as_text=True)
    assert "对企业发展的重要性" in page


def test_methodology_page_and_downloads(editor_client, demo):
    zh = get(editor_client, f"/report/{demo.id}/methodology?locale=zh_CN").get_data(as_text=True)
    en = get(editor_client, f"/report/{demo.id}/methodology?locale=en").get_data(as_text=True)
    assert 'lang="zh-CN"' in zh and 'class="methodology"' in en
    md = get(editor_client, f"/report/{demo.id}/methodology.md?locale=en").data.decode()
    assert md.startswith("# ")
    document = Document(io.BytesIO(get(
        editor_client, f"/report/{demo.id}/methodology.docx?locale=zh_CN").data))
    assert document.paragraphs
    html_doc = get(editor_client, f"/report/{demo.id}/methodology.html").data
    assert html_doc.startswith(b"<!doctype html>")


def test_report_index_lists_assessments(editor_client, demo):
    page = get(editor_client, "/report/").get_data(as_text=True)
    assert demo.title in page


def test_load_ratings_reads_large_ids_dont_know_and_empty_assessments(app, demo):
    from materiality.models import Rating, SurveyLink
    from materiality.report.ratings import load_ratings

    link = db.session.scalar(db.select(SurveyLink).where(SurveyLink.kind == "company"))
    big = Submission(id=1_234_567, uid="big", assessment_id=demo.id, link_id=link.id,
                     kind="company", rater_kind="external_expert")
    db.session.add(big)
    db.session.flush()
    topic = demo.topics[-1]
    db.session.add_all([Rating(submission_id=big.id, topic_id=topic.id, score=None),
                        Rating(submission_id=big.id, topic_id=demo.topics[0].id, score=5)])
    db.session.commit()
    company = load_ratings(demo.id, "company")
    mine = company[company["respondent_id"] == 1_234_567].sort_values("topic_id")
    assert mine["rater_kind"].tolist() == ["external_expert"] * 2
    assert sorted(mine["topic_id"]) == sorted([topic.id, demo.topics[0].id])
    assert mine.set_index("topic_id")["score"].isna().to_dict() == {
        topic.id: True, demo.topics[0].id: False}
    stakeholders = load_ratings(demo.id, "stakeholder")
    assert len(stakeholders) == 8 * 40 * 23
    assert list(stakeholders.columns) == ["respondent_id", "group_id", "topic_id", "score"]
    empty = Assessment(title="Empty", reporting_year=2030)
    db.session.add(empty)
    db.session.commit()
    assert load_ratings(empty.id, "stakeholder").empty
    assert list(load_ratings(empty.id, "company").columns) == [
        "respondent_id", "rater_kind", "topic_id", "score"]
