"""Shared column helpers for the models."""
from __future__ import annotations

from datetime import UTC, datetime


def now_utc() -> datetime:
    """The current time, timezone-aware, evaluated per row (not at import)."""
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """A stored moment, timezone-aware: SQLite hands back naive values, stored in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def pick_language(zh: str | None, en: str | None, locale: str) -> str:
    """Text in the page's language, falling back to the other language when missing."""
    first, second = (en, zh) if str(locale).startswith("en") else (zh, en)
    return (first or second or "").strip()
