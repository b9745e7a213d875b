"""The raw responses CSV is streamed in chunks and gives the very bytes the old
whole-file export gave (pandas, kept here as the reference), on both databases."""
from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import pytest

from materiality.extensions import db
from materiality.models import (
    Assessment,
    Rating,
    StakeholderGroup,
    Submission,
    SurveyLink,
    Topic,
    as_utc,
)
from materiality.report import ratings as ratings_module
from materiality.report.ratings import RATING_COLUMNS, load_ratings, raw_responses_chunks
from materiality.services.documents.office_files import guard_formula
from materiality.services.documents.tables import normalize_locale


def old_raw_responses_csv(assessment_id: int, locale: str) -> bytes:
    """The export as it was before streaming (pandas, whole file in memory)."""
    locale = normalize_locale(locale)
    groups = {g.id: guard_formula(g.name(locale))
              for g in db.session.scalars(db.select(StakeholderGroup))}
    topics = {t.id: guard_formula(t.name(locale)) for t in db.session.scalars(db.select(Topic))}
    ratings = pd.concat([load_ratings(assessment_id, kind)[
        ["respondent_id", "topic_id", "score"]] for kind in RATING_COLUMNS], ignore_index=True)
    submissions = pd.DataFrame(db.session.execute(
        db.select(Submission.id, Submission.kind, Submission.group_id, Submission.rater_kind,
                  Submission.submitted_at)
        .where(Submission.assessment_id == assessment_id, Submission.deleted_at.is_(None))
    ).all(), columns=["submission_id", "kind", "group_id", "rater_kind", "submitted_at"])
    submissions["submitted_at"] = [as_utc(d).isoformat() if d else ""
                                   for d in submissions["submitted_at"]]
    submissions["group_id"] = submissions["group_id"].astype("Int64")
    submissions["group_name"] = submissions["group_id"].map(groups)
    frame = ratings.rename(columns={"respondent_id": "submission_id"}).merge(
        submissions, on="submission_id", how="inner")
    frame["topic_name"] = frame["topic_id"].map(topics)
    frame["score"] = frame["score"].astype("Int64")
    frame = frame.sort_values(["submission_id", "topic_id"], kind="stable")
    return frame.to_csv(columns=list(ratings_module.RAW_COLUMNS), index=False,
                        lineterminator="\r\n").encode("utf-8-sig")


@pytest.fixture
def awkward_demo(demo_data) -> Assessment:
    """The demo with names a CSV must quote or guard, a deleted response, a response whose
    group was removed, a feedback response and times with and without microseconds."""
    assessment = db.session.scalar(db.select(Assessment).order_by(Assessment.id))
    groups = db.session.scalars(db.select(StakeholderGroup).order_by(StakeholderGroup.id)).all()
    groups[0].name_en, groups[0].name_zh = '=SUM(A1), "quoted"', "-政府,监管"
    groups[1].name_en = "Line\nbreak"
    topics = db.session.scalars(db.select(Topic).order_by(Topic.id)).all()
    topics[0].name_en, topics[0].name_zh = "@topic, with comma", '+议题"引号"'
    submissions = db.session.scalars(db.select(Submission).where(
        Submission.assessment_id == assessment.id).order_by(Submission.id)).all()
    submissions[0].deleted_at = datetime.now(UTC)
    submissions[1].group_id = None
    submissions[2].submitted_at = datetime(2023, 11, 6, 9, 0, 0, tzinfo=UTC)
    submissions[3].submitted_at = datetime(2023, 11, 6, 9, 0, 0, 123456, tzinfo=UTC)
    link = SurveyLink(assessment_id=assessment.id, kind="feedback")
    db.session.add(link)
    db.session.flush()
    feedback = Submission(uid="feedback-1", assessment_id=assessment.id, link_id=link.id,
                          kind="feedback")
    db.session.add(feedback)
    db.session.flush()
    db.session.add(Rating(submission_id=feedback.id, topic_id=topics[0].id, score=4))
    db.session.commit()
    return assessment


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
def test_streamed_raw_csv_is_the_old_export_byte_for_byte(app, awkward_demo, locale,
                                                           monkeypatch):
    monkeypatch.setattr(ratings_module, "RAW_CHUNK_SUBMISSIONS", 7)  # many chunks
    chunks = list(raw_responses_chunks(awkward_demo.id, locale))
    assert len(chunks) > 10
    assert chunks[0].startswith(b"\xef\xbb\xbfsubmission_id,kind,")
    streamed = b"".join(chunks)
    assert streamed == old_raw_responses_csv(awkward_demo.id, locale)
    text = streamed.decode("utf-8-sig")
    if locale == "en":
        assert "\"'=SUM(A1), \"\"quoted\"\"\"" in text and '"Line\nbreak"' in text
        assert "\"'@topic, with comma\"" in text
    else:
        assert "\"'-政府,监管\"" in text and '"\'+议题""引号"""' in text
    assert "2023-11-06T09:00:00+00:00\r\n" in text
    assert "2023-11-06T09:00:00.123456+00:00\r\n" in text


def test_raw_csv_download_streams_the_same_bytes(editor_client, awkward_demo):
    response = editor_client.get(f"/report/{awkward_demo.id}/raw.csv?locale=en")
    assert response.is_streamed
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "raw-responses.csv" in response.headers["Content-Disposition"]
    body = response.get_data()
    response.close()
    assert body == old_raw_responses_csv(awkward_demo.id, "en")


def test_raw_csv_of_an_assessment_without_responses_is_its_header(app, demo_data):
    empty = Assessment(title="Empty", reporting_year=2031)
    db.session.add(empty)
    db.session.commit()
    streamed = b"".join(raw_responses_chunks(empty.id, "en"))
    assert streamed == old_raw_responses_csv(empty.id, "en")
    assert streamed == ("\ufeff" + ",".join(ratings_module.RAW_COLUMNS) + "\r\n").encode()


def test_topic_ids_skip_the_surrogate_code_points():
    codes = [ratings_module._topic_code(t) + s for t in (1, 6909, 6910, 6911,
                                                          ratings_module._LARGEST_RAW_TOPIC_ID)
             for s in range(6)]
    assert codes == sorted(codes)
    assert not any(0xD800 <= c <= 0xDFFF for c in codes)
    assert max(codes) <= 0x10FFFF
