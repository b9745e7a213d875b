"""Staff's side of a double-materiality assessment's assessor panel: its links (opened by
invitation codes, which the links page's code pages hand out) and the written anchors
of the criteria's levels that assessors read.

Adding a link is for admins, as every link and code is; editors may reword the anchors
(the wording is the method's, as the matrix labels are the report's).
"""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from ..admin.operations import OperationRefused
from ..auth.access import admin_required
from ..extensions import db
from ..frozen_configuration import is_closed
from ..models import QuestionnaireKind, Submission
from ..services.scoring.anchors import (
    CRITERIA,
    CRITERION_NAMES,
    DEFAULT_ANCHORS,
    LANGUAGES,
    LEVELS,
)
from ..view_lookups import double_assessment
from . import bp
from .forms import AnchorsForm, AssessorLinkForm, anchor_field
from .operations import anchor_overrides, create_assessor_link, save_anchors
from .routes import refusal_message


def _refusal(code: str) -> str:
    if code == "link_exists":
        return _("This assessment has an assessor link of that kind already: add invitation "
                 "codes to it.")
    return refusal_message(code)


@bp.route("/assessments/<int:assessment_id>/links/assessor", methods=["POST"])
@admin_required
def assessor_link_create(assessment_id: int):
    """Add an assessor link (invitation codes only) for one kind of assessor, or for all."""
    assessment = double_assessment(assessment_id)
    form = AssessorLinkForm()
    if not form.validate_on_submit():
        flash(_("Choose who answers through the link."), "error")
        return redirect(url_for("fieldwork.links", assessment_id=assessment.id))
    try:
        link = create_assessor_link(assessment, form.rater_kind.data or None)
    except OperationRefused as refused:
        db.session.rollback()
        flash(_refusal(refused.code), "error")
        return redirect(url_for("fieldwork.links", assessment_id=assessment.id))
    db.session.commit()
    flash(_("Assessor link added. Generate its invitation codes, one per assessor."), "success")
    return redirect(url_for("fieldwork.codes", link_id=link.id))


@bp.route("/assessments/<int:assessment_id>/anchors", methods=["GET", "POST"])
def anchors(assessment_id: int):
    """Every criterion's five levels as assessors read them, in Chinese and English;
    an empty text keeps the default wording."""
    assessment = double_assessment(assessment_id)
    form = AnchorsForm()
    closed = is_closed(assessment)
    if form.validate_on_submit():
        texts = {(criterion, level): tuple(
                     (form[anchor_field(criterion, level, language)].data or "").strip() or None
                     for language in LANGUAGES)
                 for criterion in CRITERIA for level in LEVELS}
        try:
            changed = save_anchors(assessment, texts, (form.reason.data or "").strip())
        except OperationRefused as refused:
            db.session.rollback()
            form.reason.errors = [_refusal(refused.code)]
        else:
            db.session.commit()
            flash(_("%(count)s levels reworded.", count=changed) if changed
                  else _("Nothing was changed."), "success")
            return redirect(url_for("fieldwork.anchors", assessment_id=assessment.id))
    elif not form.is_submitted():
        for (criterion, level), texts in anchor_overrides(assessment.id).items():
            for language, text in zip(LANGUAGES, texts, strict=True):
                form[anchor_field(criterion, level, language)].data = text or ""
    answered = db.session.scalar(select(func.count()).select_from(Submission).where(
        Submission.assessment_id == assessment.id,
        Submission.kind == QuestionnaireKind.ASSESSOR, Submission.deleted_at.is_(None)))
    rows = [(criterion, CRITERION_NAMES[criterion], [
        (level, [(form[anchor_field(criterion, level, language)],
                  DEFAULT_ANCHORS[criterion][level][language]) for language in LANGUAGES])
        for level in LEVELS]) for criterion in CRITERIA]
    return render_template("fieldwork/anchors.html", assessment=assessment, form=form,
                           rows=rows, closed=closed, answered=answered, section="anchors"), (
        400 if form.errors else 200)
