"""Stakeholder groups with their ordered expectations and the company's responses."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func

from ..confirmation import Act, confirm_step
from ..extensions import db
from ..frozen_configuration import closed_assessments_keeping, keep_group_weight
from ..i18n import locale_code
from ..models import GroupStatement, StakeholderGroup, StatementKind, Submission, ordered_groups
from . import bp
from .forms import ConfirmForm, GroupForm, StatementForm
from .operations import move_in_list, next_position
from .saving import commit_or_flag_duplicate, copy_text_fields

KINDS = (StatementKind.EXPECTATION.value, StatementKind.RESPONSE.value)


@bp.route("/groups")
def groups():
    """All groups in their order, with their expectations and responses."""
    return render_template("admin/groups.html", groups=ordered_groups(include_archived=True),
                           confirm=ConfirmForm())


def _save_group(form: GroupForm, group: StakeholderGroup) -> bool:
    copy_text_fields(form, group, ("name_zh", "name_en"))
    if group.id is not None and group.weight != form.weight.data:
        # The group's weight is the default for new assessments; existing ones keep theirs.
        keep_group_weight(group, group.weight)
    group.weight = form.weight.data
    group.invitation_only = form.invitation_only.data
    return commit_or_flag_duplicate(form.name_zh, _("A group with this name exists already."))


@bp.route("/groups/new", methods=["GET", "POST"])
def group_new():
    """Add a stakeholder group at the end of the list."""
    form = GroupForm()
    if form.validate_on_submit():
        group = StakeholderGroup(position=len(ordered_groups(include_archived=True)))
        db.session.add(group)
        if _save_group(form, group):
            flash(_("Group added."), "success")
            return redirect(url_for("admin.group_detail", group_id=group.id))
    return render_template("admin/group_form.html", form=form, group=None)


@bp.route("/groups/<int:group_id>", methods=["GET", "POST"])
def group_detail(group_id: int):
    """Edit a group, and list its expectations and responses to add, edit and reorder
    (closed assessments that have it keep it as they were closed with)."""
    group = db.get_or_404(StakeholderGroup, group_id)
    form = GroupForm(obj=group)
    if form.validate_on_submit() and _save_group(form, group):
        flash(_("Group saved."), "success")
        return redirect(url_for("admin.group_detail", group_id=group.id))
    return render_template("admin/group_detail.html", group=group, form=form,
                           new_statement=StatementForm(formdata=None), confirm=ConfirmForm(),
                           closed_uses=closed_assessments_keeping(group.id))


@bp.route("/groups/<int:group_id>/move/<any(up, down):direction>", methods=["POST"])
def group_move(group_id: int, direction: str):
    """Move a group up or down in the list."""
    group = db.get_or_404(StakeholderGroup, group_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    move_in_list(ordered_groups(include_archived=True), group, direction)
    db.session.commit()
    return redirect(url_for("admin.groups", _anchor=f"group-{group.id}"))


def describe_group_archive(group_id: int, action: str) -> Act:
    """Archiving or restoring a group, with its responses so far."""
    group = db.get_or_404(StakeholderGroup, group_id)
    name = group.name(locale_code())
    back = url_for("admin.groups", _anchor=f"group-{group.id}")
    answered = db.session.scalar(db.select(func.count()).select_from(Submission).where(
        Submission.group_id == group.id, Submission.deleted_at.is_(None)))
    refused = None
    if group.archived == (action == "archive"):
        refused = (_("The group is archived already.") if group.archived
                   else _("The group is not archived."))
    if action == "archive":
        return Act(_("Archive the group %(name)s?", name=name),
                   ngettext("Its %(num)s response and its existing links stay as they are; "
                            "new links and new assessments leave the group out. You can "
                            "restore it.",
                            "Its %(num)s responses and its existing links stay as they are; "
                            "new links and new assessments leave the group out. You can "
                            "restore it.", answered), _("Archive the group"), back, danger=True,
                   refused=refused)
    return Act(_("Restore the group %(name)s?", name=name),
               _("New links and new assessments include the group again."),
               _("Restore the group"), back, refused=refused)


@bp.route("/groups/<int:group_id>/<any(archive, restore):action>", methods=["GET", "POST"])
@confirm_step(describe_group_archive)
def group_archive(group_id: int, action: str):
    """Archive a group (no new links or surveys) or bring it back."""
    group = db.get_or_404(StakeholderGroup, group_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    group.archived = action == "archive"
    db.session.commit()
    flash(_("Group archived.") if group.archived else _("Group restored."), "success")
    return redirect(url_for("admin.groups"))


@bp.route("/groups/<int:group_id>/<any(expectation, response):kind>/new",
          methods=["GET", "POST"])
def statement_new(group_id: int, kind: str):
    """Add an expectation or a response at the end of the group's list."""
    group = db.get_or_404(StakeholderGroup, group_id)
    form = StatementForm()
    if form.validate_on_submit():
        statement = GroupStatement(group_id=group.id, kind=kind,
                                   position=next_position(group.id, kind))
        copy_text_fields(form, statement, ("text_zh", "text_en"))
        db.session.add(statement)
        db.session.commit()
        flash(_("Added."), "success")
        return redirect(url_for("admin.group_detail", group_id=group.id, _anchor=kind))
    return render_template("admin/statement_form.html", form=form, group=group, kind=kind,
                           statement=None)


@bp.route("/statements/<int:statement_id>/edit", methods=["GET", "POST"])
def statement_edit(statement_id: int):
    """Edit one expectation or response in both languages."""
    statement = db.get_or_404(GroupStatement, statement_id)
    group = db.get_or_404(StakeholderGroup, statement.group_id)
    form = StatementForm(obj=statement)
    if form.validate_on_submit():
        copy_text_fields(form, statement, ("text_zh", "text_en"))
        db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for("admin.group_detail", group_id=group.id, _anchor=statement.kind))
    return render_template("admin/statement_form.html", form=form, group=group,
                           kind=statement.kind, statement=statement)


@bp.route("/statements/<int:statement_id>/move/<any(up, down):direction>", methods=["POST"])
def statement_move(statement_id: int, direction: str):
    """Move an expectation or response up or down."""
    statement = db.get_or_404(GroupStatement, statement_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    group = db.get_or_404(StakeholderGroup, statement.group_id)
    move_in_list(group.statements(statement.kind), statement, direction)
    db.session.commit()
    return redirect(url_for("admin.group_detail", group_id=group.id, _anchor=statement.kind))


def describe_statement_delete(statement_id: int) -> Act:
    """Deleting an expectation or a response, quoting it."""
    statement = db.get_or_404(GroupStatement, statement_id)
    group = db.get_or_404(StakeholderGroup, statement.group_id)
    locale = locale_code()
    expectation = statement.kind == StatementKind.EXPECTATION
    question = (_("Delete this expectation of %(group)s?", group=group.name(locale))
                if expectation else
                _("Delete this response to %(group)s?", group=group.name(locale)))
    return Act(question, _("“%(text)s” is removed in both languages; this cannot be undone.",
                           text=statement.text(locale)),
               _("Delete"), url_for("admin.group_detail", group_id=group.id,
                                    _anchor=statement.kind), danger=True)


@bp.route("/statements/<int:statement_id>/delete", methods=["GET", "POST"])
@confirm_step(describe_statement_delete)
def statement_delete(statement_id: int):
    """Remove an expectation or response and close the gap in the order."""
    statement = db.get_or_404(GroupStatement, statement_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    group = db.get_or_404(StakeholderGroup, statement.group_id)
    remaining = [s for s in group.statements(statement.kind) if s.id != statement.id]
    db.session.delete(statement)
    for position, each in enumerate(remaining):
        each.position = position
    db.session.commit()
    flash(_("Deleted."), "success")
    return redirect(url_for("admin.group_detail", group_id=group.id, _anchor=statement.kind))
