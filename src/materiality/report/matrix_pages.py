"""The matrix pages: the preview with its options and downloads, and the label editor's
saving and resetting (for the classic and the double-materiality matrix alike).

Views stay thin: read the choices, call ``data``/``exports``/``operations``, commit once.
"""
from __future__ import annotations

import math
from dataclasses import replace

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict
from wtforms import SelectChoice

from ..confirmation import Act, confirm_step
from ..extensions import db
from ..i18n import locale_code
from ..models import Assessment, Method
from ..services.documents.tables import normalize_locale
from ..services.input_checks import parse_finite, parse_int, remove_control_characters
from . import bp, cache, comparisons, exports
from . import data as report
from .forms import ConfirmForm, MatrixOptionsForm
from .label_editor import label_editor
from .operations import reset_label_positions, save_label_positions
from .routes import _assessment, _download


def matrix_choice(form: MatrixOptionsForm) -> exports.MatrixChoice:
    dpi = form.dpi.data if form.dpi.data in (150, 300, 600) else 300
    compare = int(form.compare.data) if form.compare.data else None
    return exports.MatrixChoice(size=form.size.data, dpi=dpi, error_bars=form.error_bars.data,
                                numbered=form.numbered.data, zoom=form.zoom.data,
                                compare=compare, axes=form.axes.data)


def _previous_positions(data: report.ReportData, choice: exports.MatrixChoice,
                        choices: list[Assessment]) -> dict[int, tuple[float, float]] | None:
    """The baseline's points of the shared topics when the matrix compares; 404 when the
    assessment to compare with shares no topic (or does not exist)."""
    if choice.compare is None:
        return None
    baseline, refused = comparisons.pick_baseline(data.assessment, choices, choice.compare)
    if refused:
        abort(404)
    return comparisons.year_over_year(
        data, report.report_data(baseline, data.locale)).previous_positions()


def matrix_form(options=None) -> MatrixOptionsForm:  # noqa: ANN001
    """The options (from the query string); unknown values fall back to the defaults."""
    args = (request.args if options is None else options).to_dict()
    args.setdefault("locale", normalize_locale(str(get_locale())))
    args["locale"] = normalize_locale(args["locale"])
    if args.get("size") not in ("half_a4", "full_a4", "slide_16_9"):
        args["size"] = "half_a4"
    if args.get("dpi") not in ("150", "300", "600"):
        args["dpi"] = "300"
    if parse_int(args.get("compare", ""), minimum=1) is None:
        args["compare"] = ""
    if args.get("axes") not in ("fixed", "union"):
        args["axes"] = "fixed"
    return MatrixOptionsForm(formdata=MultiDict(args))


def _compare_choices(form: MatrixOptionsForm, choices: list[Assessment]) -> None:
    form.compare.choices = [SelectChoice("", _("No comparison"))] + [
        SelectChoice(str(a.id), f"{a.reporting_year} · {a.display_title(locale_code())}")
        for a in choices]


@bp.route("/<int:assessment_id>/matrix")
def matrix(assessment_id: int):
    """The matrix preview, its options, downloads and the label editor."""
    return _matrix_page(_assessment(assessment_id), request.args)


def _matrix_page(assessment: Assessment, options, refused: dict | None = None):  # noqa: ANN001, ANN202
    """The matrix page; ``refused`` holds the label positions typed when they were refused
    (input name -> text), shown again so nothing typed is lost."""
    form = matrix_form(options)
    choices = comparisons.baseline_choices(assessment)
    _compare_choices(form, choices)
    choice = matrix_choice(form)
    data = report.report_data(assessment, form.locale.data)
    previous = _previous_positions(data, choice, choices)
    if choice.numbered:
        editor = None
    elif previous is None:
        editor = cache.matrix_editor(data, choice)
    else:  # the baseline's data is not in the cache's key: drawn afresh
        editor = label_editor(data, exports.matrix_options(data, choice, previous),
                                     error_bars=choice.error_bars, previous_positions=previous)
    query = {k: v for k, v in options.items()
             if k in ("size", "error_bars", "numbered", "zoom", "compare", "axes")}
    query["locale"] = form.locale.data
    return render_template("report/matrix.html", assessment=assessment, form=form,
                           choice=choice, editor=editor, query=query,
                           refused=refused or {"typed": {}, "bad": set()},
                           confirm=ConfirmForm(), points=len(data.result.topics)
                           ), 400 if refused else 200


@bp.route("/<int:assessment_id>/matrix.<any(png, svg, pdf):fmt>")
def matrix_image(assessment_id: int, fmt: str):
    """The matrix file with the chosen options; ?preview=1 gives a light inline PNG."""
    form = matrix_form()
    choice = matrix_choice(form)
    preview = request.args.get("preview") == "1" and fmt == "png"
    if preview:
        choice = replace(choice, dpi=cache.PREVIEW_DPI)
    assessment = _assessment(assessment_id)
    data = report.report_data(assessment, form.locale.data)
    previous = _previous_positions(data, choice, comparisons.baseline_choices(assessment))
    if previous is None:
        return _download(cache.matrix_file(data, choice, fmt), inline=preview)
    # A comparison is drawn afresh: the baseline's data is not in the cache's key.
    return _download(exports.matrix_file(data, choice, fmt, previous_positions=previous),
                     inline=preview)


def _posted_positions(assessment: Assessment) -> tuple[dict[int, tuple[float, float]], set[str]]:
    """Label centres whose inputs differ from what the page showed (the moved ones), and
    the names of the inputs that hold no finite number."""
    moved, bad = {}, set()
    for topic_id in (link.topic_id for link in assessment.topic_links):
        names = (f"x_{topic_id}", f"y_{topic_id}")
        if not all(name in request.form for name in names):
            continue  # not on the page (a numbered matrix, or a point without both scores)
        x, y = (parse_finite(request.form[name]) for name in names)
        if x is None or y is None:
            bad.update(name for name, value in zip(names, (x, y), strict=True) if value is None)
            continue
        ox = parse_finite(request.form.get(f"ox_{topic_id}"))
        oy = parse_finite(request.form.get(f"oy_{topic_id}"))
        if ox is None or oy is None or not (
                math.isclose(x, ox, abs_tol=1e-6) and math.isclose(y, oy, abs_tol=1e-6)):
            moved[topic_id] = (x, y)
    return moved, bad


def _back_to_matrix(assessment: Assessment, locale: str):  # noqa: ANN202
    """Back to the assessment's matrix page (the double-materiality one for that method)."""
    if assessment.method == Method.DOUBLE:
        keep = {k: v for k, v in request.form.items() if k in ("size", "zoom")}
        return redirect(url_for("report.double_matrix", assessment_id=assessment.id,
                                locale=locale, **keep))
    keep = {k: v for k, v in request.form.items()
            if k in ("size", "error_bars", "zoom", "compare", "axes")}
    return redirect(url_for("report.matrix", assessment_id=assessment.id, locale=locale, **keep))


def _matrix_page_of(assessment: Assessment, options, refused: dict):  # noqa: ANN001, ANN202
    """The assessment's own matrix page, showing the refused label positions again."""
    if assessment.method == Method.DOUBLE:
        from .double import double_matrix_page

        return double_matrix_page(assessment, options, refused)
    return _matrix_page(assessment, options, refused)


@bp.route("/<int:assessment_id>/matrix/labels", methods=["POST"])
def labels_save(assessment_id: int):
    """Keep the labels the editor (or an admin) moved, for the next preview and export in
    that language. Positions off the plot are brought back to its edge. The classic and
    the double-materiality matrix keep their labels alike (an assessment draws one)."""
    assessment = _assessment(assessment_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    locale = normalize_locale(request.form.get("locale"))
    moved, bad = _posted_positions(assessment)
    if bad:
        flash(_("Label positions must be numbers (NaN and infinity are not); nothing was saved."),
              "error")
        typed = {k: remove_control_characters(v)[:40] for k, v in request.form.items()
                 if k.startswith(("x_", "y_"))}
        return _matrix_page_of(assessment, request.form, {"typed": typed, "bad": bad})
    saved = save_label_positions(assessment, locale, moved)
    db.session.commit()
    flash(_("%(count)s label positions saved.", count=saved), "success")
    return _back_to_matrix(assessment, locale)


def describe_labels_reset(assessment_id: int) -> Act:
    """Resetting the labels of one language, with how many were placed by hand; Cancel
    goes back to the assessment's own matrix page."""
    assessment = _assessment(assessment_id)
    page = "report.double_matrix" if assessment.method == Method.DOUBLE else "report.matrix"
    return labels_reset_act(assessment, page)


def labels_reset_act(assessment: Assessment, matrix_endpoint: str) -> Act:
    """What resetting the labels of the language asked (?locale=) does; Cancel goes back to
    ``matrix_endpoint`` (the classic or the double-materiality matrix)."""
    locale = normalize_locale(request.values.get("locale"))
    size = request.values.get("size")
    keep = {"locale": locale, **({"size": size} if size in ("half_a4", "full_a4",
                                                             "slide_16_9") else {})}
    placed = len(report.label_positions(assessment.id, locale))
    language = _("Chinese") if locale == "zh_CN" else _("English")
    return Act(_("Reset the labels of the %(language)s matrix?", language=language),
               ngettext("%(num)s label placed by hand goes back to its automatic place, in "
                        "the preview and every export in this language.",
                        "%(num)s labels placed by hand go back to their automatic places, in "
                        "the preview and every export in this language.", placed),
               _("Reset the labels"), url_for(matrix_endpoint, assessment_id=assessment.id,
                                              **keep),
               danger=True, keep=keep)


@bp.route("/<int:assessment_id>/matrix/labels/reset", methods=["GET", "POST"])
@confirm_step(describe_labels_reset)
def labels_reset(assessment_id: int):
    """Forget the hand-placed labels in one language."""
    assessment = _assessment(assessment_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    locale = normalize_locale(request.form.get("locale"))
    reset_label_positions(assessment, locale)
    db.session.commit()
    flash(_("Labels are placed automatically again."), "success")
    return _back_to_matrix(assessment, locale)
