"""The IRO register of a double-materiality assessment: list, add, edit, delete, time
horizons, import and export."""
from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from wtforms import SelectChoice

from ..confirmation import Act, confirm_step
from ..extensions import db
from ..frozen_configuration import in_shown_order, is_closed, shown_groups, shown_topics
from ..i18n import locale_code
from ..models import Assessment, Iro, IroRating, ValueChainStage, ordered_groups
from ..services.library.iro_files import (
    IRO_FILE_COLUMNS,
    iros_csv,
    iros_xlsx,
    read_iro_file,
    validate_iro_rows,
)
from ..services.library.topic_files import TopicFileError
from ..view_lookups import double_assessment
from . import bp
from .assessments import refusal_message
from .forms import ConfirmForm, HorizonsForm, ImportForm, IroForm
from .iro_operations import (
    IroValues,
    delete_iro,
    import_iros,
    register,
    save_iro,
    set_horizons,
)
from .operations import OperationRefused
from .topics import describe_file_error

KIND_LABELS = {
    "negative_impact": _l("Negative impact"),
    "positive_impact": _l("Positive impact"),
    "risk": _l("Risk"),
    "opportunity": _l("Opportunity"),
}
ACTUALITY_LABELS = {"actual": _l("Actual"), "potential": _l("Potential")}
STAGE_LABELS = {
    ValueChainStage.UPSTREAM: _l("Upstream"),
    ValueChainStage.OWN_OPERATIONS: _l("Own operations"),
    ValueChainStage.DOWNSTREAM: _l("Downstream"),
}


def horizon_labels(assessment: Assessment) -> dict[str, str]:
    """The time horizons as the assessment defines them, in the user's language."""
    short, medium = assessment.horizon_short_years, assessment.horizon_medium_years
    return {
        "short": _("Short term (up to %(short)s years)", short=short),
        "medium": _("Medium term (%(short)s to %(medium)s years)", short=short, medium=medium),
        "long": _("Long term (over %(medium)s years)", medium=medium),
    }


def _iro_of(assessment: Assessment, iro_id: int) -> Iro:
    iro = db.get_or_404(Iro, iro_id)
    if iro.assessment_id != assessment.id:
        abort(404)
    return iro


@bp.route("/assessments/<int:assessment_id>/iros")
def iro_register(assessment_id: int):
    """The register, by topic in the assessment's order."""
    assessment = double_assessment(assessment_id)
    iros = register(assessment.id)
    by_topic: dict[int, list[Iro]] = {link.topic_id: [] for link in assessment.topic_links}
    for iro in iros:
        by_topic.setdefault(iro.topic_id, []).append(iro)
    horizons = HorizonsForm(obj=assessment)
    return render_template(
        "admin/iro_register.html", assessment=assessment, by_topic=by_topic,
        topics=shown_topics(assessment), groups=shown_groups(assessment),
        in_shown_order=in_shown_order, count=len(iros),
        horizons_form=horizons, horizons=horizon_labels(assessment), kinds=KIND_LABELS,
        actualities=ACTUALITY_LABELS, stages=STAGE_LABELS, confirm=ConfirmForm(),
        closed=is_closed(assessment))


def _iro_form(assessment: Assessment, iro: Iro | None) -> IroForm:
    locale = locale_code()
    form = IroForm(obj=iro)
    if iro is not None and request.method == "GET":
        form.group_ids.data = [group.id for group in iro.groups]
        form.actuality.data = iro.actuality or ""
    elif iro is None and request.method == "GET":
        form.topic_id.data = request.args.get("topic_id", type=int)
    form.topic_id.choices = [SelectChoice(topic_id, topic.name(locale))
                             for topic_id, topic in shown_topics(assessment).items()]
    form.time_horizon.choices = [SelectChoice(key, label)
                                 for key, label in horizon_labels(assessment).items()]
    groups = ordered_groups()
    shown = {group.id for group in groups}
    # A group archived since it was chosen stays visible, so it can be kept or removed.
    extra = [group for group in (iro.groups if iro else []) if group.id not in shown]
    form.group_ids.choices = [SelectChoice(g.id, g.name(locale)) for g in [*groups, *extra]]
    return form


def _values(form: IroForm) -> IroValues:
    return IroValues(
        topic_id=form.topic_id.data, kind=form.kind.data, actuality=form.actuality.data or None,
        human_rights=bool(form.human_rights.data),
        value_chain=tuple(stage.value for stage in ValueChainStage if form[stage.value].data),
        time_horizon=form.time_horizon.data,
        description_zh=(form.description_zh.data or "").strip() or None,
        description_en=(form.description_en.data or "").strip() or None,
        group_ids=tuple(form.group_ids.data or ()))


def _save(assessment: Assessment, iro: Iro | None, form: IroForm) -> bool:
    try:
        save_iro(assessment, iro, _values(form))
    except OperationRefused as refused:
        db.session.rollback()
        flash(refusal_message(refused.code), "error")
        return False
    db.session.commit()
    return True


@bp.route("/assessments/<int:assessment_id>/iros/new", methods=["GET", "POST"])
def iro_new(assessment_id: int):
    """Add an impact, risk or opportunity to a topic."""
    assessment = double_assessment(assessment_id)
    form = _iro_form(assessment, None)
    if form.validate_on_submit() and _save(assessment, None, form):
        flash(_("Added to the register."), "success")
        return redirect(url_for("admin.iro_register", assessment_id=assessment.id)
                        + f"#topic-{form.topic_id.data}")
    return render_template("admin/iro_form.html", assessment=assessment, form=form, iro=None,
                           closed=is_closed(assessment)), 400 if form.errors else 200


@bp.route("/assessments/<int:assessment_id>/iros/<int:iro_id>/edit", methods=["GET", "POST"])
def iro_edit(assessment_id: int, iro_id: int):
    """Change an impact, risk or opportunity."""
    assessment = double_assessment(assessment_id)
    iro = _iro_of(assessment, iro_id)
    form = _iro_form(assessment, iro)
    if form.validate_on_submit() and _save(assessment, iro, form):
        flash(_("Saved."), "success")
        return redirect(url_for("admin.iro_register", assessment_id=assessment.id)
                        + f"#topic-{iro.topic_id}")
    return render_template("admin/iro_form.html", assessment=assessment, form=form, iro=iro,
                           closed=is_closed(assessment)), 400 if form.errors else 200


def describe_iro_delete(assessment_id: int, iro_id: int) -> Act:
    """Deleting an IRO, quoting it, with the ratings that go with it."""
    assessment = double_assessment(assessment_id)
    iro = _iro_of(assessment, iro_id)
    locale = locale_code()
    ratings = db.session.scalar(db.select(db.func.count()).select_from(IroRating).where(
        IroRating.iro_id == iro.id))
    return Act(_("Delete this entry of %(topic)s from the register?",
                 topic=shown_topics(assessment)[iro.topic_id].name(locale)),
               ngettext("“%(text)s” and its %(num)s rating are deleted; the trail keeps a "
                        "copy.",
                        "“%(text)s” and its %(num)s ratings are deleted; the trail keeps a "
                        "copy.", ratings, text=iro.description(locale)),
               _("Delete"), url_for("admin.iro_register", assessment_id=assessment.id),
               danger=True, refused=refusal_message("assessment_closed")
               if is_closed(assessment) else None)


@bp.route("/assessments/<int:assessment_id>/iros/<int:iro_id>/delete", methods=["GET", "POST"])
@confirm_step(describe_iro_delete)
def iro_delete(assessment_id: int, iro_id: int):
    """Remove an impact, risk or opportunity from the register."""
    assessment = double_assessment(assessment_id)
    iro = _iro_of(assessment, iro_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        delete_iro(assessment, iro)
    except OperationRefused as refused:
        db.session.rollback()
        flash(refusal_message(refused.code), "error")
    else:
        db.session.commit()
        flash(_("Removed from the register."), "success")
    return redirect(url_for("admin.iro_register", assessment_id=assessment.id))


@bp.route("/assessments/<int:assessment_id>/iros/horizons", methods=["POST"])
def iro_horizons(assessment_id: int):
    """Where the assessment's short and medium terms end."""
    assessment = double_assessment(assessment_id)
    form = HorizonsForm()
    if form.validate_on_submit():
        try:
            changed = set_horizons(assessment, form.horizon_short_years.data,
                                   form.horizon_medium_years.data)
        except OperationRefused as refused:
            db.session.rollback()
            flash(refusal_message(refused.code), "error")
        else:
            db.session.commit()
            flash(_("Time horizons saved.") if changed else _("Nothing was changed."), "success")
    else:
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "error")
    return redirect(url_for("admin.iro_register", assessment_id=assessment.id))


def describe_iro_problem(code: str, column: str, value: str) -> str:
    """One row problem of an IRO file in the user's language."""
    messages = {
        "unknown_topic": _("Column %(column)s: “%(value)s” is not a topic of this assessment.",
                           column=column, value=value),
        "unknown_kind": _("Column %(column)s: “%(value)s” is not a kind (negative_impact, "
                          "positive_impact, risk, opportunity).", column=column, value=value),
        "missing_actuality": _("An impact must be actual or potential (column %(column)s).",
                               column=column),
        "unexpected_actuality": _("Risks and opportunities are neither actual nor potential: "
                                  "leave column %(column)s empty.", column=column),
        "unknown_actuality": _("Column %(column)s: “%(value)s” is neither actual nor "
                               "potential.", column=column, value=value),
        "human_rights_not_negative": _("Only a negative impact can concern human rights "
                                       "(column %(column)s).", column=column),
        "not_yes_no": _("Column %(column)s: write yes or no, not “%(value)s”.", column=column,
                        value=value),
        "no_value_chain": _("Tick at least one stage of the value chain (upstream, "
                            "own_operations, downstream)."),
        "unknown_horizon": _("Column %(column)s: “%(value)s” is not short, medium or long.",
                             column=column, value=value),
        "missing_description": _("The description is empty in both languages."),
        "too_long": _("Column %(column)s is longer than %(limit)s characters.", column=column,
                      limit=value),
        "unknown_group": _("Column %(column)s: no stakeholder group “%(value)s”.",
                           column=column, value=value),
        "unknown_id": _("Column %(column)s: no IRO %(value)s in this assessment (leave the id "
                        "empty to add one).", column=column, value=value),
        "duplicate_id": _("IRO %(value)s appears twice in the file.", value=value),
        "control_characters": _("Column %(column)s contains control characters.",
                                column=column),
        "extra_cells": _("The row has more cells than the header."),
    }
    return messages.get(code, code)


@bp.route("/assessments/<int:assessment_id>/iros/import", methods=["GET", "POST"])
def iro_import(assessment_id: int):
    """Import IROs from CSV or XLSX: all rows or none."""
    assessment = double_assessment(assessment_id)
    form = ImportForm()
    bad_rows: list[tuple[int, list[str]]] = []
    status = 200
    if form.validate_on_submit():
        upload = form.file.data
        status = 400
        try:
            frame = read_iro_file(upload.read(), upload.filename or "")
        except TopicFileError as error:
            form.file.errors.append(describe_file_error(error))
        else:
            rows, errors = validate_iro_rows(frame, _topic_spellings(assessment),
                                             _group_spellings(),
                                             {iro.id for iro in register(assessment.id)})
            if errors:
                bad_rows = [(e.row, [describe_iro_problem(*p) for p in e.problems])
                            for e in errors]
                flash(_("Nothing was imported: %(count)s rows have errors.", count=len(errors)),
                      "error")
            elif not rows:
                form.file.errors.append(_("The file has no rows."))
            else:
                try:
                    added, updated = import_iros(assessment, [
                        (row.iro_id, IroValues(**row.values)) for row in rows])
                except OperationRefused as refused:
                    db.session.rollback()
                    form.file.errors.append(refusal_message(refused.code))
                else:
                    db.session.commit()
                    flash(_("Imported: %(added)s added, %(updated)s updated.", added=added,
                            updated=updated), "success")
                    return redirect(url_for("admin.iro_register", assessment_id=assessment.id))
    return render_template("admin/iro_import.html", assessment=assessment, form=form,
                           bad_rows=bad_rows, columns=IRO_FILE_COLUMNS,
                           closed=is_closed(assessment)), status


def _topic_spellings(assessment: Assessment) -> dict[str, int]:
    """Every accepted spelling of the assessment's topics (id, zh, en; lower-cased) -> id."""
    spellings: dict[str, int] = {}
    for link in assessment.topic_links:
        for spelling in (str(link.topic_id), link.topic.name_zh, link.topic.name_en):
            if spelling:
                spellings[spelling.strip().lower()] = link.topic_id
    return spellings


def _group_spellings() -> dict[str, int]:
    """Every accepted spelling of every stakeholder group (zh, en; lower-cased) -> id."""
    spellings: dict[str, int] = {}
    for group in ordered_groups(include_archived=True):
        for spelling in (group.name_zh, group.name_en):
            if spelling:
                spellings[spelling.strip().lower()] = group.id
    return spellings


def iro_records(assessment: Assessment, locale: str) -> list[tuple]:
    """The register as rows in IRO_FILE_COLUMNS order; the file imports back unchanged."""
    topics, groups = shown_topics(assessment), shown_groups(assessment)
    return [(
        iro.id, topics[iro.topic_id].name(locale), iro.kind, iro.actuality or "",
        "yes" if iro.human_rights else "no",
        *("yes" if getattr(iro, stage.value) else "no" for stage in ValueChainStage),
        iro.time_horizon, iro.description_zh or "", iro.description_en or "",
        "; ".join(group.name(locale) for group in in_shown_order(groups, iro.groups)),
    ) for iro in register(assessment.id)]


@bp.route("/assessments/<int:assessment_id>/iros/export.<any(csv, xlsx):fmt>")
def iro_export(assessment_id: int, fmt: str):
    """Download the register as CSV or XLSX."""
    assessment = double_assessment(assessment_id)
    records = iro_records(assessment, locale_code())
    if fmt == "csv":
        body, mimetype = iros_csv(records), "text/csv; charset=utf-8"
    else:
        body = iros_xlsx(records)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f"attachment; filename=iro-register-{assessment.id}.{fmt}"})
