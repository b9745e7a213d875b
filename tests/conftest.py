"""Shared fixtures: an app on a fresh, migrated database per test; users; login helpers.

Every test that uses ``app`` runs on SQLite and, when TEST_DATABASE_URL is set,
on PostgreSQL too. The schema always comes from the Alembic migrations.
"""
from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import g
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text

os.environ.setdefault("SECRET_KEY", "test-secret-key")

from materiality import create_app  # noqa: E402
from materiality.config import normalise_database_url  # noqa: E402
from materiality.extensions import db  # noqa: E402

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if TEST_DATABASE_URL else [])
TEST_PASSWORD = "correct horse battery"  # noqa: S105


def base_test_config(database_url: str) -> dict:
    """Settings every test app shares: fast, quiet, isolated."""
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(database_url),
        "SECRET_KEY": "test-secret-key",
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "SURVEY_MIN_SECONDS": 0,
        "PUBLIC_BASE_URL": "",
    }


def migrate_to_head(database_url: str) -> None:
    """Build the schema the way production does: ``flask db upgrade``."""
    from flask_migrate import upgrade

    app = create_app(base_test_config(database_url))
    with app.app_context():
        upgrade()
        db.engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (much faster than migrating each time)."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    migrate_to_head(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_url() -> str | None:
    """The PostgreSQL test database, migrated to head once per session."""
    if not TEST_DATABASE_URL:
        return None
    url = normalise_database_url(TEST_DATABASE_URL)
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    migrate_to_head(url)
    return url


def _reset_postgres(url: str) -> None:
    """Empty every table but the migration-made reference data."""
    engine = create_engine(url)
    with engine.begin() as connection:
        tables = [row[0] for row in connection.execute(text(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
            "AND tablename NOT IN ('alembic_version', 'category')"))]
        if tables:
            connection.execute(text(
                "TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
        connection.execute(text("DELETE FROM category WHERE key NOT IN "
                                "('economic', 'environmental', 'social', 'governance')"))
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh migrated database for one test, on each backend."""
    if request.param == "sqlite":
        path = tmp_path / "test.sqlite3"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("postgres_url")
    _reset_postgres(url)
    return url


class FreshRequestClient(FlaskClient):
    """A test client whose every request starts with an empty ``g``.

    The ``app`` fixture keeps an app context pushed so tests can use the database
    directly; Flask reuses that context for requests, so without this the cached
    locale and logged-in user of one request would leak into the next.
    """

    def open(self, *args, **kwargs):  # noqa: ANN002, ANN003
        for name in list(vars(g._get_current_object())):
            delattr(g, name)
        return super().open(*args, **kwargs)


@pytest.fixture
def app(database_url: str) -> Iterator:
    """An app on a fresh database, with an app context pushed for direct DB access."""
    app = create_app(base_test_config(database_url))
    app.test_client_class = FreshRequestClient
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def make_user(email: str = "admin@example.org", role: str = "admin", password: str = TEST_PASSWORD):
    """Create and commit a staff account."""
    from materiality.auth.operations import create_user

    user = create_user(email, password, role)
    db.session.commit()
    return user


@pytest.fixture
def admin_user(app):
    return make_user("admin@example.org", "admin")


@pytest.fixture
def editor_user(app):
    return make_user("editor@example.org", "editor")


class AuthActions:
    """Log in and out through the real login form."""

    def __init__(self, client) -> None:
        self._client = client

    def login(self, email: str = "admin@example.org", password: str = TEST_PASSWORD):
        return self._client.post("/auth/login", data={"email": email, "password": password})

    def logout(self):
        return self._client.post("/auth/logout")


@pytest.fixture
def auth(client) -> AuthActions:
    return AuthActions(client)


@pytest.fixture
def admin_client(client, admin_user, auth):
    """A test client logged in as an admin."""
    auth.login(admin_user.email)
    return client


@pytest.fixture
def editor_client(client, editor_user, auth):
    """A test client logged in as an editor."""
    auth.login(editor_user.email)
    return client


@pytest.fixture
def demo_data(app) -> None:
    """The model report's library and the 2023 assessment."""
    from materiality.seed import seed_demo

    seed_demo()
    db.session.commit()


@pytest.fixture(scope="session")
def rendered_site(sqlite_template, tmp_path_factory):
    """Every page of a seeded demo, for every role and language, rendered once per session
    for the markup checkers (tests/markup/pages.py)."""
    from markup.pages import build_site

    return build_site(sqlite_template, tmp_path_factory.mktemp("markup"))
