"""Double materiality in the browser: the method per assessment and the IRO register
(add, edit, delete, time horizons, import and export), and the assessor-rating loader."""
from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy.exc import IntegrityError

from materiality.extensions import db
from materiality.models import (
    Assessment,
    AssessmentTopic,
    Iro,
    IroRating,
    StakeholderGroup,
    Submission,
    SurveyLink,
)
from materiality.report.iro_data import load_iro_ratings, load_iro_register
from materiality.services.scoring.double import score_double_materiality


def double_assessment(topics: int = 3, status: str = "draft") -> Assessment:
    """A double-materiality assessment over the demo's first topics."""
    demo = db.session.scalar(db.select(Assessment).order_by(Assessment.id))
    assessment = Assessment(title="Double 2025", reporting_year=2025, status=status,
                            method="double", method_version="double-1")
    for link in demo.topic_links[:topics]:
        assessment.topic_links.append(AssessmentTopic(topic_id=link.topic_id,
                                                      position=link.position))
    db.session.add(assessment)
    db.session.commit()
    return assessment


def groups() -> list[StakeholderGroup]:
    return list(db.session.scalars(db.select(StakeholderGroup).order_by(StakeholderGroup.position)))


def iro_form(topic_id: int, **changes) -> dict:
    data = {"topic_id": str(topic_id), "kind": "negative_impact", "actuality": "potential",
            "human_rights": "y", "own_operations": "y", "time_horizon": "medium",
            "description_zh": "矿区社区用水受影响", "description_en": "Mine communities' water"}
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def iros_of(assessment: Assessment) -> list[Iro]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(Iro).where(
        Iro.assessment_id == assessment.id).order_by(Iro.id)))


def test_the_method_is_chosen_when_creating_and_classic_stays_the_default(admin_client,
                                                                         demo_data):
    form = admin_client.get("/admin/assessments/new?lang=en").get_data(as_text=True)
    assert "Double materiality: impacts, risks and opportunities" in form
    admin_client.post("/admin/assessments/new", data={
        "title": "Double", "reporting_year": "2025", "method": "double"})
    admin_client.post("/admin/assessments/new", data={"title": "Plain", "reporting_year": "2025"})
    double = db.session.scalar(db.select(Assessment).filter_by(title="Double"))
    plain = db.session.scalar(db.select(Assessment).filter_by(title="Plain"))
    assert (double.method, double.method_version) == ("double", "double-1")
    assert (plain.method, plain.method_version) == ("classic", "classic-1")
    demo = db.session.scalar(db.select(Assessment).order_by(Assessment.id))
    assert demo.method == "classic"
    page = admin_client.get(f"/admin/assessments/{double.id}?lang=en").get_data(as_text=True)
    assert "Double materiality" in page and f"/admin/assessments/{double.id}/iros" in page
    assert admin_client.get(f"/admin/assessments/{plain.id}/iros").status_code == 404
    assert (double.horizon_short_years, double.horizon_medium_years) == (1, 5)


def test_the_method_cannot_change_once_there_are_responses(admin_client, demo_data):
    assessment = double_assessment()
    link = SurveyLink(assessment_id=assessment.id, kind="company", rater_kind="management")
    db.session.add(link)
    db.session.flush()
    db.session.add(Submission(uid="u1", assessment_id=assessment.id, link_id=link.id,
                              kind="company", rater_kind="management"))
    db.session.commit()
    response = admin_client.post(f"/admin/assessments/{assessment.id}/edit?lang=en", data={
        "title": "Double 2025", "reporting_year": "2025", "method": "classic"})
    assert "its method cannot change" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Assessment, assessment.id).method == "double"


def test_add_edit_and_delete_an_iro(admin_client, demo_data):
    assessment = double_assessment()
    topic_id = assessment.topic_links[1].topic_id
    employees, community = groups()[4].id, groups()[5].id
    page = admin_client.get(f"/admin/assessments/{assessment.id}/iros/new?topic_id={topic_id}"
                            "&lang=en").get_data(as_text=True)
    assert "Medium term (1 to 5 years)" in page and "Stakeholder groups affected" in page
    response = admin_client.post(f"/admin/assessments/{assessment.id}/iros/new",
                                 data=iro_form(topic_id, group_ids=[str(community),
                                                                    str(employees)]))
    assert response.status_code == 302
    [iro] = iros_of(assessment)
    assert (iro.topic_id, iro.kind, iro.actuality, iro.human_rights) == (
        topic_id, "negative_impact", "potential", True)
    assert iro.value_chain == ("own_operations",)
    assert {g.id for g in iro.groups} == {community, employees}

    register = admin_client.get(f"/admin/assessments/{assessment.id}/iros?lang=en")
    assert "Mine communities&#39; water" in register.get_data(as_text=True)

    admin_client.post(f"/admin/assessments/{assessment.id}/iros/{iro.id}/edit", data=iro_form(
        topic_id, kind="risk", actuality="", human_rights=None, upstream="y", downstream="y",
        own_operations=None, time_horizon="long", group_ids=[str(employees)]))
    [iro] = iros_of(assessment)
    assert (iro.kind, iro.actuality, iro.human_rights, iro.time_horizon) == (
        "risk", None, False, "long")
    assert iro.value_chain == ("upstream", "downstream")
    assert [g.id for g in iro.groups] == [employees]

    admin_client.post(f"/admin/assessments/{assessment.id}/iros/{iro.id}/delete", data={"confirmed": "yes"})
    assert iros_of(assessment) == []


@pytest.mark.parametrize(("changes", "message"), [
    ({"actuality": ""}, "Say whether the impact is actual or potential."),
    ({"kind": "risk"}, "Risks and opportunities are neither actual nor potential"),
    ({"kind": "positive_impact"}, "Only a negative impact can concern human rights here."),
    ({"own_operations": None}, "Tick at least one stage of the value chain."),
    ({"description_zh": "", "description_en": " "}, "Describe it in Chinese or in English"),
    ({"time_horizon": "eternal"}, "Not a valid choice"),
])
def test_a_wrong_iro_is_refused_with_a_message_and_keeps_what_was_typed(admin_client, demo_data,
                                                                        changes, message):
    assessment = double_assessment()
    topic_id = assessment.topic_links[0].topic_id
    response = admin_client.post(f"/admin/assessments/{assessment.id}/iros/new?lang=en",
                                 data=iro_form(topic_id, **changes))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in html
    if changes.get("description_zh") is None:
        assert "矿区社区用水受影响" in html
    assert iros_of(assessment) == []


def test_a_topic_outside_the_assessment_is_refused(admin_client, demo_data):
    assessment = double_assessment(topics=2)
    other = db.session.scalar(db.select(Assessment).order_by(Assessment.id)).topic_links[5]
    response = admin_client.post(f"/admin/assessments/{assessment.id}/iros/new",
                                 data=iro_form(other.topic_id))
    assert response.status_code == 400
    assert iros_of(assessment) == []


def test_a_closed_assessment_refuses_register_changes(admin_client, demo_data):
    assessment = double_assessment(status="closed")
    topic_id = assessment.topic_links[0].topic_id
    db.session.add(Iro(assessment_id=assessment.id, topic_id=topic_id, kind="risk",
                       own_operations=True, time_horizon="short", description_en="Carbon price"))
    db.session.commit()
    [iro] = iros_of(assessment)
    page = admin_client.get(f"/admin/assessments/{assessment.id}/iros?lang=en").get_data(
        as_text=True)
    assert "This assessment is closed" in page and "/delete" not in page
    response = admin_client.post(f"/admin/assessments/{assessment.id}/iros/new?lang=en",
                                 data=iro_form(topic_id), follow_redirects=True)
    assert "This assessment is closed" in response.get_data(as_text=True)
    admin_client.post(f"/admin/assessments/{assessment.id}/iros/{iro.id}/delete", data={"confirmed": "yes"})
    admin_client.post(f"/admin/assessments/{assessment.id}/iros/horizons",
                      data={"horizon_short_years": "2", "horizon_medium_years": "10"})
    assert len(iros_of(assessment)) == 1
    assert db.session.get(Assessment, assessment.id).horizon_short_years == 1


def test_time_horizons_are_the_assessments_own(admin_client, demo_data):
    assessment = double_assessment()
    admin_client.post(f"/admin/assessments/{assessment.id}/iros/horizons",
                      data={"horizon_short_years": "2", "horizon_medium_years": "10"})
    db.session.expire_all()
    assert db.session.get(Assessment, assessment.id).horizon_medium_years == 10
    page = admin_client.get(f"/admin/assessments/{assessment.id}/iros?lang=en").get_data(
        as_text=True)
    assert "Long term (over 10 years)" in page
    response = admin_client.post(f"/admin/assessments/{assessment.id}/iros/horizons?lang=en",
                                 data={"horizon_short_years": "5", "horizon_medium_years": "3"},
                                 follow_redirects=True)
    assert "The medium term must end after the short term." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Assessment, assessment.id).horizon_short_years == 2


def test_a_topic_with_iros_stays_in_the_assessment(admin_client, demo_data):
    assessment = double_assessment()
    kept, dropped = assessment.topic_links[0].topic_id, assessment.topic_links[1].topic_id
    db.session.add(Iro(assessment_id=assessment.id, topic_id=dropped, kind="opportunity",
                       upstream=True, time_horizon="long", description_zh="绿色产品"))
    db.session.commit()
    response = admin_client.post(f"/admin/assessments/{assessment.id}/topics?lang=en",
                                 data={f"use_{kept}": "on"}, follow_redirects=True)
    assert "delete them first" in response.get_data(as_text=True)
    db.session.expire_all()
    assert len(db.session.get(Assessment, assessment.id).topic_links) == 3


@pytest.mark.parametrize("values", [
    {"kind": "risk", "human_rights": True, "actuality": None},
    {"kind": "risk", "actuality": "actual"},
    {"kind": "positive_impact", "actuality": None},
    {"kind": "negative_impact", "actuality": "actual", "own_operations": False},
    {"kind": "harm", "actuality": None},
    {"kind": "risk", "actuality": None, "time_horizon": "forever"},
    {"kind": "risk", "actuality": None, "description_en": None},
])
def test_the_database_checks_the_register_too(app, demo_data, values):
    assessment = double_assessment()
    row = {"assessment_id": assessment.id, "topic_id": assessment.topic_links[0].topic_id,
           "own_operations": True, "time_horizon": "short", "description_en": "x", **values}
    db.session.add(Iro(**row))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_export_imports_back_unchanged_and_new_rows_are_added(admin_client, demo_data):
    assessment = double_assessment()
    first, second = (link.topic for link in assessment.topic_links[:2])
    community = groups()[5]
    iro = Iro(assessment_id=assessment.id, topic_id=first.id, kind="negative_impact",
              actuality="actual", human_rights=True, upstream=True, downstream=True,
              time_horizon="short", description_zh="=供应商工人的工时", description_en="Hours",
              groups=[community])
    db.session.add(iro)
    db.session.commit()
    csv_body = admin_client.get(f"/admin/assessments/{assessment.id}/iros/export.csv?lang=zh_CN")
    text = csv_body.get_data().decode("utf-8-sig")
    assert text.splitlines()[0] == ("id,topic,kind,actuality,human_rights,upstream,"
                                    "own_operations,downstream,time_horizon,description_zh,"
                                    "description_en,stakeholder_groups")
    assert "'=供应商工人的工时" in text  # a formula guard, as in the topic export
    row = text.splitlines()[1]
    new_row = f',{second.name_en},opportunity,,no,no,yes,no,long,,Green products,{community.name_en}'
    upload = (text.replace("'=供应商", "=供应商") + new_row + "\r\n").encode("utf-8")
    response = admin_client.post(f"/admin/assessments/{assessment.id}/iros/import?lang=en",
                                 data={"file": (io.BytesIO(upload), "register.csv")})
    assert response.status_code == 302, response.get_data(as_text=True)
    iros = iros_of(assessment)
    assert len(iros) == 2
    again = iros[0]
    assert (again.id, again.description_zh, again.human_rights, again.value_chain) == (
        iro.id, "=供应商工人的工时", True, ("upstream", "downstream"))
    assert [g.id for g in again.groups] == [community.id]
    assert (iros[1].topic_id, iros[1].kind, iros[1].actuality) == (second.id, "opportunity", None)
    assert row.startswith(f"{iro.id},")

    xlsx = admin_client.get(f"/admin/assessments/{assessment.id}/iros/export.xlsx?lang=en")
    sheet = load_workbook(io.BytesIO(xlsx.get_data())).active
    assert [c.value for c in sheet[1]][:3] == ["id", "topic", "kind"]
    assert sheet.max_row == 3
    response = admin_client.post(f"/admin/assessments/{assessment.id}/iros/import",
                                 data={"file": (io.BytesIO(xlsx.get_data()), "register.xlsx")})
    assert response.status_code == 302
    assert len(iros_of(assessment)) == 2


def test_a_bad_row_imports_nothing_and_is_named(admin_client, demo_data):
    assessment = double_assessment()
    topic = assessment.topic_links[0].topic
    lines = [
        "id,topic,kind,actuality,human_rights,upstream,own_operations,downstream,"
        "time_horizon,description_zh,description_en,stakeholder_groups",
        f",{topic.name_zh},negative_impact,potential,yes,no,yes,no,short,水,,",
        f",{topic.name_zh},risk,potential,yes,no,no,no,sometime,,,Martians",
        ",No such topic,opportunity,,no,yes,no,no,long,机会,,",
        f"999999,{topic.name_zh},risk,,no,yes,no,no,long,x,,",
    ]
    response = admin_client.post(f"/admin/assessments/{assessment.id}/iros/import?lang=en", data={
        "file": (io.BytesIO("\n".join(lines).encode()), "register.csv")})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Nothing was imported: 3 rows have errors." in html
    for message in ("Risks and opportunities are neither actual nor potential",
                    "Only a negative impact can concern human rights",
                    "Tick at least one stage of the value chain",
                    "is not short, medium or long", "no stakeholder group “Martians”",
                    "“No such topic” is not a topic of this assessment",
                    "no IRO 999999 in this assessment"):
        assert message in html, message
    assert "<td>3</td>" in html and "<td>4</td>" in html and "<td>5</td>" in html
    assert "<td>2</td>" not in html
    assert iros_of(assessment) == []


def test_copying_an_assessment_keeps_the_method_horizons_and_register(admin_client, demo_data):
    assessment = double_assessment()
    assessment.horizon_medium_years = 7
    db.session.add(Iro(assessment_id=assessment.id, topic_id=assessment.topic_links[0].topic_id,
                       kind="risk", own_operations=True, time_horizon="short",
                       description_en="Carbon price", groups=[groups()[0]]))
    db.session.commit()
    admin_client.post(f"/admin/assessments/{assessment.id}/copy",
                      data={"title": "Double 2026", "reporting_year": "2026"})
    copy = db.session.scalar(db.select(Assessment).filter_by(title="Double 2026"))
    assert (copy.method, copy.method_version, copy.horizon_medium_years) == (
        "double", "double-1", 7)
    [iro] = iros_of(copy)
    assert (iro.description_en, [g.id for g in iro.groups]) == ("Carbon price", [groups()[0].id])


def test_assessor_ratings_load_for_the_scoring(app, demo_data):
    """Two assessors rate a risk; a deleted response and another assessment's IRO don't count."""
    assessment = double_assessment()
    topic_id = assessment.topic_links[0].topic_id
    risk = Iro(assessment_id=assessment.id, topic_id=topic_id, kind="risk",
               own_operations=True, time_horizon="short", description_en="Carbon price")
    db.session.add(risk)
    link = SurveyLink(assessment_id=assessment.id, kind="company", requires_code=True)
    db.session.add(link)
    db.session.flush()
    assessors = [Submission(uid=f"a{n}", assessment_id=assessment.id, link_id=link.id,
                            kind="company") for n in range(3)]
    db.session.add_all(assessors)
    db.session.flush()
    assessors[2].deleted_at = assessors[2].submitted_at
    for assessor, magnitude, likelihood in zip(assessors, (4, 2, 1), (None, 5, 1), strict=True):
        db.session.add_all([
            IroRating(submission_id=assessor.id, iro_id=risk.id, criterion="magnitude",
                      value=magnitude),
            IroRating(submission_id=assessor.id, iro_id=risk.id, criterion="likelihood",
                      value=likelihood)])
    db.session.commit()

    ratings = load_iro_ratings(assessment.id)
    assert len(ratings) == 4
    assert set(ratings["assessor_id"]) == {assessors[0].id, assessors[1].id}
    assert ratings["value"].isna().sum() == 1
    result = score_double_materiality(load_iro_register(assessment.id), ratings,
                                      [link.topic_id for link in assessment.topic_links])
    scored = result.iros.loc[risk.id]
    assert (scored["magnitude"], scored["likelihood"], scored["assessors"]) == (3.0, 5.0, 2)
    assert scored["score"] == pytest.approx(15 ** 0.5)
    assert scored["needs_review"]  # magnitude 4 and 2
    assert result.topics.loc[topic_id, "materiality"] == "financial"

    with pytest.raises(IntegrityError):
        db.session.add(IroRating(submission_id=assessors[0].id, iro_id=risk.id,
                                 criterion="magnitude", value=6))
        db.session.flush()
    db.session.rollback()


def test_method_horizons_and_register_changes_are_in_the_trail(admin_client, demo_data):
    from materiality.trail import entries, verify

    admin_client.post("/admin/assessments/new", data={
        "title": "Trail", "reporting_year": "2025", "method": "classic"})
    assessment = db.session.scalar(db.select(Assessment).filter_by(title="Trail"))
    demo = db.session.scalar(db.select(Assessment).order_by(Assessment.id))
    assessment.topic_links.append(AssessmentTopic(topic_id=demo.topic_links[0].topic_id))
    db.session.commit()
    admin_client.post(f"/admin/assessments/{assessment.id}/edit", data={
        "title": "Trail", "reporting_year": "2025", "method": "double"})
    topic_id = demo.topic_links[0].topic_id
    admin_client.post(f"/admin/assessments/{assessment.id}/iros/new", data=iro_form(topic_id))
    [iro] = iros_of(assessment)
    admin_client.post(f"/admin/assessments/{assessment.id}/iros/{iro.id}/edit",
                      data=iro_form(topic_id, time_horizon="long"))
    admin_client.post(f"/admin/assessments/{assessment.id}/iros/{iro.id}/delete", data={"confirmed": "yes"})
    admin_client.post(f"/admin/assessments/{assessment.id}/iros/horizons",
                      data={"horizon_short_years": "2", "horizon_medium_years": "8"})

    trail = entries(assessment.id)
    assert [e.action for e in trail] == ["assessment_created", "method_changed", "iro_added",
                                         "iro_changed", "iro_deleted", "horizons_changed"]
    created = trail[0]
    assert '"method":"classic"' in created.after and '"time_horizons"' in created.after
    assert '"method":"double"' in trail[1].after and '"method":"classic"' in trail[1].before
    assert '"time_horizon":"medium"' in trail[3].before and '"time_horizon":"long"' in trail[3].after
    assert trail[4].subject == f"iro:{iro.id}" and trail[4].after is None
    assert all(e.user_email == "admin@example.org" for e in trail)
    assert verify(assessment.id).broken is None
    page = admin_client.get(f"/report/{assessment.id}/trail?lang=en")
    assert "Impact, risk or opportunity changed" in page.get_data(as_text=True)
