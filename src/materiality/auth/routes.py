"""Login, logout, password change and the reset link's page."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from ..extensions import db, limiter
from . import bp
from .access import public
from .forms import ChangePasswordForm, LoginForm, NewPasswordForm
from .operations import (
    ResetLinkRefused,
    authenticate,
    end_sessions,
    is_locked,
    record_failed_login,
    set_new_password,
    user_for_reset_token,
)


def safe_next(target: str | None) -> str | None:
    """Only a path on our own host: never another host, never a scheme-relative URL."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(ch) < 32 or 127 <= ord(ch) < 160 for ch in target):
        return None  # a line break would split the Location header (a server error)
    return target


def client_address() -> str:
    """The login limit's key: the client's address.

    With TRUST_PROXY set, ProxyFix has already replaced the proxy's address with the
    one it forwarded; without it, every client behind a proxy shares one limit.
    """
    return request.remote_addr or "-"


def _failure_limits() -> tuple[int, int]:
    return current_app.config["LOGIN_MAX_FAILURES"], current_app.config["LOGIN_LOCK_MINUTES"]


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit("30 per minute", methods=["POST"], key_func=client_address)
def login():
    """Show the login form; log the user in."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data, *_failure_limits())
        db.session.commit()
        if user is not None:
            login_user(user, remember=form.remember.data)
            return redirect(safe_next(request.args.get("next")) or url_for("main.index"))
        flash(_("Email or password is wrong, or the account is locked for a while."), "error")
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    """Log out everywhere: every session and remember cookie of this user ends.

    POST only, so a link cannot log someone out.
    """
    end_sessions(current_user._get_current_object())
    db.session.commit()
    logout_user()
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@limiter.limit("30 per minute", methods=["POST"], key_func=client_address)
def change_password():
    """Change one's own password; other devices are logged out, this one stays."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        if is_locked(user) or not user.check_password(form.current_password.data):
            # Counted like a failed login: a stolen session must not guess the password freely.
            record_failed_login(user.id, *_failure_limits())
            db.session.commit()
            form.current_password.errors.append(
                _("The current password is wrong, or the account is locked for a while."))
        else:
            set_new_password(user, form.new_password.data)
            db.session.commit()
            # The old session id names the old version: log this browser in again.
            remember = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
            login_user(user, remember=remember in request.cookies)
            flash(_("Password changed. Other devices are logged out."), "success")
            return redirect(url_for("main.index"))
    return render_template("auth/change_password.html", form=form)


@bp.after_request
def _never_cache_password_pages(response):  # noqa: ANN001, ANN202
    """Reset links and password forms stay out of every cache (the link is a secret)."""
    if request.endpoint in ("auth.reset_password", "auth.change_password"):
        response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/reset/<token>", methods=["GET", "POST"])
@public
def reset_password(token: str):
    """Set a new password from an admin-issued link (works once, for a day)."""
    try:
        user = user_for_reset_token(token, current_app.secret_key)
    except ResetLinkRefused as refused:
        status = 404 if refused.reason == "invalid" else 410
        message = {
            "invalid": _("This reset link is not valid. Ask an admin for a new one."),
            "expired": _("This reset link has expired. Ask an admin for a new one."),
            "used": _("This reset link has been used already. Ask an admin for a new one."),
        }[refused.reason]
        return render_template("auth/reset_password.html", form=None, refused=message), status
    form = NewPasswordForm()
    if form.validate_on_submit():
        set_new_password(user, form.new_password.data)
        db.session.commit()
        if current_user.is_authenticated:
            logout_user()
        flash(_("Your password is set. Log in with it."), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form, email=user.email)
