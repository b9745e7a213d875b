"""Staff's fieldwork pages: links, codes, QR codes and posters, responses, feedback results.

Editors may read (links, QR codes, posters, results); changing links, codes and
targets, seeing invitation codes and deleting responses is for admins.
"""
from __future__ import annotations

import csv
import io

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ..admin.forms import ConfirmForm
from ..admin.operations import OperationRefused
from ..auth.access import admin_required
from ..confirmation import Act, confirm_step
from ..extensions import db
from ..forms_common import query_int
from ..frozen_configuration import is_closed
from ..i18n import from_local_time, local_time, locale_code, time_zone_label
from ..models import (
    Assessment,
    InvitationCode,
    LinkState,
    Submission,
    SurveyLink,
    as_utc,
    ordered_groups,
)
from ..organisation import shown_organisation
from ..services.documents.office_files import guard_formula
from ..services.input_checks import parse_int, remove_control_characters
from ..services.qr import qr_png, qr_svg, qr_svg_data_uri
from . import bp
from .forms import ClosingForm, CodesForm
from .operations import (
    assessment_links,
    delete_response,
    ensure_links,
    generate_codes,
    link_codes,
    restore_response,
    set_link_closing,
    set_link_state,
    set_targets,
)
from .poster import poster_facts
from .results import (
    bar_chart,
    counts_by_kind,
    feedback_results,
    group_targets,
    link_responses,
    progress_by_group,
    responses_by_link,
    responses_per_day,
    submissions_page,
)

#: More responses than anyone aims for in one group: a typing slip.
MAX_TARGET = 1_000_000


def public_url(endpoint: str, **values) -> str:  # noqa: ANN003
    """The absolute public address printed on QR codes (PUBLIC_BASE_URL, else this host)."""
    base = current_app.config.get("PUBLIC_BASE_URL") or request.host_url
    return base.rstrip("/") + url_for(endpoint, **values)


def link_url(link: SurveyLink) -> str:
    return public_url("survey.by_link", token=link.token)


def short_url(link: SurveyLink) -> str | None:
    """The link's short address (``https://host/s/7KQ2M4XA``), for typing from a poster."""
    return public_url("survey.by_link", token=link.short_code) if link.short_code else None


def code_url(code: InvitationCode) -> str:
    return public_url("survey.by_code", code=code.code)


def _qr_response(url: str, fmt: str, filename: str) -> Response:
    if fmt == "png":
        body, mimetype = qr_png(url), "image/png"
    else:
        body, mimetype = qr_svg(url), "image/svg+xml"
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f'inline; filename="{filename}.{fmt}"'})


def refusal_message(code: str) -> str:
    """Why a change was refused, in the user's language."""
    if code == "assessment_closed":
        return _("This assessment is closed: its configuration and responses are frozen. "
                 "Reopen it (with a reason) to change them.")
    if code == "reason_required":
        return _("Write the reason for this change; it is kept in the trail.")
    return code


@bp.context_processor
def fieldwork_helpers() -> dict:
    return {"link_url": link_url, "short_url": short_url, "code_url": code_url,
            "link_name": link_name, "loc": locale_code()}


# -- links --------------------------------------------------------------------------------

@bp.route("/assessments/<int:assessment_id>/links")
def links(assessment_id: int):
    """Every link of an assessment with its state, address, QR codes and poster."""
    return _links_page(db.get_or_404(Assessment, assessment_id))


def _links_page(assessment: Assessment, refused: tuple[int, str, str] | None = None):  # noqa: ANN202
    """The links page; ``refused`` is (link id, value typed, message) of a closing time refused."""
    return render_template("fieldwork/links.html", assessment=assessment,
                           links=assessment_links(assessment.id), confirm=ConfirmForm(),
                           answered=responses_by_link(assessment.id),
                           targets=group_targets(assessment.id),
                           closing=ClosingForm(formdata=None), section="links",
                           time_zone=time_zone_label(), refused=refused), 400 if refused else 200


@bp.route("/assessments/<int:assessment_id>/links/create", methods=["POST"])
@admin_required
def links_create(assessment_id: int):
    """Create the missing links: one per group, general, company and feedback."""
    assessment = db.get_or_404(Assessment, assessment_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    made = ensure_links(assessment, ordered_groups())
    db.session.commit()
    flash(_("%(count)s links created.", count=made), "success")
    return redirect(url_for("fieldwork.links", assessment_id=assessment.id))


def link_name(link: SurveyLink) -> str:
    """Who a link is for, in the page's language (the templates' ``link_label`` too)."""
    kinds = {"management": _("Management"), "internal_expert": _("Internal expert"),
             "external_expert": _("External expert")}
    if link.kind == "feedback":
        return _("Reader feedback form")
    if link.kind == "company":
        return _("Company rating") + ": " + kinds.get(link.rater_kind or "",
                                                      _("general link (rater picks)"))
    if link.kind == "assessor":
        return _("Assessor panel") + ": " + kinds.get(
            link.rater_kind or "", _("each assessor says how they take part"))
    if link.group is not None:
        return link.group.name(locale_code())
    return _("General link (respondent picks a group)")


def describe_link_state(link_id: int, state: str) -> Act:
    """What pausing, resuming or closing a link does, with its responses so far."""
    link = db.get_or_404(SurveyLink, link_id)
    name, answered = link_name(link), link_responses(link.id)
    back = url_for("fieldwork.links", assessment_id=link.assessment_id)
    refused = None
    if state == link.state:
        refused = _("The link is in this state already.")
    elif state == LinkState.ACTIVE and is_closed(link.assessment):
        refused = refusal_message("assessment_closed")
    if state == LinkState.CLOSED:
        return Act(_("Close the link for %(name)s?", name=name),
                   ngettext("%(num)s person has answered; no one else can. Its address and "
                            "QR code answer “closed” from now on.",
                            "%(num)s people have answered; no one else can. Its address and "
                            "QR code answer “closed” from now on.", answered),
                   _("Close the link"), back, danger=True, refused=refused)
    if state == LinkState.PAUSED:
        return Act(_("Pause the link for %(name)s?", name=name),
                   ngettext("%(num)s person has answered. While the link is paused, its "
                            "address takes no answers until you resume it.",
                            "%(num)s people have answered. While the link is paused, its "
                            "address takes no answers until you resume it.", answered),
                   _("Pause the link"), back, danger=True, refused=refused)
    return Act(_("Resume the link for %(name)s?", name=name),
               ngettext("%(num)s person has answered so far. Its address and QR code "
                        "take answers again.",
                        "%(num)s people have answered so far. Its address and QR code "
                        "take answers again.", answered),
               _("Resume the link"), back, refused=refused)


@bp.route("/links/<int:link_id>/state/<any(active, paused, closed):state>",
          methods=["GET", "POST"])
@admin_required
@confirm_step(describe_link_state)
def link_state(link_id: int, state: str):
    """Pause, resume or close a link."""
    link = db.get_or_404(SurveyLink, link_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        set_link_state(link, state)
    except OperationRefused as refused:
        db.session.rollback()
        flash(refusal_message(refused.code), "error")
    else:
        db.session.commit()
        flash(_("Link updated."), "success")
    return redirect(url_for("fieldwork.links", assessment_id=link.assessment_id))


@bp.route("/links/<int:link_id>/closing", methods=["POST"])
@admin_required
def link_closing(link_id: int):
    """Set or clear a link's closing moment."""
    link = db.get_or_404(SurveyLink, link_id)
    form = ClosingForm()
    if not form.validate_on_submit():
        field = form.closes_at
        # A date that parsed carries its own message (out of range); else say the format.
        message = (" ".join(map(str, field.errors)) if field.data is not None and field.errors
                   else _("Enter the closing date and time as YYYY-MM-DD HH:MM."))
        typed = remove_control_characters((field.raw_data or [""])[0])[:40]
        return _links_page(link.assessment, (link.id, typed, message))
    value = form.closes_at.data
    set_link_closing(link, from_local_time(value) if value else None)
    db.session.commit()
    flash(_("Closing date saved."), "success")
    return redirect(url_for("fieldwork.links", assessment_id=link.assessment_id))


@bp.route("/links/<int:link_id>/qr.<any(png, svg):fmt>")
def link_qr(link_id: int, fmt: str):
    """The link's QR code as PNG or SVG."""
    link = db.get_or_404(SurveyLink, link_id)
    return _qr_response(link_url(link), fmt, f"survey-link-{link.id}")


@bp.route("/links/<int:link_id>/poster")
def link_poster(link_id: int):
    """A printable poster (A4, or A3 with ``?size=a3``): who is asking, why and for how
    long, the QR code large, the short address under it, and the closing date."""
    link = db.get_or_404(SurveyLink, link_id)
    size = "a3" if request.args.get("size") == "a3" else "a4"
    return render_template("fieldwork/poster.html", link=link, assessment=link.assessment,
                           url=link_url(link), poster=poster_facts(link, locale_code()), size=size,
                           organisation=shown_organisation(locale_code()))


# -- invitation codes (admin: a code is a key) ---------------------------------------------

@bp.route("/links/<int:link_id>/codes", methods=["GET", "POST"])
@admin_required
def codes(link_id: int):
    """A link's invitation codes; generate more."""
    link = db.get_or_404(SurveyLink, link_id)
    form = CodesForm()
    if form.validate_on_submit():
        made = generate_codes(link, form.count.data, (form.note.data or "").strip())
        db.session.commit()
        flash(_("%(count)s codes generated.", count=len(made)), "success")
        return redirect(url_for("fieldwork.codes", link_id=link.id))
    return render_template("fieldwork/codes.html", link=link, assessment=link.assessment,
                           codes=link_codes(link.id), form=form, section="links")


@bp.route("/links/<int:link_id>/codes.csv")
@admin_required
def codes_csv(link_id: int):
    """The codes with their addresses, for a mail merge."""
    link = db.get_or_404(SurveyLink, link_id)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["code", "url", "note", "used_at"])
    for code in link_codes(link.id):
        writer.writerow([code.code, code_url(code), guard_formula(code.note or ""),
                         as_utc(code.used_at).isoformat() if code.used_at else ""])
    return Response("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="invitation-codes-link-{link.id}.csv"'})


@bp.route("/links/<int:link_id>/codes/sheet")
@admin_required
def codes_sheet(link_id: int):
    """A printable sheet of the unused codes' QR codes, to cut and hand out."""
    link = db.get_or_404(SurveyLink, link_id)
    tiles = [(code, qr_svg_data_uri(code_url(code))) for code in link_codes(link.id)
             if code.used_at is None]
    return render_template("fieldwork/codes_sheet.html", link=link, assessment=link.assessment,
                           tiles=tiles, organisation=shown_organisation(locale_code()))


@bp.route("/codes/<int:code_id>/qr.<any(png, svg):fmt>")
@admin_required
def code_qr(code_id: int, fmt: str):
    """One invitation code's QR code as PNG or SVG."""
    code = db.get_or_404(InvitationCode, code_id)
    return _qr_response(code_url(code), fmt, f"invitation-{code.id}")


# -- responses ------------------------------------------------------------------------------

@bp.route("/assessments/<int:assessment_id>/responses")
def responses(assessment_id: int):
    """Responses per group against the targets, per day, and the list."""
    assessment = db.get_or_404(Assessment, assessment_id)
    window = (assessment.opens_on, assessment.closes_on)
    per_day = responses_per_day(assessment.id, current_app.config["BABEL_DEFAULT_TIMEZONE"],
                                window)
    return render_template(
        "fieldwork/responses.html", assessment=assessment, section="responses",
        progress=progress_by_group(assessment.id, ordered_groups()),
        by_kind=counts_by_kind(assessment.id), per_day=per_day,
        chart=bar_chart(per_day, window),
        submissions=submissions_page(assessment.id, query_int("page", default=1)),
        confirm=ConfirmForm())


@bp.route("/assessments/<int:assessment_id>/targets", methods=["POST"])
@admin_required
def targets(assessment_id: int):
    """Set the number of responses aimed for per group."""
    assessment = db.get_or_404(Assessment, assessment_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    values: dict[int, int | None] = {}
    for group in ordered_groups():
        raw = request.form.get(f"target_{group.id}", "").strip()
        if not raw:
            values[group.id] = None
        elif (target := parse_int(raw, 0, MAX_TARGET)) is not None:
            values[group.id] = target
        else:
            flash(_("Targets must be whole numbers; nothing was changed."), "error")
            return redirect(url_for("fieldwork.responses", assessment_id=assessment.id))
    set_targets(assessment.id, values)
    db.session.commit()
    flash(_("Targets saved."), "success")
    return redirect(url_for("fieldwork.responses", assessment_id=assessment.id))


def _response_facts(submission: Submission) -> list[tuple[str, str]]:
    facts = [(_("Received"), local_time(submission.submitted_at)),
             (_("Questionnaire"), link_name(submission.link))]
    if submission.deleted_at is not None:
        facts.append((_("Deleted"), submission.deleted_reason or ""))
    return facts


def describe_response_delete(submission_id: int) -> Act:
    """Deleting a response: kept with the reason, left out of every count."""
    submission = db.get_or_404(Submission, submission_id)
    back = url_for("fieldwork.responses", assessment_id=submission.assessment_id)
    refused = None
    if submission.deleted_at is not None:
        refused = _("This response was deleted.")
    elif is_closed(db.session.get(Assessment, submission.assessment_id)):
        refused = refusal_message("assessment_closed")
    return Act(_("Delete this response?"),
               _("The response is kept with your reason and left out of every count and "
                 "score."), _("Delete the response"), back, danger=True,
               facts=_response_facts(submission), reason=_("Reason"), refused=refused)


@bp.route("/responses/<int:submission_id>/delete", methods=["GET", "POST"])
@admin_required
@confirm_step(describe_response_delete)
def response_delete(submission_id: int):
    """Delete one response, giving a reason that is kept."""
    submission = db.get_or_404(Submission, submission_id)
    try:
        delete_response(submission, request.form["reason"], current_user.id)
    except OperationRefused as refused:  # closed since the confirm page was shown
        db.session.rollback()
        flash(refusal_message(refused.code), "error")
    else:
        db.session.commit()
        flash(_("Response deleted. It is kept with the reason and left out of every "
                "count."), "success")
    return redirect(url_for("fieldwork.responses", assessment_id=submission.assessment_id))


def describe_response_restore(submission_id: int) -> Act:
    """Restoring a deleted response: it counts again."""
    submission = db.get_or_404(Submission, submission_id)
    back = url_for("fieldwork.responses", assessment_id=submission.assessment_id)
    refused = None
    if submission.deleted_at is None:
        refused = _("This response is counted.")
    elif is_closed(db.session.get(Assessment, submission.assessment_id)):
        refused = refusal_message("assessment_closed")
    return Act(_("Restore this response?"),
               _("Restored, the response counts again in every count and score. Your "
                 "reason is kept in the trail."), _("Restore the response"), back,
               facts=_response_facts(submission), reason=_("Reason"), refused=refused)


@bp.route("/responses/<int:submission_id>/restore", methods=["GET", "POST"])
@admin_required
@confirm_step(describe_response_restore)
def response_restore(submission_id: int):
    """Count a deleted response again, giving a reason that is kept in the trail."""
    submission = db.get_or_404(Submission, submission_id)
    try:
        restore_response(submission, request.form["reason"])
    except OperationRefused as refused:  # closed since the confirm page was shown
        db.session.rollback()
        flash(refusal_message(refused.code), "error")
    else:
        db.session.commit()
        flash(_("Response restored. It counts again."), "success")
    return redirect(url_for("fieldwork.responses", assessment_id=submission.assessment_id))


@bp.route("/assessments/<int:assessment_id>/feedback")
def feedback(assessment_id: int):
    """The reader feedback form's results: counts and shares per option, suggestions."""
    assessment = db.get_or_404(Assessment, assessment_id)
    total, results, suggestions = feedback_results(assessment.id)
    return render_template("fieldwork/feedback.html", assessment=assessment, total=total,
                           results=results, suggestions=suggestions, section="feedback",
                           states=LinkState)
