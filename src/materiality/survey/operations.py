"""The survey's safe submission: link state, reading a posted response, storing it.

Functions here never commit: they read and write on the Core connection the view
opens (survey_connection), and the view commits once and handles a duplicate
submission id (IntegrityError on the UNIQUE submission.uid) at the edge. The POST
path is the hot path under load (benchmarks/bench_submissions.py): one query for
the link, then the whole response in one statement on PostgreSQL, two on SQLite,
with no ORM session in between.
"""
from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import (
    ARRAY,
    Connection,
    Integer,
    SmallInteger,
    String,
    bindparam,
    cast,
    func,
    insert,
    literal_column,
    select,
    update,
)

from ..extensions import db
from ..models import (
    Answer,
    Assessment,
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

@dataclass(frozen=True)
class LinkFacts:
    """What answering a link needs to know, read in one query (no ORM objects).

    The survey POST is the hot path under load; it needs the link's state, its
    assessment's state and the topics asked, nothing else.
    """

    id: int
    token: str
    assessment_id: int
    assessment_title: str
    assessment_status: str
    kind: str
    group_id: int | None
    rater_kind: str | None
    state: str
    closes_at: datetime | None
    requires_code: bool
    #: The ids of the topics asked (their order is the render's business).
    topic_ids: frozenset[int]

    @property
    def picks_group(self) -> bool:
        """A general stakeholder link: the respondent picks a group first."""
        return self.kind == QuestionnaireKind.STAKEHOLDER and self.group_id is None

    @property
    def picks_rater(self) -> bool:
        """A general company link: the rater says how they take part."""
        return self.kind == QuestionnaireKind.COMPANY and self.rater_kind is None


@dataclass(frozen=True)
class CodeFacts:
    """An invitation code as found: its id, text and when it was used."""

    id: int
    code: str
    used_at: datetime | None


_link = SurveyLink.__table__
_assessment = Assessment.__table__
_asked = AssessmentTopic.__table__
_code = InvitationCode.__table__
# The topics asked as one string ("3,1,2"): one row per link, whatever the number of topics.
# The separator is SQL text: a bound one would be rendered into the SQL on every call.
_TOPIC_IDS = (
    select(func.aggregate_strings(cast(_asked.c.topic_id, String), literal_column("','")))
    .where(_asked.c.assessment_id == _link.c.assessment_id)
    .scalar_subquery()
)
_LINK_COLUMNS = (
    _link.c.id, _link.c.token, _link.c.assessment_id, _assessment.c.title, _assessment.c.status,
    _link.c.kind, _link.c.group_id, _link.c.rater_kind, _link.c.state, _link.c.closes_at,
    _link.c.requires_code, _TOPIC_IDS.label("topic_ids"),
)
# Built once, bound per call.
_LINK_BY_TOKEN = (
    select(*_LINK_COLUMNS)
    .join_from(_link, _assessment, _assessment.c.id == _link.c.assessment_id)
    .where(_link.c.token == bindparam("token"))
)
_LINK_BY_CODE = (
    select(_code.c.id.label("code_id"), _code.c.used_at, *_LINK_COLUMNS)
    .join_from(_code, _link, _link.c.id == _code.c.link_id)
    .join(_assessment, _assessment.c.id == _link.c.assessment_id)
    .where(_code.c.code == bindparam("code"))
)


def _link_facts(row) -> LinkFacts:  # noqa: ANN001  (a SQLAlchemy row)
    return LinkFacts(
        id=row.id, token=row.token, assessment_id=row.assessment_id,
        assessment_title=row.title, assessment_status=row.status, kind=row.kind,
        group_id=row.group_id, rater_kind=row.rater_kind, state=row.state,
        closes_at=row.closes_at, requires_code=bool(row.requires_code),
        topic_ids=frozenset(int(i) for i in row.topic_ids.split(",")) if row.topic_ids else frozenset(),
    )


def find_link(connection: Connection, token: str) -> LinkFacts | None:
    """The link with this token, with its assessment's state and topics."""
    row = connection.execute(_LINK_BY_TOKEN, {"token": token}).first()
    return _link_facts(row) if row else None


def find_code(connection: Connection, code: str) -> tuple[CodeFacts, LinkFacts] | None:
    """The invitation code and the link it opens."""
    row = connection.execute(_LINK_BY_CODE, {"code": code}).first()
    if row is None:
        return None
    return CodeFacts(row.code_id, code, row.used_at), _link_facts(row)


def _aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; they were stored in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def link_unavailable(link: LinkFacts, now: datetime | None = None) -> str | None:
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
    if link.kind != QuestionnaireKind.FEEDBACK and link.assessment_status != AssessmentStatus.OPEN:
        return "not_open"
    return None


def assessment_topics(assessment_id: int) -> list[Topic]:
    """The topics asked, in order, with their names and descriptions (one query)."""
    return list(db.session.scalars(
        select(Topic).join(AssessmentTopic, AssessmentTopic.topic_id == Topic.id)
        .where(AssessmentTopic.assessment_id == assessment_id)
        .order_by(AssessmentTopic.position)
    ))


_OPEN_GROUPS = (
    select(StakeholderGroup)
    .where(StakeholderGroup.archived.is_(False), StakeholderGroup.invitation_only.is_(False))
    .order_by(StakeholderGroup.position, StakeholderGroup.id)
)


def open_groups() -> list[StakeholderGroup]:
    """Groups a respondent may pick on a general link (not archived, not invitation-only)."""
    return list(db.session.scalars(_OPEN_GROUPS))


def open_group_ids(connection: Connection) -> frozenset[int]:
    """The ids of open_groups(): what a posted general-link response may choose."""
    ids = _OPEN_GROUPS.with_only_columns(StakeholderGroup.id)
    return frozenset(connection.scalars(ids))


# -- the signed render stamp ------------------------------------------------------------

@lru_cache(maxsize=4)
def _serializer(secret_key: str) -> URLSafeTimedSerializer:
    """One serializer per key: building one derives its signing key each time."""
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


def read_response(form, link: LinkFacts, questionnaire: Questionnaire,  # noqa: ANN001
                  group_ids: frozenset[int], messages: dict[str, str]) -> PostedResponse:
    """Check the posted form against the questions; ``messages`` holds the error texts.

    ``group_ids`` are the groups a general link may choose (see open_group_ids).
    """
    posted = PostedResponse(group_id=link.group_id, rater_kind=link.rater_kind)
    if link.picks_group:
        chosen = form.get("group", "")
        if chosen.isdigit() and int(chosen) in group_ids:
            posted.group_id = int(chosen)
        else:
            posted.errors["group"] = messages["group"]
    if link.picks_rater:
        chosen = form.get("rater_kind", "")
        if chosen in {value for value, _label in RATER_KINDS}:
            posted.rater_kind = chosen
        else:
            posted.errors["rater_kind"] = messages["rater_kind"]
    if questionnaire.rates_topics:
        for topic_id in link.topic_ids:
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

def survey_connection() -> Connection:
    """The Core connection one survey request reads and writes on (the view closes it).

    On PostgreSQL it runs in autocommit: each read is one statement, and so is the
    storing of a whole response (store_submission), which makes it atomic by
    itself; a BEGIN and a COMMIT would add two round trips to every response. On
    SQLite a response takes several statements, in one transaction the view commits.
    """
    connection = db.engine.connect()
    if connection.dialect.name == "postgresql":
        connection.execution_options(isolation_level="AUTOCOMMIT")
    return connection


_submission = Submission.__table__
_rating = Rating.__table__
_answer = Answer.__table__
_SUBMISSION_FIELDS = (
    "uid", "assessment_id", "link_id", "kind", "group_id", "rater_kind", "invitation_code_id",
    "locale", "started_at", "submitted_at", "other_topics", "expectations",
)
_RATING_COLUMNS = ["submission_id", "topic_id", "score"]


def _store_response_postgresql():  # noqa: ANN202
    """PostgreSQL: a whole response in one statement, returning the submission id.

    The INSERT of the submission is a CTE whose id feeds the INSERTs of the ratings
    and the answers (each given as arrays, unnested in step) and the UPDATE marking
    the invitation code used (none when code_id is NULL). One statement is one round
    trip and one transaction, whatever the questionnaire.
    """
    # Bound as "submission_<column>": a bound name equal to a column of a table written
    # here (invitation_code.link_id) would be added to that table's SET clause.
    new = (insert(_submission)
           .values({name: bindparam(f"submission_{name}", type_=_submission.c[name].type)
                    for name in _SUBMISSION_FIELDS})
           .returning(_submission.c.id)
           .cte("new_submission"))
    ratings = insert(_rating).from_select(_RATING_COLUMNS, select(
        new.c.id,
        func.unnest(bindparam("topic_ids", type_=ARRAY(Integer))),
        func.unnest(bindparam("scores", type_=ARRAY(SmallInteger))),
    )).cte("new_ratings")
    answers = insert(_answer).from_select(["submission_id", "question", "value"], select(
        new.c.id,
        func.unnest(bindparam("questions", type_=ARRAY(String))),
        func.unnest(bindparam("values", type_=ARRAY(String))),
    )).cte("new_answers")
    used_code = (update(_code).where(_code.c.id == bindparam("code_id", type_=Integer))
                 .values(used_at=bindparam("submission_submitted_at")).cte("used_code"))
    return select(new.c.id).add_cte(ratings, answers, used_code)


_STORE_RESPONSE_POSTGRESQL = _store_response_postgresql()
_INSERT_SUBMISSION = insert(_submission).returning(_submission.c.id)
# SQLite: the ratings as one JSON object {"topic id": score} read by json_each, one
# statement rather than an executemany of 25 rows, each bound in Python.
_posted_scores = func.json_each(bindparam("scores", type_=String)).table_valued("key", "value")
_INSERT_RATINGS_FROM_JSON = insert(_rating).from_select(_RATING_COLUMNS, select(
    bindparam("submission_id", type_=Integer), cast(_posted_scores.c.key, Integer),
    _posted_scores.c.value,
))
_INSERT_ANSWERS = insert(_answer)
_MARK_CODE_USED = (update(_code).where(_code.c.id == bindparam("code_id"))
                   .values(used_at=bindparam("used_at")))


def store_submission(connection: Connection, *, uid: str, link: LinkFacts, response: PostedResponse,
                     code: CodeFacts | None, locale: str, started_at: datetime | None) -> int:
    """Store a whole response: the submission, its ratings and answers, the code's use.

    All or nothing: on PostgreSQL it is one statement; on SQLite the statements
    share the transaction the view commits (every row is built before the first
    INSERT, which takes the database's one write lock until that commit). The
    UNIQUE constraints on uid and invitation_code_id make a second store of the
    same response, or a second use of a code, fail with an IntegrityError.
    """
    now = datetime.now(UTC)
    submission = {
        "uid": uid, "assessment_id": link.assessment_id, "link_id": link.id,
        "kind": link.kind, "group_id": response.group_id, "rater_kind": response.rater_kind,
        "invitation_code_id": code.id if code else None, "locale": locale,
        "started_at": started_at, "submitted_at": now,
        "other_topics": response.answers.get("other_topics"),
        "expectations": response.answers.get("expectations"),
    }
    answers = {key: value for key, value in response.answers.items() if key not in SUBMISSION_COLUMNS}
    if connection.dialect.name == "postgresql":
        return connection.execute(_STORE_RESPONSE_POSTGRESQL, {
            **{f"submission_{name}": value for name, value in submission.items()},
            "code_id": code.id if code else None,
            "topic_ids": list(response.scores), "scores": list(response.scores.values()),
            "questions": list(answers), "values": list(answers.values()),
        }).scalar_one()
    submission_id = connection.execute(_INSERT_SUBMISSION, submission).scalar_one()
    if response.scores:
        connection.execute(_INSERT_RATINGS_FROM_JSON, {
            "submission_id": submission_id, "scores": json.dumps(response.scores)})
    if answers:
        connection.execute(_INSERT_ANSWERS, [
            {"submission_id": submission_id, "question": key, "value": value}
            for key, value in answers.items()])
    if code is not None:
        connection.execute(_MARK_CODE_USED, {"code_id": code.id, "used_at": now})
    return submission_id


def submission_exists(connection: Connection, uid: str) -> bool:
    """True when a response with this submission id is stored."""
    return connection.scalar(select(_submission.c.id).where(_submission.c.uid == uid)) is not None


def code_used(connection: Connection, code: CodeFacts) -> bool:
    """True when a (not deleted or deleted) response already used this code."""
    if code.used_at is not None:
        return True
    return connection.scalar(
        select(_submission.c.id).where(_submission.c.invitation_code_id == code.id)) is not None
