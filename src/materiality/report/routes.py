"""Editors' pages: scores, the report's tables, year over year, the trail, the note (the
matrix and its label editor: :mod:`.matrix_pages`).

Views stay thin: read the choices, call ``data``/``exports``/``operations``, commit once.
"""
from __future__ import annotations

from flask import (
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from wtforms import SelectChoice

from ..auth.access import admin_required
from ..confirmation import Act, confirm_step
from ..extensions import db
from ..frozen_configuration import is_closed, shown_topics
from ..i18n import locale_code
from ..models import Assessment, CompanyScoreOverride
from ..services.documents import methodology as methodology_service
from ..services.documents.tables import normalize_locale, topic_table_html
from ..services.input_checks import parse_int
from ..services.scoring.classic import RATER_KINDS
from . import bp, comparisons, exports, scores_page
from . import data as report
from .forms import (
    BaselineForm,
    ConfirmForm,
    OverrideForm,
    PromoteForm,
    RemoveOverrideForm,
    ScoringSettingsForm,
)
from .operations import (
    OperationRefused,
    promote_open_answer,
    remove_company_override,
    save_scoring_settings,
    set_company_override,
)


def _assessment(assessment_id: int) -> Assessment:
    return db.get_or_404(Assessment, assessment_id)


def _report_locale() -> str:
    """The report language: ?locale= when given, else the page's language."""
    return normalize_locale(request.args.get("locale") or str(get_locale()))


def _download(export: exports.ExportFile | exports.StreamedFile,
              inline: bool = False) -> Response:
    """Bytes as a file download (no file handle left open); a streamed file is sent
    chunk by chunk as it is made."""
    if isinstance(export, exports.StreamedFile):
        response = Response(stream_with_context(export.chunks), content_type=export.media_type)
    else:
        response = Response(export.content, content_type=export.media_type)
    disposition = "inline" if inline else "attachment"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{export.filename}"'
    return response


def refusal_message(code: str) -> str:
    """Why a change was refused, in the user's language."""
    return {
        "value_needs_thresholds": _("Give both threshold values."),
        "top_n_needs_n": _("Give N for the top-N tiers."),
        "quantile_needs_q": _("Give the quantile."),
        "weights_all_zero": _("At least one rater kind needs a weight above zero."),
        "topic_not_in_assessment": _("This topic is not part of the assessment."),
        "reason_required": _("Write the reason for the override."),
        "settings_reason_required": _("Write the reason for this change; it is kept in the "
                                      "trail."),
        "remove_reason_required": _("Write why the override is removed; it is kept in the "
                                    "trail."),
        "assessment_closed": _("This assessment is closed: its configuration and responses "
                               "are frozen. Reopen it (with a reason) to change them."),
        "no_such_answer": _("This open answer does not exist (any more)."),
        "bad_field": _("This open answer does not exist (any more)."),
        "settings_not_valid": _("These settings are not valid for the method."),
    }.get(code, code)


@bp.route("/")
def index():
    """Every assessment with links to its report pages."""
    rows = db.session.scalars(
        db.select(Assessment).order_by(Assessment.reporting_year.desc(), Assessment.id.desc()))
    return render_template("report/index.html", assessments=rows.all())


# --------------------------------------------------------------------------- scores


def _settings_form(assessment: Assessment) -> ScoringSettingsForm:
    return ScoringSettingsForm(formdata=None, obj=assessment)


def _override_form(assessment: Assessment, locale: str, formdata=None) -> OverrideForm:  # noqa: ANN001
    form = OverrideForm(formdata=formdata) if formdata is not None else OverrideForm(formdata=None)
    form.topic_id.choices = [SelectChoice(t.id, t.name(locale))
                             for t in shown_topics(assessment).values()]
    return form


def _render_scores(assessment: Assessment, settings_form=None, override_form=None,  # noqa: ANN001
                   status: int = 200):
    locale = normalize_locale(str(get_locale()))
    data = report.report_data(assessment, locale)
    overrides = db.session.scalars(db.select(CompanyScoreOverride).where(
        CompanyScoreOverride.assessment_id == assessment.id)).all()
    page = render_template(
        "report/scores.html", assessment=assessment, data=data,
        table=Markup(topic_table_html(report.topic_score_rows(data), locale,  # noqa: S704
                                      data.group_names)),
        breakdown=scores_page.breakdown_rows(data),
        weights=scores_page.weights_in_force(data),
        robustness=scores_page.robustness(data), previews=scores_page.mode_previews(data),
        overrides=overrides,
        settings_form=settings_form or _settings_form(assessment),
        override_form=override_form or _override_form(assessment, locale),
        confirm=ConfirmForm(),
        rater_kinds=RATER_KINDS,
    )
    return page, status


@bp.route("/<int:assessment_id>/scores")
def scores(assessment_id: int):
    """Topic scores with intervals, n per group, tiers; the weighting and thresholds in force."""
    return _render_scores(_assessment(assessment_id))


@bp.route("/<int:assessment_id>/scores/settings", methods=["POST"])
@admin_required
def scoring_settings(assessment_id: int):
    """Change the tier thresholds and the rater-kind weights."""
    assessment = _assessment(assessment_id)
    form = ScoringSettingsForm()
    if form.validate_on_submit():
        try:
            save_scoring_settings(
                assessment, threshold_mode=form.threshold_mode.data,
                threshold_company=form.threshold_company.data,
                threshold_stakeholder=form.threshold_stakeholder.data,
                top_n=form.top_n.data, quantile=form.quantile.data,
                rater_kind_weights={k: form[f"weight_{k}"].data for k in RATER_KINDS},
                reason=form.reason.data)
        except OperationRefused as refused:
            db.session.rollback()
            form.threshold_mode.errors = [refusal_message(refused.code)]
        else:
            db.session.commit()
            flash(_("Scoring settings saved."), "success")
            return redirect(url_for("report.scores", assessment_id=assessment.id))
    return _render_scores(assessment, settings_form=form, status=400)


@bp.route("/<int:assessment_id>/scores/overrides", methods=["POST"])
@admin_required
def override_set(assessment_id: int):
    """Set a topic's company score by hand, with the written reason."""
    assessment = _assessment(assessment_id)
    form = _override_form(assessment, normalize_locale(str(get_locale())), request.form)
    if form.validate_on_submit():
        try:
            set_company_override(assessment, form.topic_id.data, form.score.data,
                                 form.reason.data, current_user.id)
        except OperationRefused as refused:
            db.session.rollback()
            form.reason.errors = [refusal_message(refused.code)]
        else:
            db.session.commit()
            flash(_("Company score overridden."), "success")
            return redirect(url_for("report.scores", assessment_id=assessment.id))
    return _render_scores(assessment, override_form=form, status=400)


def describe_override_remove(assessment_id: int, topic_id: int) -> Act:
    """Removing an override: the company score goes back to the computed one."""
    assessment = _assessment(assessment_id)
    override = db.session.get(CompanyScoreOverride, (assessment.id, topic_id))
    if override is None:
        abort(404)
    topic = shown_topics(assessment).get(topic_id)
    name = topic.name(normalize_locale(str(get_locale()))) if topic else str(topic_id)
    return Act(_("Remove the override of %(topic)s?", topic=name),
               _("Its company score goes back from %(score)s, set by hand, to the score "
                 "computed from the ratings; every result that uses it changes.",
                 score=f"{override.score:.2f}"),
               _("Remove override"), url_for("report.scores", assessment_id=assessment.id),
               danger=True, reason=_("Why the override is removed"),
               refused=refusal_message("assessment_closed")
               if assessment.status == "closed" else None)


@bp.route("/<int:assessment_id>/scores/overrides/<int:topic_id>/remove", methods=["GET", "POST"])
@admin_required
@confirm_step(describe_override_remove)
def override_remove(assessment_id: int, topic_id: int):
    """Go back to the computed company score of a topic."""
    assessment = _assessment(assessment_id)
    form = RemoveOverrideForm()
    if not form.validate_on_submit():
        flash(refusal_message("remove_reason_required"), "error")
        return redirect(url_for("report.scores", assessment_id=assessment.id))
    try:
        removed = remove_company_override(assessment, topic_id, form.reason.data)
    except OperationRefused as refused:
        db.session.rollback()
        flash(refusal_message(refused.code), "error")
    else:
        db.session.commit()
        if removed:
            flash(_("Override removed."), "success")
    return redirect(url_for("report.scores", assessment_id=assessment.id))


@bp.route("/<int:assessment_id>/topics.<any(xlsx, csv, docx, html):fmt>")
def topic_table_download(assessment_id: int, fmt: str):
    """The topic score table as XLSX, CSV, DOCX or HTML, in ?locale= (default: the page's)."""
    data = report.report_data(_assessment(assessment_id), _report_locale())
    return _download(exports.topic_table_file(data, fmt))


@bp.route("/<int:assessment_id>/bundle.zip")
def bundle_download(assessment_id: int):
    """The reproducibility bundle: anonymised ratings, configuration, sums (a zip)."""
    from .bundle import bundle_file

    return _download(bundle_file(_assessment(assessment_id)))


@bp.route("/<int:assessment_id>/raw.csv")
def raw_download(assessment_id: int):
    """Every counted rating, one row each, to recompute every figure from."""
    return _download(exports.raw_file(_assessment(assessment_id), _report_locale()))


# --------------------------------------------------------------------------- year over year


def _year_over_year(assessment: Assessment, form: BaselineForm, locale: str):  # noqa: ANN202
    """The comparison the page or download asks for: (choices, baseline, refused, result)."""
    choices = comparisons.baseline_choices(assessment)
    form.baseline.choices = [SelectChoice(str(a.id),
                                         f"{a.reporting_year} · {a.display_title(locale_code())}")
                             for a in choices]
    wanted = form.baseline.data
    wanted_id = parse_int(wanted, minimum=1)
    baseline, refused = comparisons.pick_baseline(assessment, choices, wanted_id)
    if refused or (wanted and wanted_id is None):
        return choices, None, True, None
    if baseline is None:
        return choices, None, False, None
    form.baseline.data = str(baseline.id)
    result = comparisons.year_over_year(report.report_data(assessment, locale),
                                        report.report_data(baseline, locale))
    return choices, baseline, False, result


def _baseline_form() -> BaselineForm:
    from werkzeug.datastructures import MultiDict

    return BaselineForm(formdata=MultiDict({"baseline": request.args.get("baseline", "")}))


@bp.route("/<int:assessment_id>/changes")
def changes(assessment_id: int):
    """What changed since another assessment (?baseline=, default: the one copied from or
    the previous reporting year's): the change table, its downloads, the arrow matrix."""
    assessment = _assessment(assessment_id)
    locale = _report_locale()
    form = _baseline_form()
    choices, baseline, refused, result = _year_over_year(assessment, form, locale)
    table = None
    if result is not None:
        table = Markup(comparisons.change_table_fragment(result))  # noqa: S704 - escaped
    return render_template("report/changes.html", assessment=assessment, locale=locale,
                           form=form, choices=choices, baseline=baseline, refused=refused,
                           result=result, table=table), (400 if refused else 200)


@bp.route("/<int:assessment_id>/changes.<any(xlsx, csv, docx, html):fmt>")
def changes_download(assessment_id: int, fmt: str):
    """The change table against ?baseline= as XLSX, CSV, DOCX or HTML, in ?locale=."""
    _choices, _baseline, _refused, result = _year_over_year(
        _assessment(assessment_id), _baseline_form(), _report_locale())
    if result is None:
        abort(404)
    return _download(comparisons.change_table_file(result, fmt))


# --------------------------------------------------------------------------- responses


@bp.route("/<int:assessment_id>/responses")
def responses(assessment_id: int):
    """The response table in ?locale=, with the survey's open answers per group."""
    assessment = _assessment(assessment_id)
    locale = _report_locale()
    return render_template(
        "report/responses.html", assessment=assessment, locale=locale,
        rows=report.response_rows(assessment, locale), closed=is_closed(assessment),
        groups=report.answer_groups(assessment), answers=report.open_answers(assessment.id),
        form=PromoteForm())


@bp.route("/<int:assessment_id>/responses.<any(xlsx, csv, docx, html):fmt>")
def responses_download(assessment_id: int, fmt: str):
    """The response table as XLSX, CSV, DOCX or HTML."""
    return _download(exports.response_table_file(_assessment(assessment_id),
                                                 _report_locale(), fmt))


@bp.route("/<int:assessment_id>/responses/promote", methods=["POST"])
@admin_required
def promote(assessment_id: int):
    """Add an open answer to its group's expectations, in the language shown."""
    assessment = _assessment(assessment_id)
    form = PromoteForm()
    locale = _report_locale()
    submission_id = parse_int(form.submission_id.data, minimum=1)
    if not form.validate_on_submit() or submission_id is None:
        abort(400)
    try:
        promote_open_answer(assessment, submission_id, form.field.data, locale)
    except OperationRefused as refused:
        db.session.rollback()
        flash(refusal_message(refused.code), "error")
    else:
        db.session.commit()
        flash(_("Added to the group's expectations."), "success")
    return redirect(url_for("report.responses", assessment_id=assessment.id, locale=locale))


# --------------------------------------------------------------------------- trail


@bp.route("/<int:assessment_id>/trail")
def trail(assessment_id: int):
    """Every act that changed (or could change) the assessment's results, newest first."""
    from .. import trail as trail_log

    assessment = _assessment(assessment_id)
    return render_template("report/trail.html", assessment=assessment,
                           entries=list(reversed(trail_log.entries(assessment.id))),
                           labels=trail_log.ACTION_LABELS,
                           verification=trail_log.verify(assessment.id))


@bp.route("/<int:assessment_id>/trail.<any(csv, xlsx):fmt>")
def trail_download(assessment_id: int, fmt: str):
    """The trail as CSV or XLSX, with every stored field and hash."""
    return _download(exports.trail_file(_assessment(assessment_id), fmt))


# --------------------------------------------------------------------------- methodology


@bp.route("/<int:assessment_id>/methodology")
def methodology(assessment_id: int):
    """The methodology note generated from the data, in ?locale=."""
    data = report.report_data(_assessment(assessment_id), _report_locale())
    note = Markup(methodology_service.methodology_html(  # noqa: S704 - escaped by the service
        report.methodology_input(data), data.locale))
    return render_template("report/methodology.html", assessment=data.assessment,
                           locale=data.locale, note=note)


@bp.route("/<int:assessment_id>/methodology.<any(md, html, docx):fmt>")
def methodology_download(assessment_id: int, fmt: str):
    """The methodology note as Markdown, HTML or DOCX."""
    data = report.report_data(_assessment(assessment_id), _report_locale())
    return _download(exports.methodology_file(data, fmt))
