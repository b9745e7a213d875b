"""Who is asking: the organisation profile as respondents and readers see it.

:func:`shown_organisation` reads the one row without its logo bytes (every survey
page shows it, so it must stay cheap); :func:`logo_file` reads the logo for its
URL, which carries the logo's SHA-256 and so may be cached for good. Writes only
flush, like the other operations; the view commits.

The profile is not in the assessments' trail: it changes no result (the trail
records what decides scores and tiers, per assessment).
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from .extensions import db
from .models import ORGANISATION_ID, Organisation, pick_language
from .services.logo import Logo

#: The file extension of each stored logo type, for its address.
LOGO_EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg"}


@dataclass(frozen=True)
class ShownOrganisation:
    """The profile in one language, ready to display ("" where nothing is set)."""

    name: str
    contact: str
    privacy: str
    #: (sha256, extension) of the logo, for url_for("main.organisation_logo", ...)
    logo: tuple[str, str] | None

    def __bool__(self) -> bool:
        return bool(self.name or self.contact or self.privacy or self.logo)


_SHOWN = select(
    Organisation.name_zh, Organisation.name_en, Organisation.contact_zh,
    Organisation.contact_en, Organisation.privacy_zh, Organisation.privacy_en,
    Organisation.logo_sha256, Organisation.logo_mime,
).where(Organisation.id == ORGANISATION_ID)


def shown_organisation(locale: str) -> ShownOrganisation:
    """The profile in ``locale`` (falling back to the other language); empty when unset."""
    row = db.session.execute(_SHOWN).first()
    if row is None:
        return ShownOrganisation("", "", "", None)
    logo = ((row.logo_sha256, LOGO_EXTENSIONS[row.logo_mime])
            if row.logo_sha256 and row.logo_mime in LOGO_EXTENSIONS else None)
    return ShownOrganisation(
        pick_language(row.name_zh, row.name_en, locale),
        pick_language(row.contact_zh, row.contact_en, locale),
        pick_language(row.privacy_zh, row.privacy_en, locale),
        logo)


def organisation_names() -> tuple[str | None, str | None]:
    """The organisation's (Chinese, English) names, None where unset."""
    row = db.session.execute(
        select(Organisation.name_zh, Organisation.name_en)
        .where(Organisation.id == ORGANISATION_ID)).first()
    return (row.name_zh, row.name_en) if row else (None, None)


def organisation_name(locale: str) -> str:
    """The organisation's name in ``locale`` (else the other language), or ""."""
    return pick_language(*organisation_names(), locale)


def the_organisation() -> Organisation:
    """The profile row, made (empty) when missing; for editing."""
    found = db.session.get(Organisation, ORGANISATION_ID)
    if found is None:
        found = Organisation(id=ORGANISATION_ID)
        db.session.add(found)
    return found


def set_names(zh: str | None, en: str | None) -> None:
    """Set the organisation's names only (a loaded bundle's, so its note reads the same)."""
    profile = the_organisation()
    profile.name_zh, profile.name_en = zh, en
    db.session.flush()


def set_logo(profile: Organisation, logo: Logo | None) -> None:
    """Store a checked logo, or remove it (None)."""
    profile.logo = logo.content if logo else None
    profile.logo_mime = logo.mime if logo else None
    profile.logo_sha256 = logo.sha256 if logo else None
    db.session.flush()


def logo_file(sha256: str) -> tuple[bytes, str] | None:
    """(bytes, media type) of the logo if ``sha256`` is the current one's."""
    row = db.session.execute(
        select(Organisation.logo, Organisation.logo_mime)
        .where(Organisation.id == ORGANISATION_ID, Organisation.logo_sha256 == sha256)).first()
    return (row.logo, row.logo_mime) if row and row.logo else None
