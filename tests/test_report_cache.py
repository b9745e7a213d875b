"""The scores and the matrix are computed once per request, and kept per assessment
until a response, an override, a weight, a threshold or a label move changes them."""
from __future__ import annotations

import re
import uuid

import pytest
from sqlalchemy import event

from materiality.admin.operations import set_group_weights
from materiality.extensions import db
from materiality.models import Assessment, Rating, StakeholderGroup, Submission
from materiality.report import cache, data
from materiality.services.charts import matrix as matrix_chart


@pytest.fixture
def demo(demo_data) -> Assessment:
    return db.session.scalar(db.select(Assessment).where(Assessment.reporting_year == 2023))


@pytest.fixture
def calls(monkeypatch) -> dict[str, int]:
    """How often the assessment is scored and the matrix drawn."""
    counted = {"scores": 0, "draws": 0}
    compute, draw = data.compute_scores, matrix_chart.draw_matrix

    def counting_compute(assessment):
        counted["scores"] += 1
        return compute(assessment)

    def counting_draw(points, options=matrix_chart.MatrixOptions(),  # noqa: B008
                      previous_positions=None):
        counted["draws"] += 1
        return draw(points, options, previous_positions)

    monkeypatch.setattr(data, "compute_scores", counting_compute)
    monkeypatch.setattr(matrix_chart, "draw_matrix", counting_draw)
    return counted


def get(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    if response.mimetype.startswith("text"):
        # The form tokens differ per request; everything else must not.
        body = re.sub(r'name="csrf_token"[^>]*>', "", response.get_data(as_text=True))
    else:
        body = response.get_data()
    response.close()
    return body


def add_response(assessment: Assessment) -> Submission:
    """One more stakeholder answer, everything rated 1, through the demo's own link."""
    model = db.session.scalar(db.select(Submission).where(
        Submission.assessment_id == assessment.id, Submission.kind == "stakeholder"))
    submission = Submission(uid=uuid.uuid4().hex, assessment_id=assessment.id,
                            link_id=model.link_id, kind="stakeholder", group_id=model.group_id)
    db.session.add(submission)
    db.session.flush()
    db.session.add_all(Rating(submission_id=submission.id, topic_id=t.id, score=1)
                       for t in assessment.topics)
    db.session.commit()
    return submission


def test_scores_page_scores_once_until_a_response_or_weight_changes(editor_client, demo,
                                                                      calls):
    first = get(editor_client, f"/report/{demo.id}/scores?lang=en")
    assert get(editor_client, f"/report/{demo.id}/scores?lang=en") == first
    get(editor_client, f"/report/{demo.id}/topics.csv?locale=en")
    assert calls["scores"] == 1

    add_response(demo)
    after = get(editor_client, f"/report/{demo.id}/scores?lang=en")
    assert calls["scores"] == 2 and after != first

    group = db.session.scalars(db.select(StakeholderGroup)).first()
    set_group_weights(demo, {group.id: 4.0}, "Customers matter more this year")
    db.session.commit()
    weighted = get(editor_client, f"/report/{demo.id}/scores?lang=en")
    assert calls["scores"] == 3 and weighted != after

    submission = db.session.scalar(db.select(Submission).order_by(Submission.id.desc()))
    submission.deleted_at = db.func.now()
    db.session.commit()
    assert get(editor_client, f"/report/{demo.id}/scores?lang=en") != weighted
    assert calls["scores"] == 4


def test_an_override_or_new_thresholds_score_again(admin_client, demo, calls):
    get(admin_client, f"/report/{demo.id}/scores")
    topic = demo.topics[0]
    assert admin_client.post(f"/report/{demo.id}/scores/overrides", data={
        "topic_id": topic.id, "score": "1.5", "reason": "Board decision"}).status_code == 302
    get(admin_client, f"/report/{demo.id}/scores")
    assert calls["scores"] == 2
    assert admin_client.post(f"/report/{demo.id}/scores/overrides", data={
        "topic_id": topic.id, "score": "2.5", "reason": "Board decision"}).status_code == 302
    get(admin_client, f"/report/{demo.id}/scores")
    assert calls["scores"] == 3  # the same override changed: scored again
    assert admin_client.post(f"/report/{demo.id}/scores/settings", data={
        "threshold_mode": "value", "threshold_company": "3.5", "threshold_stakeholder": "3.5",
        "weight_management": "1", "weight_internal_expert": "1",
        "weight_external_expert": "1", "reason": "Sharper tiers"}).status_code == 302
    get(admin_client, f"/report/{demo.id}/scores")
    assert calls["scores"] == 4


def test_matrix_page_scores_and_draws_once_and_its_preview_comes_from_that(editor_client,
                                                                         demo, calls):
    page = get(editor_client, f"/report/{demo.id}/matrix?locale=en")
    assert calls == {"scores": 1, "draws": 1}
    png = get(editor_client, f"/report/{demo.id}/matrix.png?preview=1&locale=en")
    assert png.startswith(b"\x89PNG")
    assert calls == {"scores": 1, "draws": 1}
    assert get(editor_client, f"/report/{demo.id}/matrix?locale=en") == page
    assert calls == {"scores": 1, "draws": 1}
    # The preview kept is the file drawn on its own, byte for byte.
    cache.caches().charts.clear()
    assert get(editor_client, f"/report/{demo.id}/matrix.png?preview=1&locale=en") == png
    assert calls == {"scores": 1, "draws": 2}
    get(editor_client, f"/report/{demo.id}/matrix?locale=zh_CN")
    assert calls == {"scores": 1, "draws": 3}  # another language: drawn, not scored


def test_a_label_move_draws_again_without_scoring(editor_client, demo, calls):
    get(editor_client, f"/report/{demo.id}/matrix?locale=en")
    get(editor_client, f"/report/{demo.id}/matrix.svg?locale=en")
    assert calls == {"scores": 1, "draws": 2}
    topic = demo.topics[2]
    response = editor_client.post(f"/report/{demo.id}/matrix/labels", data={
        "locale": "en", f"x_{topic.id}": "2.0", f"y_{topic.id}": "2.0",
        f"ox_{topic.id}": "0", f"oy_{topic.id}": "0"})
    assert response.status_code == 302
    page = get(editor_client, f"/report/{demo.id}/matrix?locale=en")
    assert 'value="2.0"' in page
    get(editor_client, f"/report/{demo.id}/matrix.svg?locale=en")
    assert calls == {"scores": 1, "draws": 4}


def test_fingerprint_is_one_query_and_follows_every_input(app, demo):
    statements = []

    def count(*_args):
        statements.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        before = data.fingerprint(demo.id)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert len(statements) == 1
    assert data.fingerprint(demo.id) == before
    demo.topic_links[0].topic.name_en = "Renamed"
    db.session.commit()
    renamed = data.fingerprint(demo.id)
    assert renamed.chart != before.chart
    from materiality.report.operations import save_label_positions

    save_label_positions(demo, "en", {demo.topics[0].id: (2.0, 2.0)})
    db.session.commit()
    moved = data.fingerprint(demo.id)
    assert moved.scores == renamed.scores and moved.chart != renamed.chart


def test_a_deleted_then_restored_response_scores_again(editor_client, demo, calls):
    from materiality.fieldwork.operations import delete_response, restore_response

    first = get(editor_client, f"/report/{demo.id}/scores?lang=en")
    submission = db.session.scalar(db.select(Submission).where(
        Submission.assessment_id == demo.id, Submission.kind == "stakeholder"))
    delete_response(submission, "Test entry", None)
    db.session.commit()
    deleted = get(editor_client, f"/report/{demo.id}/scores?lang=en")
    restore_response(submission, "It was real")
    db.session.commit()
    # Back to the same responses: scored again (the trail moved on), the same scores.
    assert get(editor_client, f"/report/{demo.id}/scores?lang=en") == first != deleted
    assert calls["scores"] == 3


def test_the_cache_is_bounded_and_forgets_the_least_recently_used():
    lru = cache.LRUCache(max_entries=2, max_bytes=10)
    lru.put("a", b"1234", 4)
    lru.put("b", b"1234", 4)
    assert lru.get("a") == b"1234"  # now the most recent
    lru.put("c", b"1234", 4)  # over 10 bytes: the least recent ("b") goes
    assert lru.get("b") is None and lru.get("a") and lru.get("c")
    lru.put("d", b"1", 1)
    assert len(lru) == 2
    assert lru.get_or_make("e", lambda: "made") == "made"
    assert lru.get_or_make("e", lambda: "again") == "made"
