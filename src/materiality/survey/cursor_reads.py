"""The survey's hottest reads on the DBAPI cursor, with SQLAlchemy's compiling and types.

Every view of a form and every answer reads its link once (survey/operations.py).
Plain Python, no Flask.
"""
from __future__ import annotations

from sqlalchemy import Connection, Dialect, Select


class HotRead:
    """A SELECT of the survey's hot path, run on the pooled DBAPI connection's cursor.

    Every view of a form and every answer reads its link once. Through SQLAlchemy's
    Connection.execute a cached statement still cost as much again as the database's
    own work (result objects, row processing: benchmarks/README.md). Here the statement
    is compiled once per dialect by SQLAlchemy and each value read goes through the
    column type's own result processor (a SQLite DATETIME string becomes a datetime),
    so rows come back as tuples of the values Connection.execute would give. The
    parameters go to the driver as given: use it for strings and integers, which
    need no bind processing. Not in a transaction of its own: on SQLite a SELECT
    starts none, and the PostgreSQL survey connection autocommits.
    """

    def __init__(self, statement: Select) -> None:
        self.statement = statement
        self._compiled: dict[str, tuple] = {}

    def _compile(self, dialect: Dialect) -> tuple:
        compiled = self.statement.compile(dialect=dialect)
        processors = [column.type.dialect_impl(dialect).result_processor(dialect, None)
                      for column in self.statement.selected_columns]
        # Only the columns whose type converts what the driver gives (dates, booleans).
        conversions = tuple((index, process) for index, process in enumerate(processors)
                            if process is not None)
        # The values the statement itself carries (a literal id).
        constants = {name: bind.effective_value for bind, name in compiled.bind_names.items()
                     if not bind.required}
        found = self._compiled[dialect.name] = (
            str(compiled), compiled.positiontup, constants, conversions)
        return found

    def first(self, connection: Connection, **params: object) -> tuple | None:
        """The first row for these parameters, or None."""
        dialect = connection.dialect
        sql, positions, constants, conversions = (self._compiled.get(dialect.name)
                                                  or self._compile(dialect))
        values = constants | params
        cursor = connection.connection.cursor()
        try:
            cursor.execute(sql, [values[name] for name in positions] if positions else values)
            row = cursor.fetchone()
        finally:
            cursor.close()
        if row is None or not conversions:
            return row and tuple(row)
        converted = list(row)
        for index, process in conversions:
            if converted[index] is not None:
                converted[index] = process(converted[index])
        return tuple(converted)
