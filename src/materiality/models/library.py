"""The topic library and the stakeholder groups, kept by CSR staff across years."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, and_
from sqlalchemy.orm import Mapped, foreign, mapped_column, relationship

from ..extensions import db
from ._base import now_utc, pick_language


class Category(db.Model):
    """A topic category: economic, environmental, social, governance, or one staff add."""

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stable key used in files and chart colours, e.g. "environmental".
    key: Mapped[str] = mapped_column(String(40), unique=True)
    name_zh: Mapped[str | None] = mapped_column(String(100))
    name_en: Mapped[str | None] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(default=0)

    def name(self, locale: str) -> str:
        return pick_language(self.name_zh, self.name_en, locale)


class Topic(db.Model):
    """A sustainability topic that can be asked in an assessment."""

    __table_args__ = (
        CheckConstraint("name_zh IS NOT NULL OR name_en IS NOT NULL", name="has_name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name_zh: Mapped[str | None] = mapped_column(String(200), unique=True)
    name_en: Mapped[str | None] = mapped_column(String(200), unique=True)
    description_zh: Mapped[str | None] = mapped_column(Text)
    description_en: Mapped[str | None] = mapped_column(Text)
    category_id: Mapped[int] = mapped_column(ForeignKey("category.id"))
    #: Indicator codes the topic serves, e.g. "S2.1, S2.3" (CASS-CSR 4.0).
    cass_codes: Mapped[str | None] = mapped_column(String(200))
    #: e.g. "GRI 403" or "403-1, 403-2".
    gri_codes: Mapped[str | None] = mapped_column(String(200))
    #: e.g. "E1", "S1-14".
    esrs_codes: Mapped[str | None] = mapped_column(String(200))
    #: Articles of the exchanges' 2024 sustainability reporting guideline, e.g. "第21条".
    guideline_codes: Mapped[str | None] = mapped_column(String(200))
    archived: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=now_utc)

    category: Mapped[Category] = relationship(lazy="joined")

    def name(self, locale: str) -> str:
        return pick_language(self.name_zh, self.name_en, locale)

    def description(self, locale: str) -> str:
        return pick_language(self.description_zh, self.description_en, locale)


class StatementKind(StrEnum):
    """The two columns of the report's response table."""

    EXPECTATION = "expectation"
    RESPONSE = "response"


class StakeholderGroup(db.Model):
    """A stakeholder group, with what it expects and how the company responds."""

    __table_args__ = (CheckConstraint("weight > 0", name="weight_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name_zh: Mapped[str | None] = mapped_column(String(200), unique=True)
    name_en: Mapped[str | None] = mapped_column(String(200), unique=True)
    #: Weight of the group's mean in the stakeholder score (default equal).
    weight: Mapped[float] = mapped_column(default=1.0)
    #: Order in lists, surveys and the response table.
    position: Mapped[int] = mapped_column(default=0)
    #: Groups such as the board or the regulator answer only with single-use codes.
    invitation_only: Mapped[bool] = mapped_column(default=False)
    archived: Mapped[bool] = mapped_column(default=False)

    expectations: Mapped[list[GroupStatement]] = relationship(
        primaryjoin=lambda: and_(
            StakeholderGroup.id == foreign(GroupStatement.group_id),
            GroupStatement.kind == StatementKind.EXPECTATION.value,
        ),
        order_by=lambda: GroupStatement.position,
        viewonly=True,
    )
    responses: Mapped[list[GroupStatement]] = relationship(
        primaryjoin=lambda: and_(
            StakeholderGroup.id == foreign(GroupStatement.group_id),
            GroupStatement.kind == StatementKind.RESPONSE.value,
        ),
        order_by=lambda: GroupStatement.position,
        viewonly=True,
    )

    def name(self, locale: str) -> str:
        return pick_language(self.name_zh, self.name_en, locale)

    def statements(self, kind: str) -> list[GroupStatement]:
        return self.expectations if kind == StatementKind.EXPECTATION else self.responses


class GroupStatement(db.Model):
    """One expectation of a group, or one of the company's responses to it."""

    __table_args__ = (
        CheckConstraint("kind IN ('expectation', 'response')", name="kind"),
        CheckConstraint("text_zh IS NOT NULL OR text_en IS NOT NULL", name="has_text"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(
        ForeignKey("stakeholder_group.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    position: Mapped[int]
    text_zh: Mapped[str | None] = mapped_column(Text)
    text_en: Mapped[str | None] = mapped_column(Text)

    def text(self, locale: str) -> str:
        return pick_language(self.text_zh, self.text_en, locale)


def ordered_groups(include_archived: bool = False) -> list[StakeholderGroup]:
    """Stakeholder groups in their configured order (archived ones only when asked)."""
    query = db.select(StakeholderGroup).order_by(StakeholderGroup.position, StakeholderGroup.id)
    if not include_archived:
        query = query.where(StakeholderGroup.archived.is_(False))
    return list(db.session.scalars(query))

