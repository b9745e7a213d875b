"""Storing a whole response safely, all or nothing and at most once.

Functions here never commit: they read and write on the Core connection the view
opens (survey_connection), and the view commits once and handles a duplicate
submission id (IntegrityError on the UNIQUE submission.uid) at the edge. The POST
is the hot path under load (benchmarks/bench_submissions.py): the whole response
is one statement on PostgreSQL and two on SQLite, run on the DBAPI cursor
(survey/cursor_statements.py), with no ORM session in between.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from functools import wraps

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
    select,
    update,
)
from sqlalchemy.exc import DBAPIError

from ..extensions import SURVEY_BIND, db
from ..models import Answer, InvitationCode, Rating, Submission
from .cursor_statements import CursorStatement
from .operations import CodeFacts, LinkFacts, PostedResponse
from .questionnaires import SUBMISSION_COLUMNS


def survey_connection() -> Connection:
    """The Core connection one survey request reads and writes on (the view closes it).

    On PostgreSQL it comes from the survey's own engine (extensions.add_survey_engine),
    which autocommits: each read is one statement, and so is the storing of a whole
    response (store_submission), which makes it atomic by itself; a BEGIN and a COMMIT
    would add two round trips to every response. A view that uses it runs under
    once_more_if_disconnected. On SQLite a response takes several statements, in one
    transaction the view commits.
    """
    return (db.engines.get(SURVEY_BIND) or db.engine).connect()


def once_more_if_disconnected(view: Callable) -> Callable:
    """Run a survey view once more when the database had dropped the connection it used.

    The survey's engine hands out its pooled connections without a ping, so one the
    database closed meanwhile (a restart, a failover) shows up as an error on first
    use; the pool has then been emptied (CursorStatement, or SQLAlchemy's own handling),
    and the second run gets a fresh connection. Running a survey view again is safe: it
    reads, or it stores a response in one statement whose submission id is stored at
    most once; a store that went through before the connection dropped makes the second
    run find the duplicate and thank the respondent as for a double tap.
    """
    @wraps(view)
    def view_once_more(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        try:
            return view(*args, **kwargs)
        except DBAPIError as error:
            if not error.connection_invalidated:
                raise
        return view(*args, **kwargs)
    return view_once_more


_submission = Submission.__table__
_rating = Rating.__table__
_answer = Answer.__table__
_code = InvitationCode.__table__
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


_STORE_RESPONSE_POSTGRESQL = CursorStatement(_store_response_postgresql())
_INSERT_SUBMISSION = CursorStatement(
    insert(_submission)
    .values({name: bindparam(name, type_=_submission.c[name].type) for name in _SUBMISSION_FIELDS})
    .returning(_submission.c.id))
# SQLite: the ratings as one JSON object {"topic id": score} read by json_each, one
# statement rather than an executemany of 25 rows, each bound in Python.
_posted_scores = func.json_each(bindparam("scores", type_=String)).table_valued("key", "value")
_INSERT_RATINGS_FROM_JSON = CursorStatement(insert(_rating).from_select(_RATING_COLUMNS, select(
    bindparam("submission_id", type_=Integer), cast(_posted_scores.c.key, Integer),
    _posted_scores.c.value,
)))
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
        (submission_id,) = _STORE_RESPONSE_POSTGRESQL.first(connection, **{
            **{f"submission_{name}": value for name, value in submission.items()},
            "code_id": code.id if code else None,
            "topic_ids": list(response.scores), "scores": list(response.scores.values()),
            "questions": list(answers), "values": list(answers.values()),
        })
        return submission_id
    if not connection.in_transaction():
        # The cursor's writes join a transaction the Connection knows of, so the view's
        # commit() commits them (and its rollback() undoes them).
        connection.begin()
    (submission_id,) = _INSERT_SUBMISSION.first(connection, **submission)
    if response.scores:
        _INSERT_RATINGS_FROM_JSON.run(connection, submission_id=submission_id,
                                      scores=json.dumps(response.scores))
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
