"""A full copy of the forum into another database: `flask forum copy --to URL`.

Everything the models know is copied (accounts with their password hashes and e-mails, threads,
reports, the audit log, mail, settings, and any table added later), in foreign-key order with
the ids as they are. Steps:

1. The target is migrated to the newest revision (`flask db upgrade` on its URL); the source
   must be at that same revision.
2. A target that already holds data is refused unless `force` (then it is emptied first). What
   a fresh migration writes by itself (the content-version row) does not count as data.
3. In one target transaction: every table's rows, read from one snapshot of the source, in
   primary-key order. A foreign key in a cycle (a thread's best answer) is filled in after both
   tables are in. PostgreSQL sequences are moved past the copied ids. Then every table's row
   count and checksum (forum/transfer/checksums.py) are compared with the source's from the
   same snapshot; any difference rolls the whole copy back.
4. The search engine's own tables (search_fts*) are not copied: the target rebuilds them with
   the ordinary reindex. The target gets a content-version epoch of its own, so it never
   serves a guest page cached from the source.
5. The 先輩 badge rule (forum/badges.py) is applied on the target, after the checks: a member
   with N best answers and no badge in the source (data that arrived past the rule) has it
   there; a badge a moderator revoked stays revoked (the audit log came along).
"""
import secrets
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from flask import Flask, current_app
from flask_migrate import upgrade
from sqlalchemy.schema import ForeignKeyConstraint, sort_tables_and_constraints

from .. import badges
from ..database.bulk import insert_many
from ..extensions import db
from ..models import ContentVersion
from ..search import index
from .checksums import BATCH, TableSum, key_order, table_sums

# Tables in a database that are not models and are not copied: Alembic's own, the search
# engine's index (rebuilt on the target), SQLite's internals.
NOT_COPIED_PREFIXES = ("alembic_version", "search_fts", "sqlite_")

AppFactory = Callable[[dict], Flask]
Log = Callable[[str], None]


class CopyRefused(Exception):
    """The copy did not start (or was rolled back): the target is as it was."""


@dataclass
class TableCheck:
    name: str
    source: TableSum
    target: TableSum

    @property
    def ok(self) -> bool:
        return self.source == self.target


@dataclass
class CopyReport:
    tables: list[TableCheck] = field(default_factory=list)
    indexed: int = 0
    badges_granted: int = 0

    @property
    def rows(self) -> int:
        return sum(t.target.rows for t in self.tables)


def copy_database(factory: AppFactory, target_url: str, force: bool = False,
                  log: Log = lambda _message: None) -> CopyReport:
    """Copy the current app's database to target_url (in the source app's context).
    `factory` builds an app from settings (create_app); the target gets this app's settings
    with its own URL. Raises CopyRefused when nothing was changed."""
    source_url = db.engine.url
    if _same_database(source_url, sa.engine.make_url(target_url)):
        raise CopyRefused("the target is the source database")
    settings = {k: v for k, v in current_app.config.items() if k != "SQLALCHEMY_ENGINE_OPTIONS"}
    target_app = factory({**settings, "SQLALCHEMY_DATABASE_URI": target_url})
    tables = _tables_in_order()
    with target_app.app_context():
        log(f"migrating {db.engine.url.render_as_string(hide_password=True)}")
        upgrade()
        target_engine = db.engine
    try:
        _check_revisions(db.engine, target_engine)
        _check_no_unknown_tables(db.engine, [t for t, _ in tables])
        occupied = _occupied(target_engine, [t for t, _ in tables], _fresh_counts(factory, settings))
        if occupied and not force:
            listed = ", ".join(f"{name} ({rows})" for name, rows in occupied.items())
            raise CopyRefused(f"the target already holds data: {listed}; use --force to replace it")
        report = CopyReport()
        with _snapshot(db.engine) as source, target_engine.begin() as target:
            _clear(target, tables)
            for table, cycle_columns in tables:
                rows = _copy_table(source, target, table, cycle_columns)
                log(f"copied {table.name}: {rows} rows")
            _fill_cycle_columns(source, target, tables)
            _reset_sequences(target, [t for t, _ in tables])
            everything = [t for t, _ in tables]
            source_sums, target_sums = table_sums(source, everything), table_sums(target, everything)
            report.tables = [TableCheck(t.name, source_sums[t.name], target_sums[t.name]) for t in everything]
            wrong = [c.name for c in report.tables if not c.ok]
            if wrong:  # leaving the block with an exception rolls the target back
                raise CopyRefused(f"counts or checksums differ, nothing was copied: {', '.join(wrong)}")
        with target_app.app_context():
            report.indexed = index.reindex()
            report.badges_granted = badges.award_all_earned()
            db.session.execute(sa.update(ContentVersion).values(epoch=secrets.token_hex(8)))
            db.session.commit()
        log(f"search index rebuilt on the target: {report.indexed} threads")
        log(f"先輩 badge rule applied on the target: {report.badges_granted} granted")
        return report
    finally:
        with target_app.app_context():
            db.session.remove()
            db.engine.dispose()


def _same_database(a: sa.URL, b: sa.URL) -> bool:
    if a.get_backend_name() != b.get_backend_name():
        return False
    if a.get_backend_name() == "sqlite":
        if not a.database or not b.database or ":memory:" in (a.database, b.database):
            return False
        return Path(a.database).resolve() == Path(b.database).resolve()
    return (a.host, a.port or 5432, a.database) == (b.host, b.port or 5432, b.database)


def _tables_in_order() -> list[tuple[sa.Table, list[sa.Column]]]:
    """Every model table, parents first, each with the columns of its foreign keys that close a
    cycle (copied as NULL, filled in once every table is in)."""
    order = sort_tables_and_constraints(db.metadata.tables.values())
    cycles: list[ForeignKeyConstraint] = next((fks for table, fks in order if table is None), [])
    cycle_columns: dict[str, list[sa.Column]] = {}
    for constraint in cycles:
        cycle_columns.setdefault(constraint.table.name, []).extend(constraint.columns)
    return [(table, cycle_columns.get(table.name, [])) for table, _ in order if table is not None]


def _revision(engine: sa.Engine) -> set[str]:
    with engine.connect() as conn:
        if not sa.inspect(conn).has_table("alembic_version"):
            return set()
        return set(conn.scalars(sa.text("SELECT version_num FROM alembic_version")))


def _check_revisions(source: sa.Engine, target: sa.Engine) -> None:
    have, want = _revision(source), _revision(target)
    if have != want:
        raise CopyRefused(f"the source is at revision {sorted(have) or 'none'}, the code at {sorted(want)}: "
                          "run `flask db upgrade` on the source first")


def _check_no_unknown_tables(engine: sa.Engine, tables: list[sa.Table]) -> None:
    """A table in the source that no model describes would be left behind: refuse."""
    with engine.connect() as conn:
        present = set(sa.inspect(conn).get_table_names())
    unknown = sorted(name for name in present - {t.name for t in tables}
                     if not name.startswith(NOT_COPIED_PREFIXES))
    if unknown:
        raise CopyRefused(f"the source has tables no model describes, which would not be copied: {unknown}")


def _counts(conn: sa.Connection, tables: list[sa.Table]) -> dict[str, int]:
    return {t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one() for t in tables}


def _fresh_counts(factory: AppFactory, settings: dict) -> dict[str, int]:
    """What a freshly migrated database holds by itself (rows the migrations write)."""
    with tempfile.TemporaryDirectory(prefix="sodan-copy-") as folder:
        scratch = factory({**settings, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(folder) / 'fresh.db'}"})
        with scratch.app_context():
            upgrade()
            with db.engine.connect() as conn:
                counts = _counts(conn, list(db.metadata.tables.values()))
            db.engine.dispose()
    return counts


def _occupied(engine: sa.Engine, tables: list[sa.Table], fresh: dict[str, int]) -> dict[str, int]:
    """Tables of the target holding more rows than a fresh migration leaves."""
    with engine.connect() as conn:
        counts = _counts(conn, tables)
    return {name: rows for name, rows in counts.items() if rows > fresh.get(name, 0)}


@contextmanager
def _snapshot(engine: sa.Engine) -> Iterator[sa.Connection]:
    """One read-only view of the source for the whole copy and its checksums."""
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
            conn.exec_driver_sql("SET TRANSACTION READ ONLY")
        else:  # pysqlite begins a transaction only before a write; a read snapshot needs BEGIN
            conn.exec_driver_sql("BEGIN")
        try:
            yield conn
        finally:
            conn.rollback()


def _clear(target: sa.Connection, tables: list[tuple[sa.Table, list[sa.Column]]]) -> None:
    """Empty every table, children first (cycle columns set to NULL before)."""
    for table, cycle_columns in tables:
        if cycle_columns:
            target.execute(sa.update(table).values({c.name: None for c in cycle_columns}))
    for table, _ in reversed(tables):
        target.execute(sa.delete(table))


def _copy_table(source: sa.Connection, target: sa.Connection, table: sa.Table,
                cycle_columns: list[sa.Column]) -> int:
    rows = 0
    names = {c.name for c in cycle_columns}
    result = source.execute(sa.select(*table.columns).order_by(*key_order(source, table))
                            .execution_options(yield_per=BATCH))
    for batch in result.mappings().partitions():
        insert_many(target, table, [{k: (None if k in names else v) for k, v in row.items()} for row in batch])
        rows += len(batch)
    return rows


def _fill_cycle_columns(source: sa.Connection, target: sa.Connection,
                        tables: list[tuple[sa.Table, list[sa.Column]]]) -> None:
    for table, cycle_columns in tables:
        if not cycle_columns:
            continue
        keys = list(table.primary_key.columns)
        # Columns an UPDATE would stamp by themselves (updated_at) are written back as copied.
        values = cycle_columns + [c for c in table.columns if c.onupdate is not None and c not in cycle_columns]
        select = sa.select(*keys, *values).where(sa.or_(*(c.isnot(None) for c in cycle_columns)))
        update = sa.update(table).where(*(k == sa.bindparam(f"k_{k.name}") for k in keys)) \
            .values({c.name: sa.bindparam(f"v_{c.name}") for c in values})
        result = source.execute(select.execution_options(yield_per=BATCH))
        for batch in result.mappings().partitions():
            target.execute(update, [{**{f"k_{k.name}": row[k.name] for k in keys},
                                     **{f"v_{c.name}": row[c.name] for c in values}} for row in batch])


def _reset_sequences(target: sa.Connection, tables: list[sa.Table]) -> None:
    """PostgreSQL: the next id of each table comes after the copied ones."""
    if target.dialect.name != "postgresql":
        return  # SQLite takes max(rowid) + 1
    for table in tables:
        column = table.autoincrement_column
        if column is None:
            continue
        top = target.execute(sa.select(sa.func.max(column))).scalar()
        target.execute(sa.text("SELECT setval(pg_get_serial_sequence(:table, :column), :value, :called)"),
                       {"table": table.name, "column": column.name, "value": top or 1, "called": top is not None})
