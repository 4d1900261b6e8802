"""SQL functions the engines spell differently, compiled per dialect.

`joined_strings(column, separator)`: the values of a group joined by a separator (PostgreSQL's
string_agg, SQLite's group_concat). SQLAlchemy's aggregate_strings does the same but writes its
separator into the statement as a literal on every execution (a rewrite of the compiled SQL:
half the CPU of a thread page's question read on PostgreSQL); here the separator is a bound
parameter like any other, and the SQL text never changes.
"""
import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class joined_strings(FunctionElement):  # noqa: N801 - used like the sa.func it stands beside
    type = sa.Text()
    inherit_cache = True
    name = "joined_strings"

    def __init__(self, column, separator: str):
        super().__init__(column, sa.bindparam(None, separator, type_=sa.Text(), unique=True))


@compiles(joined_strings, "postgresql")
def _string_agg(element, compiler, **kw):
    return f"string_agg({compiler.process(element.clauses, **kw)})"


@compiles(joined_strings, "sqlite")
def _group_concat(element, compiler, **kw):
    return f"group_concat({compiler.process(element.clauses, **kw)})"
