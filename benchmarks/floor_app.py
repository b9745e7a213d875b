"""The floor: a bare Flask app whose POST inserts one row, under the same server and load."""
from __future__ import annotations

import os
import uuid

from flask import Flask, request
from sqlalchemy import (
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    func,
    insert,
)

from materiality.config import normalise_database_url

URL = normalise_database_url(os.environ["DATABASE_URL"])
# The app's engine policy (config.py): pre-ping network databases only.
engine = create_engine(URL, pool_pre_ping=not URL.startswith("sqlite"))
metadata = MetaData()
floor_row = Table("floor_row", metadata,
                  Column("id", Integer, primary_key=True),
                  Column("uid", String(64), unique=True, nullable=False),
                  Column("at", DateTime(timezone=True), server_default=func.now()))

if URL.startswith("sqlite"):
    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def _pragmas(connection, _record):  # noqa: ANN001
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

app = Flask(__name__)


@app.get("/floor")
def form():
    """A tiny page carrying a fresh id, like the survey's GET."""
    return f'<input name="uid" value="{uuid.uuid4().hex}">'


@app.post("/floor")
def store():
    """Insert one row and commit."""
    with engine.begin() as connection:
        connection.execute(insert(floor_row), {"uid": request.form["uid"]})
    return "", 303, {"Location": "/floor"}


if __name__ == "__main__":
    metadata.create_all(engine)
