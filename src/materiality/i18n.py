"""Languages: zh_CN and en; the user's choice, else the browser's, else zh_CN."""
from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache

from babel import Locale
from flask import has_request_context, request
from flask_babel import format_datetime, get_locale, to_utc
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

LOCALES = ("zh_CN", "en")
LOCALE_NAMES = {"zh_CN": "中文", "en": "English"}
DEFAULT_LOCALE = "zh_CN"
# Babel reads "zh_CN" as zh_Hans_CN, so the Chinese catalog lives under that CLDR
# name (translations/zh_Hans_CN); the app itself speaks of "zh_CN" throughout.
# Parsed once: Locale.parse costs about half a millisecond per request otherwise.
_PARSED = {code: Locale.parse(code) for code in LOCALES}


def select_locale() -> Locale | None:
    """The user's choice (a remembered cookie), else Accept-Language, else zh_CN.

    Outside a request (CLI commands) None lets Flask-Babel use BABEL_DEFAULT_LOCALE.
    """
    if not has_request_context():
        return None
    chosen = request.args.get("lang") or request.cookies.get("lang")
    if chosen not in LOCALES:
        chosen = _browser_locale(request.headers.get("Accept-Language", ""))
    return _PARSED[chosen]


@lru_cache(maxsize=256)
def _browser_locale(accept_language: str) -> str:
    """The language for an Accept-Language header: a room of phones sends a few distinct
    headers, so each is parsed and matched once, not on every request."""
    best = parse_accept_header(accept_language, LanguageAccept).best_match(["zh_CN", "zh", "en"])
    return "en" if best == "en" else DEFAULT_LOCALE


def locale_code() -> str:
    """The current page's language as "zh_CN" or "en" (for models and services)."""
    locale = get_locale()
    return "en" if locale is not None and locale.language == "en" else DEFAULT_LOCALE


# -- times ---------------------------------------------------------------------------------
# Stored in UTC; shown and entered in the organisation's time zone (DEFAULT_TIMEZONE,
# Asia/Shanghai unless set), which is what staff and respondents read on a clock.

def local_time(moment: datetime | None, with_zone: bool = False) -> str:
    """A stored moment as "2026-12-02 17:00" in the app's time zone ("(UTC+08:00)" added
    where the reader may be elsewhere, as on a poster). A naive value is read as UTC."""
    if moment is None:
        return ""
    return format_datetime(moment, "yyyy-MM-dd HH:mm '(UTC'xxx')'" if with_zone else "yyyy-MM-dd HH:mm")


def time_zone_label() -> str:
    """The app's time zone as its offset now, "UTC+08:00": what a time entered here means."""
    return format_datetime(datetime.now(UTC), "'UTC'xxx")


def local_input_value(moment: datetime | None) -> str:
    """A stored moment as a datetime-local input shows it, in the app's time zone."""
    return format_datetime(moment, "yyyy-MM-dd'T'HH:mm") if moment else ""


def from_local_time(entered: datetime) -> datetime:
    """A naive time entered in the app's time zone, as an aware UTC moment to store."""
    return to_utc(entered).replace(tzinfo=UTC)
