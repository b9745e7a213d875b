"""Who is asking: the organisation that runs the assessments.

One row (id 1), edited by admins. Its name, logo, contact line and privacy notice
appear on every survey page, the thanks page, the poster, the code sheet and in the
methodology note, so respondents and readers know who is asking.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ._base import now_utc, pick_language

#: The profile's only row.
ORGANISATION_ID = 1


class Organisation(db.Model):
    """The organisation's profile: names, logo, contact and privacy notice, zh and en."""

    __table_args__ = (
        CheckConstraint("id = 1", name="single_row"),
        CheckConstraint("logo IS NULL OR logo_mime IN ('image/png', 'image/jpeg')",
                        name="logo_mime"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, default=ORGANISATION_ID)
    name_zh: Mapped[str | None] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(200))
    contact_zh: Mapped[str | None] = mapped_column(String(300))
    contact_en: Mapped[str | None] = mapped_column(String(300))
    privacy_zh: Mapped[str | None] = mapped_column(Text)
    privacy_en: Mapped[str | None] = mapped_column(Text)
    #: The logo as uploaded after validation (PNG or JPEG), served by the app.
    logo: Mapped[bytes | None] = mapped_column(LargeBinary)
    logo_mime: Mapped[str | None] = mapped_column(String(32))
    #: SHA-256 of the logo, for its cache-busting URL.
    logo_sha256: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=now_utc,
                                                 onupdate=now_utc)

    def name(self, locale: str) -> str:
        return pick_language(self.name_zh, self.name_en, locale)

    def contact(self, locale: str) -> str:
        return pick_language(self.contact_zh, self.contact_en, locale)

    def privacy(self, locale: str) -> str:
        return pick_language(self.privacy_zh, self.privacy_en, locale)
