"""Bulk inserts straight through the database driver (import, reindex)."""
from datetime import UTC, datetime

import sqlalchemy as sa

from ..models.base import UTCDateTime


def sqlite_time(value: datetime | None) -> str | None:
    # What UTCDateTime + SQLite's DATETIME store (aware UTC, naive as UTC), ~5x faster.
    if value is None:
        return None
    if value.tzinfo is UTC:  # the usual case: cut the "+00:00"
        return value.isoformat(" ", "microseconds")[:26]
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    return value.replace(tzinfo=None).isoformat(" ", "microseconds")


def _processor(column_type, dialect):
    if dialect.name == "sqlite" and isinstance(column_type, UTCDateTime):
        return sqlite_time
    return column_type.dialect_impl(dialect).bind_processor(dialect)


def insert_many(conn, table: sa.Table, rows: list[dict]) -> None:
    """executemany straight through the driver, with the columns' own bind processors.

    Same stored values as `conn.execute(sa.insert(table), rows)`, without SQLAlchemy's
    generic per-row parameter handling, which cost a third of a 100,000-thread import.
    """
    if not rows:
        return
    dialect = conn.dialect
    names = list(rows[0])
    processors = [_processor(table.c[n].type, dialect) for n in names]
    todo = [(i, p) for i, p in enumerate(processors) if p is not None]
    data = []
    for row in rows:
        values = [row[n] for n in names]
        for i, process in todo:
            values[i] = process(values[i])
        data.append(tuple(values))
    if dialect.name == "postgresql":  # COPY: several times faster than pipelined INSERTs
        raw = conn.connection.driver_connection
        with raw.cursor() as cur, cur.copy(f"COPY {table.name} ({', '.join(names)}) FROM STDIN") as copy:
            for record in data:
                copy.write_row(record)
        return
    marks = ", ".join("?" if dialect.paramstyle == "qmark" else "%s" for _ in names)
    conn.exec_driver_sql(f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({marks})", data)  # nosec B608 # table and column names come from our models
