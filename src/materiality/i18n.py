"""Languages: zh_CN and en; the user's choice, else the browser's, else zh_CN."""
from __future__ import annotations

from babel import Locale
from flask import has_request_context, request
from flask_babel import get_locale

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
        best = request.accept_languages.best_match(["zh_CN", "zh", "en"])
        chosen = "en" if best == "en" else DEFAULT_LOCALE
    return _PARSED[chosen]


def locale_code() -> str:
    """The current page's language as "zh_CN" or "en" (for models and services)."""
    locale = get_locale()
    return "en" if locale is not None and locale.language == "en" else DEFAULT_LOCALE
