"""Assessments: create, edit, choose and order topics, open and close, copy a year."""
from __future__ import annotations

import math

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from ..confirmation import Act, confirm_step
from ..extensions import db
from ..frozen_configuration import (
    freeze_group_weights,
    group_weights,
    is_closed,
    relevant_groups,
    shown_groups,
    shown_topics,
)
from ..i18n import locale_code
from ..models import Assessment, AssessmentStatus, LinkState, Submission, SurveyLink, Topic
from ..organisation import organisation_names
from ..services.input_checks import remove_control_characters
from . import bp
from .forms import AssessmentForm, ConfirmForm, CopyAssessmentForm, GroupWeightsForm
from .iro_operations import set_method
from .operations import (
    OperationRefused,
    assessment_exists,
    change_status,
    copy_assessment,
    has_responses,
    next_year_title,
    record_creation,
    set_assessment_topics,
    set_group_weights,
)

TEXT_FIELDS = ("title", "title_en", "reporting_year", "opens_on", "closes_on",
               "intro_zh", "intro_en", "privacy_zh", "privacy_en")


def refusal_message(code: str) -> str:
    """Why a change to an assessment was refused, in the user's language."""
    if code == "has_responses":
        return _("This assessment already has responses, so its topic list cannot change: "
                 "the answers were given to the current list. Copy the assessment instead.")
    if code == "duplicate_topic":
        return _("A topic is selected twice.")
    if code == "no_topics":
        return _("Choose the topics before opening the assessment.")
    if code == "reopen_reason_required":
        return _("Write why the closed assessment is reopened; the reason is kept in the "
                 "trail.")
    if code == "assessment_closed":
        return _("This assessment is closed: its configuration and responses are frozen. "
                 "Reopen it (with a reason) to change them.")
    if code == "weight_not_positive":
        return _("Weights must be numbers above zero.")
    if code == "topic_has_iros":
        return _("A topic you removed has impacts, risks or opportunities in the register: "
                 "delete them first.")
    if code == "method_has_responses":
        return _("This assessment already has responses, so its method cannot change: "
                 "the answers were given under the current method. Copy the assessment instead.")
    if code == "horizons_unordered":
        return _("The short term must end after 0 years and before the medium term ends.")
    if code == "not_double":
        return _("Only a double-materiality assessment has a register of impacts, risks "
                 "and opportunities.")
    if code == "topic_not_in_assessment":
        return _("Choose one of the assessment's topics.")
    if code == "reason_required":
        return _("Write the reason for this change; it is kept in the trail.")
    return code


@bp.route("/assessments")
def assessments():
    """Every assessment, newest year first."""
    rows = db.session.scalars(
        db.select(Assessment).order_by(Assessment.reporting_year.desc(), Assessment.id.desc())
    ).all()
    return render_template("admin/assessments.html", assessments=rows)


def _save_assessment(form: AssessmentForm, assessment: Assessment) -> bool:
    if assessment_exists(form.title.data.strip(), form.reporting_year.data, assessment.id):
        form.title.errors.append(_("An assessment with this title exists for this year."))
        return False
    try:
        set_method(assessment, form.method.data)
    except OperationRefused as refused:
        db.session.rollback()
        form.method.errors.append(refusal_message(refused.code))
        return False
    for name in TEXT_FIELDS:
        value = form[name].data
        setattr(assessment, name, value.strip() or None if isinstance(value, str) else value)
    db.session.add(assessment)
    if assessment.id is None:
        # A new assessment starts from the groups' current weights and keeps them.
        db.session.flush()
        freeze_group_weights(assessment)
        record_creation(assessment)
    db.session.commit()
    return True


@bp.route("/assessments/new", methods=["GET", "POST"])
def assessment_new():
    """Create an empty assessment; topics are chosen next."""
    from ..survey.intro import default_intro  # the survey package imports admin's views

    names = organisation_names()
    # The default introduction, naming the organisation once its profile has a name.
    form = AssessmentForm(intro_zh=default_intro("zh_CN", names[0] or ""),
                          intro_en=default_intro("en", names[1] or ""))
    if form.validate_on_submit():
        assessment = Assessment(status=AssessmentStatus.DRAFT)
        if _save_assessment(form, assessment):
            flash(_("Assessment created. Now choose its topics."), "success")
            return redirect(url_for("admin.assessment_topics", assessment_id=assessment.id))
    return render_template("admin/assessment_form.html", form=form, assessment=None)


@bp.route("/assessments/<int:assessment_id>")
def assessment_detail(assessment_id: int):
    """An assessment's settings, topics and status."""
    assessment = db.get_or_404(Assessment, assessment_id)
    year = assessment.reporting_year + 1
    copy_form = CopyAssessmentForm(
        formdata=None, reporting_year=year,
        title=next_year_title(assessment.title, assessment.reporting_year, year),
        title_en=next_year_title(assessment.title_en or "", assessment.reporting_year, year))
    return render_template("admin/assessment_detail.html", assessment=assessment,
                           topics=shown_topics(assessment).values(), copy_form=copy_form,
                           locked=has_responses(assessment))


@bp.route("/assessments/<int:assessment_id>/edit", methods=["GET", "POST"])
def assessment_edit(assessment_id: int):
    """Edit the title, year, dates and the survey's introduction."""
    assessment = db.get_or_404(Assessment, assessment_id)
    form = AssessmentForm(obj=assessment)
    if form.validate_on_submit() and _save_assessment(form, assessment):
        flash(_("Assessment saved."), "success")
        return redirect(url_for("admin.assessment_detail", assessment_id=assessment.id))
    return render_template("admin/assessment_form.html", form=form, assessment=assessment)


def _selection_from_form(topic_ids: list[int]) -> tuple[list[int], dict[int, str]]:
    """Checked topics ordered by the position each one was given; bad positions reported."""
    chosen: list[tuple[float, int, int]] = []
    bad: dict[int, str] = {}
    for index, topic_id in enumerate(topic_ids):
        if request.form.get(f"use_{topic_id}") != "on":
            continue
        raw = request.form.get(f"position_{topic_id}", "").strip()
        try:
            position = float(raw) if raw else float(10_000 + index)
        except ValueError:
            position = math.nan
        if not math.isfinite(position):  # NaN does not sort, infinity ties
            bad[topic_id] = remove_control_characters(raw)[:20]
            continue
        chosen.append((position, index, topic_id))
    return [topic_id for *_ignored, topic_id in sorted(chosen)], bad


@bp.route("/assessments/<int:assessment_id>/topics", methods=["GET", "POST"])
def assessment_topics(assessment_id: int):
    """Choose the topics asked and their order (a number per topic; works without script)."""
    assessment = db.get_or_404(Assessment, assessment_id)
    library = db.session.scalars(
        db.select(Topic).where(Topic.archived.is_(False)).order_by(Topic.category_id, Topic.id)
    ).all()
    selected = {link.topic_id: link.position + 1 for link in assessment.topic_links}
    # Archived topics already selected stay visible so they can be removed.
    library = [t for t in assessment.topics if t.archived] + list(library)
    form = ConfirmForm()
    bad: dict[int, str] = {}
    if form.validate_on_submit():
        ids, bad = _selection_from_form([t.id for t in library])
        if bad:
            flash(_("Some positions are not numbers; nothing was changed."), "error")
        else:
            try:
                set_assessment_topics(assessment, ids)
            except OperationRefused as refused:
                db.session.rollback()
                flash(refusal_message(refused.code), "error")
            else:
                db.session.commit()
                flash(_("%(count)s topics selected.", count=len(ids)), "success")
                return redirect(url_for("admin.assessment_detail", assessment_id=assessment.id))
        selected = {}
        for topic in library:
            if request.form.get(f"use_{topic.id}") == "on":
                selected[topic.id] = remove_control_characters(
                    request.form.get(f"position_{topic.id}", ""))[:20]
    library.sort(key=lambda t: (t.id not in selected, _as_number(selected.get(t.id))))
    return render_template("admin/assessment_topics.html", assessment=assessment,
                           library=library, selected=selected, bad=bad, form=form,
                           locked=has_responses(assessment) or is_closed(assessment),
                           closed=is_closed(assessment))


def _as_number(value: object) -> float:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return float("inf")


def _count(query) -> int:  # noqa: ANN001
    return db.session.scalar(db.select(db.func.count()).select_from(query.subquery())) or 0


def describe_status(assessment_id: int, status: str) -> Act:
    """Opening, closing, reopening or taking back to draft, with the figures at stake."""
    assessment = db.get_or_404(Assessment, assessment_id)
    title = assessment.display_title(locale_code())
    back = url_for("admin.assessment_detail", assessment_id=assessment.id)
    answered = _count(db.select(Submission.id).where(
        Submission.assessment_id == assessment.id, Submission.deleted_at.is_(None)))
    refused = None
    if assessment.status == status:
        refused = _("The assessment has this status already.")
    elif status == AssessmentStatus.OPEN and not assessment.topic_links:
        refused = refusal_message("no_topics")
    if status == AssessmentStatus.CLOSED:
        return Act(_("Close the surveys of %(title)s?", title=title),
                   ngettext("%(num)s response so far; no one else can answer. The "
                            "configuration and the responses are frozen, so the published "
                            "results stay as they are; reopening needs a written reason.",
                            "%(num)s responses so far; no one else can answer. The "
                            "configuration and the responses are frozen, so the published "
                            "results stay as they are; reopening needs a written reason.",
                            answered),
                   _("Close the surveys"), back, danger=True, refused=refused)
    if status == AssessmentStatus.DRAFT:
        return Act(_("Take %(title)s back to draft?", title=title),
                   ngettext("Its stakeholder and company links answer “closed” until it is "
                            "opened again; the %(num)s response so far is kept.",
                            "Its stakeholder and company links answer “closed” until it is "
                            "opened again; the %(num)s responses so far are kept.", answered),
                   _("Back to draft"), back, danger=True, refused=refused)
    if is_closed(assessment):
        return Act(_("Reopen %(title)s?", title=title),
                   ngettext("Its configuration and its %(num)s response can change again, "
                            "and so can its published results. Reopening is recorded in the "
                            "trail with your reason.",
                            "Its configuration and its %(num)s responses can change again, "
                            "and so can its published results. Reopening is recorded in the "
                            "trail with your reason.", answered),
                   _("Reopen the assessment"), back, danger=True, refused=refused,
                   reason=_("Why the assessment is reopened"))
    links = _count(db.select(SurveyLink.id).where(
        SurveyLink.assessment_id == assessment.id, SurveyLink.state == LinkState.ACTIVE,
        SurveyLink.kind != "feedback"))
    return Act(_("Open the surveys of %(title)s?", title=title),
               ngettext("%(num)s active link starts taking answers on the %(topics)s topics "
                        "chosen; once the first answer arrives the topic list cannot change.",
                        "%(num)s active links start taking answers on the %(topics)s topics "
                        "chosen; once the first answer arrives the topic list cannot change.",
                        links, topics=len(assessment.topic_links)),
               _("Open the surveys"), back, refused=refused)


@bp.route("/assessments/<int:assessment_id>/status/<any(draft, open, closed):status>",
          methods=["GET", "POST"])
@confirm_step(describe_status)
def assessment_status(assessment_id: int, status: str):
    """Open the surveys, close them, or take the assessment back to draft."""
    assessment = db.get_or_404(Assessment, assessment_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        changed = change_status(assessment, status, request.form.get("reason", ""))
    except OperationRefused as refused:
        db.session.rollback()
        flash(refusal_message(refused.code), "error")
    else:
        db.session.commit()
        if changed:
            flash(_("Status changed."), "success")
    return redirect(url_for("admin.assessment_detail", assessment_id=assessment.id))


def _posted_weights(groups: list) -> tuple[dict[int, float], dict[int, str]]:
    """Group weights from the form (weight_<group id>); unreadable entries reported."""
    weights: dict[int, float] = {}
    bad: dict[int, str] = {}
    for group in groups:
        raw = request.form.get(f"weight_{group.id}", "").strip()
        try:
            value = float(raw)
        except ValueError:
            bad[group.id] = raw
            continue
        if not math.isfinite(value) or not 0.01 <= value <= 100:
            bad[group.id] = raw
        else:
            weights[group.id] = value
    return weights, bad


@bp.route("/assessments/<int:assessment_id>/weights", methods=["GET", "POST"])
def assessment_weights(assessment_id: int):
    """The assessment's own stakeholder-group weights (the groups' weights are defaults)."""
    assessment = db.get_or_404(Assessment, assessment_id)
    groups = relevant_groups(assessment)
    form = GroupWeightsForm()
    shown = {g.id: f"{w:g}" for g, w in
             ((g, group_weights(assessment)[g.id]) for g in groups)}
    bad: dict[int, str] = {}
    status = 200
    if form.validate_on_submit():
        weights, bad = _posted_weights(groups)
        if bad:
            flash(_("Weights must be numbers from 0.01 to 100; nothing was changed."), "error")
        else:
            try:
                before, _after = set_group_weights(assessment, weights, form.reason.data)
            except OperationRefused as refused:
                db.session.rollback()
                form.reason.errors = [refusal_message(refused.code)]
            else:
                db.session.commit()
                flash(_("Group weights saved.") if before else _("Nothing was changed."),
                      "success")
                return redirect(url_for("admin.assessment_weights", assessment_id=assessment.id))
        shown.update({g.id: request.form.get(f"weight_{g.id}", "") for g in groups})
        status = 400
    return render_template("admin/assessment_weights.html", assessment=assessment,
                           groups=groups, names=shown_groups(assessment), shown=shown,
                           bad=bad, form=form, closed=is_closed(assessment)), status


@bp.route("/assessments/<int:assessment_id>/copy", methods=["POST"])
def assessment_copy(assessment_id: int):
    """Start a new cycle from this one: same topics, texts and settings, no responses."""
    source = db.get_or_404(Assessment, assessment_id)
    form = CopyAssessmentForm()
    if form.validate_on_submit():
        title = form.title.data.strip()
        if assessment_exists(title, form.reporting_year.data):
            form.title.errors.append(_("An assessment with this title exists for this year."))
        else:
            copy = copy_assessment(source, title, form.reporting_year.data,
                                   (form.title_en.data or "").strip() or None)
            db.session.commit()
            flash(_("Copied. The new assessment is a draft."), "success")
            return redirect(url_for("admin.assessment_detail", assessment_id=copy.id))
    return render_template("admin/assessment_detail.html", assessment=source, copy_form=form,
                           locked=has_responses(source)), 400
