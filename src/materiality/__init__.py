"""Materiality assessment: topic library, stakeholder surveys by QR code, the matrix."""
from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib.resources import files
from pathlib import Path

from flask import Flask, render_template, request

from .auth.access import init_access_control, is_public_endpoint
from .config import build_config, instance_path
from .extensions import (
    SessionInterface,
    add_survey_engine,
    babel,
    csrf,
    db,
    init_rate_limits,
    limiter,
    login_manager,
    migrate,
)
from .forms_common import register_input_checks
from .i18n import LOCALE_NAMES, local_input_value, local_time, locale_code, select_locale
from .services.rounding import percent_text, score_text


def package_folder(name: str) -> str:
    """A folder shipped inside the package: ``templates`` or ``migrations``.

    The repository keeps both at its top level; the wheel carries them as the
    subpackages materiality.templates and materiality.migrations, and an editable
    install maps those names to the checkout's folders, so one lookup serves both.
    """
    return str(files(f"{__name__}.{name}"))


def create_app(test_config: dict | None = None) -> Flask:
    """Create and configure an app instance."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=package_folder("templates"),
        instance_path=str(instance_path()),
    )
    app.config.update(build_config(Path(app.instance_path)))
    if test_config:
        app.config.update(test_config)
    if app.config["TRUST_PROXY"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)  # type: ignore[method-assign]

    register_extensions(app)
    register_input_checks(app)
    register_blueprints(app)
    init_access_control(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_security_headers(app)
    register_static_versions(app)

    from .cli import register_cli

    register_cli(app)
    return app


def register_extensions(app: Flask) -> None:
    """Bind the module-level extension objects to this app."""
    app.session_interface = SessionInterface()
    add_survey_engine(app)
    db.init_app(app)
    _configure_sqlite(app)
    migrate.init_app(app, db, directory=package_folder("migrations"))
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=str(Path(__file__).parent / "translations"),
    )
    with _hooks_kept_off_the_survey(app):
        csrf.init_app(app)
        init_rate_limits(app)
        _check_rate_limits_in_their_views_only(app)
        login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "warning"

    from flask_babel import lazy_gettext

    login_manager.login_message = lazy_gettext("Please log in to see this page.")

    from .auth.operations import load_session_user

    login_manager.user_loader(load_session_user)


@contextmanager
def _hooks_kept_off_the_survey(app: Flask) -> Iterator[None]:
    """The request hooks the extensions set up inside this block skip the survey's views.

    Those are Flask-WTF's CSRF check, Flask-Limiter's header injection and context
    release, and Flask-Login's remember-cookie update. A survey view has nothing for
    them to do: its POSTs are exempt from the session CSRF check (they carry a signed
    stamp instead, survey/routes.py; register_blueprints checks each is), it counts its
    own rate limits without Flask-Limiter's decorator (survey/limits.py), and it logs
    nobody in or out. Yet they were a quarter of a survey request's own work
    (benchmarks/README.md), and every respondent's phone makes two requests.
    """
    registries = {"before": app.before_request_funcs, "after": app.after_request_funcs,
                  "teardown": app.teardown_request_funcs}
    earlier = {kind: list(registry.get(None, ())) for kind, registry in registries.items()}
    yield
    for kind, registry in registries.items():
        hooks = registry.get(None, [])
        hooks[:] = [hook if hook in earlier[kind] else _off_the_survey(kind, hook)
                    for hook in hooks]


def _off_the_survey(kind: str, hook: Callable) -> Callable:
    """``hook`` (a before, after or teardown request hook), not run for the survey's views."""
    if kind == "after":
        def after_outside_survey(response):  # noqa: ANN001, ANN202
            return response if request.blueprint == "survey" else hook(response)
        return after_outside_survey

    def outside_survey(*args):  # noqa: ANN002, ANN202
        return None if request.blueprint == "survey" else hook(*args)
    return outside_survey


def _check_rate_limits_in_their_views_only(app: Flask) -> None:
    """Drop Flask-Limiter's check before every request; the limited views check their own.

    That check looks for default and application-wide limits. This app sets none
    (its limits sit on the survey and login views), so the check found nothing,
    yet cost a fifth of a small request (measured on /healthz).
    """
    manager = limiter.limit_manager
    if manager.default_limits or manager.application_limits:
        raise RuntimeError("app-wide rate limits need Flask-Limiter's before_request check")
    hooks = app.before_request_funcs.get(None, [])
    if limiter._check_request_limit in hooks:  # absent when RATELIMIT_ENABLED is off
        hooks.remove(limiter._check_request_limit)


def _configure_sqlite(app: Flask) -> None:
    """WAL mode and a busy timeout make the embedded SQLite default safe for a few workers."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    from sqlalchemy import event

    with app.app_context():
        engine = db.engine

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection, _record):  # noqa: ANN001
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=10000")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()


def register_blueprints(app: Flask) -> None:
    """One blueprint per user journey."""
    from .admin import bp as admin_bp
    from .auth import bp as auth_bp
    from .fieldwork import bp as fieldwork_bp
    from .main import bp as main_bp
    from .report import bp as report_bp
    from .survey import bp as survey_bp

    for blueprint in (main_bp, auth_bp, admin_bp, fieldwork_bp, survey_bp, report_bp):
        app.register_blueprint(blueprint)
    _check_survey_posts_are_csrf_exempt(app)


def _check_survey_posts_are_csrf_exempt(app: Flask) -> None:
    """The CSRF check skips the survey's views (_hooks_kept_off_the_survey): refuse to
    start if one that takes a POST has not been exempted on purpose."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("survey.") and "POST" in (rule.methods or ()):
            view = app.view_functions[rule.endpoint]
            if f"{view.__module__}.{view.__name__}" not in csrf._exempt_views:  # noqa: SLF001
                raise RuntimeError(f"{rule.endpoint} takes a POST: mark it @csrf.exempt "
                                   "and protect it otherwise, or move it out of the survey")


def register_errorhandlers(app: Flask) -> None:
    """Friendly pages for every HTTP error, server errors included.

    The database session is rolled back first: after a failed statement it refuses
    every query, and the page itself (its menu asks who is logged in) needs one.
    Should the page fail all the same, a plain one is sent rather than nothing.
    """
    from werkzeug.exceptions import HTTPException, InternalServerError

    def render_error(error: HTTPException):  # noqa: ANN202
        code = error.code or 500
        try:
            db.session.rollback()
            return render_template("errors/error.html", error=error, code=code), code
        except Exception:  # the error page must not become a second error
            app.logger.exception("The error page for %s could not be rendered", code)
            return (f"<!doctype html><title>{code}</title><h1>{code}</h1>", code,
                    {"Content-Type": "text/html; charset=utf-8"})

    app.register_error_handler(HTTPException, render_error)
    app.register_error_handler(InternalServerError, render_error)


def register_template_helpers(app: Flask) -> None:
    """Values every template needs: the locale and the language switch; local times."""
    app.jinja_env.filters.update(local_time=local_time, local_input_value=local_input_value,
                                 score=score_text, percent=percent_text)

    @app.context_processor
    def inject_locale() -> dict:
        return {"current_locale": locale_code(), "locales": LOCALE_NAMES}


def register_security_headers(app: Flask) -> None:
    """Every asset comes from this app, so the policy can be strict.

    Staff pages and downloads are never stored by a browser or a proxy (a shared
    computer's cache would keep the results after logout); the public pages (the
    survey, the login page, static files) keep their own caching. In production
    browsers are told to use HTTPS only.
    """
    production = app.config["APP_ENV"] == "production"
    policy = [
        ("Content-Security-Policy",
         "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; "
         "script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'self'"),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "same-origin"),
        ("X-Frame-Options", "DENY"),
    ]
    if production:
        # No includeSubDomains: other hosts of the organisation may still serve HTTP.
        policy.append(("Strict-Transport-Security", "max-age=31536000"))

    @app.after_request
    def set_headers(response):  # noqa: ANN001
        # A view may set its own value of any of these; the others are added. One pass
        # over the response's headers: a lookup of a header a response lacks is costly
        # (it raises inside werkzeug), and this runs on every response.
        present = {name.lower() for name, _value in response.headers}
        for name, value in policy:
            if name.lower() not in present:
                response.headers.add(name, value)
        if not is_public_endpoint(app, request.endpoint):
            response.headers["Cache-Control"] = "no-store"
        return response


def register_static_versions(app: Flask) -> None:
    """Static URLs carry a digest of their file (``app.css?v=3f2a...``).

    A changed file gets a new address, so the proxy may let browsers keep static
    files for a year (deploy/nginx-materiality.conf) and still never serve a stale one.
    """
    digests: dict[tuple[str, int], str] = {}
    folder = Path(app.static_folder or "")

    @app.url_defaults
    def add_digest(endpoint: str, values: dict) -> None:
        if endpoint != "static" or "v" in values or "filename" not in values:
            return
        path = folder / values["filename"]
        try:
            key = (values["filename"], path.stat().st_mtime_ns)  # an edit in development too
        except OSError:
            return
        if key not in digests:
            digests[key] = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
        values["v"] = digests[key]
