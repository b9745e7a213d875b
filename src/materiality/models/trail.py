"""The append-only trail of every act that can change an assessment's results."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ._base import now_utc


class TrailEntry(db.Model):
    """One act: who, when (UTC), what, on which assessment, before and after, and why.

    Never updated or deleted: database triggers refuse both (migration 0005), and each
    entry's ``hash`` covers the previous entry's hash and its own content, so a row
    changed behind the app's back is found by ``flask verify-trail``.
    """

    __table_args__ = (
        # One successor per entry: two appends racing cannot fork an assessment's chain.
        UniqueConstraint("assessment_id", "previous_hash"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: No cascade: an assessment with a trail cannot be deleted.
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id"))
    created_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=now_utc)
    #: The staff account at the time (no foreign key: the entry outlives the account);
    #: NULL for the command line.
    user_id: Mapped[int | None]
    user_email: Mapped[str | None] = mapped_column(String(254))
    #: What was done, a code of :class:`materiality.trail.Action`.
    action: Mapped[str] = mapped_column(String(40))
    #: What it was done to, e.g. "submission:12", "link:3", "topic:7", "locale:en".
    subject: Mapped[str | None] = mapped_column(String(100))
    #: Canonical JSON of the values before and after the act (stored as hashed).
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)
    previous_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)
