"""The register of impacts, risks and opportunities (IROs) of a double-materiality assessment.

Where in the value chain an IRO lies is stored as three booleans (upstream, own
operations, downstream): an impact often spans several stages (a supplier's emissions
and our own), a boolean per stage can be filtered and checked by the database, and the
set is fixed by the standards (ESRS 1 §63-§67), so a join table would buy nothing.
"""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Column, ForeignKey, SmallInteger, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._base import now_utc, pick_language
from .library import StakeholderGroup, Topic


class IroKind(StrEnum):
    """What an IRO is: an impact of the company on people or the environment, or a
    sustainability matter's financial effect on the company."""

    NEGATIVE_IMPACT = "negative_impact"
    POSITIVE_IMPACT = "positive_impact"
    RISK = "risk"
    OPPORTUNITY = "opportunity"


IMPACT_KINDS = (IroKind.NEGATIVE_IMPACT, IroKind.POSITIVE_IMPACT)


class Actuality(StrEnum):
    """An impact that happens (actual) or may happen (potential)."""

    ACTUAL = "actual"
    POTENTIAL = "potential"


class TimeHorizon(StrEnum):
    """Short, medium or long term, as the assessment defines them (ESRS 1 §77 defaults)."""

    SHORT = "short"
    MEDIUM = "medium"
    LONG = "long"


class ValueChainStage(StrEnum):
    """Where in the value chain an IRO lies; each is a boolean column of :class:`Iro`."""

    UPSTREAM = "upstream"
    OWN_OPERATIONS = "own_operations"
    DOWNSTREAM = "downstream"


#: The criteria assessors rate, 1-5 or "cannot judge" (see services.scoring.double).
CRITERIA = ("scale", "scope", "irremediable", "likelihood", "magnitude")

iro_stakeholder_group = Table(
    "iro_stakeholder_group",
    db.metadata,
    Column("iro_id", ForeignKey("iro.id", ondelete="CASCADE"), primary_key=True),
    Column("group_id", ForeignKey("stakeholder_group.id", ondelete="CASCADE"), primary_key=True),
)


class Iro(db.Model):
    """One impact, risk or opportunity of one topic of one assessment."""

    __table_args__ = (
        CheckConstraint(
            "kind IN ('negative_impact', 'positive_impact', 'risk', 'opportunity')", name="kind"),
        # Impacts are actual or potential; risks and opportunities are neither. (IS NOT NULL:
        # a NULL in IN (...) makes the CHECK unknown, which passes.)
        CheckConstraint(
            "(kind IN ('negative_impact', 'positive_impact') "
            "AND actuality IS NOT NULL AND actuality IN ('actual', 'potential')) "
            "OR (kind IN ('risk', 'opportunity') AND actuality IS NULL)", name="actuality"),
        # Human rights are asked of negative impacts only (ESRS 1 §45).
        CheckConstraint("NOT human_rights OR kind = 'negative_impact'", name="human_rights"),
        CheckConstraint("upstream OR own_operations OR downstream", name="value_chain"),
        CheckConstraint("time_horizon IN ('short', 'medium', 'long')", name="time_horizon"),
        CheckConstraint("description_zh IS NOT NULL OR description_en IS NOT NULL",
                        name="has_description"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessment.id", ondelete="CASCADE"), index=True)
    #: One of the assessment's topics (checked by the operations that write IROs).
    topic_id: Mapped[int] = mapped_column(ForeignKey("topic.id"))
    kind: Mapped[str] = mapped_column(String(20))
    #: "actual" or "potential" for impacts; NULL for risks and opportunities.
    actuality: Mapped[str | None] = mapped_column(String(12))
    human_rights: Mapped[bool] = mapped_column(default=False)
    upstream: Mapped[bool] = mapped_column(default=False)
    own_operations: Mapped[bool] = mapped_column(default=False)
    downstream: Mapped[bool] = mapped_column(default=False)
    time_horizon: Mapped[str] = mapped_column(String(8))
    description_zh: Mapped[str | None] = mapped_column(Text)
    description_en: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=now_utc)

    topic: Mapped[Topic] = relationship(lazy="joined")
    groups: Mapped[list[StakeholderGroup]] = relationship(
        secondary=iro_stakeholder_group, order_by="StakeholderGroup.position")

    @property
    def is_impact(self) -> bool:
        return self.kind in IMPACT_KINDS

    @property
    def value_chain(self) -> tuple[str, ...]:
        """The stages the IRO lies in, in value-chain order."""
        return tuple(stage.value for stage in ValueChainStage if getattr(self, stage.value))

    def description(self, locale: str) -> str:
        return pick_language(self.description_zh, self.description_en, locale)


class IroRating(db.Model):
    """An assessor's rating of one criterion of one IRO: 1-5, or NULL for "cannot judge".

    The assessor is a survey response (a submission through a link, usually opened by
    an invitation code), as for the classic method's company raters: the code says who
    was invited, the submission holds when and in which language.
    """

    __table_args__ = (
        CheckConstraint("value IS NULL OR (value >= 1 AND value <= 5)", name="value_range"),
        CheckConstraint(
            "criterion IN ('scale', 'scope', 'irremediable', 'likelihood', 'magnitude')",
            name="criterion"),
    )

    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submission.id", ondelete="CASCADE"), primary_key=True)
    iro_id: Mapped[int] = mapped_column(
        ForeignKey("iro.id", ondelete="CASCADE"), primary_key=True, index=True)
    criterion: Mapped[str] = mapped_column(String(16), primary_key=True)
    value: Mapped[int | None] = mapped_column(SmallInteger)


class CriterionAnchor(db.Model):
    """An assessment's own wording of one level of one criterion's 1-5 scale.

    The defaults (zh and en) ship with the code; a row here replaces the default
    for that assessment, criterion and level, so assessors read the words the
    CSR team chose and the methodology note can print them.
    """

    __table_args__ = (
        CheckConstraint("level >= 1 AND level <= 5", name="level_range"),
        CheckConstraint(
            "criterion IN ('scale', 'scope', 'irremediable', 'likelihood', 'magnitude')",
            name="criterion"),
    )

    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessment.id", ondelete="CASCADE"), primary_key=True)
    criterion: Mapped[str] = mapped_column(String(16), primary_key=True)
    level: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    text_zh: Mapped[str | None] = mapped_column(String(300))
    text_en: Mapped[str | None] = mapped_column(String(300))

