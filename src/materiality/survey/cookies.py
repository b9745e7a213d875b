"""The survey's own cookies: the counting id and the answered marker.

Set with Max-Age alone. Werkzeug's set_cookie also writes an Expires date computed from
it (for browsers older than RFC 6265), and formatting that date was a twentieth of a
form view's CPU; every browser a respondent uses today honours Max-Age.
"""
from __future__ import annotations

from flask import Response, current_app
from werkzeug.http import dump_cookie


def set_survey_cookie(response: Response, key: str, value: str, max_age: int,
                      path: str = "/") -> None:
    """Set an HttpOnly, SameSite=Lax cookie (Secure where the session cookie is)."""
    response.headers.add("Set-Cookie", dump_cookie(
        key, value, max_age=max_age, path=path, httponly=True, samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"], sync_expires=False,
        max_size=response.max_cookie_size))
