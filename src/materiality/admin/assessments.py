"""Assessments: create, edit, choose and order topics, open and close, copy a year."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..extensions import db
from ..models import Assessment, AssessmentStatus, Topic
from . import bp
from .forms import AssessmentForm, ConfirmForm, CopyAssessmentForm
from .operations import (
    OperationRefused,
    assessment_exists,
    copy_assessment,
    has_responses,
    set_assessment_topics,
)

TEXT_FIELDS = ("title", "reporting_year", "opens_on", "closes_on",
               "intro_zh", "intro_en", "privacy_zh", "privacy_en")


def refusal_message(code: str) -> str:
    """Why a change to an assessment was refused, in the user's language."""
    if code == "has_responses":
        return _("This assessment already has responses, so its topic list cannot change: "
                 "the answers were given to the current list. Copy the assessment instead.")
    if code == "duplicate_topic":
        return _("A topic is selected twice.")
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
    for name in TEXT_FIELDS:
        value = form[name].data
        setattr(assessment, name, value.strip() or None if isinstance(value, str) else value)
    db.session.add(assessment)
    db.session.commit()
    return True


@bp.route("/assessments/new", methods=["GET", "POST"])
def assessment_new():
    """Create an empty assessment; topics are chosen next."""
    form = AssessmentForm()
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
    copy_form = CopyAssessmentForm(formdata=None, title=assessment.title,
                                   reporting_year=assessment.reporting_year + 1)
    return render_template("admin/assessment_detail.html", assessment=assessment,
                           copy_form=copy_form, confirm=ConfirmForm(),
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
            bad[topic_id] = raw
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
                selected[topic.id] = request.form.get(f"position_{topic.id}", "")
    library.sort(key=lambda t: (t.id not in selected, _as_number(selected.get(t.id))))
    return render_template("admin/assessment_topics.html", assessment=assessment,
                           library=library, selected=selected, bad=bad, form=form,
                           locked=has_responses(assessment))


def _as_number(value: object) -> float:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return float("inf")


@bp.route("/assessments/<int:assessment_id>/status/<any(draft, open, closed):status>",
          methods=["POST"])
def assessment_status(assessment_id: int, status: str):
    """Open the surveys, close them, or take the assessment back to draft."""
    assessment = db.get_or_404(Assessment, assessment_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if status == AssessmentStatus.OPEN and not assessment.topic_links:
        flash(_("Choose the topics before opening the assessment."), "error")
    else:
        assessment.status = status
        db.session.commit()
        flash(_("Status changed."), "success")
    return redirect(url_for("admin.assessment_detail", assessment_id=assessment.id))


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
            copy = copy_assessment(source, title, form.reporting_year.data)
            db.session.commit()
            flash(_("Copied. The new assessment is a draft."), "success")
            return redirect(url_for("admin.assessment_detail", assessment_id=copy.id))
    return render_template("admin/assessment_detail.html", assessment=source, copy_form=form,
                           confirm=ConfirmForm(), locked=has_responses(source)), 400
