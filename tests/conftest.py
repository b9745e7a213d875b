"""Shared fixtures: an app on a fresh, migrated database per test; users; login helpers.

Every test that uses ``app`` runs on SQLite and, when TEST_DATABASE_URL is set,
on PostgreSQL too. The schema always comes from the Alembic migrations.
"""
from __future__ import annotations

import functools
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import g
from flask.testing import FlaskClient
from sqlalchemy import create_engine, func, text

os.environ.setdefault("SECRET_KEY", "test-secret-key")

from materiality import create_app  # noqa: E402
from materiality.config import normalise_database_url  # noqa: E402
from materiality.extensions import db, dispose_engines  # noqa: E402

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
        dispose_engines()


#: Tests that must run in one pytest-xdist worker (`make test` starts one per core), by
#: node id: the markup checkers read one rendered site (half a minute to build); the
#: deployment tests share one installed wheel, and they and the survey's shared-limit
#: test empty the one Redis database of TEST_REDIS_URL.
XDIST_GROUPS = {
    "markup": ("tests/test_markup.py", "tests/e2e/test_markup_browser.py"),
    "services": ("tests/deploy/",
                 "tests/test_survey.py::test_two_instances_share_the_rate_limit_through_redis"),
}


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log):  # noqa: ANN001, ANN201
    """xdist's load balancing (`-n`), each group of XDIST_GROUPS sent whole to one worker.

    (What `--dist loadgroup` does for marked tests, but its marks do not take with
    pytest 9: xdist 3.8 renames the test ids the old way.)
    """
    if config.getvalue("dist") != "load":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class GroupScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return next((group for group, prefixes in XDIST_GROUPS.items()
                         if nodeid.startswith(prefixes)), nodeid)

    return GroupScheduling(config, log)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (much faster than migrating each time)."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    migrate_to_head(f"sqlite:///{path}")
    return path


def worker_database_url(url: str) -> str:
    """This test process's own PostgreSQL database: the given one, or under pytest-xdist
    (`make test`) the given one for the first worker and "<name>_gw1"... for the others,
    created when missing."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    if worker == "gw0":
        return url
    base, _slash, name = url.rpartition("/")
    own = f"{name}_{worker}"
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        if connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": own}) is None:
            connection.execute(text(f'CREATE DATABASE "{own}"'))
    engine.dispose()
    return f"{base}/{own}"


@pytest.fixture(scope="session")
def postgres_url() -> str | None:
    """The PostgreSQL test database (this worker's), migrated to head once per session."""
    if not TEST_DATABASE_URL:
        return None
    url = worker_database_url(normalise_database_url(TEST_DATABASE_URL))
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
        connection.execute(text(f"DROP SCHEMA IF EXISTS {DEMO_SNAPSHOT} CASCADE"))
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
    if "demo_data" in request.fixturenames:
        # Made before the test's database: on PostgreSQL the demo is seeded in the same one.
        request.getfixturevalue(f"{request.param}_demo_snapshot")
    if request.param == "sqlite":
        path = tmp_path / "test.sqlite3"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("postgres_url")
    _reset_postgres(url)
    return url


#: Where the seeded demo's rows wait to be copied: an attached SQLite file, a PostgreSQL schema.
DEMO_SNAPSHOT = "demo_snapshot"


@dataclass(frozen=True)
class DemoSnapshot:
    """The demo as seed_demo() leaves a fresh database, to copy into a test's database.

    Seeding takes about a second on PostgreSQL and a third of one on SQLite, and more
    than 200 tests per backend start from the demo; copying its rows takes a few
    hundredths. The copy is the same database seed_demo() makes (same rows, ids and
    sequences); only the links' random tokens and the timestamps are those of the
    session's one seeding.
    """

    #: The tables the demo fills, parents first.
    tables: tuple[str, ...]
    #: How many rows each table has when freshly migrated (the reference data).
    fresh_counts: dict[str, int]
    #: The SQLite file holding the rows; None on PostgreSQL (the schema DEMO_SNAPSHOT).
    sqlite_file: Path | None = None


def _row_counts(connection) -> dict[str, int]:  # noqa: ANN001
    """Rows per table, in one query."""
    tables = db.metadata.sorted_tables
    counts = connection.execute(db.select(*(
        db.select(func.count()).select_from(table).scalar_subquery().label(table.name)
        for table in tables))).one()
    return dict(zip((table.name for table in tables), counts, strict=True))


def _snapshot_demo(database_url: str, sqlite_file: Path | None = None) -> DemoSnapshot:
    """Seed the demo into a freshly migrated database and note which tables it fills."""
    from materiality.seed import seed_demo

    app = create_app(base_test_config(database_url))
    with app.app_context():
        with db.engine.connect() as connection:
            fresh = _row_counts(connection)
        seed_demo()
        db.session.commit()
        with db.engine.connect() as connection:
            seeded = _row_counts(connection)
        tables = tuple(name for name, count in seeded.items() if count != fresh[name])
        # The copy adds rows: it can stand for the seed only where the seed adds rows to
        # empty tables and leaves the reference data as it was.
        assert all(fresh[name] == 0 for name in tables), (fresh, seeded)
        if sqlite_file is None:
            with db.engine.begin() as connection:
                connection.execute(text(f"CREATE SCHEMA {DEMO_SNAPSHOT}"))
                for name in tables:
                    connection.execute(text(f'CREATE TABLE {DEMO_SNAPSHOT}."{name}" AS TABLE "{name}"'))
        db.session.remove()
        dispose_engines()
    return DemoSnapshot(tables, fresh, sqlite_file)


@pytest.fixture(scope="session")
def sqlite_demo_snapshot(sqlite_template, tmp_path_factory) -> DemoSnapshot:
    """The demo seeded once into a copy of the SQLite template."""
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    shutil.copyfile(sqlite_template, path)
    return _snapshot_demo(f"sqlite:///{path}", path)


@pytest.fixture(scope="session")
def postgresql_demo_snapshot(postgres_url) -> DemoSnapshot:
    """The demo seeded once into the PostgreSQL test database, its rows kept aside in a
    schema of their own (the next test's reset empties the public one)."""
    _reset_postgres(postgres_url)
    return _snapshot_demo(postgres_url)


def _copy_demo(snapshot: DemoSnapshot) -> bool:
    """Copy the demo into the app's database if it is still as migrated (users aside:
    the seed neither reads nor writes them); False if it is not, and nothing copied."""
    with db.engine.connect() as connection:
        counts = _row_counts(connection)
        if any(count != snapshot.fresh_counts[name] for name, count in counts.items()
               if name != "user_account"):
            return False
        if snapshot.sqlite_file is not None:
            connection.exec_driver_sql(
                f"ATTACH DATABASE '{snapshot.sqlite_file}' AS {DEMO_SNAPSHOT}")
        for name in snapshot.tables:  # our own table names, from the models' metadata
            connection.exec_driver_sql(
                f'INSERT INTO "{name}" SELECT * FROM {DEMO_SNAPSHOT}."{name}"')  # noqa: S608
            column = db.metadata.tables[name].autoincrement_column
            if snapshot.sqlite_file is None and column is not None:
                # Where the seed leaves each id sequence (SQLite follows max(id) itself).
                sequence = f"pg_get_serial_sequence('\"{name}\"', '{column.name}')"
                connection.exec_driver_sql(
                    f'SELECT setval({sequence}, (SELECT max("{column.name}") FROM "{name}"))')  # noqa: S608
        connection.commit()
        if snapshot.sqlite_file is not None:
            connection.exec_driver_sql(f"DETACH DATABASE {DEMO_SNAPSHOT}")
    return True


@pytest.fixture(scope="session", autouse=True)
def _each_password_hashed_once() -> Iterator[None]:
    """The real scrypt hashing and checking, each computed once per session for the same
    input (a quarter of a second per staff user and login otherwise, hundreds of times).

    Checking is a pure function of (hash, password), so keeping its answers changes
    nothing; hashing the same password again gives the first hash, salt included.
    """
    from werkzeug import security

    import materiality.auth.operations
    import materiality.models.user

    hash_once = functools.cache(security.generate_password_hash)
    check_once = functools.cache(security.check_password_hash)
    with pytest.MonkeyPatch.context() as patch:
        for module in (materiality.models.user, materiality.auth.operations):
            patch.setattr(module, "generate_password_hash", hash_once)
            patch.setattr(module, "check_password_hash", check_once)
        yield


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
        dispose_engines()


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
def demo_data(app, request: pytest.FixtureRequest) -> None:
    """The model report's library and the 2023 assessment: seed_demo()'s rows, copied
    from the session's one seeding when the database is still fresh (see DemoSnapshot)."""
    from materiality.seed import seed_demo

    snapshot = request.getfixturevalue(f"{db.engine.dialect.name}_demo_snapshot")
    if not _copy_demo(snapshot):
        seed_demo()
        db.session.commit()


@pytest.fixture(scope="session")
def rendered_site(sqlite_template, tmp_path_factory):
    """Every page of a seeded demo, for every role and language, rendered once per session
    for the markup checkers (tests/markup/pages.py)."""
    from markup.pages import build_site

    return build_site(sqlite_template, tmp_path_factory.mktemp("markup"))
