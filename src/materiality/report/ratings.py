"""The counted ratings of an assessment: the fast loader scoring uses, and the raw CSV.

Ratings are loaded with one lean SELECT of four integer columns and turned into a
DataFrame straight from numpy arrays (no ORM objects): 2.5 million ratings load in
about a second. On PostgreSQL the rows travel as binary COPY; elsewhere through the
DB-API cursor. The raw export (:func:`raw_responses_chunks`) gives exactly those rows,
streamed.
"""
from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd

from ..extensions import db
from ..frozen_configuration import shown_groups, shown_topics
from ..models import Assessment, Rating, StakeholderGroup, Submission, Topic, as_utc
from ..services.documents.office_files import CSV_BOM, csv_fields
from ..services.documents.tables import normalize_locale
from ..services.scoring.classic import RATER_KINDS

RATING_COLUMNS = {
    "stakeholder": ["respondent_id", "group_id", "topic_id", "score"],
    "company": ["respondent_id", "rater_kind", "topic_id", "score"],
}
_KIND_CODES = {kind: code for code, kind in enumerate(RATER_KINDS)}


# --------------------------------------------------------------------------- ratings
#
# 2.5 million ratings must load in a second or two. Building one Python tuple per row
# costs more than the query, so the database packs the (submission, topic, score) triples
# into a single value that numpy decodes in one step: a bytea of big-endian integers on
# PostgreSQL, a string of code points on SQLite. The respondents' groups (or rater kinds)
# come from a second, small query over the submissions.


def _submission_filter(assessment_id: int, kind: str) -> str:
    """Counted submissions of one kind: not deleted, and in a group (or of a rater kind).

    The id is an int inlined in the text, so the same SQL serves every driver's paramstyle.
    """
    column = "group_id" if kind == "stakeholder" else "rater_kind"
    return (f"s.assessment_id = {int(assessment_id)} AND s.kind = '{kind}' "
            f"AND s.deleted_at IS NULL AND s.{column} IS NOT NULL")


def _stratum_sql(kind: str) -> str:
    """The group id, or the rater kind as its position in RATER_KINDS (-1 when unknown)."""
    if kind == "stakeholder":
        return "s.group_id"
    cases = " ".join(f"WHEN '{k}' THEN {c}" for k, c in _KIND_CODES.items())
    return f"CASE s.rater_kind {cases} ELSE -1 END"


def _split(expr: str) -> str:
    """Two code points of 15 bits each (offset 16), clear of controls and surrogates."""
    return f"(({expr}) >> 15) + 16, (({expr}) & 32767) + 16"


_PACKED_SQL = {
    "postgresql": ("SELECT string_agg(int4send(r.submission_id) || int4send(r.topic_id) "
                   "|| int2send(COALESCE(r.score, 0)::int2), ''::bytea) "),
    "sqlite": (f"SELECT group_concat(char({_split('r.submission_id')}, {_split('r.topic_id')}, "
               "COALESCE(r.score, 0) + 16), '') "),
}
_PG_TRIPLE = np.dtype([("submission", ">i4"), ("topic", ">i4"), ("score", ">i2")])


def _decode_packed(dialect: str, packed) -> np.ndarray:  # noqa: ANN001
    """The packed value as an (n, 3) array: submission id, topic id, score (0 = don't know)."""
    if not packed:
        return np.empty((0, 3), dtype=np.int64)
    if dialect == "postgresql":
        records = np.frombuffer(packed, dtype=_PG_TRIPLE)
        return np.column_stack([records[f].astype(np.int64) for f in _PG_TRIPLE.names])
    codes = np.frombuffer(packed.encode("utf-32-le"), dtype=np.uint32)
    codes = codes.reshape(-1, 5).astype(np.int64) - 16
    return np.column_stack([(codes[:, 0] << 15) | codes[:, 1],
                            (codes[:, 2] << 15) | codes[:, 3], codes[:, 4]])


def _rating_triples(cursor, dialect: str, where: str) -> np.ndarray:  # noqa: ANN001
    """(submission id, topic id, score) of every rating of the counted submissions."""
    # Only ints and fixed words are formatted into the SQL (see _submission_filter).
    rows = f"FROM rating r WHERE r.submission_id IN (SELECT s.id FROM submission s WHERE {where})"  # noqa: S608, E501
    if dialect in _PACKED_SQL:
        cursor.execute(_PACKED_SQL[dialect] + rows)
        return _decode_packed(dialect, cursor.fetchone()[0])
    cursor.execute(f"SELECT r.submission_id, r.topic_id, COALESCE(r.score, 0) {rows}")
    return np.array(cursor.fetchall(), dtype=np.int64).reshape(-1, 3)


def load_ratings(assessment_id: int, kind: str) -> pd.DataFrame:
    """The ratings of one questionnaire kind as a frame for ``score_assessment``.

    ``kind`` "stakeholder" gives respondent_id, group_id, topic_id, score; "company"
    gives respondent_id, rater_kind, topic_id, score. Score is float, NaN = don't know.
    Deleted submissions never count; a stakeholder submission whose group was removed
    (or a company one without a rater kind) has nowhere to count and is left out.
    """
    if kind not in RATING_COLUMNS:
        raise ValueError(f"kind must be one of {sorted(RATING_COLUMNS)}")
    engine = db.engine
    dialect = engine.dialect.name
    where = _submission_filter(assessment_id, kind)
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute(f"SELECT s.id, {_stratum_sql(kind)} FROM submission s "  # noqa: S608
                       f"WHERE {where} ORDER BY s.id")
        submissions = np.array(cursor.fetchall(), dtype=np.int64).reshape(-1, 2)
        triples = _rating_triples(cursor, dialect, where)
        cursor.close()
        raw.commit()
    finally:
        raw.close()
    if len(submissions):
        stratum = submissions[np.searchsorted(submissions[:, 0], triples[:, 0]), 1]
    else:
        stratum = np.empty(0, dtype=np.int64)
    score = triples[:, 2].astype(float)
    score[score == 0] = np.nan
    columns = RATING_COLUMNS[kind]
    frame = pd.DataFrame({columns[0]: triples[:, 0], columns[1]: stratum,
                          columns[2]: triples[:, 1], columns[3]: score})
    if kind == "company":
        frame = frame[frame["rater_kind"] >= 0]
        frame["rater_kind"] = np.asarray(RATER_KINDS, dtype=object)[frame["rater_kind"]]
        frame = frame.reset_index(drop=True)
    return frame


# --------------------------------------------------------------------------- raw data

RAW_COLUMNS = ("submission_id", "kind", "group_id", "group_name", "rater_kind",
               "topic_id", "topic_name", "score", "submitted_at")
#: Submissions per chunk of the raw CSV (25 topics: about 2 MB of text).
RAW_CHUNK_SUBMISSIONS = 1000

# Each rating travels as one character: code point 16 + 8 x topic id + score (0 = don't
# know), so a submission's ratings are one short string the database concatenates and
# sorting its characters puts them in topic order. Topic ids from 6910 up skip the
# surrogates (U+D800-U+DFFF, not valid text) by 2048; the largest code point is U+10FFFF.
_SURROGATE_SKIP_FROM = 6910
_LARGEST_RAW_TOPIC_ID = (0x10FFFF - 16 - 2048 - 7) // 8


def _topic_code(topic_id: int) -> int:
    """The code point of a topic's rating with score 0 (its scores 1-5 follow)."""
    return 16 + 8 * topic_id + (2048 if topic_id >= _SURROGATE_SKIP_FROM else 0)


def _counted_submissions(assessment_id: int):  # noqa: ANN202 - a SQL expression
    """The submissions the scores count (as ``_submission_filter``), as an ORM condition."""
    return db.and_(
        Submission.assessment_id == assessment_id, Submission.deleted_at.is_(None),
        db.or_(db.and_(Submission.kind == "stakeholder", Submission.group_id.is_not(None)),
               db.and_(Submission.kind == "company", Submission.rater_kind.is_not(None))))


def _packed_submissions(assessment_id: int, dialect: str):  # noqa: ANN202 - a statement
    """One row per counted submission with ratings, in id order: its columns for the CSV
    and its ratings packed as characters (see ``_topic_code``), in no particular order."""
    code = (Rating.topic_id * 8 + 16 + db.func.coalesce(Rating.score, 0)
            + db.case((Rating.topic_id >= _SURROGATE_SKIP_FROM, 2048), else_=0))
    packed = (db.func.string_agg(db.func.chr(code), "") if dialect == "postgresql"
              else db.func.group_concat(db.func.char(code), ""))
    return (db.select(Submission.id, Submission.kind, Submission.group_id,
                      Submission.rater_kind, Submission.submitted_at, packed)
            .join(Rating, Rating.submission_id == Submission.id)
            .where(_counted_submissions(assessment_id))
            .group_by(Submission.id).order_by(Submission.id))


def raw_responses_chunks(assessment_id: int, locale: str) -> Iterator[bytes]:
    """Every counted rating, one row each, as CSV (UTF-8 with BOM) to recompute from,
    made in chunks as it is read.

    Exactly the rows the scores use (``load_ratings``), ordered by submission and topic:
    deleted submissions are left out; an empty score is "don't know". Names are in
    ``locale``, topics' and groups' as the assessment shows them (:func:`shown_topics`,
    :func:`shown_groups`). The names are read now; the rows stream from a server-side
    cursor, ``RAW_CHUNK_SUBMISSIONS`` submissions at a time, so memory stays flat however
    many ratings there are: a row is the submission's fixed text, the topic's and the
    score's (formatted once each) and the submission's time, joined.
    """
    locale = normalize_locale(locale)
    groups = {g.id: g.name(locale) for g in db.session.scalars(db.select(StakeholderGroup))}
    topics = {t.id: t.name(locale) for t in db.session.scalars(db.select(Topic))}
    assessment = db.session.get(Assessment, assessment_id)
    if assessment is not None:
        topics.update((t.id, t.name(locale)) for t in shown_topics(assessment).values())
        groups.update((g.id, g.name(locale)) for g in shown_groups(assessment).values())
    if topics and max(topics) > _LARGEST_RAW_TOPIC_ID:
        raise ValueError(f"topic ids above {_LARGEST_RAW_TOPIC_ID} do not fit the raw export")
    # Character of (topic, score) -> "topic_id,topic_name,score".
    ratings = {chr(_topic_code(topic_id) + score): csv_fields([topic_id, name, score or None])
               for topic_id, name in topics.items() for score in range(6)}
    engine = db.engine
    statement = _packed_submissions(assessment_id, engine.dialect.name)

    def chunks() -> Iterator[bytes]:
        yield (CSV_BOM + csv_fields(RAW_COLUMNS) + "\r\n").encode()
        # The submission's cells before the topic, without its id, per (kind, group, rater).
        middles: dict[tuple, str] = {}
        with engine.connect() as connection:
            result = connection.execution_options(
                stream_results=True, yield_per=RAW_CHUNK_SUBMISSIONS).execute(statement)
            for rows in result.partitions():
                text = []
                for submission_id, kind, group_id, rater_kind, submitted_at, packed in rows:
                    middle = middles.get((kind, group_id, rater_kind))
                    if middle is None:
                        middle = middles[kind, group_id, rater_kind] = "," + csv_fields(
                            [kind, group_id, groups.get(group_id), rater_kind]) + ","
                    start = f"{submission_id}{middle}"
                    # An ISO time needs no quoting.
                    end = f",{as_utc(submitted_at).isoformat() if submitted_at else ''}\r\n"
                    text.append(start)
                    text.append((end + start).join(map(ratings.__getitem__, sorted(packed))))
                    text.append(end)
                yield "".join(text).encode()

    return chunks()


def raw_responses_csv(assessment_id: int, locale: str) -> bytes:
    """The whole raw CSV of ``raw_responses_chunks`` as one value (for small assessments)."""
    return b"".join(raw_responses_chunks(assessment_id, locale))
