"""The public survey pages: a link or an invitation code, the form, thank-you, closed.

CSRF: the survey POST is exempt from Flask-WTF's session-cookie CSRF check. The
respondents are anonymous phones, often inside in-app browsers that drop cookies,
and a forged cross-site POST could at worst add an anonymous response, which
is exactly what the form does anyway. The POST is protected otherwise: it must
carry a stamp signed by the server (itsdangerous, SECRET_KEY) that binds the
submission id to this link or code and records when the form was rendered, so
a response can only follow a real GET of the form, no sooner than
SURVEY_MIN_SECONDS after it; the submission id is stored at most once; the link
and the code carry their own rate limits; and CSP form-action 'self' applies.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from functools import lru_cache

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from limits import RateLimitItem
from limits import parse as parse_limit
from markupsafe import Markup
from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from ..auth.access import public
from ..extensions import csrf, limiter
from ..i18n import LOCALES, locale_code
from . import bp
from .operations import (
    CodeFacts,
    LinkFacts,
    PostedResponse,
    find_code,
    find_link,
    form_heading,
    link_unavailable,
    make_stamp,
    new_uid,
    open_group_ids,
    open_groups,
    read_response,
    read_stamp,
    topics_asked,
)
from .questionnaires import DONT_KNOW, IMPORTANCE_SCALE, RATER_KINDS, questionnaire_for
from .storing import code_used, store_submission, submission_exists, survey_connection
from .widgets import ScaleRenderer

HONEYPOT = "website"

#: Shown next to a question; lazy, so a valid POST translates nothing.
ERROR_MESSAGES = {
    "group": _l("Please choose your group."),
    "rater_kind": _l("Please choose how you take part."),
    "topic": _l("Please choose a rating, or \u201cDon't know\u201d."),
    "choice": _l("Please choose an answer."),
    "too_long": _l("This answer is too long."),
}


#: "300/minute" -> a limits item, parsed once per setting.
_parsed_limit: Callable[[str], RateLimitItem] = lru_cache(maxsize=16)(parse_limit)


def _over_limit(limit_setting: str, scope: str, key: str) -> bool:
    """Count this request against a limit per link or per code; True once it is used up.

    Not per IP address: a whole room may answer over one Wi-Fi. Flask-Limiter owns
    the storage (memory://, or Redis shared by every instance) and the strategy;
    these views call its rate limiter directly instead of through its decorator,
    which resolved and parsed its limits anew on every request and cost a tenth of
    a submission (benchmarks/README.md). The limits are read from the config per
    request, so tests and benchmarks can change them.
    """
    config = current_app.config
    return config["RATELIMIT_ENABLED"] and not limiter.limiter.hit(
        _parsed_limit(config[limit_setting]), scope, key)


def _busy():
    """Refused by a rate limit: a page view gets the plain 429 page; posted answers come
    back as hidden fields with a button to send them again (the same submission id, so
    they are stored once), which loses nothing even without JavaScript."""
    if request.method != "POST":
        abort(429)
    return render_template("survey/busy.html", fields=request.form.items(multi=True)), 429, {
        "Retry-After": "60"}


def _notice(code: str) -> str:
    return {
        "expired": _("This page was open for a long time. Your answers are kept below; "
                     "please check them and submit again."),
        "too_fast": _("That was very quick. Please check your answers and submit again."),
    }[code]


@bp.route("/s/<token>", methods=["GET", "POST"])
@public
@csrf.exempt
def by_link(token: str):
    """A questionnaire reached by its link (or its QR code)."""
    # Page views and answers are counted apart: reading the form uses up no answers.
    method = "POST" if request.method == "POST" else "GET"
    if _over_limit(f"SURVEY_LINK_{method}_LIMIT", f"survey-link-{method}", token):
        return _busy()
    # A Core connection, not the ORM session: the POST is the hot path under load,
    # and the session's bookkeeping cost about a tenth of it (benchmarks/README.md).
    with survey_connection() as connection:
        link = find_link(connection, token)
        if link is None:
            return render_template("survey/closed.html", reason="unknown"), 404
        if link.requires_code:
            return render_template("survey/closed.html", reason="code_required", link=link)
        return _questionnaire(connection, link, None)


@bp.route("/i/<code>", methods=["GET", "POST"])
@public
@csrf.exempt
def by_code(code: str):
    """A questionnaire reached by a single-use invitation code."""
    if _over_limit("SURVEY_CODE_LIMIT", "survey-code", code):
        return _busy()
    with survey_connection() as connection:
        found = find_code(connection, code)
        if found is None:
            return render_template("survey/closed.html", reason="unknown"), 404
        invitation, link = found
        return _questionnaire(connection, link, invitation)


@bp.route("/s/<token>/thanks")
@public
def thanks(token: str):
    """Shown once a response is stored, and again for a retried one."""
    with survey_connection() as connection:
        link = find_link(connection, token)
    if link is None:
        return render_template("survey/closed.html", reason="unknown"), 404
    return render_template("survey/thanks.html", link=link, done=request.args.get("done", ""))


def _questionnaire(connection: Connection, link: LinkFacts, code: CodeFacts | None):
    """Show, check and store one questionnaire, whichever way it was reached."""
    reason = link_unavailable(link)
    if reason:
        return render_template("survey/closed.html", reason=reason, link=link)
    code_text = code.code if code else None
    secret = current_app.config["SECRET_KEY"]
    if request.method == "GET":
        if code is not None and code_used(connection, code):
            return render_template("survey/closed.html", reason="code_used", link=link)
        uid = new_uid()
        return _render(connection, link, code, uid, make_stamp(secret, uid, link.token, code_text))

    form = request.form
    thanks_url = url_for("survey.thanks", token=link.token, done=form.get("uid", ""))
    if form.get(HONEYPOT):
        # A bot filled the hidden field: answer as if stored, store nothing.
        return redirect(thanks_url, code=303)
    stamp = read_stamp(secret, form.get("stamp", ""), link.token, code_text)
    group_ids = open_group_ids(connection) if link.picks_group else frozenset()
    response = read_response(form, link, questionnaire_for(link.kind), group_ids, ERROR_MESSAGES)
    if stamp is None or stamp[0] != form.get("uid"):
        uid = new_uid()
        return _render(connection, link, code, uid, make_stamp(secret, uid, link.token, code_text),
                       response, notice=_notice("expired"))
    uid, rendered_at = stamp
    min_seconds = current_app.config.get("SURVEY_MIN_SECONDS", 0)
    too_fast = (datetime.now(UTC) - rendered_at).total_seconds() < min_seconds
    if response.errors or too_fast:
        return _render(connection, link, code, uid, form["stamp"], response,
                       notice=_notice("too_fast") if too_fast and not response.errors else None)
    if code is not None and code_used(connection, code):
        if submission_exists(connection, uid):
            return redirect(thanks_url, code=303)
        return render_template("survey/closed.html", reason="code_used", link=link), 409
    # The language the form was shown in (a hidden field), so a POST needs no locale lookup.
    locale = form.get("locale")
    try:
        store_submission(connection, uid=uid, link=link, response=response, code=code,
                         locale=locale if locale in LOCALES else locale_code(),
                         started_at=rendered_at)
        connection.commit()
    except IntegrityError:
        connection.rollback()
        if submission_exists(connection, uid):  # a double tap or a retry: stored once, same thanks
            return redirect(thanks_url, code=303)
        if code is not None:  # the code was used by someone else in the meantime
            return render_template("survey/closed.html", reason="code_used", link=link), 409
        raise
    return redirect(thanks_url, code=303)


def _render(connection: Connection, link: LinkFacts, code: CodeFacts | None, uid: str,
            stamp: str, response: PostedResponse | None = None, notice: str | None = None):
    """The form, with the posted values checked and errors next to their questions."""
    questionnaire = questionnaire_for(link.kind)
    locale = locale_code()
    topics = topics_asked(connection, link.assessment_id, locale) if questionnaire.rates_topics else []
    groups = open_groups() if link.picks_group else []
    errors = response.errors if response else {}
    values = request.form.to_dict() if request.method == "POST" else {}
    values.pop(HONEYPOT, None)
    return render_template(
        "survey/page.html",
        link=link, questionnaire=questionnaire, topics=topics,
        heading=form_heading(connection, link, locale),
        groups=groups, picks_group=link.picks_group, picks_rater=link.picks_rater,
        rater_kinds=RATER_KINDS,
        # Translated and escaped once per page, not once per topic.
        scale=ScaleRenderer([(value, Markup('<b class="scale-value">{}</b> {}').format(value, label), "")
                             for value, label in IMPORTANCE_SCALE]
                            + [(DONT_KNOW, _("Don't know"), " scale-dk")]),
        topic_prompt=str(questionnaire.topic_prompt or ""),
        values=values, errors=errors, uid=uid, stamp=stamp,
        action=url_for(request.endpoint, **request.view_args),
        storage_key="survey:" + (f"i:{code.code}" if code else link.token),
        locale=locale, notice=notice, honeypot=HONEYPOT,
    ), (400 if errors else 200)
