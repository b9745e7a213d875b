"""The survey's hottest statements on the DBAPI cursor, with SQLAlchemy's compiling and types.

Every view of a form and every answer reads its link once, and every answer is stored
(survey/operations.py, survey/storing.py). Plain Python, no Flask.
"""
from __future__ import annotations

from sqlalchemy import Connection, Dialect, Executable
from sqlalchemy.exc import DBAPIError


class CursorStatement:
    """A statement of the survey's hot path, run on the pooled DBAPI connection's cursor.

    Through SQLAlchemy's Connection.execute a cached statement still cost as much again
    as the database's own work (result objects, row processing: benchmarks/README.md).
    Here SQLAlchemy compiles the statement once per dialect, each parameter goes through
    its bind type's processor (a datetime becomes SQLite's text) and each value read
    through its column type's result processor (and back), so the database sees and the
    caller gets what Connection.execute would give. A driver error is raised as
    SQLAlchemy's (an IntegrityError stays one).

    It opens no transaction: on SQLite a SELECT needs none and a write joins the one the
    caller began on the Connection (which commits it); the PostgreSQL survey connection
    autocommits each statement. A connection the database dropped is invalidated, as
    Connection.execute would, and the error says so (``connection_invalidated``).
    """

    def __init__(self, statement: Executable) -> None:
        self.statement = statement
        self._compiled: dict[str, tuple] = {}

    def _compile(self, dialect: Dialect) -> tuple:
        compiled = self.statement.compile(dialect=dialect)
        binds = {name: bind for bind, name in compiled.bind_names.items()}
        # The values the statement itself carries (a literal id).
        constants = {name: bind.effective_value for name, bind in binds.items()
                     if not bind.required}
        bind_conversions = tuple(
            (name, process) for name, process in
            ((name, bind.type.dialect_impl(dialect).bind_processor(dialect))
             for name, bind in binds.items()) if process is not None)
        columns = self.statement.exported_columns  # a SELECT's, or an INSERT's RETURNING
        # Only the columns whose type converts what the driver gives (dates, booleans).
        result_conversions = tuple(
            (index, process) for index, process in enumerate(
                column.type.dialect_impl(dialect).result_processor(dialect, None)
                for column in columns) if process is not None)
        found = self._compiled[dialect.name] = (
            str(compiled), compiled.positiontup, constants, bind_conversions, result_conversions)
        return found

    def first(self, connection: Connection, **params: object) -> tuple | None:
        """Run the statement; its first row, or None."""
        return self._run(connection, params, fetch=True)

    def run(self, connection: Connection, **params: object) -> None:
        """Run a statement that returns no rows."""
        self._run(connection, params, fetch=False)

    def _run(self, connection: Connection, params: dict, fetch: bool) -> tuple | None:
        dialect = connection.dialect
        sql, positions, constants, bind_conversions, result_conversions = (
            self._compiled.get(dialect.name) or self._compile(dialect))
        values = constants | params
        for name, process in bind_conversions:
            if values.get(name) is not None:
                values[name] = process(values[name])
        bound = [values[name] for name in positions] if positions else values
        dbapi_connection = connection.connection.dbapi_connection
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(sql, bound)
            row = cursor.fetchone() if fetch else None
        except dialect.loaded_dbapi.Error as error:
            disconnected = dialect.is_disconnect(error, dbapi_connection, cursor)
            if disconnected:
                # What Connection.execute does on a disconnect: this connection is
                # dropped, and so are the pool's others, which the same restart closed.
                connection.invalidate()
                connection.engine.dispose(close=False)
            raise DBAPIError.instance(sql, bound, error, dialect.loaded_dbapi.Error,
                                      connection_invalidated=disconnected,
                                      dialect=dialect) from error
        finally:
            cursor.close()
        if row is None or not result_conversions:
            return row and tuple(row)
        converted = list(row)
        for index, process in result_conversions:
            if converted[index] is not None:
                converted[index] = process(converted[index])
        return tuple(converted)
