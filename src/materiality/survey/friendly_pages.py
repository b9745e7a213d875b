"""The survey's friendly pages: refused by a rate limit, a link or code that takes no
answers, and the notice above a form that came back. Shared by the survey's views and
the assessor panel's (survey/assessor_view.py)."""
from __future__ import annotations

from flask import abort, render_template, request
from flask_babel import gettext as _

from .operations import LinkFacts

#: The status of each page that is not the form (the friendly page is its body).
_CLOSED_STATUS = {
    "unknown": 404,
    "paused": 404,  # staff may resume it
    "not_open": 404,  # a draft assessment opens later; a closed one is set apart below
    "closed": 410,
    "code_used": 410,
    "code_required": 403,
}


def busy_page():
    """Refused by a rate limit: a page view gets the plain 429 page; posted answers come
    back as hidden fields with a button to send them again (the same submission id, so
    they are stored once), which loses nothing even without JavaScript."""
    if request.method != "POST":
        abort(429)
    return render_template("survey/busy.html", fields=request.form.items(multi=True)), 429, {
        "Retry-After": "60"}


def notice_text(code: str) -> str:
    """Why a sent form came back: it was open too long, or answered too fast."""
    return {
        "expired": _("This page was open for a long time. Your answers are kept below; "
                     "please check them and submit again."),
        "too_fast": _("That was very quick. Please check your answers and submit again."),
    }[code]


def closed_page(reason: str, link: LinkFacts | None = None):
    """The friendly page for a link or code that takes no answers, with its status."""
    status = _CLOSED_STATUS[reason]
    if reason == "not_open" and link is not None and link.assessment_status == "closed":
        status = 410
    return render_template("survey/closed.html", reason=reason, link=link), status, {
        "Cache-Control": "no-store"}
