"""The schema comes from migrations only: upgrade, downgrade and upgrade again, on each backend."""
from __future__ import annotations

import os
import uuid

import pytest
from conftest import TEST_DATABASE_URL, base_test_config
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text

from materiality import create_app
from materiality.config import normalise_database_url
from materiality.extensions import db, dispose_engines


def _round_trip(url: str) -> None:
    app = create_app(base_test_config(url))
    with app.app_context():
        upgrade()
        tables = set(inspect(db.engine).get_table_names())
        assert {"topic", "stakeholder_group", "assessment", "submission", "rating"} <= tables
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        # Nothing in the models is missing from the migrations.
        from alembic.autogenerate import compare_metadata
        from alembic.migration import MigrationContext

        with db.engine.connect() as connection:
            diff = compare_metadata(MigrationContext.configure(connection), db.metadata)
        assert diff == []
        dispose_engines()


def test_sqlite_upgrade_downgrade_upgrade(tmp_path):
    _round_trip(f"sqlite:///{tmp_path / 'm.sqlite3'}")


@pytest.mark.skipif(not TEST_DATABASE_URL, reason="TEST_DATABASE_URL is not set")
def test_postgresql_upgrade_downgrade_upgrade():
    admin_url = normalise_database_url(TEST_DATABASE_URL)
    name = f"migrations_{uuid.uuid4().hex[:8]}"
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        _round_trip(admin_url.rsplit("/", 1)[0] + f"/{name}")
    finally:
        with engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


def test_the_app_never_creates_tables_itself():
    source = os.path.join(os.path.dirname(__file__), "..", "src", "materiality")
    for folder, _dirs, files in os.walk(source):
        for name in files:
            if name.endswith(".py"):
                with open(os.path.join(folder, name), encoding="utf-8") as handle:
                    assert "create_all(" not in handle.read(), name
