"""Every act that can change a result is in an append-only, hash-chained trail."""
from __future__ import annotations

import csv
import io
import json
import threading

import pytest
from openpyxl import load_workbook
from sqlalchemy import create_engine, func, text
from sqlalchemy.exc import DBAPIError

from materiality.extensions import db
from materiality.models import (
    Assessment,
    AssessmentTopic,
    CompanyScoreOverride,
    StakeholderGroup,
    Submission,
    SurveyLink,
    Topic,
    TrailEntry,
)
from materiality.report.data import open_answers
from materiality.services.trail_chain import entry_hash
from materiality.trail import Action, latest_entry_id, record, verify

REASON = "Board resolution 2024-07"


@pytest.fixture
def demo(demo_data) -> Assessment:
    return db.session.scalar(db.select(Assessment).order_by(Assessment.id))


def trail_of(assessment: Assessment) -> list[TrailEntry]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(TrailEntry).where(
        TrailEntry.assessment_id == assessment.id).order_by(TrailEntry.id)))


def actions(assessment: Assessment) -> list[str]:
    return [entry.action for entry in trail_of(assessment)]


def weights_form(**changes: str) -> dict[str, str]:
    groups = db.session.scalars(db.select(StakeholderGroup)).all()
    return {**{f"weight_{g.id}": "1" for g in groups}, **changes}


def first_group_id() -> int:
    return db.session.scalar(db.select(func.min(StakeholderGroup.id)))


def settings_form(**changes: str) -> dict[str, str]:
    return {"threshold_mode": "midpoint", "weight_management": "1",
            "weight_internal_expert": "1", "weight_external_expert": "1", **changes}


def a_response(assessment: Assessment) -> Submission:
    return db.session.scalar(db.select(Submission).where(
        Submission.assessment_id == assessment.id).order_by(Submission.id))


def tamper(sql: str, **params: object) -> None:
    """Change trail rows behind the app's back, past the guard (as a DBA could)."""
    engine = db.engine
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("ALTER TABLE trail_entry DISABLE TRIGGER USER"))
            connection.execute(text(sql), params)
            connection.execute(text("ALTER TABLE trail_entry ENABLE TRIGGER USER"))
        else:
            connection.execute(text("DROP TRIGGER trail_entry_no_update"))
            connection.execute(text("DROP TRIGGER trail_entry_no_delete"))
            connection.execute(text(sql), params)


def test_every_result_changing_act_leaves_an_entry_with_its_reason(admin_client, demo):
    base = f"/report/{demo.id}"
    assert actions(demo) == ["assessment_created"]
    group = db.session.scalar(db.select(StakeholderGroup).order_by(StakeholderGroup.id))
    topic = demo.topics[0]
    response = a_response(demo)
    answer = next(a for answers in open_answers(demo.id).values() for a in answers)
    link = db.session.scalar(db.select(SurveyLink).where(SurveyLink.assessment_id == demo.id))

    steps = [
        (f"/admin/assessments/{demo.id}/weights",
         {**weights_form(**{f"weight_{group.id}": "2"}), "reason": "weights: " + REASON}),
        (f"{base}/scores/settings",
         {**settings_form(threshold_mode="top_n", top_n="5", weight_management="2"),
          "reason": "settings: " + REASON}),
        (f"{base}/scores/overrides", {"topic_id": topic.id, "score": "2", "reason": "set"}),
        (f"{base}/scores/overrides/{topic.id}/remove", {"reason": "removed", "confirmed": "yes"}),
        (f"/fieldwork/responses/{response.id}/delete", {"reason": "duplicate", "confirmed": "yes"}),
        (f"/fieldwork/responses/{response.id}/restore", {"reason": "not a duplicate", "confirmed": "yes"}),
        (f"{base}/responses/promote",
         {"submission_id": str(answer.submission_id), "field": answer.field}),
        (f"/fieldwork/links/{link.id}/state/paused", {"confirmed": "yes"}),
        (f"/fieldwork/links/{link.id}/closing", {"closes_at": "2030-01-31T18:00"}),
        (f"{base}/matrix/labels", {"locale": "en", f"x_{topic.id}": "2", f"y_{topic.id}": "4",
                                   f"ox_{topic.id}": "3", f"oy_{topic.id}": "3"}),
        (f"{base}/matrix/labels/reset", {"locale": "en", "confirmed": "yes"}),
        (f"/admin/assessments/{demo.id}/status/closed", {"confirmed": "yes"}),
        (f"/admin/assessments/{demo.id}/status/open", {"reason": "a late group", "confirmed": "yes"}),
    ]
    for url, data in steps:
        assert admin_client.post(url, data=data).status_code == 302, url

    entries = trail_of(demo)
    assert [e.action for e in entries] == [
        "assessment_created", "group_weights_changed", "thresholds_changed",
        "rater_kind_weights_changed", "override_set", "override_removed", "response_deleted",
        "response_restored", "answer_promoted", "link_state_changed", "link_closing_changed",
        "labels_moved", "labels_reset", "assessment_closed", "assessment_reopened"]
    by_action = {e.action: e for e in entries}
    assert by_action["group_weights_changed"].reason == "weights: " + REASON
    assert json.loads(by_action["group_weights_changed"].before) == {str(group.id): 1.0}
    assert json.loads(by_action["group_weights_changed"].after) == {str(group.id): 2.0}
    assert by_action["thresholds_changed"].reason == "settings: " + REASON
    assert json.loads(by_action["thresholds_changed"].after)["top_n"] == 5
    assert json.loads(by_action["rater_kind_weights_changed"].after)["management"] == 2.0
    assert by_action["override_removed"].reason == "removed"
    assert by_action["response_deleted"].subject == f"submission:{response.id}"
    assert by_action["response_restored"].reason == "not a duplicate"
    assert json.loads(by_action["link_state_changed"].after) == {"state": "paused"}
    assert json.loads(by_action["labels_moved"].after) == {str(topic.id): [2.0, 4.0]}
    closed = json.loads(by_action["assessment_closed"].after)
    assert closed["configuration"]["group_weights"][str(group.id)]["weight"] == 2.0
    assert by_action["assessment_reopened"].reason == "a late group"
    assert all(e.user_email == "admin@example.org" for e in entries[1:])
    assert entries[0].user_email is None  # the demo seed, from the command line
    assert all(e.created_at is not None for e in entries)
    assert verify().broken is None and verify(demo.id).checked == len(entries)
    assert latest_entry_id(demo.id) == entries[-1].id


def test_a_new_assessments_topics_are_in_the_trail(admin_client, demo):
    admin_client.post("/admin/assessments/new", data={"title": "Next", "reporting_year": "2025"})
    new = db.session.scalar(db.select(Assessment).where(Assessment.title == "Next"))
    first, second = demo.topics[:2]
    admin_client.post(f"/admin/assessments/{new.id}/topics",
                      data={f"use_{first.id}": "on", f"use_{second.id}": "on"})
    admin_client.post(f"/admin/assessments/{new.id}/topics", data={f"use_{second.id}": "on"})
    entries = trail_of(new)
    assert [e.action for e in entries] == ["assessment_created", "topics_changed",
                                           "topics_changed"]
    assert json.loads(entries[1].after)["added"] == [first.id, second.id]
    assert json.loads(entries[2].after)["removed"] == [first.id]


def test_acts_that_move_results_are_refused_without_a_reason(admin_client, demo):
    topic = demo.topics[0]
    db.session.add(CompanyScoreOverride(assessment_id=demo.id, topic_id=topic.id, score=2,
                                        reason="kept"))
    deleted = a_response(demo)
    deleted.deleted_at, deleted.deleted_reason = db.func.now(), "test"
    db.session.commit()
    group = db.session.scalar(db.select(StakeholderGroup))
    before = actions(demo)

    refused = [
        (f"/admin/assessments/{demo.id}/weights", weights_form(**{f"weight_{group.id}": "3"})),
        (f"/report/{demo.id}/scores/settings", settings_form(weight_management="3")),
        (f"/report/{demo.id}/scores/overrides/{topic.id}/remove", {"confirmed": "yes"}),
        (f"/fieldwork/responses/{deleted.id}/restore", {"reason": "  ", "confirmed": "yes"}),
        (f"/fieldwork/responses/{a_response(demo).id + 1}/delete", {"reason": "", "confirmed": "yes"}),
    ]
    for url, data in refused:
        admin_client.post(url + "?lang=en", data=data)
    admin_client.post(f"/admin/assessments/{demo.id}/status/closed", data={"confirmed": "yes"})
    page = admin_client.post(f"/admin/assessments/{demo.id}/status/open?lang=en",
                             data={"confirmed": "yes"}, follow_redirects=True).get_data(as_text=True)
    assert "Write the reason for this change; it is kept in the trail." in page

    assert actions(demo) == [*before, "assessment_closed"]
    db.session.expire_all()
    assert db.session.get(Assessment, demo.id).status == "closed"
    assert db.session.get(Assessment, demo.id).weight_management == 1.0
    assert db.session.get(CompanyScoreOverride, (demo.id, topic.id)) is not None
    assert db.session.get(Submission, deleted.id).deleted_at is not None
    assert db.session.get(Submission, deleted.id + 1).deleted_at is None


def test_a_closed_assessment_refuses_every_change_but_label_moves(admin_client, demo):
    topic = demo.topics[0]
    response = a_response(demo)
    answer = next(a for answers in open_answers(demo.id).values() for a in answers)
    link = db.session.scalar(db.select(SurveyLink).where(SurveyLink.assessment_id == demo.id))
    admin_client.post(f"/fieldwork/links/{link.id}/state/paused", data={"confirmed": "yes"})
    admin_client.post(f"/admin/assessments/{demo.id}/status/closed", data={"confirmed": "yes"})
    before = actions(demo)
    closed_message = "This assessment is closed"

    for url, data in [
        (f"/report/{demo.id}/scores/settings", {**settings_form(weight_management="3"),
                                                "reason": REASON}),
        (f"/report/{demo.id}/scores/overrides", {"topic_id": topic.id, "score": "2",
                                                 "reason": REASON}),
        (f"/fieldwork/responses/{response.id}/delete", {"reason": REASON, "confirmed": "yes"}),
    ]:
        page = admin_client.post(url + "?lang=en", data=data).get_data(as_text=True)
        assert closed_message in page, url
    for url, data in [
        (f"/report/{demo.id}/responses/promote",
         {"submission_id": str(answer.submission_id), "field": answer.field}),
        (f"/fieldwork/links/{link.id}/state/active", {"confirmed": "yes"}),
    ]:
        page = admin_client.post(url + "?lang=en", data=data,
                                 follow_redirects=True).get_data(as_text=True)
        assert closed_message in page, url
    assert actions(demo) == before
    db.session.expire_all()
    assert db.session.get(SurveyLink, link.id).state == "paused"
    assert db.session.get(Submission, response.id).deleted_at is None

    # Topics of a closed assessment without responses cannot change either.
    empty = Assessment(title="Closed", reporting_year=2031, status="closed")
    empty.topic_links.append(AssessmentTopic(topic_id=topic.id, position=0))
    db.session.add(empty)
    db.session.commit()
    other = db.session.scalar(db.select(Topic.id).where(Topic.id != topic.id))
    page = admin_client.post(f"/admin/assessments/{empty.id}/topics?lang=en",
                             data={f"use_{other}": "on"}).get_data(as_text=True)
    assert closed_message in page
    assert [t.id for t in db.session.get(Assessment, empty.id).topics] == [topic.id]
    form_page = admin_client.get(f"/admin/assessments/{empty.id}/topics?lang=en")
    assert closed_message in form_page.get_data(True) and "Save the selection" not in \
        form_page.get_data(True)

    # Labels are presentation: they may move, and the move is in the trail.
    form = {"locale": "en", f"x_{topic.id}": "2", f"y_{topic.id}": "4",
            f"ox_{topic.id}": "3", f"oy_{topic.id}": "3"}
    assert admin_client.post(f"/report/{demo.id}/matrix/labels", data=form).status_code == 302
    assert actions(demo) == [*before, "labels_moved"]


@pytest.mark.parametrize("statement", [
    "UPDATE trail_entry SET reason = 'changed'",
    "DELETE FROM trail_entry",
])
def test_no_one_can_change_or_delete_an_entry_in_the_database(demo, statement):
    with pytest.raises(DBAPIError, match="cannot be changed or deleted"):
        with db.engine.begin() as connection:
            connection.execute(text(statement))
    assert len(trail_of(demo)) == 1


def test_verify_trail_detects_a_tampered_row(admin_client, demo, runner):
    for weight in ("2", "3", "4"):
        admin_client.post(f"/admin/assessments/{demo.id}/weights", data={
            **weights_form(**{f"weight_{first_group_id()}": weight}), "reason": f"to {weight}"})
    entries = trail_of(demo)
    assert len(entries) == 4
    result = runner.invoke(args=["verify-trail", "--assessment", str(demo.id)])
    assert result.exit_code == 0, result.output
    assert "4 entries checked" in result.output
    # with the demo's 2024 (3 entries) and 2025 double materiality (45: created, 43 IROs
    # added, closed)
    everything = runner.invoke(args=["verify-trail"])
    assert everything.exit_code == 0 and "52 entries checked" in everything.output

    db.session.remove()
    tamper("UPDATE trail_entry SET reason = 'to 9' WHERE id = :id", id=entries[2].id)
    result = runner.invoke(args=["verify-trail"])
    assert result.exit_code != 0
    assert f"entry {entries[2].id}" in result.output and "does not match" in result.output


def test_verify_trail_detects_a_removed_entry(admin_client, demo, runner):
    for weight in ("2", "3"):
        admin_client.post(f"/admin/assessments/{demo.id}/weights", data={
            **weights_form(**{f"weight_{first_group_id()}": weight}), "reason": f"to {weight}"})
    entries = trail_of(demo)
    db.session.remove()
    tamper("DELETE FROM trail_entry WHERE id = :id", id=entries[1].id)
    result = runner.invoke(args=["verify-trail", "--assessment", str(demo.id)])
    assert result.exit_code != 0
    assert f"entry {entries[2].id}" in result.output and "missing" in result.output


def test_two_entries_written_at_once_do_not_fork_the_chain(app, demo):
    """Writers on separate connections append 2 × 15 entries concurrently."""
    assessment_id = demo.id
    db.session.remove()
    start = threading.Barrier(2)
    failures: list[BaseException] = []

    def writer(name: str) -> None:
        try:
            with app.app_context():
                assessment = db.session.get(Assessment, assessment_id)
                start.wait()
                for index in range(15):
                    record(assessment, Action.LABELS_MOVED, after={name: index})
                    db.session.commit()
                db.session.remove()
        except BaseException as error:  # noqa: BLE001 - reported by the test below
            failures.append(error)

    threads = [threading.Thread(target=writer, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert failures == []
    entries = trail_of(demo)
    assert len(entries) == 31
    assert len({e.previous_hash for e in entries}) == 31
    assert all(e.previous_hash == p.hash for p, e in zip(entries, entries[1:], strict=False))
    assert verify(demo.id).broken is None


def test_editors_read_the_trail_and_download_it(admin_client, demo, client, auth,
                                                editor_user):
    admin_client.post(f"/admin/assessments/{demo.id}/weights", data={
        **weights_form(**{f"weight_{first_group_id()}": "2"}), "reason": "Weigh employees double"})
    auth.logout()
    auth.login(editor_user.email)
    page = client.get(f"/report/{demo.id}/trail?lang=en").get_data(as_text=True)
    assert "Group weights changed" in page and "Weigh employees double" in page
    assert "Hash chain verified: 2 entries." in page

    response = client.get(f"/report/{demo.id}/trail.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert [r["action"] for r in rows] == ["assessment_created", "group_weights_changed"]
    # The file alone is enough to check the chain.
    previous = "0" * 64
    for row in rows:
        content = {k: (row[k] or None) for k in ("user_email", "action", "subject", "before",
                                                   "after", "reason")}
        content.update(assessment_id=demo.id, created_at=row["created_at_utc"],
                       user_id=int(row["user_id"]) if row["user_id"] else None)
        assert row["previous_hash"] == previous
        assert entry_hash(previous, content) == row["hash"]
        previous = row["hash"]

    xlsx = client.get(f"/report/{demo.id}/trail.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    assert [c.value for c in sheet[1]][:5] == ["id", "created_at_utc", "user_id",
                                               "user_email", "action"]
    assert sheet.max_row == 3


def test_only_admins_change_what_the_trail_records(editor_client, demo):
    assert editor_client.post(f"/admin/assessments/{demo.id}/weights").status_code == 403
    assert editor_client.post(f"/admin/assessments/{demo.id}/status/closed").status_code == 403
    assert len(trail_of(demo)) == 1


def test_a_postgresql_writer_waits_for_the_chain_instead_of_failing(app, demo):
    """With the chain held by an open transaction, a second append waits, then follows it."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite has one writer at a time")
    other = create_engine(db.engine.url)
    with other.connect() as connection:
        connection.execute(text("SELECT id FROM assessment WHERE id = :id FOR NO KEY UPDATE"),
                           {"id": demo.id})
        done = threading.Event()

        def append() -> None:
            with app.app_context():
                record(db.session.get(Assessment, demo.id), Action.LABELS_RESET)
                db.session.commit()
                db.session.remove()
            done.set()

        thread = threading.Thread(target=append)
        thread.start()
        assert not done.wait(1.0)  # blocked behind the held chain
        connection.rollback()
    thread.join(timeout=30)
    other.dispose()
    assert done.is_set()
    assert actions(demo) == ["assessment_created", "labels_reset"]
