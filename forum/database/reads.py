"""Reads of plain rows (no ORM objects) on the request's own connection.

`db.session.execute` of such a statement still goes through the ORM session's execution
(its hooks, autoflush, merging execution options, wrapping the result): 50-90 µs of CPU a
statement more than the same statement on the session's connection (PostgreSQL 216 -> 125 µs,
SQLite 87 -> 33 µs, medians of alternating runs). The connection is the session's own, in its
transaction, so the rows are the same; what is lost is the autoflush, so these reads are for
the start of a page, never after a change the same request has not flushed.

FixedRead goes one step further for the few statements an uncached thread page runs on every
view (see its docstring).
"""
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import sqlalchemy as sa

from ..extensions import db


def rows(statement: sa.Executable, params: dict[str, Any] | None = None) -> sa.CursorResult:
    """`statement` (selecting columns, not entities) on the session's connection."""
    return db.session.connection().execute(statement, params or {})


class _Compiled:
    """A statement as one dialect runs it: its SQL, how the parameters are passed, and the
    result processor of each column (None where the driver's value is the value)."""

    def __init__(self, statement: sa.Select, dialect: sa.Dialect):
        compiled = statement.compile(dialect=dialect)
        binds = list(compiled.binds.values())
        if any(b.expanding for b in binds) or any(
                b.type.dialect_impl(dialect).bind_processor(dialect) is not None for b in binds):
            raise ValueError("FixedRead takes parameters the driver takes as they are (no IN lists)")
        self.sql = compiled.string
        self.names = tuple(compiled.positiontup or ()) if compiled.positional else None
        # Values written into the statement (`status == "resolved"`) are bound parameters too.
        self.fixed = {name: b.effective_value for name, b in compiled.binds.items() if not b.required}
        self.types = [c.type.dialect_impl(dialect) for c in statement.selected_columns]
        self.dialect = dialect
        self.processors: list[tuple[int, Callable]] | None = None  # known at the first read
        self.processed = False
        # What the engine's statement listeners are given as the execution context: the
        # compiled statement, as SQLAlchemy's own context carries it (forum/database/postgres.py
        # reads it to tell a plain read from anything else).
        self.context = SimpleNamespace(compiled=compiled)

    def learn_processors(self, description) -> None:
        """Each column's result processor, for the type the driver reports (as SQLAlchemy
        asks for it: PostgreSQL's numeric columns depend on it)."""
        processors = [kind.result_processor(self.dialect, column[1])
                      for kind, column in zip(self.types, description, strict=True)]
        self.processors = [(i, p) for i, p in enumerate(processors) if p is not None] or None
        self.processed = True

    def arguments(self, params: dict[str, Any]) -> tuple | dict:
        values = {**self.fixed, **params} if self.fixed else params
        return tuple(values[name] for name in self.names) if self.names is not None else values


class FixedRead:
    """A select that never changes (built once, no IN lists), read on the driver's cursor of
    the session's connection.

    Through Connection.execute, each read of a built statement still works out its cache key
    (a walk over the whole statement), looks the compiled form up, and builds an execution
    context and a result: 30-50 µs of CPU a statement where the driver takes ~20 (SQLite,
    20,000 threads: the thread page's question with its parts 52 -> 21 µs, its answers 48 ->
    31 µs), on every uncached thread page. Here the statement is compiled once per dialect;
    a read binds the parameters in the compiled order, runs on the same connection (in the
    same transaction) as `rows`, is reported to the engine's statement listeners as
    SQLAlchemy reports its own, applies each column's result processor (SQLite's dates and
    booleans), and fails as SQLAlchemy does (DBAPIError and its kinds, a lost connection
    invalidated), so the pages' error handling sees what it always saw.
    """

    def __init__(self, statement: sa.Select):
        self.statement = statement
        self._by_dialect: dict[tuple, _Compiled] = {}

    def _compiled(self, dialect: sa.Dialect) -> _Compiled:
        key = (dialect.name, dialect.driver, dialect.paramstyle, dialect.server_version_info)
        compiled = self._by_dialect.get(key)
        if compiled is None:
            compiled = self._by_dialect[key] = _Compiled(self.statement, dialect)
        return compiled

    def all(self, params: dict[str, Any]) -> list[tuple]:
        conn = db.session.connection()
        compiled = self._compiled(conn.dialect)
        arguments = compiled.arguments(params)
        dbapi_connection = conn.connection.driver_connection
        cursor = dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            conn.dispatch.before_cursor_execute(conn, cursor, compiled.sql, arguments, compiled.context, False)
            cursor.execute(compiled.sql, arguments)
            found = cursor.fetchall()
            if not compiled.processed:
                compiled.learn_processors(cursor.description)
            conn.dispatch.after_cursor_execute(conn, cursor, compiled.sql, arguments, compiled.context, False)
        except conn.dialect.loaded_dbapi.Error as error:
            lost = conn.dialect.is_disconnect(error, dbapi_connection, cursor)
            if lost:
                conn.invalidate(error)
            raise sa.exc.DBAPIError.instance(compiled.sql, arguments, error, conn.dialect.loaded_dbapi.Error,
                                              connection_invalidated=lost, dialect=conn.dialect) from error
        finally:
            cursor.close()
        if compiled.processors is None:
            return found  # the drivers' rows are tuples
        out = []
        for row in found:
            values = list(row)
            for i, process in compiled.processors:
                values[i] = process(values[i])
            out.append(tuple(values))
        return out

    def one_or_none(self, params: dict[str, Any]) -> tuple | None:
        found = self.all(params)
        if len(found) > 1:
            raise sa.exc.MultipleResultsFound("Multiple rows were found when one or none was required")
        return found[0] if found else None
