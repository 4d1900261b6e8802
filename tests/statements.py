"""Counting the SQL statements a piece of work sends: what the query-count tests assert on."""
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa

from forum.extensions import db


@contextmanager
def count_statements(engine: sa.Engine | None = None) -> Iterator[list[str]]:
    """The statements sent through `engine` (the current app's by default) inside the block."""
    engine = engine if engine is not None else db.engine
    statements: list[str] = []

    def record(conn, cursor, statement, *rest):
        statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
