"""One mechanism for every questionnaire: links, invitation codes, submissions, ratings.

A questionnaire kind decides only which questions are asked: the stakeholder
importance survey, the company-side rating and the report's reader feedback form
all travel through the same links, codes and safe submission.
"""
from __future__ import annotations

import secrets
from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._base import now_utc
from .assessment import Assessment
from .library import StakeholderGroup


class QuestionnaireKind(StrEnum):
    """Which questions a link asks."""

    STAKEHOLDER = "stakeholder"  # importance to stakeholders, per topic
    COMPANY = "company"  # importance to the company's development, per topic
    FEEDBACK = "feedback"  # the report's reader feedback form
    ASSESSOR = "assessor"  # a double-materiality assessor rates each IRO's criteria


class RaterKind(StrEnum):
    """Company-side raters; each kind carries a weight in the company score."""

    MANAGEMENT = "management"
    INTERNAL_EXPERT = "internal_expert"
    EXTERNAL_EXPERT = "external_expert"


#: Short codes use Crockford's base32 alphabet: no I, L, O or U to misread or mistype.
SHORT_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
#: 8 characters of 32 = 40 bits, the least a guessable-by-hand address may carry.
SHORT_CODE_LENGTH = 8


def new_short_code() -> str:
    """A short address code for a link (``/s/<code>``), 40 random bits, easy to type."""
    return "".join(secrets.choice(SHORT_CODE_ALPHABET) for _ in range(SHORT_CODE_LENGTH))


class LinkState(StrEnum):
    """A link can be paused and resumed, or closed for good."""

    ACTIVE = "active"
    PAUSED = "paused"
    CLOSED = "closed"


def new_token() -> str:
    """An unguessable URL token: 192 bits from the OS's CSPRNG.

    It never starts with "-" or "_": codes are handed out in CSV files for mail merges,
    where a leading "-" reads as a formula, and a leading "-" or "_" is easily lost by hand.
    """
    while True:
        token = secrets.token_urlsafe(24)
        if token[0].isalnum():
            return token


class SurveyLink(db.Model):
    """A public link (and its QR code) to one questionnaire of one assessment."""

    __table_args__ = (
        CheckConstraint("kind IN ('stakeholder', 'company', 'feedback', 'assessor')", name="kind"),
        CheckConstraint("state IN ('active', 'paused', 'closed')", name="state"),
        CheckConstraint(
            "rater_kind IS NULL OR rater_kind IN "
            "('management', 'internal_expert', 'external_expert')",
            name="rater_kind",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessment.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    #: The group answering a stakeholder link; NULL is the general link (respondent picks).
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("stakeholder_group.id", ondelete="CASCADE")
    )
    #: The rater kind answering a company link; NULL lets the rater pick.
    rater_kind: Mapped[str | None] = mapped_column(String(24))
    token: Mapped[str] = mapped_column(String(64), unique=True, default=new_token)
    #: A short address for the poster (see :func:`new_short_code`); unique.
    short_code: Mapped[str | None] = mapped_column(String(16), unique=True, index=True,
                                                   default=new_short_code)
    state: Mapped[str] = mapped_column(String(16), default=LinkState.ACTIVE)
    #: When set, the link answers "closed" from this moment on.
    closes_at: Mapped[datetime | None] = mapped_column(db.DateTime(timezone=True))
    #: Only single-use invitation codes open this link (board, regulator, company raters).
    requires_code: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=now_utc)

    assessment: Mapped[Assessment] = relationship()
    group: Mapped[StakeholderGroup | None] = relationship()


class InvitationCode(db.Model):
    """A single-use code that opens a link for one respondent."""

    id: Mapped[int] = mapped_column(primary_key=True)
    link_id: Mapped[int] = mapped_column(
        ForeignKey("survey_link.id", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(String(64), unique=True, default=new_token)
    #: Free text for staff, e.g. the invitee's role; never shown to respondents.
    note: Mapped[str | None] = mapped_column(String(200))
    used_at: Mapped[datetime | None] = mapped_column(db.DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=now_utc)

    link: Mapped[SurveyLink] = relationship()


class Submission(db.Model):
    """One respondent's whole answer to one questionnaire."""

    __table_args__ = (
        CheckConstraint("kind IN ('stakeholder', 'company', 'feedback', 'assessor')", name="kind"),
        Index("ix_submission_assessment_kind", "assessment_id", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Made by the survey page; a retried POST with the same uid is stored once.
    uid: Mapped[str] = mapped_column(String(64), unique=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"))
    link_id: Mapped[int] = mapped_column(ForeignKey("survey_link.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("stakeholder_group.id", ondelete="SET NULL")
    )
    rater_kind: Mapped[str | None] = mapped_column(String(24))
    #: Unique: the database itself refuses a second use of a code.
    invitation_code_id: Mapped[int | None] = mapped_column(
        ForeignKey("invitation_code.id", ondelete="SET NULL"), unique=True
    )
    locale: Mapped[str] = mapped_column(String(8), default="zh_CN")
    started_at: Mapped[datetime | None] = mapped_column(db.DateTime(timezone=True))
    submitted_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=now_utc)
    #: Open answers: "Other topics we should address" and "What do you expect from us?".
    other_topics: Mapped[str | None] = mapped_column(Text)
    expectations: Mapped[str | None] = mapped_column(Text)
    #: Deleted responses are kept with the reason and left out of every count and score.
    deleted_at: Mapped[datetime | None] = mapped_column(db.DateTime(timezone=True))
    deleted_reason: Mapped[str | None] = mapped_column(Text)
    deleted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    link: Mapped[SurveyLink] = relationship()
    group: Mapped[StakeholderGroup | None] = relationship()
    ratings: Mapped[list[Rating]] = relationship(cascade="all, delete-orphan")
    answers: Mapped[list[Answer]] = relationship(cascade="all, delete-orphan")


class Rating(db.Model):
    """A respondent's rating of one topic: 1–5, or NULL for "don't know".

    Read by submission only (scores load an assessment's ratings through its
    submissions), so the primary key is the one index. A topic_id index would
    add 25 scattered index pages to every submission's write (migration 0002).
    """

    __table_args__ = (
        CheckConstraint("score IS NULL OR (score >= 1 AND score <= 5)", name="score_range"),
    )

    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submission.id", ondelete="CASCADE"), primary_key=True
    )
    topic_id: Mapped[int] = mapped_column(ForeignKey("topic.id"), primary_key=True)
    score: Mapped[int | None] = mapped_column(SmallInteger)


class Answer(db.Model):
    """An answer to a non-topic question, e.g. the feedback form's questions."""

    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submission.id", ondelete="CASCADE"), primary_key=True
    )
    question: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
