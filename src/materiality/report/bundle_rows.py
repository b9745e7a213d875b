"""Model rows as a reproducibility bundle stores them (JSON-ready), and back; its tables
as CSV.

Shared by the classic part of the bundle (:mod:`.bundle`) and its double-materiality part
(:mod:`.double_bundle`).
"""
from __future__ import annotations

from datetime import date, datetime

import pandas as pd
from sqlalchemy import Date, DateTime

from ..extensions import db

#: Columns a bundle never carries: links to rows it does not hold, and creation times.
LEFT_OUT = {"copied_from_id", "created_at"}


def row_data(obj: db.Model) -> dict:
    """A model row's columns as JSON-ready values (dates as ISO text)."""
    values = {}
    for column in obj.__table__.columns:
        if column.key in LEFT_OUT:
            continue
        value = getattr(obj, column.key)
        values[column.key] = value.isoformat() if isinstance(value, date | datetime) else value
    return values


def column_values(model: type[db.Model], row: dict) -> dict:
    """A JSON row back into column values of ``model`` (ISO text back into dates)."""
    values = {}
    for column in model.__table__.columns:
        if column.key not in row:
            continue
        value = row[column.key]
        if value is not None and isinstance(column.type, DateTime):
            value = datetime.fromisoformat(value)
        elif value is not None and isinstance(column.type, Date):
            value = date.fromisoformat(value)
        values[column.key] = value
    return values


def csv_data(frame: pd.DataFrame) -> bytes:
    """A table as the bundle stores it: UTF-8 CSV with a header, no index, LF line ends."""
    return frame.to_csv(index=False, lineterminator="\n").encode()
