"""The public survey pages: a link or an invitation code, the form, thank-you, closed.

CSRF: the survey POST is exempt from Flask-WTF's session-cookie CSRF check. The
respondents are anonymous phones, often inside in-app browsers that drop cookies,
and a forged cross-site POST could at worst add an anonymous response, which
is exactly what the form does anyway. The POST is protected otherwise: it must
carry a stamp signed by the server (itsdangerous, SECRET_KEY) that binds the
submission id to this link or code and records when the form was rendered, so
a response can only follow a real GET of the form, no sooner than
SURVEY_MIN_SECONDS after it; the submission id is stored at most once; the link,
the code and each client carry their own rate limits (survey/limits.py); and CSP
form-action 'self' applies.

One response per person on a public link: once a response is stored, the browser
keeps a marker for that link (a cookie scoped to the link's path, holding the
submission id; survey.js keeps one in localStorage too), and the form reached
again (Back, reload, the QR code) says it was answered, with a button that starts
a response for another person. The form is never cached (no-store), so Back asks
the server again rather than showing the sent form with a new submission id.

A HEAD (a chat app previewing a link) is answered like a GET, with no side
effects and without counting against the link. Status codes: 404 for an unknown
link or code and for one that is paused or not open yet (it may open), 410 for a
closed link and a used code, 403 for a link that needs an invitation code; the
friendly page is the body, never cached.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime

from flask import current_app, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from ..auth.access import public
from ..extensions import csrf
from ..i18n import LOCALES, locale_code
from ..models import QuestionnaireKind
from . import bp, page_cache
from .assessor_view import assessor_questionnaire
from .cookies import set_survey_cookie
from .friendly_pages import busy_page, closed_page, notice_text
from .limits import (
    client_over_limit,
    code_over_limit,
    give_browser_id,
    link_get_over_limit,
    link_post_over_limit,
)
from .operations import (
    CodeFacts,
    FormData,
    LinkFacts,
    PostedResponse,
    find_code,
    find_link,
    find_link_and_form,
    form_data,
    link_unavailable,
    make_stamp,
    new_uid,
    open_group_ids,
    open_groups,
    read_response,
    read_stamp,
    short_code_of,
    token_for_short_code,
)
from .questionnaires import (
    DONT_KNOW,
    IMPORTANCE_SCALE,
    RATER_KINDS,
    Questionnaire,
    minutes_to_answer,
    questionnaire_for,
)
from .storing import (
    code_used,
    once_more_if_disconnected,
    store_submission,
    submission_exists,
    survey_connection,
)
from .widgets import ScaleRenderer

HONEYPOT = "website"
#: The rate-limit target of every short-address lookup (each client's share of them all).
SHORT_CODES = "short-codes"

#: Shown next to a question; lazy, so a valid POST translates nothing.
ERROR_MESSAGES = {
    "group": _l("Please choose your group."),
    "rater_kind": _l("Please choose how you take part."),
    "topic": _l("Please choose a rating, or \u201cDon't know\u201d."),
    "choice": _l("Please choose an answer."),
    "too_long": _l("This answer is too long."),
}

#: The questions a link may ask before the topics, by field name.
PICK_LABELS = {
    "group": _l("Which stakeholder group do you belong to?"),
    "rater_kind": _l("How do you take part in this assessment?"),
}

#: What new_token() makes (and the column holds); anything else is unknown, unread.
_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}\Z")


#: The marker a browser keeps for a link it answered (path-scoped to that link).
ANSWERED_COOKIE = "survey_answered"
ANSWERED_COOKIE_AGE = 180 * 24 * 3600
_UID = re.compile(r"[0-9a-f]{32}\Z")


@bp.route("/s/<token>", methods=["GET", "POST"])
@public
@csrf.exempt
@once_more_if_disconnected
def by_link(token: str):
    """A questionnaire reached by its link (or its QR code), or by its short address."""
    if not _TOKEN.match(token):
        return closed_page("unknown")
    short_code = short_code_of(token) if request.method != "POST" else None
    if short_code is not None:
        return _by_short_code(short_code)
    if client_over_limit(token) or (request.method == "GET" and link_get_over_limit(token)):
        return busy_page()
    # A Core connection, not the ORM session: the POST is the hot path under load,
    # and the session's bookkeeping cost about a tenth of it (benchmarks/README.md).
    with survey_connection() as connection:
        # A page view reads the link and what its form shows in one query; a POST reads
        # the link alone (the form's texts are only needed again if it has errors).
        if request.method == "POST":
            link, form_shown = find_link(connection, token), None
        else:
            link, form_shown = find_link_and_form(connection, token) or (None, None)
        if link is None:
            return closed_page("unknown")
        if link.requires_code or link.kind == QuestionnaireKind.ASSESSOR:
            return closed_page("code_required", link)
        return _questionnaire(connection, link, None, link_post_over_limit, form_shown)


def _by_short_code(short_code: str):
    """A short address (``/s/7KQ2M4XA``, typed from a poster) sends the browser to its link.

    Tokens are 32 characters, so an 8-character one is a short code. Each client's
    lookups of short codes share one count (as invitation codes do), so guessing codes
    is as limited as trying invitation codes; an unknown code gets the same page as an
    unknown token. The link's own address then counts the visit like any other.
    """
    if client_over_limit(SHORT_CODES):
        return busy_page()
    with survey_connection() as connection:
        token = token_for_short_code(connection, short_code)
    if token is None:
        return closed_page("unknown")
    lang = request.args.get("lang")
    target = url_for("survey.by_link", token=token, lang=lang if lang in LOCALES else None)
    return redirect(target, code=302), {"Cache-Control": "no-store"}


@bp.route("/i/<code>", methods=["GET", "POST"])
@public
@csrf.exempt
@once_more_if_disconnected
def by_code(code: str):
    """A questionnaire reached by a single-use invitation code."""
    if not _TOKEN.match(code):
        return closed_page("unknown")
    if client_over_limit("codes") or (request.method == "GET" and code_over_limit(code)):
        return busy_page()
    with survey_connection() as connection:
        found = find_code(connection, code)
        if found is None:
            return closed_page("unknown")
        invitation, link = found
        if link.kind == QuestionnaireKind.ASSESSOR:
            return assessor_questionnaire(connection, link, invitation)
        return _questionnaire(connection, link, invitation, code_over_limit)


@bp.route("/s/<token>/thanks")
@public
@once_more_if_disconnected
def thanks(token: str):
    """Shown once a response is stored, and again for a retried one."""
    if not _TOKEN.match(token):
        return closed_page("unknown")
    with survey_connection() as connection:
        link = find_link(connection, token)
        organisation = page_cache.organisation_version(connection)
    if link is None:
        return closed_page("unknown")
    done = request.args.get("done", "")
    if not (page_cache.usable() and set(request.args) <= {"done"} and _UID.match(done or "0" * 32)):
        return render_template("survey/thanks.html", link=link, done=done)

    def render() -> str:
        # The id is 32 random hex digits: where the page shows it (its data, the language
        # switch's return address), it is the id and nothing else.
        html = render_template("survey/thanks.html", link=link, done=done)
        return html.replace(done, page_cache.marker("done")) if done else html

    key = ("thanks", link, locale_code(), organisation, bool(done), page_cache.request_key(done))
    return page_cache.page(key, render, {"done": done})


@bp.route("/s/<token>/another", methods=["POST"])
@public
@csrf.exempt  # it only forgets this browser's own marker, and comes from cookie-less phones
def answer_again(token: str):
    """Start a fresh response on a link this browser answered: forget the marker."""
    if not _TOKEN.match(token):
        return closed_page("unknown")
    response = redirect(url_for("survey.by_link", token=token), code=303)
    response.delete_cookie(ANSWERED_COOKIE, path=url_for("survey.by_link", token=token))
    return response


def _answered_uid() -> str | None:
    """The submission id this browser stored on this link, if any: the marker cookie is
    scoped to the link's path, so the browser sends this link's marker only."""
    value = request.cookies.get(ANSWERED_COOKIE, "")
    return value if _UID.match(value) else None


def _to_thanks(link: LinkFacts, code: CodeFacts | None, uid: str):
    """Redirect to the thank-you page; on a public link, the browser keeps the marker."""
    # No body: every browser follows a 303 (Flask's redirect() writes a small HTML page
    # for ones that don't, on every answer).
    response = current_app.response_class(status=303, headers={
        "Location": url_for("survey.thanks", token=link.token, done=uid)})
    if code is None:
        # Answered at the link's own address (by_link), which is the marker's path.
        set_survey_cookie(response, ANSWERED_COOKIE, uid, ANSWERED_COOKIE_AGE,
                          path=request.script_root + request.path)
    return response


def _questionnaire(connection: Connection, link: LinkFacts, code: CodeFacts | None,
                   over_limit: Callable[[str], bool], form_shown: FormData | None = None):
    """Show, check and store one questionnaire, whichever way it was reached.

    ``over_limit`` counts a POST with a valid stamp against the link's or the code's
    ceiling; ``form_shown`` is what the form shows, when it was read with the link.
    """
    reason = link_unavailable(link)
    if reason:
        return closed_page(reason, link)
    code_text = code.code if code else None
    secret = current_app.config["SECRET_KEY"]
    if request.method != "POST":  # GET, or HEAD: the same page, no side effects
        if code is not None and code_used(connection, code):
            return closed_page("code_used", link)
        if code is None and _answered_uid():
            return _answered(link)
        uid = new_uid()
        return _render(connection, link, code, uid, make_stamp(secret, uid, link.token, code_text),
                       form_shown=form_shown)

    form = request.form
    if form.get(HONEYPOT):
        # A bot filled the hidden field: answer as if stored, store nothing.
        return redirect(url_for("survey.thanks", token=link.token, done=form.get("uid", "")), code=303)
    stamp = read_stamp(secret, form.get("stamp", ""), link.token, code_text)
    valid = stamp is not None and stamp[0] == form.get("uid")
    # Only now, with a stamp the server signed, does the POST count against the link.
    if valid and over_limit(code_text or link.token):
        return busy_page()
    group_ids = open_group_ids(connection) if link.picks_group else frozenset()
    response = read_response(form, link, questionnaire_for(link.kind), group_ids, ERROR_MESSAGES)
    if not valid:
        uid = new_uid()
        return _render(connection, link, code, uid, make_stamp(secret, uid, link.token, code_text),
                       response, notice=notice_text("expired"))
    uid, rendered_at = stamp
    min_seconds = current_app.config.get("SURVEY_MIN_SECONDS", 0)
    too_fast = (datetime.now(UTC) - rendered_at).total_seconds() < min_seconds
    if response.errors or too_fast:
        return _render(connection, link, code, uid, form["stamp"], response,
                       notice=notice_text("too_fast") if too_fast and not response.errors else None)
    if code is not None and code_used(connection, code):
        if submission_exists(connection, uid):
            return _to_thanks(link, code, uid)
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
            return _to_thanks(link, code, uid)
        if code is not None:  # the code was used by someone else in the meantime
            return render_template("survey/closed.html", reason="code_used", link=link), 409
        raise
    return _to_thanks(link, code, uid)


def _answered(link: LinkFacts):
    """This browser answered the link already: say so, and offer a response for another person."""
    response = make_response(render_template("survey/answered.html", link=link))
    response.headers["Cache-Control"] = "no-store"
    return response


def _problems(errors: dict[str, str], topics: list, questionnaire: Questionnaire,
              ) -> list[tuple[str, str, str]]:
    """The questions to fix, in the form's order: (field, label, note). The note is the
    error of an open question (too long); a missing answer needs none."""
    if not errors:
        return []
    labels = [(name, label, False) for name, label in PICK_LABELS.items()]
    labels += [(topic.field, topic.name, False) for topic in topics]
    labels += [(q.key, q.label, q.kind == "text") for q in questionnaire.questions]
    return [(name, str(label), str(errors[name]) if with_note else "")
            for name, label, with_note in labels if name in errors]


def _render(connection: Connection, link: LinkFacts, code: CodeFacts | None, uid: str,
            stamp: str, response: PostedResponse | None = None, notice: str | None = None,
            form_shown: FormData | None = None):
    """The form, with the posted values checked and errors next to their questions."""
    questionnaire = questionnaire_for(link.kind)
    locale = locale_code()
    form_shown = form_shown or form_data(connection, link)
    groups = open_groups() if link.picks_group else []

    def render(uid: str, stamp: str) -> str:
        topics = form_shown.topics(locale) if questionnaire.rates_topics else []
        errors = response.errors if response else {}
        required = questionnaire.required_count(len(topics), link.picks_group + link.picks_rater)
        values = request.form.to_dict() if request.method == "POST" else {}
        values.pop(HONEYPOT, None)
        # The scale is translated and escaped once per page, not once per topic.
        scale = ScaleRenderer(
            [(value, Markup('<b class="scale-value">{}</b> {}').format(value, label), "")
             for value, label in IMPORTANCE_SCALE] + [(DONT_KNOW, _("Don't know"), " scale-dk")])
        return render_template(
            "survey/page.html", uid=uid, stamp=stamp, scale=scale,
            link=link, questionnaire=questionnaire, topics=topics,
            heading=form_shown.heading(locale),
            groups=groups, picks_group=link.picks_group, picks_rater=link.picks_rater,
            rater_kinds=RATER_KINDS, pick_labels=PICK_LABELS,
            required=required, minutes=minutes_to_answer(required),
            problems=_problems(errors, topics, questionnaire),
            topic_prompt=str(questionnaire.topic_prompt or ""),
            values=values, errors=errors,
            action=url_for(request.endpoint, **request.view_args),
            storage_key="survey:" + (f"i:{code.code}" if code else link.token),
            # survey.js marks a public link answered in localStorage too (a code is marked used).
            answered_key=None if code else "survey-answered:" + link.token,
            locale=locale, notice=notice, honeypot=HONEYPOT,
        )

    if code is None and response is None and notice is None and page_cache.usable():
        # A public link's first view: the same page for everyone in this language but for
        # the submission id and the stamp (survey/page_cache.py). The key is the data as
        # read, so the page is only built when that data is new.
        key = ("form", link, locale, form_shown.row,
               tuple((g.id, g.name_zh, g.name_en) for g in groups), page_cache.request_key())
        html = page_cache.page(key, lambda: render(page_cache.marker("uid"),
                                                   page_cache.marker("stamp")),
                               {"uid": uid, "stamp": stamp})
    else:
        html = render(uid, stamp)
    page = make_response(html, 400 if response and response.errors else 200)
    if request.method != "POST":
        # Each view makes a new submission id: Back or a reload must ask the server again
        # (which knows whether this browser answered), never show a stored copy.
        page.headers["Cache-Control"] = "no-store"
        give_browser_id(page)
    return page
