"""How each engine takes the rows an import writes: the workers prepare each row's values but
for those that need the database (ids, members), and the writer puts those first.

SQLite takes tuples, sent in one executemany, their texts as UTF-8 bytes that the statement
casts back to text (the same stored value): a str costs the writer a decoding when it is
unpickled and an encoding when it is bound, ~20 KB a thread. PostgreSQL takes lines of
COPY's text format: the workers write each row's values as its text (escaped, UTF-8), so
the writer only adds the ids in front and sends the batch's bytes as they are; psycopg
formatting the values row by row cost the writer ~12 us a row, and the strings a pickled
copy each way.
"""
from collections.abc import Callable, Iterable
from datetime import datetime
from functools import cache

import sqlalchemy as sa

from ..models import Question

# COPY text format: these characters in a value are written as backslash sequences (a
# newline, carriage return or tab would end the field or the row); NULL is \N.
_COPY_ESCAPES = (("\\", "\\\\"), ("\n", "\\n"), ("\r", "\\r"), ("\t", "\\t"))
_NULL = "\\N"


def _escaped(text: str) -> str:
    for char, escaped in _COPY_ESCAPES:
        if char in text:
            text = text.replace(char, escaped)
    return text


# By the value's type: what psycopg's text dumpers give (booleans t/f, times in ISO 8601
# with their offset, which the server reads as the same instant, floats as repr). Looked
# up by type, so most fields cost one call of a C function.
_FORMATS: dict[type, Callable] = {
    str: _escaped, int: str, float: repr, bool: {True: "t", False: "f"}.__getitem__,
    datetime: datetime.isoformat, type(None): lambda _: _NULL,
}


def copy_field(value) -> str:
    """One value as a field of PostgreSQL's COPY text format."""
    return _FORMATS[type(value)](value)


def copy_tail(values: Iterable) -> bytes:
    """The fields of a row after those the writer adds, with the row's end (see copy_row)."""
    return ("\t".join([_FORMATS[type(v)](v) for v in values]) + "\n").encode()


def copy_row(head: Iterable, tail: bytes | None = None) -> bytes:
    """A whole COPY text line: the writer's values (ids, members), then the prepared tail
    if the row has one."""
    if tail is None:
        return ("\t".join([_FORMATS[type(v)](v) for v in head]) + "\n").encode()
    return "\t".join([_FORMATS[type(v)](v) for v in head]).encode() + b"\t" + tail


def row_tail(values: tuple, engine: str) -> tuple | bytes:
    """The values of a row after the writer's, as `engine` takes them."""
    if engine == "postgresql":
        return copy_tail(values)
    return tuple([v.encode() if type(v) is str else v for v in values])


@cache
def text_columns(table: str) -> frozenset[str]:
    """The columns of `table` that SQLite stores as text (strings, and times as
    UTCDateTime writes them): insert_rows casts their values, which may be UTF-8 bytes."""
    return frozenset(c.name for c in Question.metadata.tables[table].c
                     if isinstance(c.type, sa.String | sa.DateTime)
                     or isinstance(getattr(c.type, "impl", None), sa.DateTime))


def sqlite_values(table: str, columns: tuple[str, ...]) -> str:
    """The VALUES list of an INSERT of `columns`: text columns' UTF-8 bytes cast to text."""
    texts = text_columns(table)
    return ", ".join("CAST(? AS TEXT)" if c in texts else "?" for c in columns)


def insert_rows(conn, table: str, columns: tuple[str, ...], heads: list[tuple], tails: list | None = None) -> None:
    """Insert rows given as the writer's values (heads) and the workers' row_tail()s, if
    the rows have more values, in `columns` order: COPY on PostgreSQL, one executemany on SQLite."""
    if not heads:
        return
    names = ", ".join(columns)
    if conn.dialect.name == "postgresql":
        if tails is None:
            data = b"".join([copy_row(head) for head in heads])
        else:
            data = b"".join([copy_row(head, tail) for head, tail in zip(heads, tails, strict=True)])
        raw = conn.connection.driver_connection
        with raw.cursor() as cur, cur.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            copy.write(data)
        return
    marks = sqlite_values(table, columns)
    rows = heads if tails is None else [head + tail for head, tail in zip(heads, tails, strict=True)]
    conn.exec_driver_sql(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)  # nosec B608 # names are ours
