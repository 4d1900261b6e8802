"""SQLite backend: a contentless FTS5 index of character bigrams, kept in step with
search_documents by its triggers (migration 0001) and written directly by bulk loads.
How it is queried is in sqlite_tiers.py."""
import sqlite3

import sqlalchemy as sa

from ...database.bulk import insert_many
from ...database.checkpoints import WalCheckpointer
from ...models import SearchDocument
from ..ngrams import fts_token_stream, fts_tokens, sort_key
from ..query import ParsedQuery
from . import sqlite_tiers
from .base import DOCUMENT_COLUMNS, NORM_COLUMNS, Counts, DbSession, SearchBackend, SearchPage
from .candidates import sqlite_candidates
from .matching import planned_terms
from .sqlite_tiers import FTS_COLUMNS

# FTS5's pending-terms budget (bytes) before it writes a segment: its default, and during a
# suspended bulk load (see SQLiteBackend.suspend).
HASHSIZE = 1024 * 1024
BULK_HASHSIZE = 64 * 1024 * 1024


@sa.event.listens_for(sa.engine.Engine, "connect")
def _register_tokenizer(dbapi_connection, _record) -> None:
    # The search_documents triggers (migration 0001) call this to compute FTS5 tokens.
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.create_function("sodan_fts_tokens", 1, fts_tokens, deterministic=True)


class SQLiteBackend(SearchBackend):
    """search_fts (FTS5, rowid = recency key) and search_fts_meta (key -> thread)."""

    name = "sqlite"
    # The background checkpoints of the bulk load under way (bulk_start to bulk_end).
    _checkpoints: WalCheckpointer | None = None

    def search(self, session: DbSession, query: ParsedQuery, category: str | None, limit: int,
               offset: int, count: bool = True) -> SearchPage:
        terms, excludes = planned_terms(query)
        if not terms:
            return SearchPage([], 0, {})
        if count:
            counts = sqlite_tiers.count(session, terms, excludes, category, self.count_cap)
        else:  # title suggestions: not counted, so taken as over the cap (every tier may be read)
            counts = Counts.over(self.count_cap)
        ids = sqlite_tiers.page_ids(session, terms, excludes, category, limit, offset, counts)
        return SearchPage.of(ids, counts, category)

    def candidates(self, session: DbSession, groups, excludes, mode="all", title_only=False,
                   category=None, limit=100, expired=False) -> list[tuple[int, str]]:
        return sqlite_candidates(session, groups, excludes, mode, title_only, category, limit, expired=expired)

    def explain(self, session: DbSession, query: ParsedQuery) -> str:
        """The plan of the first tier's page query."""
        terms, _ = planned_terms(query)
        return sqlite_tiers.explain(session, terms)

    def write(self, session: DbSession, docs: list) -> None:
        """Nothing to do: the triggers on search_documents index the rows."""

    def bulk_start(self, session: DbSession) -> None:
        # The default 2 MB page cache makes FTS5 segment merges and the b-tree inserts of a
        # 100,000-thread load re-read pages; 64 MB keeps them in memory. WAL commits of the
        # load's batches need not reach the disk one by one (synchronous OFF), and this
        # connection copies nothing from the WAL into the database file (no checkpoints)
        # until bulk_end, which syncs first. So the database file only ever takes synced
        # WAL frames: a crash, of the process or of the machine, loses at most the batches
        # whose frames did not reach the disk (recovery replays the WAL up to the first frame
        # whose checksum fails), never consistency, and the import can be run again. Other
        # connections checkpoint as usual, with their own synchronous NORMAL, which syncs the
        # WAL before copying it. (Checkpoints along the way with nothing synced were 12-15 %
        # faster, but a machine crash could leave the file corrupt; synchronous NORMAL on
        # this connection, a checkpoint per 10,000 pages, was slower.) One such connection
        # is the load's own: a thread checkpoints meanwhile (database/checkpoints.py), so the
        # WAL reaches the file as the load goes instead of all when the import closes its
        # connection (~600 MB at 20,000 threads: 1.1-1.7 s, then ~0.4 s).
        # (This connection only.)
        session.execute(sa.text("PRAGMA cache_size = -65536"))
        session.execute(sa.text("PRAGMA synchronous = OFF"))
        session.execute(sa.text("PRAGMA wal_autocheckpoint = 0"))
        self._stop_checkpoints()  # of a load that failed before its bulk_end
        path = session.connection().engine.url.database
        if path and path != ":memory:" and not path.startswith("file:"):
            self._checkpoints = WalCheckpointer(path)
            self._checkpoints.start()

    def _stop_checkpoints(self) -> None:
        if self._checkpoints is not None:
            self._checkpoints.stop()
            self._checkpoints = None

    def bulk_end(self, session: DbSession) -> None:
        self._stop_checkpoints()
        # The values forum/database/engine.py sets on connect (and SQLite's defaults), the
        # WAL synced before anything is checkpointed.
        session.execute(sa.text("PRAGMA synchronous = NORMAL"))
        session.execute(sa.text("PRAGMA cache_size = -2000"))
        session.execute(sa.text("PRAGMA wal_autocheckpoint = 1000"))
        session.commit()

    def suspend(self, session: DbSession) -> None:
        # No incremental segment merging during a large load: rebuild() merges once. Each
        # batch's terms are gathered in memory (up to 64 MB) and written as one segment at
        # its commit, not as a segment per 1 MB (FTS5's default), which the merge then reads
        # back: a quarter less CPU for the index of a 20,000-thread import.
        session.execute(sa.text("INSERT INTO search_fts(search_fts, rank) VALUES ('automerge', 0)"))
        session.execute(sa.text(f"INSERT INTO search_fts(search_fts, rank) VALUES ('hashsize', {BULK_HASHSIZE})"))  # nosec B608 # a constant

    def clear(self, session: DbSession) -> None:
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

    def index_data(self, document: dict) -> tuple[bytes, ...]:
        """The FTS5 tokens of the row's four columns (what the insert trigger computes,
        spaced differently), in UTF-8: import workers send them to the writer as bytes,
        which cost a copy to pass on, not a decoding and an encoding (add_documents casts
        them back to text)."""
        return tuple(fts_token_stream(document[c]).encode() for c in NORM_COLUMNS)

    def add_documents(self, session: DbSession, rows: list[dict], index_data: list | None = None,
                      tails: list | None = None) -> None:
        """Insert the documents with the insert trigger set aside (dropped and created again
        in this transaction), then their FTS5 and meta rows from `index_data` in two
        executemany: the trigger would tokenise each row again, one call at a time. With
        `tails` (each row's values but its id, as stored, texts as UTF-8 bytes: see
        forum/transfer/rows.py) they are sent as they are, the texts cast back to text."""
        if index_data is None:
            index_data = [self.index_data(d) for d in rows]
        conn = session.connection()
        trigger = conn.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'search_documents_ai'").scalar()
        if trigger:
            conn.exec_driver_sql("DROP TRIGGER search_documents_ai")
        if tails is None:
            insert_many(conn, SearchDocument.__table__, rows)
        else:
            conn.exec_driver_sql(
                f"INSERT INTO search_documents ({', '.join(DOCUMENT_COLUMNS)}) "  # nosec B608 # constant columns
                f"VALUES (?{', CAST(? AS TEXT)' * (len(DOCUMENT_COLUMNS) - 1)})",  # all text but the id
                [(d["question_id"], *tail) for d, tail in zip(rows, tails, strict=True)])
        keys = [sort_key(d["created_at"], d["question_id"]) for d in rows]
        conn.exec_driver_sql(f"INSERT INTO search_fts (rowid, {', '.join(FTS_COLUMNS)}) VALUES "  # nosec B608 # constant columns
                             "(?, CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT))",
                             [(key, *tokens) for key, tokens in zip(keys, index_data, strict=True)])
        conn.exec_driver_sql("INSERT INTO search_fts_meta (sort_key, question_id, category) VALUES (?, ?, ?)",
                             [(key, d["question_id"], d["category"]) for key, d in zip(keys, rows, strict=True)])
        if trigger:
            conn.exec_driver_sql(trigger)

    def rebuild(self, session: DbSession) -> None:
        """The triggers keep the index; this compacts it after a bulk load (and restores
        FTS5's default incremental merging and pending-terms budget)."""
        session.execute(sa.text("INSERT INTO search_fts(search_fts) VALUES ('optimize')"))
        session.execute(sa.text("INSERT INTO search_fts(search_fts, rank) VALUES ('automerge', 4)"))
        session.execute(sa.text(f"INSERT INTO search_fts(search_fts, rank) VALUES ('hashsize', {HASHSIZE})"))  # nosec B608 # a constant
