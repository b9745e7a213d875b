"""The assessor questionnaire's page: shown, checked and stored at the invitation code's
address (``/i/<code>`` of an assessor link; survey.routes hands such a code over here).

It follows the stakeholder survey's safety rules (see survey.routes): a stamp signed by
the server binds the submission id to the code and the render time; a POST without a
valid one is shown again with the answers kept; a retried POST (same submission id) is
stored once; the code is used once, and a used code answers "already used". The page
is never cached, so Back asks the server again.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import groupby

from flask import current_app, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from ..admin.iros import ACTUALITY_LABELS, KIND_LABELS, STAGE_LABELS, horizon_labels
from ..extensions import db
from ..i18n import LOCALES, locale_code
from ..models import Assessment, Iro, pick_language
from ..services.scoring.anchors import CRITERION_NAMES, CRITERION_QUESTIONS, anchor_text
from .assessor import (
    CANNOT_JUDGE,
    AssessorResponse,
    CodeUsed,
    asked_criteria,
    asked_iros,
    assessment_anchors,
    rating_field,
    read_assessor_response,
    store_assessor_response,
)
from .friendly_pages import busy_page, closed_page, notice_text
from .limits import code_over_limit, give_browser_id
from .operations import (
    CodeFacts,
    LinkFacts,
    form_data,
    link_unavailable,
    make_stamp,
    new_uid,
    read_stamp,
)
from .questionnaires import RATER_KINDS
from .storing import code_used, submission_exists
from .widgets import ScaleRenderer

HONEYPOT = "website"


@dataclass(frozen=True)
class CriterionCard:
    """One criterion of one IRO as asked: its field, name and question."""

    field: str
    criterion: str
    name: str
    question: str


@dataclass(frozen=True)
class IroCard:
    """One IRO as the assessor reads it, in the page's language."""

    id: int
    number: int
    title: str  #: "3. Negative impact"
    facts: tuple[str, ...]  #: actual/potential, human rights, value chain, horizon
    description: str
    criteria: tuple[CriterionCard, ...]

    @property
    def anchor(self) -> str:
        return f"iro-{self.id}"


@dataclass(frozen=True)
class TopicBlock:
    """A topic and its IROs."""

    name: str
    iros: tuple[IroCard, ...]


def _criterion_language(locale: str) -> str:
    return "en" if locale.startswith("en") else "zh"


def _cards(assessment: Assessment, iros: list[Iro], locale: str) -> list[TopicBlock]:
    """The register grouped by topic, each IRO with its facts and criteria."""
    language = _criterion_language(locale)
    horizons = horizon_labels(assessment)
    criteria = asked_criteria(iros)
    numbers = {iro.id: number for number, iro in enumerate(iros, start=1)}
    blocks = []
    for _topic_id, group in groupby(iros, key=lambda iro: iro.topic_id):
        cards = []
        for iro in group:
            facts = [str(ACTUALITY_LABELS[iro.actuality])] if iro.actuality else []
            if iro.human_rights:
                facts.append(_("Human rights"))
            facts.append(_("Value chain: %(stages)s", stages=_(", ").join(
                str(STAGE_LABELS[stage]) for stage in iro.value_chain)))
            facts.append(horizons[iro.time_horizon])
            number = numbers[iro.id]
            cards.append(IroCard(
                id=iro.id, number=number, title=f"{number}. {KIND_LABELS[iro.kind]}",
                facts=tuple(facts), description=iro.description(locale),
                criteria=tuple(CriterionCard(rating_field(iro.id, c), c,
                                             CRITERION_NAMES[c][language],
                                             CRITERION_QUESTIONS[c][language])
                               for c in criteria[iro.id])))
        blocks.append(TopicBlock(iro.topic.name(locale), tuple(cards)))
    return blocks


def _scales(assessment_id: int, locale: str) -> dict[str, ScaleRenderer]:
    """Each criterion's six choices: the five levels with their written anchors, and
    "cannot judge"; escaped once per page."""
    anchors = assessment_anchors(assessment_id)
    cannot = (CANNOT_JUDGE, _("Cannot judge"), " scale-dk anchor-option")
    return {criterion: ScaleRenderer(
        [(str(level), Markup('<b class="scale-value">{}</b> <span>{}</span>').format(
            level, anchor_text(anchors, criterion, level, locale)), " anchor-option")
         for level in range(1, 6)] + [cannot])
        for criterion in CRITERION_NAMES}


def _problems(blocks: list[TopicBlock], errors: dict[str, str]) -> list[tuple[str, str, str]]:
    """What is missing, in the form's order: (anchor, IRO, the criteria without an answer)."""
    found = []
    for block in blocks:
        for card in block.iros:
            missing = [c.name for c in card.criteria if c.field in errors]
            if missing:
                found.append((card.anchor, f"{block.name}: {card.title}",
                              _(", ").join(missing)))
    return found


def assessor_questionnaire(connection: Connection, link: LinkFacts, code: CodeFacts):  # noqa: ANN201
    """Show, check and store the assessor questionnaire reached by an invitation code."""
    reason = link_unavailable(link)
    if reason:
        return closed_page(reason, link)
    secret = current_app.config["SECRET_KEY"]
    if request.method != "POST":
        if code_used(connection, code):
            return closed_page("code_used", link)
        uid = new_uid()
        return _render(connection, link, code, uid, make_stamp(secret, uid, link.token, code.code))

    form = request.form
    if form.get(HONEYPOT):
        return redirect(url_for("survey.thanks", token=link.token, done=form.get("uid", "")),
                        code=303)
    stamp = read_stamp(secret, form.get("stamp", ""), link.token, code.code)
    valid = stamp is not None and stamp[0] == form.get("uid")
    if valid and code_over_limit(code.code):
        return busy_page()
    iros = asked_iros(link.assessment_id)
    asked = asked_criteria(iros)
    response = read_assessor_response(form, asked, link.rater_kind)
    if not valid:
        uid = new_uid()
        return _render(connection, link, code, uid, make_stamp(secret, uid, link.token, code.code),
                       response, notice=notice_text("expired"))
    uid, rendered_at = stamp
    if response.stray:
        return _render(connection, link, code, uid, form["stamp"], response, notice=_(
            "The list of impacts, risks and opportunities changed while you answered. Your "
            "answers are kept below; please check them and submit again."))
    too_fast = (datetime.now(UTC) - rendered_at).total_seconds() < current_app.config.get(
        "SURVEY_MIN_SECONDS", 0)
    if response.errors or too_fast or not iros:
        return _render(connection, link, code, uid, form["stamp"], response,
                       notice=notice_text("too_fast") if too_fast and not response.errors else None)
    if code_used(connection, code):
        if submission_exists(connection, uid):  # Back and submit again: stored once
            return _to_thanks(link, uid)
        return render_template("survey/closed.html", reason="code_used", link=link), 409
    locale = form.get("locale")
    try:
        store_assessor_response(
            uid=uid, link=link, code=code, rater_kind=response.rater_kind,
            ratings=response.ratings, asked=asked,
            locale=locale if locale in LOCALES else locale_code(), started_at=rendered_at)
        db.session.commit()
    except (IntegrityError, CodeUsed):
        db.session.rollback()
        if submission_exists(connection, uid):
            return _to_thanks(link, uid)
        return render_template("survey/closed.html", reason="code_used", link=link), 409
    return _to_thanks(link, uid)


def _to_thanks(link: LinkFacts, uid: str):  # noqa: ANN202
    return redirect(url_for("survey.thanks", token=link.token, done=uid), code=303)


def _render(connection: Connection, link: LinkFacts, code: CodeFacts, uid: str, stamp: str,
            response: AssessorResponse | None = None, notice: str | None = None):  # noqa: ANN202
    """The questionnaire, with the posted answers checked and what is missing named."""
    locale = locale_code()
    assessment = db.session.get(Assessment, link.assessment_id)
    blocks = _cards(assessment, asked_iros(link.assessment_id), locale)
    errors = response.errors if response else {}
    values = request.form.to_dict() if request.method == "POST" else {}
    values.pop(HONEYPOT, None)
    messages = {"missing": _("Please choose a level, or \u201cCannot judge\u201d."),
                "rater_kind": _("Please choose how you take part.")}
    rater_labels = dict(RATER_KINDS)
    failed = bool(errors) or bool(response and response.stray)
    page = make_response(render_template(
        "survey/assessor.html", link=link, heading=form_data(connection, link).heading(locale),
        title=pick_language(assessment.title, assessment.title_en, locale),
        blocks=blocks, scales=_scales(link.assessment_id, locale),
        count=sum(len(block.iros) for block in blocks),
        rater_kind=rater_labels.get(link.rater_kind) if link.rater_kind else None,
        rater_kinds=RATER_KINDS, values=values,
        errors={name: messages[key] for name, key in errors.items()},
        problems=_problems(blocks, errors), uid=uid, stamp=stamp, locale=locale, notice=notice,
        action=url_for("survey.by_code", code=code.code), storage_key=f"survey:i:{code.code}",
        honeypot=HONEYPOT,
    ), 400 if failed else 200)
    if request.method != "POST":
        # A fresh form is never cached: Back or a reload asks the server, which knows
        # whether the code was used. A form sent back with errors may be shown again by
        # Back; it carries the same submission id, so sending it stores nothing twice.
        page.headers["Cache-Control"] = "no-store"
        give_browser_id(page)
    return page
