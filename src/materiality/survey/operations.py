"""The survey's safe submission: link state, reading a posted response, storing it.

Functions here only flush; the view commits once and handles a duplicate
submission id (IntegrityError on the UNIQUE submission.uid) at the edge.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import insert, select, update
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import (
    Answer,
    AssessmentStatus,
    AssessmentTopic,
    InvitationCode,
    LinkState,
    QuestionnaireKind,
    Rating,
    StakeholderGroup,
    Submission,
    SurveyLink,
    Topic,
)
from .questionnaires import (
    DONT_KNOW,
    IMPORTANCE_SCALE,
    RATER_KINDS,
    SUBMISSION_COLUMNS,
    ChoiceQuestion,
    Questionnaire,
)

#: A form rendered longer ago than this must be reloaded (answers are kept).
STAMP_MAX_AGE = 30 * 24 * 3600
SCORES = {value for value, _label in IMPORTANCE_SCALE}


def new_uid() -> str:
    """A fresh submission id for one rendering of the form."""
    return uuid.uuid4().hex


# -- finding links and codes ------------------------------------------------------------

def find_link(token: str) -> SurveyLink | None:
    """The link with this token, its assessment loaded in the same query."""
    return db.session.scalar(
        select(SurveyLink).options(joinedload(SurveyLink.assessment), joinedload(SurveyLink.group))
        .where(SurveyLink.token == token)
    )


def find_code(code: str) -> InvitationCode | None:
    """The invitation code, with its link and the link's assessment."""
    return db.session.scalar(
        select(InvitationCode)
        .options(joinedload(InvitationCode.link).joinedload(SurveyLink.assessment),
                 joinedload(InvitationCode.link).joinedload(SurveyLink.group))
        .where(InvitationCode.code == code)
    )


def _aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; they were stored in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def link_unavailable(link: SurveyLink, now: datetime | None = None) -> str | None:
    """Why the link takes no answers now ("paused", "closed", "not_open"), or None.

    The feedback form is about the published report, so it runs on after the
    assessment itself is closed; its own link state and closing date govern it.
    """
    now = now or datetime.now(UTC)
    if link.state == LinkState.PAUSED:
        return "paused"
    if link.state == LinkState.CLOSED:
        return "closed"
    if link.closes_at is not None and _aware(link.closes_at) <= now:
        return "closed"
    if link.kind != QuestionnaireKind.FEEDBACK and link.assessment.status != AssessmentStatus.OPEN:
        return "not_open"
    return None


def assessment_topics(assessment_id: int) -> list[Topic]:
    """The topics asked, in order (one query)."""
    return list(db.session.scalars(
        select(Topic).join(AssessmentTopic, AssessmentTopic.topic_id == Topic.id)
        .where(AssessmentTopic.assessment_id == assessment_id)
        .order_by(AssessmentTopic.position)
    ))


def assessment_topic_ids(assessment_id: int) -> list[int]:
    """The ids of the topics asked, in order: all a POST needs to check the answers."""
    return list(db.session.scalars(
        select(AssessmentTopic.topic_id).where(AssessmentTopic.assessment_id == assessment_id)
        .order_by(AssessmentTopic.position)
    ))


def open_groups() -> list[StakeholderGroup]:
    """Groups a respondent may pick on a general link (not archived, not invitation-only)."""
    return list(db.session.scalars(
        select(StakeholderGroup)
        .where(StakeholderGroup.archived.is_(False), StakeholderGroup.invitation_only.is_(False))
        .order_by(StakeholderGroup.position, StakeholderGroup.id)
    ))


# -- the signed render stamp ------------------------------------------------------------

def _serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt="survey-form")


def make_stamp(secret_key: str, uid: str, link_token: str, code: str | None) -> str:
    """Sign the submission id, the link and the render time into the form."""
    return _serializer(secret_key).dumps([uid, link_token, code or ""])


def read_stamp(secret_key: str, stamp: str, link_token: str,
               code: str | None) -> tuple[str, datetime] | None:
    """The (uid, render time) signed for this link and code, or None if forged or expired."""
    try:
        payload, signed_at = _serializer(secret_key).loads(
            stamp, max_age=STAMP_MAX_AGE, return_timestamp=True)
    except (BadSignature, SignatureExpired, ValueError, TypeError):
        return None
    if (not isinstance(payload, list) or len(payload) != 3
            or payload[1] != link_token or payload[2] != (code or "")):
        return None
    return str(payload[0]), _aware(signed_at)


# -- reading a posted response ----------------------------------------------------------

@dataclass
class PostedResponse:
    """A respondent's answers as posted, checked against the questionnaire."""

    group_id: int | None = None
    rater_kind: str | None = None
    scores: dict[int, int | None] = field(default_factory=dict)
    answers: dict[str, str] = field(default_factory=dict)
    #: Field name -> error message; empty when the response can be stored.
    errors: dict[str, str] = field(default_factory=dict)


def read_response(form, link: SurveyLink, questionnaire: Questionnaire,  # noqa: ANN001
                  topic_ids: list[int], groups: list[StakeholderGroup],
                  messages: dict[str, str]) -> PostedResponse:
    """Check the posted form; ``messages`` holds the translated error texts."""
    posted = PostedResponse(group_id=link.group_id, rater_kind=link.rater_kind)
    if link.kind == QuestionnaireKind.STAKEHOLDER and link.group_id is None:
        chosen = form.get("group", "")
        allowed = {str(g.id): g.id for g in groups}
        if chosen in allowed:
            posted.group_id = allowed[chosen]
        else:
            posted.errors["group"] = messages["group"]
    if link.kind == QuestionnaireKind.COMPANY and link.rater_kind is None:
        chosen = form.get("rater_kind", "")
        if chosen in {value for value, _label in RATER_KINDS}:
            posted.rater_kind = chosen
        else:
            posted.errors["rater_kind"] = messages["rater_kind"]
    if questionnaire.rates_topics:
        for topic_id in topic_ids:
            value = form.get(f"t{topic_id}", "")
            if value in SCORES:
                posted.scores[topic_id] = int(value)
            elif value == DONT_KNOW:
                posted.scores[topic_id] = None
            else:
                posted.errors[f"t{topic_id}"] = messages["topic"]
    for question in questionnaire.questions:
        value = (form.get(question.key) or "").strip()
        if isinstance(question, ChoiceQuestion):
            if value in {v for v, _label in question.options}:
                posted.answers[question.key] = value
            elif question.required or value:
                posted.errors[question.key] = messages["choice"]
        elif len(value) > question.max_length:
            posted.errors[question.key] = messages["too_long"]
        elif value:
            posted.answers[question.key] = value
    return posted


# -- storing ----------------------------------------------------------------------------

def store_submission(*, uid: str, link: SurveyLink, response: PostedResponse,
                     code: InvitationCode | None, locale: str,
                     started_at: datetime | None) -> int:
    """Insert the submission and all its ratings and answers; flush only.

    One INSERT for the submission and one executemany per child table keep the
    POST lean. The UNIQUE constraints on uid and invitation_code_id make a second
    store of the same response, or a second use of a code, fail at commit time.
    """
    now = datetime.now(UTC)
    submission_id = db.session.execute(
        insert(Submission).returning(Submission.id).values({
            "uid": uid, "assessment_id": link.assessment_id, "link_id": link.id,
            "kind": link.kind, "group_id": response.group_id,
            "rater_kind": response.rater_kind,
            "invitation_code_id": code.id if code else None, "locale": locale,
            "started_at": started_at, "submitted_at": now,
            "other_topics": response.answers.get("other_topics"),
            "expectations": response.answers.get("expectations"),
        })
    ).scalar_one()
    if response.scores:
        db.session.execute(insert(Rating.__table__), [
            {"submission_id": submission_id, "topic_id": topic_id, "score": score}
            for topic_id, score in response.scores.items()
        ])
    answers = {k: v for k, v in response.answers.items() if k not in SUBMISSION_COLUMNS}
    if answers:
        db.session.execute(insert(Answer.__table__), [
            {"submission_id": submission_id, "question": key, "value": value}
            for key, value in answers.items()
        ])
    if code is not None:
        db.session.execute(update(InvitationCode).where(InvitationCode.id == code.id)
                           .values(used_at=now))
    return submission_id


def submission_exists(uid: str) -> bool:
    """True when a response with this submission id is stored."""
    return db.session.scalar(select(Submission.id).where(Submission.uid == uid)) is not None


def code_used(code: InvitationCode) -> bool:
    """True when a (not deleted or deleted) response already used this code."""
    if code.used_at is not None:
        return True
    return db.session.scalar(
        select(Submission.id).where(Submission.invitation_code_id == code.id)) is not None
