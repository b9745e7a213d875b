"""The staff home page, the language switch, the organisation's logo and a health check."""
from __future__ import annotations

import re

from flask import (
    Response,
    abort,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from limits.storage import MemoryStorage
from sqlalchemy import func, text
from sqlalchemy.exc import SQLAlchemyError

from ..auth.access import public
from ..auth.routes import safe_next
from ..extensions import db, survey_rate_limiter
from ..i18n import LOCALES
from ..models import Assessment, StakeholderGroup, Topic
from ..organisation import LOGO_EXTENSIONS, logo_file
from . import bp

_SHA256 = re.compile(r"[0-9a-f]{64}\Z")


@bp.route("/")
def index():
    """Overview: the library's size and the assessments, newest first."""
    topic_count = db.session.scalar(
        db.select(func.count()).select_from(Topic).where(Topic.archived.is_(False))
    )
    group_count = db.session.scalar(db.select(func.count()).select_from(StakeholderGroup))
    assessments = db.session.scalars(
        db.select(Assessment).order_by(Assessment.reporting_year.desc(), Assessment.id.desc())
    ).all()
    return render_template(
        "main/index.html",
        topic_count=topic_count,
        group_count=group_count,
        assessments=assessments,
    )


@bp.route("/lang/<code>")
@public
def set_language(code: str):
    """Remember the chosen language in a cookie and go back where the user was."""
    target = safe_next(request.args.get("next")) or url_for("main.index")
    response = make_response(redirect(target))
    if code in LOCALES:
        response.set_cookie("lang", code, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return response


@bp.route("/organisation/logo/<digest>.<any(png, jpg):ext>")
@public
def organisation_logo(digest: str, ext: str):
    """The organisation's logo; its address names its SHA-256, so it is cached for a year."""
    found = logo_file(digest) if _SHA256.match(digest) else None
    if found is None or LOGO_EXTENSIONS.get(found[1]) != ext:
        abort(404)
    content, mime = found
    response = Response(content, mimetype=mime)
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    response.set_etag(digest)
    return response.make_conditional(request)


@bp.route("/healthz")
@public
def healthz():
    """For the load balancer and the operator: the database and the rate-limit storage, apart.

    503 only when the database is unreachable (no survey can be stored). Redis down
    alone is "degraded", 200: the rate limits then count in each instance's memory
    and the survey keeps working. "rate_limit_storage" is "ok" or "down" (a shared
    storage such as Redis), "memory" (memory://, per process) or "off".
    """
    try:
        db.session.execute(text("SELECT 1"))
        database = "ok"
    except SQLAlchemyError:
        db.session.rollback()
        database = "down"
    storage = _rate_limit_storage_state()
    status = "down" if database != "ok" else ("degraded" if storage == "down" else "ok")
    return ({"status": status, "database": database, "rate_limit_storage": storage},
            503 if database != "ok" else 200, {"Cache-Control": "no-store"})


def _rate_limit_storage_state() -> str:
    limiter = survey_rate_limiter(current_app)
    if limiter is None:
        return "off"
    if isinstance(limiter.storage, MemoryStorage):
        return "memory"
    return "ok" if limiter.storage_answers() else "down"
