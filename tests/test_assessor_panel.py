"""The assessor panel of a double-materiality assessment: an admin adds an assessor link and
its invitation codes; each assessor opens the questionnaire by code, rates each IRO on the
criteria that apply to it (1-5, or "cannot judge"), once; editors reword the scales."""
from __future__ import annotations

import re

import pytest
from assessor_helpers import make_panel
from markupsafe import escape
from survey_helpers import hidden_fields

from materiality.extensions import db
from materiality.models import (
    Assessment,
    CriterionAnchor,
    InvitationCode,
    Iro,
    IroRating,
    Submission,
    SurveyLink,
    TrailEntry,
)
from materiality.services.scoring.anchors import DEFAULT_ANCHORS
from materiality.survey.assessor import store_assessor_response
from materiality.survey.operations import CodeFacts, find_code
from materiality.survey.storing import survey_connection

EXPECTED_FIELDS = {
    "actual": ("scale", "scope", "irremediable"),
    "rights": ("scale", "scope", "irremediable", "likelihood"),
    "positive": ("scale", "scope", "likelihood"),
    "risk": ("magnitude", "likelihood"),
}


def rating_fields(html: str) -> set[str]:
    return set(re.findall(r'name="(r\d+_[a-z]+)"', html))


def complete_answers(panel: dict) -> dict[str, str]:
    """A level for every criterion asked: 1, 2, 3... in turn, "cannot judge" for the risk's
    likelihood."""
    answers, level = {}, 0
    for name, criteria in EXPECTED_FIELDS.items():
        for criterion in criteria:
            answers[f"r{panel['iros'][name]}_{criterion}"] = str(level % 5 + 1)
            level += 1
    answers[f"r{panel['iros']['risk']}_likelihood"] = "dk"
    return answers


def open_form(client, code: str) -> dict:  # noqa: ANN001
    page = client.get(f"/i/{code}")
    assert page.status_code == 200, page.status_code
    return hidden_fields(page.get_data(as_text=True))


def stored() -> list[tuple[int, str, int | None]]:
    return [tuple(row) for row in db.session.execute(db.select(
        IroRating.iro_id, IroRating.criterion, IroRating.value).order_by(
        IroRating.iro_id, IroRating.criterion))]


# -- staff: the link and its codes -----------------------------------------------------------

def test_an_admin_adds_an_assessor_link_that_only_codes_open(app, admin_client):
    panel = make_panel()
    assessment = panel["assessment"]
    admin_client.get("/lang/en")
    page = admin_client.get(f"/fieldwork/assessments/{assessment.id}/links")
    assert "Add an assessor link" in page.get_data(as_text=True)

    response = admin_client.post(f"/fieldwork/assessments/{assessment.id}/links/assessor",
                                 data={"rater_kind": "management"})
    link = db.session.scalar(db.select(SurveyLink).filter_by(
        assessment_id=assessment.id, kind="assessor", rater_kind="management"))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/fieldwork/links/{link.id}/codes")
    assert link.requires_code and link.state == "active"
    assert "Assessor panel: Management" in admin_client.get(
        f"/fieldwork/assessments/{assessment.id}/links").get_data(as_text=True)

    # One link per kind of assessor: a second is refused with a message.
    again = admin_client.post(f"/fieldwork/assessments/{assessment.id}/links/assessor",
                              data={"rater_kind": "management"}, follow_redirects=True)
    assert "has an assessor link of that kind already" in again.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(SurveyLink).filter_by(
        assessment_id=assessment.id, kind="assessor")) == 2
    bad = admin_client.post(f"/fieldwork/assessments/{assessment.id}/links/assessor",
                            data={"rater_kind": "board"}, follow_redirects=True)
    assert "Choose who answers through the link." in bad.get_data(as_text=True)

    # The codes: generated, listed in the CSV with their addresses.
    admin_client.post(f"/fieldwork/links/{link.id}/codes", data={"count": "2", "note": "Board"})
    csv = admin_client.get(f"/fieldwork/links/{link.id}/codes.csv").get_data(as_text=True)
    codes = db.session.scalars(db.select(InvitationCode.code).filter_by(link_id=link.id)).all()
    assert len(codes) == 2 and all(f"/i/{code}" in csv for code in codes)
    assert admin_client.get(f"/fieldwork/links/{link.id}/codes/sheet").status_code == 200

    # The address of the link itself opens nothing: codes only.
    assert admin_client.get(f"/s/{link.token}").status_code == 403


def test_only_a_double_materiality_assessment_has_assessor_links(app, admin_client, editor_client):
    panel = make_panel()
    classic = Assessment(title="Classic", reporting_year=2025, status="open")
    db.session.add(classic)
    db.session.commit()
    assert admin_client.post(f"/fieldwork/assessments/{classic.id}/links/assessor",
                             data={"rater_kind": ""}).status_code == 404
    assert admin_client.get(f"/fieldwork/assessments/{classic.id}/anchors").status_code == 404
    admin_client.post("/auth/logout")
    editor_client.post("/auth/login", data={"email": "editor@example.org",
                                            "password": "correct horse battery"})
    assert editor_client.post(f"/fieldwork/assessments/{panel['assessment'].id}/links/assessor",
                              data={"rater_kind": ""}).status_code == 403


# -- the assessor: questionnaire, answers, once per code --------------------------------------

def test_the_form_asks_only_the_criteria_that_apply_with_every_level_written_out(app, client):
    panel = make_panel()
    client.get("/lang/en")
    html = client.get(f"/i/{panel['codes'][0]}").get_data(as_text=True)
    expected = {f"r{panel['iros'][name]}_{c}" for name, cs in EXPECTED_FIELDS.items() for c in cs}
    assert rating_fields(html) == expected
    for criterion, levels in DEFAULT_ANCHORS.items():
        for level in levels.values():
            assert escape(level["en"]) in html, criterion
    assert html.count('value="dk"') == len(expected)
    for text in ("Topic 0", "Topic 1", "Waste water discharge", "Negative impact", "Potential",
                 "Human rights", "Upstream", "Long term (over 5 years)", "Risk",
                 "You take part as: External expert"):
        assert text in html, text
    assert "Topic 2" not in html  # no IRO, nothing to rate
    zh = client.get("/lang/zh_CN")
    assert zh.status_code in (200, 302)
    html_zh = client.get(f"/i/{panel['codes'][0]}").get_data(as_text=True)
    assert DEFAULT_ANCHORS["irremediable"][5]["zh"] in html_zh and "废水排放" in html_zh


def test_answers_are_stored_exactly_with_cannot_judge_as_null(app, client):
    panel = make_panel()
    code = panel["codes"][0]
    data = open_form(client, code) | complete_answers(panel)
    response = client.post(f"/i/{code}", data=data)
    assert response.status_code == 303
    assert "/thanks" in response.headers["Location"]

    submission = db.session.scalar(db.select(Submission))
    assert (submission.kind, submission.rater_kind, submission.link_id) == (
        "assessor", "external_expert", panel["link"].id)
    assert submission.uid == data["uid"]
    expected = sorted((int(name[1:].split("_")[0]), name.split("_", 1)[1],
                       None if value == "dk" else int(value))
                      for name, value in complete_answers(panel).items())
    assert stored() == expected
    assert (panel["iros"]["risk"], "likelihood", None) in stored()
    used = db.session.scalar(db.select(InvitationCode).filter_by(code=code))
    assert used.used_at is not None
    assert submission.invitation_code_id == used.id


def test_once_per_code(app, client):
    panel = make_panel()
    code = panel["codes"][0]
    client.get("/lang/en")
    first = open_form(client, code) | complete_answers(panel)
    second_tab = open_form(client, code) | complete_answers(panel)
    assert client.post(f"/i/{code}", data=first).status_code == 303
    # The same answer sent again (a double tap, Back and submit): stored once, same thanks.
    assert client.post(f"/i/{code}", data=first).status_code == 303
    # Another form opened with the same code before: refused.
    refused = client.post(f"/i/{code}", data=second_tab)
    assert refused.status_code == 409
    assert "already been used" in refused.get_data(as_text=True)
    # The code's address now says so.
    assert client.get(f"/i/{code}").status_code == 410
    assert db.session.scalar(db.select(db.func.count()).select_from(Submission)) == 1
    assert len(stored()) == 12
    # Another code of the panel is another assessor.
    other = panel["codes"][1]
    assert client.post(f"/i/{other}", data=open_form(client, other)
                       | complete_answers(panel)).status_code == 303
    assert db.session.scalar(db.select(db.func.count()).select_from(Submission)) == 2


def test_missing_answers_are_named_and_every_answer_is_kept(app, client):
    panel = make_panel()
    code = panel["codes"][0]
    client.get("/lang/en")
    answers = complete_answers(panel)
    rights_likelihood = f"r{panel['iros']['rights']}_likelihood"
    risk_magnitude = f"r{panel['iros']['risk']}_magnitude"
    del answers[rights_likelihood]
    answers[risk_magnitude] = "6"  # not a level
    response = client.post(f"/i/{code}", data=open_form(client, code) | answers)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert db.session.scalar(db.select(db.func.count()).select_from(Submission)) == 0
    problems = html[html.index('id="assessor-problems"'):html.index("</ul>")]
    assert "Topic 0: 2. Negative impact</a>: Likelihood" in problems
    assert "Topic 1: 4. Risk</a>: Magnitude of the financial effect" in problems
    assert f'id="err-{rights_likelihood}"' in html
    for name, value in answers.items():
        if name != risk_magnitude:
            assert f'name="{name}" value="{value}" checked' in html, name
    assert not re.search(rf'name="{risk_magnitude}" value="[^"]*" checked', html)
    # The code is not used: the assessor completes the form and sends it.
    data = hidden_fields(html) | answers | {rights_likelihood: "2", risk_magnitude: "5"}
    assert client.post(f"/i/{code}", data=data).status_code == 303
    assert len(stored()) == 12


def test_a_rating_of_a_criterion_that_does_not_apply_is_refused(app, client):
    panel = make_panel()
    code = panel["codes"][0]
    actual = panel["iros"]["actual"]
    client.get("/lang/en")
    for stray in (f"r{actual}_likelihood", f"r{panel['iros']['risk']}_scale", "r999999_scale"):
        data = open_form(client, code) | complete_answers(panel) | {stray: "3"}
        response = client.post(f"/i/{code}", data=data)
        html = response.get_data(as_text=True)
        assert response.status_code == 400, stray
        assert "changed while you answered" in html
        assert f'name="r{actual}_scale" value="1" checked' in html
    assert db.session.scalar(db.select(db.func.count()).select_from(Submission)) == 0
    assert db.session.scalar(db.select(InvitationCode.used_at).filter_by(code=code)) is None

    # The store itself refuses it too, whoever calls it.
    with survey_connection() as connection:
        facts, link = find_code(connection, code)
    with pytest.raises(ValueError, match="not asked"):
        store_assessor_response(
            uid="f" * 32, link=link, code=facts, rater_kind=None,
            ratings={(actual, "likelihood"): 3}, asked={actual: ("scale", "scope", "irremediable")},
            locale="en", started_at=None)
    db.session.rollback()
    assert stored() == []


def test_an_assessor_says_how_they_take_part_when_the_link_does_not(app, client):
    panel = make_panel(rater_kind=None)
    code = panel["codes"][0]
    html = client.get(f"/i/{code}").get_data(as_text=True)
    assert 'name="rater_kind" value="internal_expert"' in html
    missing = client.post(f"/i/{code}", data=open_form(client, code) | complete_answers(panel))
    assert missing.status_code == 400
    assert 'href="#q-rater_kind"' in missing.get_data(as_text=True)
    data = open_form(client, code) | complete_answers(panel) | {"rater_kind": "internal_expert"}
    assert client.post(f"/i/{code}", data=data).status_code == 303
    assert db.session.scalar(db.select(Submission.rater_kind)) == "internal_expert"


@pytest.mark.parametrize(("change", "status"), [
    ("paused", 404), ("closed", 410), ("assessment_closed", 410), ("assessment_draft", 404)])
def test_a_paused_or_closed_link_takes_no_answers(app, client, change, status):
    panel = make_panel()
    code = panel["codes"][0]
    data = open_form(client, code) | complete_answers(panel)
    if change.startswith("assessment_"):
        panel["assessment"].status = change.removeprefix("assessment_")
    else:
        panel["link"].state = change
    db.session.commit()
    assert client.get(f"/i/{code}").status_code == status
    assert client.post(f"/i/{code}", data=data).status_code == status
    assert db.session.scalar(db.select(db.func.count()).select_from(Submission)) == 0


def test_a_forged_or_missing_stamp_stores_nothing_and_keeps_the_answers(app, client):
    panel = make_panel()
    code = panel["codes"][0]
    answers = complete_answers(panel)
    client.get("/lang/en")
    response = client.post(f"/i/{code}", data={"uid": "x", "stamp": "forged", **answers})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Your answers are kept below" in html
    assert all(f'name="{n}" value="{v}" checked' in html for n, v in answers.items())
    assert db.session.scalar(db.select(db.func.count()).select_from(Submission)) == 0


def test_a_register_without_iros_has_nothing_to_rate(app, client):
    panel = make_panel()
    db.session.execute(db.delete(Iro))
    db.session.commit()
    code = panel["codes"][0]
    client.get("/lang/en")
    html = client.get(f"/i/{code}").get_data(as_text=True)
    assert "There is nothing to rate yet" in html and "<form method=\"post\"" not in html


# -- the scales' wording --------------------------------------------------------------------

def anchor_form(**texts: str) -> dict[str, str]:
    return {"reason": "Our own words", **texts}


def test_an_editor_rewords_a_level_and_assessors_read_it(app, editor_client, client):
    panel = make_panel()
    a = panel["assessment"].id
    editor_client.get("/lang/en")
    page = editor_client.get(f"/fieldwork/assessments/{a}/anchors")
    assert page.status_code == 200
    assert escape(DEFAULT_ANCHORS["magnitude"][4]["en"]) in page.get_data(as_text=True)

    response = editor_client.post(f"/fieldwork/assessments/{a}/anchors", data=anchor_form(
        magnitude_4_en="Major: above 5% of operating profit",
        scale_1_zh=DEFAULT_ANCHORS["scale"][1]["zh"]))  # the default's words: no change
    assert response.status_code == 302
    row = db.session.scalar(db.select(CriterionAnchor))
    assert (row.criterion, row.level, row.text_zh, row.text_en) == (
        "magnitude", 4, None, "Major: above 5% of operating profit")
    entry = db.session.scalar(db.select(TrailEntry).filter_by(action="anchors_changed"))
    assert entry.reason == "Our own words"
    assert "magnitude.4" in entry.after and "scale.1" not in entry.after

    client.get("/lang/en")
    html = client.get(f"/i/{panel['codes'][0]}").get_data(as_text=True)
    assert "Major: above 5% of operating profit" in html
    assert escape(DEFAULT_ANCHORS["magnitude"][4]["en"]) not in html
    assert escape(DEFAULT_ANCHORS["magnitude"][3]["en"]) in html

    # Emptied again: back to the default, and the trail has both changes.
    shown = editor_client.get(f"/fieldwork/assessments/{a}/anchors").get_data(as_text=True)
    assert ">Major: above 5% of operating profit</textarea>" in shown
    editor_client.post(f"/fieldwork/assessments/{a}/anchors", data=anchor_form())
    assert db.session.scalar(db.select(db.func.count()).select_from(CriterionAnchor)) == 0
    assert db.session.scalar(db.select(db.func.count()).select_from(TrailEntry).filter_by(
        action="anchors_changed")) == 2


@pytest.mark.parametrize("texts", [
    {"scope_2_en": "x" * 301}, {"scope_2_zh": "bad\x00text"}, {"reason": "r" * 501}])
def test_a_refused_wording_keeps_every_text(app, editor_client, texts):
    a = make_panel()["assessment"].id
    data = anchor_form(likelihood_5_en="Certain") | texts
    response = editor_client.post(f"/fieldwork/assessments/{a}/anchors", data=data)
    assert response.status_code == 400
    assert ">Certain</textarea>" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(CriterionAnchor)) == 0


def test_a_closed_assessment_keeps_its_wording(app, editor_client):
    panel = make_panel()
    panel["assessment"].status = "closed"
    db.session.commit()
    a = panel["assessment"].id
    editor_client.get("/lang/en")
    response = editor_client.post(f"/fieldwork/assessments/{a}/anchors",
                                  data=anchor_form(scale_3_en="Changed"))
    assert response.status_code == 400
    assert "This assessment is closed" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(CriterionAnchor)) == 0
    assert "disabled" in editor_client.get(
        f"/fieldwork/assessments/{a}/anchors").get_data(as_text=True)


def test_a_used_code_is_marked_used_once_even_if_two_stores_race(app):
    """The code's UPDATE marks it used only while unused: a second store is refused."""
    from materiality.survey.assessor import CodeUsed

    panel = make_panel()
    code = panel["codes"][0]
    with survey_connection() as connection:
        facts, link = find_code(connection, code)
    asked = {panel["iros"]["risk"]: ("magnitude", "likelihood")}
    ratings = {(panel["iros"]["risk"], "magnitude"): 3, (panel["iros"]["risk"], "likelihood"): 4}
    store_assessor_response(uid="a" * 32, link=link, code=facts, rater_kind=None,
                            ratings=ratings, asked=asked, locale="en", started_at=None)
    db.session.commit()
    stale = CodeFacts(facts.id, facts.code, None)  # read before the first store
    with pytest.raises(CodeUsed):
        store_assessor_response(uid="b" * 32, link=link, code=stale, rater_kind=None,
                                ratings=ratings, asked=asked, locale="en", started_at=None)
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count()).select_from(Submission)) == 1


def test_the_responses_page_counts_the_assessors(app, admin_client, client):
    panel = make_panel()
    code = panel["codes"][0]
    client.post(f"/i/{code}", data=open_form(client, code) | complete_answers(panel))
    admin_client.get("/lang/en")
    html = admin_client.get(
        f"/fieldwork/assessments/{panel['assessment'].id}/responses").get_data(as_text=True)
    assert re.search(r"<strong>1</strong>\s*assessors", html)
