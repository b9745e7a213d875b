"""Configuration read from the environment.

Every setting that differs between machines comes from an environment variable,
so several instances behind a load balancer share one configuration and one database.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path


class ConfigError(RuntimeError):
    """The environment does not allow the app to start safely."""


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def normalise_database_url(url: str) -> str:
    """Let ``postgres://`` and ``postgresql://`` URLs use psycopg 3."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def instance_path() -> Path:
    """The folder for this installation's own files (the development secret key, the
    SQLite default): ``INSTANCE_PATH``, else ``instance/`` in the current directory.

    Never derived from where the code lies, which is site-packages once installed.
    """
    return Path(os.environ.get("INSTANCE_PATH") or "instance").resolve()


def load_secret_key(instance_path: Path, production: bool) -> str:
    """Return SECRET_KEY from the environment, or one kept in the instance folder.

    In development a key is generated once and kept, so sessions survive restarts;
    in production the app refuses to start without one.
    """
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    if production:
        raise ConfigError("SECRET_KEY must be set in production (APP_ENV=production).")
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def build_config(instance_path: Path) -> dict:
    """The configuration for one app instance, from the environment."""
    production = os.environ.get("APP_ENV", "development") == "production"
    database_url = os.environ.get("DATABASE_URL") or (
        f"sqlite:///{instance_path / 'materiality.sqlite3'}"
    )
    return {
        "APP_ENV": "production" if production else "development",
        "SECRET_KEY": load_secret_key(instance_path, production),
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(database_url),
        # A pooled network connection may have been dropped (a database restart);
        # an embedded SQLite file cannot be, so it skips the round trip.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": not database_url.startswith("sqlite")},
        "BABEL_DEFAULT_LOCALE": os.environ.get("DEFAULT_LOCALE", "zh_CN"),
        "BABEL_DEFAULT_TIMEZONE": os.environ.get("DEFAULT_TIMEZONE", "Asia/Shanghai"),
        # The public address printed on QR codes; the app often sits behind a proxy.
        "PUBLIC_BASE_URL": os.environ.get("PUBLIC_BASE_URL", "").rstrip("/"),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_ENABLED": _bool(os.environ.get("RATELIMIT_ENABLED"), True),
        # Redis down: the login's limits count in memory instead of answering 500
        # (the survey's own limiter does the same, see rate_limits.FallbackRateLimiter).
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        # No X-RateLimit headers: respondents' phones ignore them, and each costs
        # the storage (Redis, with several instances) extra reads on every response.
        "RATELIMIT_HEADERS_ENABLED": False,
        "SURVEY_MIN_SECONDS": int(os.environ.get("SURVEY_MIN_SECONDS", "3")),
        # The ceilings per link and per invitation code, shared by everyone answering it.
        "SURVEY_LINK_GET_LIMIT": os.environ.get("SURVEY_LINK_GET_LIMIT", "600/minute"),
        "SURVEY_LINK_POST_LIMIT": os.environ.get("SURVEY_LINK_POST_LIMIT", "300/minute"),
        "SURVEY_CODE_LIMIT": os.environ.get("SURVEY_CODE_LIMIT", "30/minute"),
        # Below them, each client's share of one link, so no single client uses a link up.
        # Per address: generous, since a whole room may answer over one Wi-Fi (one IPv4
        # address, or one IPv6 /64); half a link's ceiling.
        "SURVEY_ADDRESS_GET_LIMIT": os.environ.get("SURVEY_ADDRESS_GET_LIMIT", "300/minute"),
        "SURVEY_ADDRESS_POST_LIMIT": os.environ.get("SURVEY_ADDRESS_POST_LIMIT", "150/minute"),
        # Per browser (a random cookie): tight, one person reads and sends a form a few times.
        "SURVEY_BROWSER_GET_LIMIT": os.environ.get("SURVEY_BROWSER_GET_LIMIT", "30/minute"),
        "SURVEY_BROWSER_POST_LIMIT": os.environ.get("SURVEY_BROWSER_POST_LIMIT", "10/minute"),
        "TRUST_PROXY": _bool(os.environ.get("TRUST_PROXY")),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": None,
        "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
        "LOGIN_MAX_FAILURES": int(os.environ.get("LOGIN_MAX_FAILURES", "5")),
        "LOGIN_LOCK_MINUTES": int(os.environ.get("LOGIN_LOCK_MINUTES", "15")),
    }
