"""Row counts and a checksum per table that SQLite and PostgreSQL agree on.

A table's checksum is a SHA-256 over its rows in primary-key order, each row written as one
line of JSON with its values normalised: datetimes as UTC ISO 8601 with microseconds (SQLite
keeps naive UTC, PostgreSQL aware), booleans as JSON booleans (SQLite stores 0/1), None as
null, JSON documents with sorted keys (PostgreSQL's jsonb reorders them), bytes as hex.
Text keys are ordered by their bytes on both engines (COLLATE "C" on PostgreSQL), so a
database with another collation still agrees.
"""
import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

BATCH = 2000


@dataclass(frozen=True)
class TableSum:
    rows: int
    sha256: str


def normalise(value: Any) -> Any:
    """A value as the same JSON on every engine."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, datetime):
        value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return value.isoformat(timespec="microseconds")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value.normalize())
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return str(value)


def key_order(conn: sa.Connection, table: sa.Table) -> list:
    """ORDER BY for a table: its primary key (every column when it has none), text in byte order."""
    columns = list(table.primary_key.columns) or list(table.columns)
    if conn.dialect.name != "postgresql":
        return columns
    return [sa.collate(c, "C") if isinstance(c.type, sa.String) else c for c in columns]


def table_sum(conn: sa.Connection, table: sa.Table) -> TableSum:
    """Count and checksum of one table, read in key order in batches."""
    digest = hashlib.sha256()
    rows = 0
    result = conn.execute(sa.select(*table.columns).order_by(*key_order(conn, table))
                          .execution_options(yield_per=BATCH))
    for row in result:
        line = json.dumps([normalise(v) for v in row], ensure_ascii=False, separators=(",", ":"))
        digest.update(line.encode("utf-8"))
        digest.update(b"\n")
        rows += 1
    return TableSum(rows, digest.hexdigest())


def table_sums(conn: sa.Connection, tables: list[sa.Table]) -> dict[str, TableSum]:
    return {table.name: table_sum(conn, table) for table in tables}
