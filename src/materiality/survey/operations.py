"""The survey's checks: finding a link or code and its state, the signed stamp, reading a response.

The reads take the Core connection the view opens (storing.survey_connection):
the POST is the hot path under load (benchmarks/bench_submissions.py), and one
query for the link is all it reads. Storing the response is storing.py's.
"""
from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache

from itsdangerous import BadSignature, SignatureExpired, TimestampSigner
from sqlalchemy import (
    Connection,
    Integer,
    String,
    bindparam,
    cast,
    func,
    literal_column,
    select,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from ..extensions import db
from ..models import (
    ORGANISATION_ID,
    Assessment,
    AssessmentStatus,
    AssessmentTopic,
    InvitationCode,
    LinkState,
    Organisation,
    QuestionnaireKind,
    StakeholderGroup,
    SurveyLink,
    Topic,
    as_utc,
    pick_language,
)
from ..models.survey import SHORT_CODE_ALPHABET, SHORT_CODE_LENGTH
from ..services.input_checks import parse_int, remove_control_characters
from .cursor_statements import CursorStatement
from .intro import named_intro
from .questionnaires import (
    DONT_KNOW,
    IMPORTANCE_SCALE,
    RATER_KINDS,
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
    assessment_title_en: str | None
    assessment_status: str
    kind: str
    group_id: int | None
    rater_kind: str | None
    state: str
    closes_at: datetime | None
    requires_code: bool
    #: The ids of the topics asked (their order is the render's business).
    topic_ids: frozenset[int]

    def display_title(self, locale: str) -> str:
        """The assessment's title in the reader's language, else the other one."""
        return pick_language(self.assessment_title, self.assessment_title_en, locale)

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
    _link.c.id, _link.c.token, _link.c.assessment_id, _assessment.c.title,
    _assessment.c.title_en, _assessment.c.status,
    _link.c.kind, _link.c.group_id, _link.c.rater_kind, _link.c.state, _link.c.closes_at,
    _link.c.requires_code, _TOPIC_IDS.label("topic_ids"),
)
# Built once, bound per call; the two reads of every view and answer on the cursor.
_LINK_BY_TOKEN = CursorStatement(
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


def _link_facts(values: Sequence) -> LinkFacts:
    """The link's facts from the values of _LINK_COLUMNS, which are in LinkFacts' order.

    By position, not by name: this runs on every survey request, and a row's named
    lookups were a sixth of reading a link.
    """
    *facts, requires_code, topic_ids = values
    return LinkFacts(*facts, bool(requires_code),
                     frozenset(map(int, topic_ids.split(","))) if topic_ids else frozenset())


#: Crockford's base32 read as people type it: any case, O for 0, and I or L for 1.
_LOOK_ALIKES = str.maketrans("OIL", "011")
_SHORT_CODES = frozenset(SHORT_CODE_ALPHABET)
_TOKEN_BY_SHORT_CODE = select(_link.c.token).where(_link.c.short_code == bindparam("code"))


def short_code_of(text: str) -> str | None:
    """The short code ``text`` stands for (``7kq2m4xa`` -> ``7KQ2M4XA``), or None if it is none."""
    if len(text) != SHORT_CODE_LENGTH:
        return None
    code = text.upper().translate(_LOOK_ALIKES)
    return code if _SHORT_CODES.issuperset(code) else None


def token_for_short_code(connection: Connection, code: str) -> str | None:
    """The token of the link with this short code, if any."""
    return connection.execute(_TOKEN_BY_SHORT_CODE, {"code": code}).scalar()


def find_link(connection: Connection, token: str) -> LinkFacts | None:
    """The link with this token, with its assessment's state and topics."""
    row = _LINK_BY_TOKEN.first(connection, token=token)
    return _link_facts(row) if row else None


def find_code(connection: Connection, code: str) -> tuple[CodeFacts, LinkFacts] | None:
    """The invitation code and the link it opens."""
    row = connection.execute(_LINK_BY_CODE, {"code": code}).first()
    if row is None:
        return None
    return CodeFacts(row.code_id, code, row.used_at), _link_facts(row[2:])


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
    if link.closes_at is not None and as_utc(link.closes_at) <= now:
        return "closed"
    if link.kind != QuestionnaireKind.FEEDBACK and link.assessment_status != AssessmentStatus.OPEN:
        return "not_open"
    return None


def topic_field(topic_id: int) -> str:
    """The form field that rates a topic: "t12"."""
    return f"t{topic_id}"


@dataclass(frozen=True)
class TopicQuestion:
    """One topic as the form asks it, in the page's language."""

    id: int
    name: str
    description: str

    @property
    def field(self) -> str:
        return topic_field(self.id)


_topic = Topic.__table__
_group = StakeholderGroup.__table__
_organisation = Organisation.__table__


class _json_rows(FunctionElement):
    """An aggregate of one JSON array per row, as text: ``[[1, "a"], [2, "b"]]``.

    Text on both databases, so the form's data can be a cache key as read (a list
    would not hash), and parsed only when a page is rendered.
    """

    type = String()
    inherit_cache = True


@compiles(_json_rows, "sqlite")
def _json_rows_sqlite(element, compiler, **kw) -> str:  # noqa: ANN001
    return f"json_group_array(json_array({compiler.process(element.clauses, **kw)}))"


@compiles(_json_rows, "postgresql")
def _json_rows_postgresql(element, compiler, **kw) -> str:  # noqa: ANN001
    return f"CAST(json_agg(json_build_array({compiler.process(element.clauses, **kw)})) AS TEXT)"


# The topics asked as [position, id, name_zh, name_en, description_zh, description_en]
# rows, in no set order (an aggregate keeps none; FormData sorts them by position).
_TOPICS_JSON = (
    select(_json_rows(_asked.c.position, _topic.c.id, _topic.c.name_zh, _topic.c.name_en,
                      _topic.c.description_zh, _topic.c.description_en))
    .join_from(_asked, _topic, _topic.c.id == _asked.c.topic_id)
    .where(_asked.c.assessment_id == _assessment.c.id)
    .scalar_subquery()
)
#: The organisation's profile as survey pages show it (the logo by its digest): part of
#: the data a kept page is keyed on (survey/page_cache.py).
ORGANISATION_SHOWN = (
    _organisation.c.name_zh, _organisation.c.name_en, _organisation.c.contact_zh,
    _organisation.c.contact_en, _organisation.c.privacy_zh, _organisation.c.privacy_en,
    _organisation.c.logo_sha256, _organisation.c.updated_at,
)
_FORM_COLUMNS = (
    _assessment.c.title, _assessment.c.title_en, _assessment.c.intro_zh, _assessment.c.intro_en,
    _assessment.c.privacy_zh, _assessment.c.privacy_en,
    _group.c.name_zh, _group.c.name_en, *ORGANISATION_SHOWN, _TOPICS_JSON,
)


@dataclass(frozen=True)
class FormHeading:
    """What the form says above its questions, in the page's language."""

    title: str  #: the assessment's
    intro: str
    privacy: str
    group_name: str  #: the group answering ("" on a general link)


@dataclass(frozen=True)
class FormData:
    """What a link's form shows besides its questions, as read in one query.

    ``row`` holds the values as read (the assessment's texts, the group's names, the
    organisation's profile, the topics as JSON): a kept page is keyed on it, and the
    heading and topics are only built from it when a page is rendered.
    """

    row: tuple

    def heading(self, locale: str) -> FormHeading:
        """The assessment's title, introduction and privacy note, and the group's name.

        The default introduction names the organisation (survey.intro) once its name is set.
        """
        (title, title_en, intro_zh, intro_en, privacy_zh, privacy_en, group_zh, group_en,
         organisation_zh, organisation_en) = self.row[:10]
        intro = named_intro(pick_language(intro_zh, intro_en, locale), locale,
                            pick_language(organisation_zh, organisation_en, locale))
        return FormHeading(pick_language(title, title_en, locale), intro,
                           pick_language(privacy_zh, privacy_en, locale),
                           pick_language(group_zh, group_en, locale))

    def topics(self, locale: str) -> list[TopicQuestion]:
        """The topics asked, in order, named and described in the page's language."""
        rows = sorted(json.loads(self.row[-1] or "[]"))
        return [TopicQuestion(topic_id, pick_language(name_zh, name_en, locale),
                              pick_language(description_zh, description_en, locale))
                for _position, topic_id, name_zh, name_en, description_zh, description_en in rows]


_FORM_OF_LINK = (
    select(*_FORM_COLUMNS)
    .select_from(_assessment
                 .outerjoin(_group, _group.c.id == bindparam("group_id", type_=Integer))
                 .outerjoin(_organisation, _organisation.c.id == ORGANISATION_ID))
    .where(_assessment.c.id == bindparam("assessment_id"))
)
# A form's first view: the link and what its form shows, one query (one round trip).
_LINK_AND_FORM_BY_TOKEN = CursorStatement(
    select(*_LINK_COLUMNS, *_FORM_COLUMNS)
    .select_from(_link
                 .join(_assessment, _assessment.c.id == _link.c.assessment_id)
                 .outerjoin(_group, _group.c.id == _link.c.group_id)
                 .outerjoin(_organisation, _organisation.c.id == ORGANISATION_ID))
    .where(_link.c.token == bindparam("token"))
)


def form_data(connection: Connection, link: LinkFacts) -> FormData:
    """What the link's form shows besides its questions (one query)."""
    row = connection.execute(_FORM_OF_LINK, {"assessment_id": link.assessment_id,
                                             "group_id": link.group_id}).one()
    return FormData(tuple(row))


def find_link_and_form(connection: Connection, token: str) -> tuple[LinkFacts, FormData] | None:
    """The link with this token and what its form shows, in one query (a page view)."""
    row = _LINK_AND_FORM_BY_TOKEN.first(connection, token=token)
    if row is None:
        return None
    return _link_facts(row[:len(_LINK_COLUMNS)]), FormData(row[len(_LINK_COLUMNS):])


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
def _signer(secret_key: str) -> TimestampSigner:
    """One signer per key. A signer on plain text, not a serializer: the stamp holds three
    short ids, which need no JSON, no compression attempt and no second encoding (the
    stamp is made on every view of the form and read on every answer)."""
    return TimestampSigner(secret_key, salt="survey-stamp")


def make_stamp(secret_key: str, uid: str, link_token: str, code: str | None) -> str:
    """Sign the submission id, the link and the render time into the form."""
    return _signer(secret_key).sign(f"{uid}:{link_token}:{code or ''}").decode("ascii")


def read_stamp(secret_key: str, stamp: str, link_token: str,
               code: str | None) -> tuple[str, datetime] | None:
    """The (uid, render time) signed for this link and code, or None if forged or expired."""
    try:
        value, signed_at = _signer(secret_key).unsign(
            stamp, max_age=STAMP_MAX_AGE, return_timestamp=True)
        uid, stamped_token, stamped_code = value.decode("ascii").split(":")
    except (BadSignature, SignatureExpired, ValueError, TypeError):
        return None
    if stamped_token != link_token or stamped_code != (code or ""):
        return None
    return uid, as_utc(signed_at)


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
        chosen = parse_int(form.get("group"), minimum=1)
        if chosen in group_ids:
            posted.group_id = chosen
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
            value = form.get(topic_field(topic_id), "")
            if value in SCORES:
                posted.scores[topic_id] = int(value)
            elif value == DONT_KNOW:
                posted.scores[topic_id] = None
            else:
                posted.errors[topic_field(topic_id)] = messages["topic"]
    for question in questionnaire.questions:
        # Control characters (a NUL, pasted junk) are dropped, not refused: a respondent
        # cannot see them, and the database would refuse the whole response for one.
        value = remove_control_characters(form.get(question.key) or "", multiline=True).strip()
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
