"""Survey pages rendered once and served many times, per process, keyed by their data.

A link's form is the same page for everyone who opens it in one language, but for the
values made per view: the submission id (twice) and the signed render stamp. Rendering
it from the template (25 topic cards and some sixty translated strings) was most of a
GET's cost (benchmarks/README.md). So the page is rendered once with markers in place of
those values and split at the markers; each view joins the parts with its own values.
The thanks page is kept the same way, with the submission id it names as its value.

The key holds what the page shows, as read for this very request: the link's facts, the
topics and the heading (assessment, group) in the page's language, the groups offered,
the organisation's profile, the language, the method and the path with its query (the
language switch links back to it), and whether a staff member is logged in. A change of
any of them makes a new key, so an old page is never served: on every instance at once,
with nothing to signal between them (the app runs as several stateless instances). Old
pages age out of a bounded cache. Translations are resolved when a page is rendered, so
once per language and data, not per view.

Only the plain first view is kept: a page with posted values, errors or a notice, or
with flashed messages waiting, is rendered as before.
"""
from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Hashable, Mapping

from flask import current_app, request, session
from flask_login import current_user
from sqlalchemy import Connection, select

from ..lru import LRUCache
from ..models import Organisation
from ..models.organisation import ORGANISATION_ID
from .operations import ORGANISATION_SHOWN

#: How many pages (and bytes) a process keeps: links x languages x data versions.
PAGES_KEPT = 512
PAGE_BYTES_KEPT = 64 * 1024 * 1024

#: Stands for a per-view value while a page is rendered: random per process, so no
#: text of the page can contain it. Values filled in are made by the app (hex ids and
#: the URL-safe stamp) and need no escaping.
_MARK = "pc" + secrets.token_hex(12)
_FIELDS = ("uid", "stamp", "done")
_SPLIT = re.compile(f"{_MARK}({'|'.join(_FIELDS)})")


def marker(field: str) -> str:
    """What to render in place of the per-view value ``field``."""
    return _MARK + field


def _pages() -> LRUCache:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    found = app.extensions.get("materiality_survey_pages")
    if found is None:
        found = app.extensions["materiality_survey_pages"] = LRUCache(PAGES_KEPT,
                                                                      PAGE_BYTES_KEPT)
    return found


def usable() -> bool:
    """Whether this view may be served from the cache (a first view, nothing flashed)."""
    return (current_app.config.get("SURVEY_PAGE_CACHE", True)
            and request.method in ("GET", "HEAD") and not session.get("_flashes"))


_ORGANISATION = select(*ORGANISATION_SHOWN).where(Organisation.id == ORGANISATION_ID)


def organisation_version(connection: Connection) -> tuple | None:
    """The organisation's profile as shown on survey pages (the logo by its digest)."""
    row = connection.execute(_ORGANISATION).first()
    return None if row is None else tuple(row)


def request_key(value: str = "") -> tuple:
    """What every survey page depends on in the request itself; ``value`` is a per-view
    value the query carries (left out of the key)."""
    path = request.full_path.replace(value, "") if value else request.full_path
    return (request.method, path, _signed_in())


def _signed_in() -> bool:
    """Whether a staff member is logged in. Only a browser with a session or remember
    cookie can be; the phones answering a survey send neither, so their views load no user."""
    config = current_app.config
    if not (request.cookies.get(config["SESSION_COOKIE_NAME"])
            or request.cookies.get(config.get("REMEMBER_COOKIE_NAME", "remember_token"))):
        return False
    return bool(current_user.is_authenticated)


def page(key: Hashable, render: Callable[[], str], values: Mapping[str, str]) -> bytes:
    """The page kept under ``key`` (rendered by ``render`` with :func:`marker` in place of
    each per-view value, when missing) with ``values`` filled in, as UTF-8.

    The parts are kept encoded, so a view joins bytes and encodes only its own values
    (ASCII ids and stamps), not the whole page again.
    """
    pages = _pages()
    parts = pages.get(key)
    if parts is None:
        split = _SPLIT.split(render())
        split[::2] = [text.encode() for text in split[::2]]
        parts = tuple(split)
        pages.put(key, parts, sum(len(p) for p in parts[::2]))
    filled = list(parts)
    filled[1::2] = [values[name].encode() for name in parts[1::2]]
    return b"".join(filled)
