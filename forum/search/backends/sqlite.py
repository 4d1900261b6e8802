"""SQLite backend: a contentless FTS5 index of character bigrams, queried as phrases."""
import sqlite3

import sqlalchemy as sa

from ...database.bulk import insert_many
from ...models import SearchDocument
from ..ngrams import Term, fts_tokens, sort_key
from .base import NORM_COLUMNS, TIERS, Match, SearchBackend

FTS_COLUMNS = ("title", "body", "best", "answers")


@sa.event.listens_for(sa.engine.Engine, "connect")
def _register_tokenizer(dbapi_connection, _record) -> None:
    # The search_documents triggers (migration 0001) call this to compute FTS5 tokens.
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.create_function("sodan_fts_tokens", 1, fts_tokens, deterministic=True)


def _fts_term(term: Term) -> str:
    """A phrase of consecutive bigrams per run (exact inside a run); a 1-character run is
    a prefix query, which also finds it as a run's last character."""
    parts = []
    for run in term.runs:
        if len(run) == 1:
            parts.append(f'"{run}" *')
        else:
            parts.append('"' + " ".join(run[i:i + 2] for i in range(len(run) - 1)) + '"')
    return "(" + " AND ".join(parts) + ")"


def _within(terms: list[Term], tier: int) -> str:
    """Every term within the fields 0..tier (a column filter; none for all fields)."""
    expr = " AND ".join(_fts_term(t) for t in terms)
    if tier < TIERS - 1:
        return "({" + " ".join(FTS_COLUMNS[: tier + 1]) + "} : (" + expr + "))"
    return f"({expr})"


def fts_query(terms: list[Term], tier: int | None, excludes: list[Term] = (), exact: bool = True) -> str:
    """The FTS5 expression of one tier (None: any tier); exact excludes are NOTs."""
    expr = _within(terms, TIERS - 1 if tier is None else tier)
    if exact and tier:
        expr = f"({expr} NOT {_within(terms, tier - 1)})"
    exact_excludes = [t for t in excludes if t.single_run]
    if exact_excludes:
        expr = f"({expr} NOT (" + " OR ".join(_fts_term(t) for t in exact_excludes) + "))"
    return expr


class SQLiteBackend(SearchBackend):
    """The FTS5 rowid is the recency key, so `ORDER BY rowid DESC LIMIT n` walks each
    doclist newest first and stops after n matches; search_fts_meta maps a key to its thread."""

    name = "sqlite"
    position = "instr"

    def is_exact(self, term: Term) -> bool:
        # Bigram phrases are exact for a term that is one run of letters and digits.
        return term.single_run

    def match(self, terms, excludes, tier, params):
        exact = all(self.is_exact(t) for t in terms)
        name = f"q{len(params)}"
        params[name] = fts_query(terms, tier, excludes, exact)
        source = f"search_fts(:{name}) f JOIN search_fts_meta m ON m.sort_key = f.rowid"
        where = self.recheck(terms, excludes, tier, params)
        if where:
            source += " JOIN search_documents d ON d.question_id = m.question_id"
        return Match(source, where or "1 = 1", "f.rowid", "m.question_id", "m.category")

    def bulk_start(self, session) -> None:
        # The default 2 MB page cache makes FTS5 segment merges and the b-tree inserts of a
        # 100,000-thread load re-read pages; 64 MB keeps them in memory. WAL commits of the
        # load's batches need not reach the disk one by one: a crash loses the last batches,
        # never consistency, and the import can be run again. (This connection only.)
        session.execute(sa.text("PRAGMA cache_size = -65536"))
        session.execute(sa.text("PRAGMA synchronous = OFF"))

    def bulk_end(self, session) -> None:
        # The values forum/database/engine.py sets on connect (and SQLite's default cache).
        session.execute(sa.text("PRAGMA synchronous = NORMAL"))
        session.execute(sa.text("PRAGMA cache_size = -2000"))
        session.commit()

    def suspend(self, session) -> None:
        # No incremental segment merging during a large load: rebuild() merges once.
        session.execute(sa.text("INSERT INTO search_fts(search_fts, rank) VALUES ('automerge', 0)"))

    def clear(self, session) -> None:
        """Empty everything without the per-row delete trigger (which re-tokenises every
        old row for FTS5): the trigger is dropped and put back in the same transaction."""
        trigger = session.execute(sa.text(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'search_documents_ad'")).scalar()
        if trigger:
            session.execute(sa.text("DROP TRIGGER search_documents_ad"))
        session.execute(sa.text("DELETE FROM search_documents"))
        session.execute(sa.text("INSERT INTO search_fts(search_fts) VALUES ('delete-all')"))
        session.execute(sa.text("DELETE FROM search_fts_meta"))
        if trigger:
            session.execute(sa.text(trigger))

    def index_data(self, document: dict) -> tuple[str, ...]:
        """The FTS5 tokens of the row's four columns (what the insert trigger computes)."""
        return tuple(fts_tokens(document[c]) for c in NORM_COLUMNS)

    def add_documents(self, session, rows, index_data=None) -> None:
        """Insert the documents with the insert trigger set aside (dropped and created again
        in this transaction), then their FTS5 and meta rows from `index_data` in two
        executemany: the trigger would tokenise each row again, one call at a time."""
        if index_data is None:
            index_data = [self.index_data(d) for d in rows]
        conn = session.connection()
        trigger = conn.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'search_documents_ai'").scalar()
        if trigger:
            conn.exec_driver_sql("DROP TRIGGER search_documents_ai")
        insert_many(conn, SearchDocument.__table__, rows)
        keys = [sort_key(d["created_at"], d["question_id"]) for d in rows]
        conn.exec_driver_sql(f"INSERT INTO search_fts (rowid, {', '.join(FTS_COLUMNS)}) VALUES (?, ?, ?, ?, ?)",
                             [(key, *tokens) for key, tokens in zip(keys, index_data, strict=True)])
        conn.exec_driver_sql("INSERT INTO search_fts_meta (sort_key, question_id, category) VALUES (?, ?, ?)",
                             [(key, d["question_id"], d["category"]) for key, d in zip(keys, rows, strict=True)])
        if trigger:
            conn.exec_driver_sql(trigger)

    def rebuild(self, session) -> None:
        """The triggers keep the index; this compacts it after a bulk load (and restores
        FTS5's default incremental merging)."""
        session.execute(sa.text("INSERT INTO search_fts(search_fts) VALUES ('optimize')"))
        session.execute(sa.text("INSERT INTO search_fts(search_fts, rank) VALUES ('automerge', 4)"))

    def plan(self, session, sql, params) -> str:
        rows = session.execute(sa.text("EXPLAIN QUERY PLAN " + sql), params)
        return "\n".join(str(r[-1]) for r in rows)
