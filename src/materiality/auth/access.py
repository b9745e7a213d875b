"""Deny by default: every endpoint needs a login unless marked public.

Blueprints listed in ADMIN_BLUEPRINTS are for admins only; editors get 403 there.
Editors read everything else and change two things: where the matrix labels sit
(report.labels_save and labels_reset) and the wording of the assessors' scales
(fieldwork.anchors), as the README's role table says.
Keeping the rule in one place lets a test walk the whole URL map.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import Flask, abort, current_app, request
from flask_login import current_user

ADMIN_BLUEPRINTS = frozenset({"admin"})


def public(view: Callable) -> Callable:
    """Mark a view as reachable without logging in (surveys, login, static files)."""
    view.is_public = True  # type: ignore[attr-defined]
    return view


def admin_required(view: Callable) -> Callable:
    """Refuse a view to anyone but an admin (for admin-only views outside ADMIN_BLUEPRINTS)."""
    view.admin_only = True  # type: ignore[attr-defined]

    @wraps(view)
    def wrapped(*args, **kwargs):  # noqa: ANN002, ANN003
        if not current_user.is_authenticated:
            return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def is_public_endpoint(app: Flask, endpoint: str | None) -> bool:
    """True for static files and views marked @public."""
    if endpoint is None or endpoint == "static" or endpoint.endswith(".static"):
        return True
    view = app.view_functions.get(endpoint)
    return bool(getattr(view, "is_public", False))


def is_admin_endpoint(app: Flask, endpoint: str) -> bool:
    """True for endpoints only admins may use."""
    view = app.view_functions.get(endpoint)
    blueprint = endpoint.rpartition(".")[0]
    return blueprint in ADMIN_BLUEPRINTS or bool(getattr(view, "admin_only", False))


def init_access_control(app: Flask) -> None:
    """Check every request before its view runs."""

    @app.before_request
    def enforce_access():  # noqa: ANN202
        endpoint = request.endpoint
        if is_public_endpoint(app, endpoint):
            return None
        if not current_user.is_authenticated:
            return app.login_manager.unauthorized()  # type: ignore[attr-defined]
        if is_admin_endpoint(app, endpoint) and not current_user.is_admin:
            abort(403)
        return None
