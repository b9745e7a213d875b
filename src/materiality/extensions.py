"""Extension objects, created here and bound to the app in the factory."""
from __future__ import annotations

from functools import lru_cache

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Importing rate_limits registers the thread-safe memory:// storage.
from .rate_limits import FallbackRateLimiter, storage_options

# Named constraints keep Alembic revisions stable across SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with the project's naming convention."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, with its serializer built once per set of keys.

    Flask builds a new serializer at the start of every request, even one that
    carries no cookie (a survey answer); it showed as 2 % of a survey POST.
    """

    def get_signing_serializer(self, app: Flask):  # noqa: ANN201
        if not app.secret_key:
            return None
        # itsdangerous expects the current key last, after the fallbacks.
        return self._serializer((*(app.config["SECRET_KEY_FALLBACKS"] or ()), app.secret_key))

    @lru_cache(maxsize=8)  # noqa: B019  (one interface per app, kept as long as the app)
    def _serializer(self, keys: tuple) -> URLSafeTimedSerializer:
        """The serializer Flask would build for these keys (its arguments, unchanged)."""
        return URLSafeTimedSerializer(list(keys), salt=self.salt, serializer=self.serializer,
                                      signer_kwargs={"key_derivation": self.key_derivation,
                                                     "digest_method": self.digest_method})


db = SQLAlchemy(model_class=Base)
#: The survey's own engine on PostgreSQL, a key of SQLALCHEMY_BINDS (survey/storing.py).
SURVEY_BIND = "survey"


def add_survey_engine(app: Flask) -> None:
    """On PostgreSQL, give the survey's requests an engine of their own (before db.init_app).

    Same database, two differences from the app's engine, both for the respondents' hot
    path (benchmarks/README.md): every statement commits by itself (a survey request's
    writes are one statement), so no connection switches to autocommit and back on
    each request; and its pool does not ping each connection it hands out, a round trip
    to the database on every request. A connection the database dropped (a restart)
    is caught when it is used instead, and the survey's views run once more on a fresh
    one (survey/storing.py). The staff's pages keep the app's engine, and its ping.
    """
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if url.startswith("postgresql"):
        app.config["SQLALCHEMY_BINDS"] = {
            **app.config.get("SQLALCHEMY_BINDS", {}),
            SURVEY_BIND: {"url": url, "isolation_level": "AUTOCOMMIT", "pool_pre_ping": False},
        }


def dispose_engines() -> None:
    """Close the pooled connections of the current app's engines, the survey's too."""
    for engine in db.engines.values():
        engine.dispose()
migrate = Migrate(render_as_batch=True, compare_type=True)
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
# The survey views count their own limits per link, code and client (survey/routes.py).
limiter = Limiter(key_func=get_remote_address, default_limits=[])


def init_rate_limits(app: Flask) -> None:
    """Bind Flask-Limiter (the login's decorator), and the survey's limiter over the same storage.

    Flask-Limiter falls back to memory by itself when its storage fails
    (RATELIMIT_IN_MEMORY_FALLBACK_ENABLED); the survey views call a rate limiter
    directly, so theirs is a FallbackRateLimiter kept per app (see rate_limits).
    """
    app.config.setdefault("RATELIMIT_STORAGE_OPTIONS",
                          storage_options(app.config.get("RATELIMIT_STORAGE_URI") or "memory://"))
    limiter.init_app(app)
    if app.config["RATELIMIT_ENABLED"]:
        app.extensions["survey_rate_limiter"] = FallbackRateLimiter(
            limiter.storage, app.config.get("RATELIMIT_STRATEGY") or "fixed-window")


def survey_rate_limiter(app: Flask) -> FallbackRateLimiter | None:
    """The app's survey rate limiter; None when rate limits are off."""
    return app.extensions.get("survey_rate_limiter")
