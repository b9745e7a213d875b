"""Staff accounts: add, change role, deactivate, unlock, issue a password reset link."""
from __future__ import annotations

from datetime import timedelta

from flask import abort, current_app, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.operations import RESET_LINK_HOURS, create_user, is_locked, normalise_email, reset_token
from ..confirmation import Act, confirm_step
from ..extensions import db
from ..models import Role, User, now_utc
from . import bp
from .forms import ConfirmForm, UserForm


@bp.route("/users", methods=["GET", "POST"])
def users():
    """List accounts and add one."""
    form = UserForm()
    if form.validate_on_submit():
        email = normalise_email(form.email.data)
        if db.session.scalar(db.select(User).where(User.email == email)):
            form.email.errors.append(_("An account with this email exists already."))
        else:
            create_user(email, form.password.data, form.role.data)
            db.session.commit()
            flash(_("Account added."), "success")
            return redirect(url_for("admin.users"))
    accounts = db.session.scalars(db.select(User).order_by(User.email)).all()
    # A lock that has run out is no lock: show (and offer to lift) only the current ones.
    locked = {account.id for account in accounts if is_locked(account)}
    return render_template("admin/users.html", form=form, accounts=accounts, locked=locked,
                           confirm=ConfirmForm())


def describe_user_action(user_id: int, action: str) -> Act:
    """What a change to an account means for its owner."""
    user = db.get_or_404(User, user_id)
    email, back = user.email, url_for("admin.users")
    refused = None
    if user.id == current_user.id and action in ("deactivate", "make_editor"):
        refused = _("You cannot remove your own admin access.")
    if action == "deactivate":
        return Act(_("Deactivate %(email)s?", email=email),
                   _("They can no longer log in. What they did stays, and you can activate "
                     "the account again."),
                   _("Deactivate"), back, danger=True, refused=refused)
    if action == "activate":
        return Act(_("Activate %(email)s?", email=email),
                   _("They can log in again with their password."), _("Activate"), back)
    if action == "make_admin":
        return Act(_("Make %(email)s an admin?", email=email),
                   _("They can then change the topic library, the groups, assessments, "
                     "links, responses and users."), _("Make admin"), back, danger=True)
    if action == "make_editor":
        return Act(_("Make %(email)s an editor?", email=email),
                   _("They keep reading every result and placing the matrix labels, and "
                     "can no longer change the library, assessments, links, responses or "
                     "users."), _("Make editor"), back, danger=True, refused=refused)
    return Act(_("Unlock %(email)s?", email=email),
               _("The lock after failed logins is lifted: they can try their password "
                 "again now."), _("Unlock"), back)


@bp.route("/users/<int:user_id>/<any(activate, deactivate, make_admin, make_editor, unlock):action>",
          methods=["GET", "POST"])
@confirm_step(describe_user_action)
def user_action(user_id: int, action: str):
    """Change an account; an admin cannot lock themselves out."""
    user = db.get_or_404(User, user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if user.id == current_user.id and action in ("deactivate", "make_editor"):
        flash(_("You cannot remove your own admin access."), "error")
        return redirect(url_for("admin.users"))
    if action in ("activate", "deactivate"):
        user.active = action == "activate"
    elif action == "unlock":
        user.locked_until = None
        user.failed_logins = 0
    else:
        user.role = Role.ADMIN if action == "make_admin" else Role.EDITOR
    db.session.commit()
    flash(_("Account changed."), "success")
    return redirect(url_for("admin.users"))


def describe_reset_link(user_id: int) -> Act:
    """Issuing a password reset link: whoever holds it can set the password."""
    user = db.get_or_404(User, user_id)
    return Act(_("Create a password reset link for %(email)s?", email=user.email),
               _("Anyone who has the link can set a new password for this account within "
                 "%(hours)s hours. It is shown once, on the next page.",
                 hours=RESET_LINK_HOURS),
               _("Create the link"), url_for("admin.users"))


@bp.route("/users/<int:user_id>/reset-link", methods=["GET", "POST"])
@confirm_step(describe_reset_link)
def user_reset_link(user_id: int):
    """Show a one-time link that lets the account's owner set a new password."""
    user = db.get_or_404(User, user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    from ..fieldwork.routes import public_url  # here: fieldwork imports admin's forms

    link = public_url("auth.reset_password", token=reset_token(user, current_app.secret_key))
    response = make_response(render_template(
        "admin/user_reset_link.html", account=user, link=link, hours=RESET_LINK_HOURS,
        expires_at=now_utc() + timedelta(hours=RESET_LINK_HOURS)))
    response.headers["Cache-Control"] = "no-store"  # the link is a password until used
    return response
