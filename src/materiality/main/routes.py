"""The staff home page, the language switch and a health check."""
from __future__ import annotations

from flask import make_response, redirect, render_template, request, url_for
from sqlalchemy import func, text

from ..auth.access import public
from ..auth.routes import safe_next
from ..extensions import db
from ..i18n import LOCALES
from ..models import Assessment, StakeholderGroup, Topic
from . import bp


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


@bp.route("/healthz")
@public
def healthz():
    """For the load balancer: the app answers and reaches its database."""
    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}
