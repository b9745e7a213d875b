"""The report pages of a double-materiality assessment: scores with the settings, the
IRO table and the material topics as files, the matrix with its label editor.

Routes under ``/report/<id>/double/``; a classic assessment gets 404 there (its pages
are :mod:`.routes`'). The label editor posts to the classic matrix's routes, which keep
the labels alike and come back here. Views stay thin, as there: read the choices, call
:mod:`.double_data` or an operation, commit once.
"""
from __future__ import annotations

from dataclasses import replace

from flask import flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup

from ..auth.access import admin_required
from ..extensions import db
from ..models import Assessment
from ..services.documents import iro_tables
from ..services.documents.tables import normalize_locale
from ..view_lookups import double_assessment
from . import bp, cache
from . import double_data as report
from .forms import ConfirmForm, DoubleSettingsForm
from .matrix_pages import matrix_choice, matrix_form
from .operations import (
    OperationRefused,
    save_double_settings,
)
from .routes import _download, _report_locale, refusal_message

# --------------------------------------------------------------------------- scores


def _render_scores(assessment: Assessment, settings_form: DoubleSettingsForm | None = None,
                   status: int = 200):  # noqa: ANN202
    locale = normalize_locale(str(get_locale()))
    data = report.double_report_data(assessment, locale)
    rows = report.iro_rows(data)
    return render_template(
        "report/double_scores.html", assessment=assessment, data=data,
        topics=report.topic_rows(data, rows),
        iro_table=Markup(iro_tables.iro_table_html(  # noqa: S704 - escaped by the service
            rows, locale, data.horizons)),
        settings=report.settings_in_force(data), previews=report.mode_previews(data),
        unplotted=report.unplotted_topics(data),
        settings_form=settings_form or DoubleSettingsForm(formdata=None, obj=assessment),
    ), status


@bp.route("/<int:assessment_id>/double/scores")
def double_scores(assessment_id: int):
    """Each topic's impact and financial materiality with its IROs; the settings in force."""
    return _render_scores(double_assessment(assessment_id))


@bp.route("/<int:assessment_id>/double/scores/settings", methods=["POST"])
@admin_required
def double_settings(assessment_id: int):
    """Change how ratings are aggregated and combined, and the two axes' thresholds."""
    assessment = double_assessment(assessment_id)
    form = DoubleSettingsForm()
    if form.validate_on_submit():
        try:
            changed = save_double_settings(
                assessment, aggregate=form.dm_aggregate.data, combine=form.dm_combine.data,
                threshold_mode=form.dm_threshold_mode.data,
                threshold_impact=form.dm_threshold_impact.data,
                threshold_financial=form.dm_threshold_financial.data,
                top_n=form.dm_top_n.data, quantile=form.dm_quantile.data,
                reason=form.reason.data)
        except OperationRefused as refused:
            db.session.rollback()
            form.dm_threshold_mode.errors = [refusal_message(refused.code)]
        else:
            db.session.commit()
            flash(_("Scoring settings saved.") if changed else _("Nothing was changed."),
                  "success")
            return redirect(url_for("report.double_scores", assessment_id=assessment.id))
    return _render_scores(assessment, settings_form=form, status=400)


@bp.route("/<int:assessment_id>/double/iros.<any(xlsx, csv, docx, html):fmt>")
def double_iro_table(assessment_id: int, fmt: str):
    """The IRO table as XLSX, CSV, DOCX or HTML, in ?locale= (default: the page's)."""
    data = report.double_report_data(double_assessment(assessment_id), _report_locale())
    return _download(report.iro_table_file(data, fmt))


@bp.route("/<int:assessment_id>/double/material-topics.<any(xlsx, csv, docx, html):fmt>")
def double_material_topics(assessment_id: int, fmt: str):
    """The material topics with their IROs as XLSX, CSV, DOCX or HTML, in ?locale=."""
    data = report.double_report_data(double_assessment(assessment_id), _report_locale())
    return _download(report.material_topics_file(data, fmt))


# --------------------------------------------------------------------------- matrix


def _choice(options=None):  # noqa: ANN001, ANN202
    form = matrix_form(options)
    return form, report.plain_choice(matrix_choice(form))


def double_matrix_page(assessment: Assessment, options, refused: dict | None = None):  # noqa: ANN001, ANN202
    form, choice = _choice(options)
    data = report.double_report_data(assessment, form.locale.data)
    editor = report.cached_editor(data, choice)
    query = {k: v for k, v in options.items() if k in ("size", "zoom")}
    query["locale"] = form.locale.data
    return render_template(
        "report/matrix.html", assessment=assessment, form=form, choice=choice,
        editor=editor, query=query, refused=refused or {"typed": {}, "bad": set()},
        confirm=ConfirmForm(), points=len(report.matrix_points(data, saved={})),
        unplotted=report.unplotted_topics(data), double=True,
        endpoints={"page": "report.double_matrix", "image": "report.double_matrix_image",
                   "save": "report.labels_save", "reset": "report.labels_reset"},
    ), 400 if refused else 200


@bp.route("/<int:assessment_id>/double/matrix")
def double_matrix(assessment_id: int):
    """The double-materiality matrix: preview, options, downloads and the label editor."""
    return double_matrix_page(double_assessment(assessment_id), request.args)


@bp.route("/<int:assessment_id>/double/matrix.<any(png, svg, pdf):fmt>")
def double_matrix_image(assessment_id: int, fmt: str):
    """The matrix file with the chosen options; ?preview=1 gives a light inline PNG."""
    form, choice = _choice()
    preview = request.args.get("preview") == "1" and fmt == "png"
    if preview:
        choice = replace(choice, dpi=cache.PREVIEW_DPI)
    data = report.double_report_data(double_assessment(assessment_id), form.locale.data)
    return _download(report.cached_matrix_file(data, choice, fmt), inline=preview)
