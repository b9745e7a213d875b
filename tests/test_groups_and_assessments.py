"""Stakeholder groups with their expectations and responses; assessments and their topics."""
from __future__ import annotations

from materiality.extensions import db
from materiality.models import (
    Assessment,
    GroupStatement,
    StakeholderGroup,
    Submission,
    SurveyLink,
    Topic,
)


def group_named(name_zh: str) -> StakeholderGroup:
    return db.session.scalar(db.select(StakeholderGroup).where(StakeholderGroup.name_zh == name_zh))


def test_the_eight_groups_show_in_both_languages(admin_client, demo_data):
    zh = admin_client.get("/admin/groups?lang=zh_CN").get_data(as_text=True)
    en = admin_client.get("/admin/groups?lang=en").get_data(as_text=True)
    for name in ("国务院国资委/股东", "地方政府", "客户", "合作伙伴", "员工", "社区", "环境", "媒体"):
        assert name in zh
    assert "Local government" in en and "Pay taxes by law" in en
    assert "Drive local economic development" in en


def test_add_edit_and_reorder_expectations(admin_client, demo_data):
    group = group_named("地方政府")
    admin_client.post(f"/admin/groups/{group.id}/expectation/new",
                      data={"text_zh": "稳定就业", "text_en": "Stable jobs"})
    texts = [s.text_zh for s in group_named("地方政府").expectations]
    assert texts == ["依法纳税", "促进就业", "经济发展", "稳定就业"]
    new = group_named("地方政府").expectations[-1]
    admin_client.post(f"/admin/statements/{new.id}/move/up")
    db.session.expire_all()
    assert [s.text_zh for s in group_named("地方政府").expectations][2:] == ["稳定就业", "经济发展"]
    admin_client.post(f"/admin/statements/{new.id}/edit",
                      data={"text_zh": "稳定就业岗位", "text_en": "Keep jobs stable"})
    db.session.expire_all()
    assert db.session.get(GroupStatement, new.id).text_en == "Keep jobs stable"
    admin_client.post(f"/admin/statements/{new.id}/delete", data={"confirmed": "yes"})
    db.session.expire_all()
    positions = [s.position for s in group_named("地方政府").expectations]
    assert positions == [0, 1, 2]


def test_a_statement_needs_text_in_one_language(admin_client, demo_data):
    group = group_named("媒体")
    response = admin_client.post(f"/admin/groups/{group.id}/response/new?lang=en",
                                 data={"text_zh": "", "text_en": ""})
    assert response.status_code == 200
    assert "Give the name in Chinese or in English" in response.get_data(as_text=True)


def test_reorder_groups(admin_client, demo_data):
    media = group_named("媒体")
    admin_client.post(f"/admin/groups/{media.id}/move/up")
    db.session.expire_all()
    order = [g.name_zh for g in db.session.scalars(
        db.select(StakeholderGroup).order_by(StakeholderGroup.position))]
    assert order[-2:] == ["媒体", "环境"]


def test_create_a_group_with_weight_and_invitation_only(admin_client):
    response = admin_client.post("/admin/groups/new", data={
        "name_zh": "董事会", "name_en": "Board", "weight": "2", "invitation_only": "y"})
    assert response.status_code == 302
    board = group_named("董事会")
    assert board.weight == 2.0 and board.invitation_only


def test_create_an_assessment_and_choose_topics_in_order(admin_client, demo_data):
    response = admin_client.post("/admin/assessments/new", data={
        "title": "2025年度实质性议题评估", "reporting_year": "2025"})
    assert response.status_code == 302
    assessment = db.session.scalar(db.select(Assessment).where(
        Assessment.title == "2025年度实质性议题评估"))
    # New assessments cut the tiers at the mean of all topics; the demo keeps its midpoint.
    assert assessment.threshold_mode == "mean"
    demo = db.session.scalar(db.select(Assessment).where(Assessment.reporting_year == 2023))
    assert demo.threshold_mode == "midpoint"
    topics = db.session.scalars(db.select(Topic).order_by(Topic.id)).all()
    form = {f"use_{topics[i].id}": "on" for i in (0, 1, 2)}
    form.update({f"position_{topics[0].id}": "3", f"position_{topics[1].id}": "1",
                 f"position_{topics[2].id}": ""})
    admin_client.post(f"/admin/assessments/{assessment.id}/topics", data=form)
    db.session.expire_all()
    chosen = db.session.get(Assessment, assessment.id).topics
    assert [t.id for t in chosen] == [topics[1].id, topics[0].id, topics[2].id]


def test_a_bad_position_keeps_the_selection_and_says_so(admin_client, demo_data):
    assessment = db.session.scalar(db.select(Assessment).order_by(Assessment.id))
    topic = assessment.topics[0]
    response = admin_client.post(f"/admin/assessments/{assessment.id}/topics?lang=en", data={
        f"use_{topic.id}": "on", f"position_{topic.id}": "abc"})
    page = response.get_data(as_text=True)
    assert "Not a number." in page and 'value="abc"' in page
    db.session.expire_all()
    assert len(db.session.get(Assessment, assessment.id).topics) == 23


def test_closing_date_before_opening_date_is_refused(admin_client):
    response = admin_client.post("/admin/assessments/new?lang=en", data={
        "title": "X", "reporting_year": "2024", "opens_on": "2024-05-01",
        "closes_on": "2024-04-01"})
    assert "The closing date is before the opening date." in response.get_data(as_text=True)


def test_copy_2024_into_2025(admin_client, demo_data):
    source = db.session.scalar(db.select(Assessment).where(Assessment.reporting_year == 2024))
    response = admin_client.post(f"/admin/assessments/{source.id}/copy", data={
        "title": "2025年度实质性议题评估", "reporting_year": "2025"})
    assert response.status_code == 302
    copy = db.session.scalar(db.select(Assessment).where(
        Assessment.title == "2025年度实质性议题评估"))
    assert copy.status == "draft" and copy.copied_from_id == source.id
    assert [t.id for t in copy.topics] == [t.id for t in source.topics]
    assert copy.intro_zh == source.intro_zh


def test_copy_to_an_existing_title_and_year_is_refused(admin_client, demo_data):
    source = db.session.scalar(db.select(Assessment).order_by(Assessment.id))
    response = admin_client.post(f"/admin/assessments/{source.id}/copy?lang=en", data={
        "title": source.title, "reporting_year": str(source.reporting_year)})
    assert response.status_code == 400
    assert "exists for this year" in response.get_data(as_text=True)


def test_topics_cannot_change_once_responses_exist(admin_client, demo_data):
    assessment = db.session.scalar(db.select(Assessment).order_by(Assessment.id))
    link = SurveyLink(assessment_id=assessment.id, kind="stakeholder")
    db.session.add(link)
    db.session.flush()
    db.session.add(Submission(uid="u1", assessment_id=assessment.id, link_id=link.id,
                              kind="stakeholder"))
    db.session.commit()
    first = assessment.topics[0]
    response = admin_client.post(f"/admin/assessments/{assessment.id}/topics?lang=en",
                                 data={f"use_{first.id}": "on"}, follow_redirects=True)
    assert "Copy the assessment instead" in response.get_data(as_text=True)
    db.session.expire_all()
    assert len(db.session.get(Assessment, assessment.id).topics) == 23


def test_open_and_close_an_assessment(admin_client, demo_data):
    assessment = db.session.scalar(db.select(Assessment).order_by(Assessment.id))
    admin_client.post(f"/admin/assessments/{assessment.id}/status/closed", data={"confirmed": "yes"})
    db.session.expire_all()
    assert db.session.get(Assessment, assessment.id).status == "closed"
