"""The survey's rate limits: a ceiling per link or code, and below it each client's share.

Everyone answering one link shares its ceiling (SURVEY_LINK_GET_LIMIT...). So that
one client cannot use a link up for everyone, each client gets a share of it,
counted twice: per address (request.remote_addr, the proxy's X-Forwarded-For once
TRUST_PROXY is set; an IPv6 client by its /64, which one device can fill with
addresses), generous because a whole room may answer over one Wi-Fi; and per
browser (a random cookie), tight, because one person reads a form a few times. A
client without the cookie (a script, or an in-app browser that drops cookies) is
held by its address share alone.

The client's shares are counted first, the narrowest first, and a request one of
them refuses counts against no broader one. A POST counts against the link only
once its render stamp is valid (the view calls link_post_over_limit then), so junk
posts use up no one's answers.

The views call the limiter directly rather than through Flask-Limiter's decorator,
which resolved and parsed its limits anew on every request and cost a tenth of a
submission (benchmarks/README.md); the limits are read from the config per
request, so tests and benchmarks can change them.
"""
from __future__ import annotations

import ipaddress
import re
import secrets
from collections.abc import Callable
from functools import lru_cache

from flask import Response, current_app, request
from limits import RateLimitItem
from limits import parse as parse_limit

from ..extensions import survey_rate_limiter
from .cookies import set_survey_cookie

#: The browser cookie: random, for counting only (no response is linked to it).
BROWSER_COOKIE = "survey_browser"
BROWSER_COOKIE_AGE = 24 * 3600
_BROWSER_ID = re.compile(r"[A-Za-z0-9_-]{16,64}\Z")

#: "300/minute" -> a limits item, parsed once per setting.
_parsed_limit: Callable[[str], RateLimitItem] = lru_cache(maxsize=32)(parse_limit)


def _hit(setting: str, *identifiers: str) -> bool:
    """Count this request against one limit; True once it is used up."""
    limiter = survey_rate_limiter(current_app)
    if limiter is None or not current_app.config["RATELIMIT_ENABLED"]:
        return False
    return not limiter.hit(_parsed_limit(current_app.config[setting]), *identifiers)


def _method() -> str:
    """GET or POST: page views and answers are counted apart (a HEAD is a page view)."""
    return "POST" if request.method == "POST" else "GET"


@lru_cache(maxsize=4096)
def client_network(address: str) -> str:
    """The address a client is counted by: an IPv4 address, or an IPv6 address's /64."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address[:64] or "-"
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:  # ::ffff:192.0.2.1 is that IPv4 client
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network((parsed, 64), strict=False))
    return str(parsed)


def browser_id() -> str | None:
    """The browser's random counting id from its cookie, if it sent a well-formed one."""
    value = request.cookies.get(BROWSER_COOKIE, "")
    return value if _BROWSER_ID.match(value) else None


def give_browser_id(response: Response) -> Response:
    """Set the counting cookie on a page view from a browser that has none yet."""
    if request.method == "GET" and browser_id() is None:
        set_survey_cookie(response, BROWSER_COOKIE, secrets.token_urlsafe(16), BROWSER_COOKIE_AGE)
    return response


def client_over_limit(target: str) -> bool:
    """Count this request against the client's shares of ``target`` (a link token, or
    "codes" for all invitation codes together); True once either is used up."""
    if survey_rate_limiter(current_app) is None:
        return False
    method = _method()
    # The narrowest share first: what it refuses counts against neither the address
    # (one browser reloading in a loop leaves the rest of its room their share) nor the link.
    browser = browser_id()
    if browser is not None and _hit(f"SURVEY_BROWSER_{method}_LIMIT", f"survey-browser-{method}",
                                    target, browser):
        return True
    return _hit(f"SURVEY_ADDRESS_{method}_LIMIT", f"survey-address-{method}", target,
                client_network(request.remote_addr or "-"))


def link_get_over_limit(token: str) -> bool:
    """Count a page view of a link against the link's ceiling; True once it is used up."""
    return _hit("SURVEY_LINK_GET_LIMIT", "survey-link-GET", token)


def link_post_over_limit(token: str) -> bool:
    """Count a POST with a valid render stamp against the link's ceiling."""
    return _hit("SURVEY_LINK_POST_LIMIT", "survey-link-POST", token)


def code_over_limit(code: str) -> bool:
    """Count a page view, or a POST with a valid stamp, against the code's ceiling."""
    return _hit("SURVEY_CODE_LIMIT", "survey-code", code)
