"""Secondary indexes (and, on PostgreSQL, foreign keys) set aside while a bulk load fills
tables, and made again once at the end, in the same transaction.

Building an index over loaded rows is one sort; keeping it row by row is a b-tree descent
per row and index, and on PostgreSQL every inserted row also queues a foreign-key check.
Adding a foreign key back checks every row in one join, so nothing goes unchecked. Primary
keys and unique indexes stay: the load's duplicate checks need them. Everything happens
in the caller's transaction: a failed load rolls the dropped definitions back with it.
"""
import sqlalchemy as sa

_PG_INDEXES = """
SELECT t.relname, c.relname, pg_get_indexdef(i.indexrelid)
FROM pg_index i
JOIN pg_class c ON c.oid = i.indexrelid
JOIN pg_class t ON t.oid = i.indrelid
WHERE t.relnamespace = current_schema()::regnamespace AND t.relname = ANY(%(tables)s)
  AND NOT i.indisprimary AND NOT i.indisunique
  AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
ORDER BY c.relname
"""
_PG_FOREIGN_KEYS = """
SELECT t.relname, k.conname, pg_get_constraintdef(k.oid)
FROM pg_constraint k
JOIN pg_class t ON t.oid = k.conrelid
WHERE k.contype = 'f' AND t.relnamespace = current_schema()::regnamespace AND t.relname = ANY(%(tables)s)
ORDER BY k.conname
"""
_SQLITE_INDEXES = """
SELECT tbl_name, name, sql FROM sqlite_master
WHERE type = 'index' AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE %' AND tbl_name IN ({marks})
ORDER BY name
"""


def _quote(conn: sa.Connection, name: str) -> str:
    return conn.dialect.identifier_preparer.quote(name)


class DeferredIndexes:
    """drop() the secondary structures of `tables`; restore() makes them again as they were."""

    def __init__(self, conn: sa.Connection, tables: list[str]):
        self.conn, self.tables = conn, tables
        self.indexes: list[tuple[str, str, str]] = []  # (table, index, CREATE INDEX ...)
        self.foreign_keys: list[tuple[str, str, str]] = []  # (table, constraint, definition)

    def drop(self) -> None:
        conn = self.conn
        if conn.dialect.name == "postgresql":
            self.indexes = [tuple(r) for r in conn.exec_driver_sql(_PG_INDEXES, {"tables": self.tables})]
            self.foreign_keys = [tuple(r) for r in conn.exec_driver_sql(_PG_FOREIGN_KEYS, {"tables": self.tables})]
            for table, name, _ in self.foreign_keys:
                conn.exec_driver_sql(f"ALTER TABLE {_quote(conn, table)} DROP CONSTRAINT {_quote(conn, name)}")
        else:  # SQLite's foreign-key checks are primary-key lookups: cheap, and part of the table
            marks = ", ".join("?" for _ in self.tables)
            self.indexes = [tuple(r) for r in conn.exec_driver_sql(_SQLITE_INDEXES.format(marks=marks),  # nosec B608 # placeholders only
                                                                    tuple(self.tables))]
        for _, name, _ in self.indexes:
            conn.exec_driver_sql(f"DROP INDEX {_quote(conn, name)}")

    def restore(self) -> None:
        conn = self.conn
        if conn.dialect.name == "postgresql":  # index builds sort in memory
            conn.exec_driver_sql("SET LOCAL maintenance_work_mem = '256MB'")
        for _, _, create in self.indexes:
            conn.exec_driver_sql(create)
        for table, name, definition in self.foreign_keys:  # checks every row, in one join
            conn.exec_driver_sql(f"ALTER TABLE {_quote(conn, table)} ADD CONSTRAINT {_quote(conn, name)} {definition}")
        self.indexes, self.foreign_keys = [], []
