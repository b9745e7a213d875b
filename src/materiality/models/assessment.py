"""An assessment cycle: which topics are asked in a reporting year, and how they are scored."""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._base import now_utc, pick_language
from .library import StakeholderGroup, Topic


class AssessmentStatus(StrEnum):
    """Draft while staff prepare it, open while surveys run, closed for the report."""

    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


#: The classic method (weighted means of group and rater-kind means, bootstrap intervals,
#: tiers by thresholds) in its current version; stored on each assessment so a result
#: can name the method that produced it. Bump it when the computation changes.
CLASSIC_METHOD_VERSION = "classic-1"
#: The double-materiality method (services.scoring.double) in its current version.
DOUBLE_METHOD_VERSION = "double-1"


class Method(StrEnum):
    """How an assessment decides what is material."""

    #: Importance to stakeholders and to the company, from the surveys (the demo's).
    CLASSIC = "classic"
    #: Impact and financial materiality, from an IRO register scored by assessors.
    DOUBLE = "double"


METHOD_VERSIONS = {Method.CLASSIC: CLASSIC_METHOD_VERSION, Method.DOUBLE: DOUBLE_METHOD_VERSION}


class ThresholdMode(StrEnum):
    """How the tiers' thresholds are set (see services.scoring.classic)."""

    MIDPOINT = "midpoint"
    MEAN = "mean"
    VALUE = "value"
    TOP_N = "top_n"
    QUANTILE = "quantile"


class Assessment(db.Model):
    """One materiality assessment, usually one per reporting year."""

    __table_args__ = (
        UniqueConstraint("reporting_year", "title"),
        CheckConstraint("status IN ('draft', 'open', 'closed')", name="status"),
        CheckConstraint(
            "threshold_mode IN ('midpoint', 'mean', 'value', 'top_n', 'quantile')",
            name="threshold_mode",
        ),
        CheckConstraint("opens_on IS NULL OR closes_on IS NULL OR opens_on <= closes_on",
                        name="dates_ordered"),
        CheckConstraint("method IN ('classic', 'double')", name="method"),
        CheckConstraint("horizon_short_years > 0 AND horizon_medium_years > horizon_short_years",
                        name="horizons_ordered"),
        CheckConstraint("dm_aggregate IN ('mean', 'median')", name="dm_aggregate"),
        CheckConstraint("dm_combine IN ('geometric', 'arithmetic', 'product')", name="dm_combine"),
        CheckConstraint(
            "dm_threshold_mode IN ('midpoint', 'mean', 'value', 'top_n', 'quantile')",
            name="dm_threshold_mode"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The title in Chinese (or the only title); ``title_en`` is the English one, if any.
    title: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str | None] = mapped_column(String(200))
    reporting_year: Mapped[int]
    status: Mapped[str] = mapped_column(String(16), default=AssessmentStatus.DRAFT)
    opens_on: Mapped[date | None] = mapped_column(Date)
    closes_on: Mapped[date | None] = mapped_column(Date)
    #: Introduction and privacy note shown at the top of every survey.
    intro_zh: Mapped[str | None] = mapped_column(Text)
    intro_en: Mapped[str | None] = mapped_column(Text)
    privacy_zh: Mapped[str | None] = mapped_column(Text)
    privacy_en: Mapped[str | None] = mapped_column(Text)
    #: The assessment this one was copied from, e.g. last year's.
    copied_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("assessment.id", ondelete="SET NULL")
    )
    #: New assessments cut the tiers at the mean of the topics' scores: respondents rate
    #: nearly every listed topic above the scale's midpoint, which then separates nothing
    #: (the demo: 22 of 23 topics "highly material"). Stored modes are never changed.
    threshold_mode: Mapped[str] = mapped_column(String(16), default=ThresholdMode.MEAN)
    threshold_company: Mapped[float | None]
    threshold_stakeholder: Mapped[float | None]
    top_n: Mapped[int | None]
    quantile: Mapped[float | None]
    #: Weights of the company-side rater kinds (default equal).
    weight_management: Mapped[float] = mapped_column(default=1.0)
    weight_internal_expert: Mapped[float] = mapped_column(default=1.0)
    weight_external_expert: Mapped[float] = mapped_column(default=1.0)
    #: Classic or double materiality (:class:`Method`).
    method: Mapped[str] = mapped_column(String(16), default=Method.CLASSIC,
                                        server_default=Method.CLASSIC.value)
    #: Time horizons of a double-materiality assessment's IROs: short up to
    #: ``horizon_short_years``, medium up to ``horizon_medium_years``, long beyond
    #: (ESRS 1 §77: 1 and 5 years).
    horizon_short_years: Mapped[int] = mapped_column(default=1, server_default="1")
    horizon_medium_years: Mapped[int] = mapped_column(default=5, server_default="5")
    #: Double materiality's scoring settings (services.scoring.double's
    #: DoubleMaterialitySettings): how assessors' ratings are aggregated, how severity
    #: and likelihood combine, and the thresholds of the two axes.
    dm_aggregate: Mapped[str] = mapped_column(String(8), default="mean", server_default="mean")
    dm_combine: Mapped[str] = mapped_column(String(12), default="geometric",
                                            server_default="geometric")
    dm_threshold_mode: Mapped[str] = mapped_column(String(16), default="value",
                                                   server_default="value")
    dm_threshold_impact: Mapped[float | None] = mapped_column(default=3.0, server_default="3.0")
    dm_threshold_financial: Mapped[float | None] = mapped_column(default=3.0,
                                                                 server_default="3.0")
    dm_top_n: Mapped[int | None]
    dm_quantile: Mapped[float | None]
    #: The scoring method and its version this assessment is computed with.
    method_version: Mapped[str] = mapped_column(
        String(32), default=CLASSIC_METHOD_VERSION, server_default=CLASSIC_METHOD_VERSION)
    created_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=now_utc)

    topic_links: Mapped[list[AssessmentTopic]] = relationship(
        order_by="AssessmentTopic.position",
        cascade="all, delete-orphan",
        back_populates="assessment",
    )

    @property
    def topics(self) -> list[Topic]:
        """The selected topics in the order they are asked."""
        return [link.topic for link in self.topic_links]

    def display_title(self, locale: str) -> str:
        """The title in the reader's language, else the other one."""
        return pick_language(self.title, self.title_en, locale)

    def intro(self, locale: str) -> str:
        return pick_language(self.intro_zh, self.intro_en, locale)

    def privacy(self, locale: str) -> str:
        return pick_language(self.privacy_zh, self.privacy_en, locale)

    @property
    def rater_kind_weights(self) -> dict[str, float]:
        return {
            "management": self.weight_management,
            "internal_expert": self.weight_internal_expert,
            "external_expert": self.weight_external_expert,
        }


class AssessmentTopic(db.Model):
    """A topic selected for an assessment, at its place in the questionnaire."""

    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessment.id", ondelete="CASCADE"), primary_key=True
    )
    topic_id: Mapped[int] = mapped_column(ForeignKey("topic.id"), primary_key=True)
    position: Mapped[int] = mapped_column(default=0)

    assessment: Mapped[Assessment] = relationship(back_populates="topic_links")
    topic: Mapped[Topic] = relationship(lazy="joined")


class AssessmentGroupWeight(db.Model):
    """A stakeholder group's weight in one assessment's stakeholder score.

    Taken from the group's weight when the assessment is created (or copied), then the
    assessment's own: editing or archiving the group later leaves it alone.
    """

    __table_args__ = (CheckConstraint("weight > 0", name="weight_positive"),)

    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessment.id", ondelete="CASCADE"), primary_key=True
    )
    group_id: Mapped[int] = mapped_column(
        ForeignKey("stakeholder_group.id", ondelete="CASCADE"), primary_key=True
    )
    weight: Mapped[float]


class ResponseTarget(db.Model):
    """How many responses staff aim for from one group in one assessment."""

    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessment.id", ondelete="CASCADE"), primary_key=True
    )
    group_id: Mapped[int] = mapped_column(
        ForeignKey("stakeholder_group.id", ondelete="CASCADE"), primary_key=True
    )
    target: Mapped[int]

    group: Mapped[StakeholderGroup] = relationship()


class CompanyScoreOverride(db.Model):
    """An admin's company score for a topic, with the written reason, kept and shown."""

    __table_args__ = (CheckConstraint("score >= 1 AND score <= 5", name="score_range"),)

    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessment.id", ondelete="CASCADE"), primary_key=True
    )
    topic_id: Mapped[int] = mapped_column(ForeignKey("topic.id"), primary_key=True)
    score: Mapped[float]
    reason: Mapped[str] = mapped_column(Text)
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    set_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=now_utc)


class LabelPosition(db.Model):
    """Where an editor moved a topic's label on the matrix, kept for the next export."""

    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessment.id", ondelete="CASCADE"), primary_key=True
    )
    topic_id: Mapped[int] = mapped_column(ForeignKey("topic.id"), primary_key=True)
    #: "zh_CN" or "en": labels differ in length, so positions are kept per language.
    locale: Mapped[str] = mapped_column(String(8), primary_key=True)
    #: Label anchor in data coordinates (the scale's units).
    x: Mapped[float]
    y: Mapped[float]
