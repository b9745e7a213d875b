"""A closed assessment's numbers are its own: group weights, thresholds and the method
belong to the assessment, and editing or archiving groups later never moves them."""
from __future__ import annotations

import pandas as pd
from conftest import base_test_config
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from materiality import create_app
from materiality.extensions import db, dispose_engines
from materiality.frozen_configuration import frozen_configuration, group_weights
from materiality.models import (
    CLASSIC_METHOD_VERSION,
    Assessment,
    AssessmentGroupWeight,
    StakeholderGroup,
)
from materiality.report.data import compute_scores


def demo() -> Assessment:
    return db.session.scalar(db.select(Assessment).order_by(Assessment.id))


def groups() -> list[StakeholderGroup]:
    return list(db.session.scalars(db.select(StakeholderGroup).order_by(StakeholderGroup.position)))


def published(assessment: Assessment) -> pd.DataFrame:
    """The numbers a report prints: both scores, their intervals and the tier per topic."""
    db.session.expire_all()
    return compute_scores(db.session.get(Assessment, assessment.id)).topics.copy()


def edit_group(client, group: StakeholderGroup, weight: float):  # noqa: ANN001, ANN201
    return client.post(f"/admin/groups/{group.id}", data={
        "name_zh": group.name_zh, "name_en": group.name_en or "", "weight": str(weight)})


def test_a_closed_assessments_scores_survive_a_weight_edit_and_a_group_archive(
        admin_client, demo_data):
    assessment = demo()
    admin_client.post(f"/admin/assessments/{assessment.id}/status/closed", data={"confirmed": "yes"})
    assert demo().status == "closed"
    before = published(assessment)

    first, second = groups()[:2]
    assert edit_group(admin_client, first, 4.5).status_code == 302
    assert db.session.get(StakeholderGroup, first.id).weight == 4.5
    assert admin_client.post(f"/admin/groups/{second.id}/archive",
                             data={"confirmed": "yes"}).status_code == 302

    after = published(assessment)
    pd.testing.assert_frame_equal(before, after)
    assert group_weights(demo())[first.id] == 1.0
    assert group_weights(demo())[second.id] == 1.0


def test_an_archived_group_keeps_its_weight_in_the_scores(admin_client, demo_data):
    assessment = demo()
    board = groups()[0]
    response = admin_client.post(f"/admin/assessments/{assessment.id}/weights", data={
        **{f"weight_{g.id}": "1" for g in groups()}, f"weight_{board.id}": "3",
        "reason": "The board weighs three times (policy 2023-4)."})
    assert response.status_code == 302
    weighted = published(assessment)
    admin_client.post(f"/admin/groups/{board.id}/archive", data={"confirmed": "yes"})
    pd.testing.assert_frame_equal(weighted, published(assessment))
    result = compute_scores(demo())
    assert result.settings.group_weights[board.id] == 3.0
    assert board.id in result.group_weights_used  # its answers still count, with weight 3


def test_new_assessments_and_copies_start_from_the_groups_current_weights(admin_client,
                                                                         demo_data):
    first = groups()[0]
    edit_group(admin_client, first, 2.5)
    assert group_weights(demo())[first.id] == 1.0  # the 2023 assessment keeps its weight

    admin_client.post("/admin/assessments/new", data={"title": "New", "reporting_year": "2025"})
    new = db.session.scalar(db.select(Assessment).where(Assessment.title == "New"))
    assert new.method_version == CLASSIC_METHOD_VERSION
    assert db.session.get(AssessmentGroupWeight, (new.id, first.id)).weight == 2.5

    admin_client.post(f"/admin/assessments/{demo().id}/copy",
                      data={"title": "Copy", "reporting_year": "2024"})
    copy = db.session.scalar(db.select(Assessment).where(Assessment.title == "Copy"))
    assert group_weights(copy)[first.id] == 2.5
    assert {str(g.id) for g in groups()} <= set(frozen_configuration(copy)["group_weights"])


def test_editing_an_assessments_weights_needs_a_reason_and_a_valid_number(admin_client,
                                                                         demo_data):
    assessment = demo()
    target = groups()[3]
    page = admin_client.get(f"/admin/assessments/{assessment.id}/weights?lang=en")
    assert page.status_code == 200 and f'name="weight_{target.id}"' in page.get_data(True)

    form = {f"weight_{g.id}": "1" for g in groups()}
    no_reason = admin_client.post(f"/admin/assessments/{assessment.id}/weights?lang=en",
                                  data={**form, f"weight_{target.id}": "2"})
    assert no_reason.status_code == 400
    assert "Write the reason" in no_reason.get_data(True)
    bad = admin_client.post(f"/admin/assessments/{assessment.id}/weights?lang=en",
                            data={**form, f"weight_{target.id}": "nan", "reason": "x"})
    assert bad.status_code == 400 and "0.01 to 100" in bad.get_data(True)
    assert group_weights(demo())[target.id] == 1.0

    before = published(assessment)
    ok = admin_client.post(f"/admin/assessments/{assessment.id}/weights",
                           data={**form, f"weight_{target.id}": "2", "reason": "Board decision"})
    assert ok.status_code == 302
    assert group_weights(demo())[target.id] == 2.0
    assert not before["stakeholder_score"].equals(published(assessment)["stakeholder_score"])


def test_a_closed_assessments_weights_cannot_change(admin_client, demo_data):
    assessment = demo()
    admin_client.post(f"/admin/assessments/{assessment.id}/status/closed", data={"confirmed": "yes"})
    target = groups()[0]
    response = admin_client.post(f"/admin/assessments/{assessment.id}/weights?lang=en", data={
        **{f"weight_{g.id}": "1" for g in groups()}, f"weight_{target.id}": "2",
        "reason": "late change"})
    assert response.status_code == 400
    assert "This assessment is closed" in response.get_data(True)
    assert group_weights(demo())[target.id] == 1.0


def test_frozen_configuration_reads_as_one_dict(demo_data):
    config = frozen_configuration(demo())
    assert config["method_version"] == "classic-1"
    assert len(config["topics"]) == 23
    assert len(config["group_weights"]) == 8
    assert all(entry["weight"] == 1.0 for entry in config["group_weights"].values())
    assert config["rater_kind_weights"] == {"management": 1.0, "internal_expert": 1.0,
                                            "external_expert": 1.0}
    assert config["thresholds"]["mode"] == "midpoint"
    assert config["overrides"] == []


def test_the_migration_keeps_each_assessments_weights_from_todays_groups(database_url):
    app = create_app(base_test_config(database_url))
    with app.app_context():
        downgrade(revision="0002")
        with db.engine.begin() as connection:
            for statement in (
                "INSERT INTO stakeholder_group (id, name_zh, weight, position, "
                "invitation_only, archived) VALUES (1, 'A', 2.0, 0, false, false), "
                "(2, 'B', 3.0, 1, false, true), (3, 'C', 4.0, 2, false, true)",
                "INSERT INTO assessment (id, title, reporting_year, status, threshold_mode, "
                "weight_management, weight_internal_expert, weight_external_expert, "
                "created_at) VALUES (1, 'T', 2023, 'closed', 'midpoint', 1, 1, 1, "
                "CURRENT_TIMESTAMP)",
                "INSERT INTO response_target (assessment_id, group_id, target) VALUES (1, 2, 9)",
            ):
                connection.execute(text(statement))
        upgrade()
        with db.engine.connect() as connection:
            rows = connection.execute(text(
                "SELECT group_id, weight FROM assessment_group_weight ORDER BY group_id")).all()
            version = connection.execute(text("SELECT method_version FROM assessment")).scalar()
        # A is configured, B (archived) has a target in it, C (archived) never counted.
        assert [tuple(r) for r in rows] == [(1, 2.0), (2, 3.0)]
        assert version == "classic-1"
        downgrade(revision="0002")
        upgrade()
        db.session.remove()
        dispose_engines()



def test_a_group_added_later_keeps_its_weight_in_existing_assessments(admin_client, demo_data):
    """A new group counts with its own weight until that weight is edited: then the
    assessments that existed keep the old one and only new assessments take the new one."""
    admin_client.post("/admin/groups/new", data={"name_zh": "新群体", "weight": "2"})
    late = db.session.scalar(db.select(StakeholderGroup).where(StakeholderGroup.name_zh == "新群体"))
    assert db.session.get(AssessmentGroupWeight, (demo().id, late.id)) is None
    assert group_weights(demo())[late.id] == 2.0

    edit_group(admin_client, late, 5)
    assert group_weights(demo())[late.id] == 2.0
    admin_client.post("/admin/assessments/new", data={"title": "Later", "reporting_year": "2026"})
    later = db.session.scalar(db.select(Assessment).where(Assessment.title == "Later"))
    assert group_weights(later)[late.id] == 5.0


def test_a_closed_assessments_response_table_survives_edits_of_the_groups_statements(
        admin_client, demo_data):
    """The response table is published with the report: closing keeps it, in both languages."""
    from materiality.models import GroupStatement

    assessment = demo()
    before = {locale: admin_client.get(f"/report/{assessment.id}/responses.csv?locale={locale}").data
              for locale in ("zh_CN", "en")}
    assert admin_client.post(f"/admin/assessments/{assessment.id}/status/closed",
                             data={"confirmed": "yes"}).status_code == 302
    statement = db.session.scalar(db.select(GroupStatement).order_by(GroupStatement.id))
    old_text = statement.text_zh
    edited = admin_client.post(f"/admin/statements/{statement.id}/edit",
                               data={"text_zh": "下一年的新期望", "text_en": "Next year's wording"})
    assert edited.status_code == 302

    for locale, published_table in before.items():
        after = admin_client.get(f"/report/{assessment.id}/responses.csv?locale={locale}").data
        assert after == published_table, locale
    page = admin_client.get(f"/report/{assessment.id}/responses?locale=zh_CN").get_data(True)
    assert old_text in page and "下一年的新期望" not in page
    assert "关闭时的回应表" in page  # the interface says why (in the staff's language)

    # Reopened, the assessment shows the groups' statements as they are now.
    reopened = admin_client.post(f"/admin/assessments/{assessment.id}/status/open",
                                 data={"reason": "a late response", "confirmed": "yes"})
    assert reopened.status_code == 302 and demo().status == "open"
    assert "下一年的新期望" in admin_client.get(
        f"/report/{assessment.id}/responses?locale=zh_CN").get_data(True)
