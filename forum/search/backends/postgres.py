"""PostgreSQL backend: prefixed character bigrams in a GIN-indexed tsvector, recency in a
btree. This module runs a search's statements (built in postgres_sql.py) and keeps the
search_fts table; term_stats.py tells rare terms from common ones.

Most searches are one statement (each costs ~0.3-0.5 ms of round trip and planning before
any work); a few need a second:
1. postgres_sql.matches_sql: dense candidates are walked up to cap + 1 matches, giving
   counts per category and the first page of those matches; sparse ones come from the GIN
   bitmap, up to cap + 1 matches, each with its tier. Up to the cap these rows answer every
   page; above it, the walk's page stands when it is all title matches (they are the
   newest ones).
2. Otherwise postgres_sql.page_sql (and a capped count of the selected category).
"""
import re
import struct
from collections import Counter
from datetime import UTC
from typing import cast

import psycopg
import sqlalchemy as sa
from psycopg.sql import Literal

from ...database.bulk import insert_many
from ...models import SearchDocument
from ..ngrams import Term, document_lexeme_text, document_lexemes, plan_term, sort_key
from ..query import ParsedQuery
from . import postgres_sql, term_stats
from .base import DOCUMENT_COLUMNS, Counts, DbSession, SearchBackend, SearchPage
from .candidates import postgres_candidates, postgres_rows, postgres_statement
from .matching import planned_terms

# `:name` parameters (as in sa.text) to the driver's `%(name)s`.
_NAMED_PARAM = re.compile(r"(?<![:\w]):(\w+)")
# The GIN index as migration 0001 creates it (reindex drops and rebuilds it in bulk).
GIN_INDEX = "search_fts_tokens ON search_fts USING gin (tokens)"
# For this transaction: JIT compiling (set off by the walk's cost estimate) costs more than
# these millisecond statements; `tokens @@ q` on a row is priced like any operator but reads
# a ~2 KB tsvector, so a capped count would prefer a sequential scan over the bitmap;
# parallel workers cost more than they save here, and Append must read the UNION ALL
# branches in order. Statements are prepared and their generic plan kept (planned once per
# connection and query shape): the SQL forces every plan choice that depends on how
# frequent the terms are, so a plan made without the terms serves all. The settings last
# until the transaction ends; what a request runs after a search is loading the page's
# threads by primary key, planned the same way under them.
SETTINGS = ("SELECT set_config('jit', 'off', true), set_config('enable_seqscan', 'off', true), "
            "set_config('max_parallel_workers_per_gather', '0', true), "
            "set_config('plan_cache_mode', 'force_generic_plan', true)")

# What ranking scores of each candidate (SearchBackend.scoring_rows).
_SCORING_ROWS = (
    "SELECT d.question_id, d.created_at, substr(d.norm_title, 1, :chars), substr(d.norm_body, 1, :chars), "
    "substr(d.norm_best_answer, 1, :chars), substr(d.norm_answers, 1, :chars), q.helpful_count "
    "FROM search_documents d JOIN questions q ON q.id = d.question_id "
    "WHERE d.question_id = ANY(CAST(:ids AS integer[]))")

# A results page's threads and their tags (SearchBackend.result_rows), in one round trip.
_RESULT_ROWS = (
    "SELECT q.id, q.title, q.category, q.status, q.best_answer_id, q.created_at, u.username, u.is_veteran, "
    "q.answer_count, q.helpful_count, d.title, d.body, d.best_answer, d.answers, d.norm_title, d.norm_body, "
    "d.norm_best_answer, d.norm_answers "
    "FROM questions q JOIN users u ON u.id = q.author_id JOIN search_documents d ON d.question_id = q.id "
    "WHERE q.id = ANY(CAST(:ids AS integer[]))")
_RESULT_TAGS = ("SELECT qt.question_id, t.name FROM question_tags qt JOIN tags t ON t.id = qt.tag_id "
                "WHERE qt.question_id = ANY(CAST(:ids AS integer[])) ORDER BY t.name")

# Binary COPY: the file header, the end marker, and the start of a search_fts row (4 fields;
# question_id int4, sort_key int8, then the length of category).
_COPY_SIGNATURE = b"PGCOPY\n\xff\r\n\x00" + bytes(8)
_COPY_TRAILER = b"\xff\xff"
_FTS_ROW_HEAD = struct.Struct(">hiiiqi")

# A row of matches_sql: (kind, question_id, sort_key, category, tier, count).
Row = tuple


def _driver(session: DbSession) -> psycopg.Connection:
    """The psycopg connection under the session (pipelines, prepared statements, COPY)."""
    return cast(psycopg.Connection, session.connection().connection.driver_connection)


def _positional(sql: str) -> tuple[str, list[str]]:
    """The statement with $1, $2, ... for its `:name` parameters, and their names in order
    (PREPARE takes positional parameters only)."""
    names = list(dict.fromkeys(_NAMED_PARAM.findall(sql)))
    return _NAMED_PARAM.sub(lambda m: f"${names.index(m.group(1)) + 1}", sql), names


class PostgresBackend(SearchBackend):
    name = "postgresql"

    # --- searching ----------------------------------------------------------------------

    def search(self, session: DbSession, query: ParsedQuery, category: str | None, limit: int,
               offset: int, count: bool = True) -> SearchPage:
        terms, excludes = planned_terms(query)
        if not terms:
            return SearchPage([], 0, {})
        rare = self._index_terms(session, terms)
        ids = None
        if count:
            sql, params = postgres_sql.matches_sql(terms, excludes, category, offset + limit, self.count_cap, rare)
            known = self._page_from_matches(self._fetch(session, sql, params, settings=True), category, limit, offset)
            if known and not known.capped:
                return known
            ids = known.question_ids if known else None
        # Over the cap (or not counted): only a selected category is counted, again capped.
        by_category: dict[str, int] = {}
        total = self.count_cap + 1
        if category and count:
            by_category[category] = total = self._count_category(session, terms, excludes, category, rare)
        if ids is None and offset < total:
            ids = self._page_ids(session, terms, excludes, category, offset, limit, rare, settings=not count)
        return SearchPage(ids or [], total, {c: k for c, k in by_category.items() if k}, True)

    @staticmethod
    def _index_terms(session: DbSession, terms: list[Term]) -> list[Term] | None:
        """The rare terms of a query that also has common ones (see term_stats), else None."""
        return term_stats.index_terms(terms, term_stats.common_lexemes(session)) if len(terms) > 1 else None

    def _page_from_matches(self, rows: list[Row], category: str | None, limit: int,
                           offset: int) -> SearchPage | None:
        """The page that statement 1's rows decide: with exact counts up to count_cap
        matches; above it a capped page without counts, or None when they cannot tell."""
        matches = [r[1:5] for r in rows if r[0] == "match"]  # (question_id, key, category, tier)
        if len(matches) == len(rows):  # sparse (or nothing): every match, up to the cap + 1
            return self._sparse_page(matches, category, limit, offset)
        return self._dense_page(rows, category, limit, offset)

    def _sparse_page(self, matches: list[Row], category: str | None, limit: int, offset: int) -> SearchPage | None:
        if len(matches) > self.count_cap:
            return None
        chosen = sorted((r for r in matches if not category or r[2] == category), key=lambda r: (r[3], -r[1]))
        counts = Counts(len(matches), dict(Counter(r[2] for r in matches)))
        return SearchPage.of([r[0] for r in chosen][offset:offset + limit], counts, category)

    def _dense_page(self, rows: list[Row], category: str | None, limit: int, offset: int) -> SearchPage | None:
        """The walk's counts and its first offset + limit matches in page order."""
        by_category = {r[3]: r[5] for r in rows if r[0] == "count"}
        page = [r for r in rows if r[0] == "page"]
        ids = [r[1] for r in page]
        if sum(by_category.values()) <= self.count_cap:
            return SearchPage.of(ids[offset:offset + limit], Counts(sum(by_category.values()), by_category), category)
        # The walk read the newest rows up to its last match, so its title matches are the
        # newest title matches: a page of them is the true page.
        if len(page) < offset + limit or page[-1][4] != 0:
            return None
        return SearchPage(ids[offset:], self.count_cap + 1, {}, True)

    def _count_category(self, session: DbSession, terms: list[Term], excludes: list[Term], category: str,
                        index_terms: list[Term] | None) -> int:
        sql, params = postgres_sql.count_category_sql(terms, excludes, category, self.count_cap, index_terms)
        return self._fetch(session, sql, params)[0][0]

    def _page_ids(self, session: DbSession, terms: list[Term], excludes: list[Term], category: str | None,
                  offset: int, limit: int, index_terms: list[Term] | None, settings: bool) -> list[int]:
        sql, params = postgres_sql.page_sql(terms, excludes, category, offset + limit, index_terms)
        return [r[0] for r in self._fetch(session, sql, params, settings=settings)][offset:]

    def _fetch(self, session: DbSession, sql: str, params: dict, settings: bool = False) -> list[tuple]:
        """Run one statement on the driver connection, prepared; `settings`: SETTINGS
        first, in the same round trip (a pipeline)."""
        if settings:
            return self._fetch_many(session, [(sql, params)])[0]
        conn = session.connection()
        raw = cast(psycopg.Connection, conn.connection.driver_connection)
        sql = _NAMED_PARAM.sub(r"%(\1)s", sql)
        with raw.cursor() as cur:
            conn.dispatch.before_cursor_execute(conn, cur, sql, params, None, False)
            cur.execute(sql, params, prepare=True)
            rows = cur.fetchall()
            conn.dispatch.after_cursor_execute(conn, cur, sql, params, None, False)
            return rows

    def _fetch_many(self, session: DbSession, statements: list[tuple[str, dict]]) -> list[list[tuple]]:
        """SETTINGS, then each statement, prepared, in one round trip (a pipeline); each
        one's rows. Reported to the engine's statement listeners as SQLAlchemy's own
        statements are (statement counts, logs), though sent past it."""
        conn = session.connection()
        raw = cast(psycopg.Connection, conn.connection.driver_connection)
        sent = [(SETTINGS, {})] + [(_NAMED_PARAM.sub(r"%(\1)s", sql), params) for sql, params in statements]
        cursors = [raw.cursor() for _ in sent]
        try:
            for cur, (sql, params) in zip(cursors, sent, strict=True):
                conn.dispatch.before_cursor_execute(conn, cur, sql, params, None, False)
            with raw.pipeline():
                for cur, (sql, params) in zip(cursors, sent, strict=True):
                    cur.execute(sql, params or None, prepare=True)
            results = [cur.fetchall() for cur in cursors[1:]]
            for cur, (sql, params) in zip(cursors, sent, strict=True):
                conn.dispatch.after_cursor_execute(conn, cur, sql, params, None, False)
            return results
        finally:
            for cur in cursors:
                cur.close()

    def candidates(self, session: DbSession, groups, excludes, mode="all", title_only=False,
                   category=None, limit=100, expired=False) -> list[tuple[int, str]]:
        return postgres_candidates(session, groups, excludes, mode, title_only, category, limit,
                                   lambda sql, params: self._fetch(session, sql, params, settings=True),
                                   expired=expired)

    def candidates_batch(self, session: DbSession, calls) -> list[list[tuple[int, str]]]:
        """Every call's statement in one round trip (a pipeline, the settings first)."""
        statements = [postgres_statement(session, call["groups"], call["excludes"], call.get("mode", "all"),
                                         call.get("title_only", False), call.get("category"),
                                         call.get("limit", 100), call.get("expired", False)) for call in calls]
        results = iter(self._fetch_many(session, [s for s in statements if s]))
        return [postgres_rows(next(results)) if s else [] for s in statements]

    def likely_frequent(self, session: DbSession, groups) -> bool:
        """Every group has an alternative whose bigrams are all among the column's most
        common lexemes (term_stats)."""
        common = term_stats.common_lexemes(session)
        planned = [[t for t in (plan_term(a) for a in g) if t] for g in groups]
        return bool(common) and all(g and any(term_stats.is_common(t, common) for t in g) for g in planned)

    def result_rows(self, session: DbSession, ids) -> tuple[list[tuple], list[tuple[int, str]]]:
        """Both statements in one round trip (a pipeline); dates in UTC, as the models read them."""
        rows, tags = self._fetch_many(session, [(_RESULT_ROWS, {"ids": list(ids)}), (_RESULT_TAGS, {"ids": list(ids)})])
        return [(*r[:5], r[5].astimezone(UTC), *r[6:]) for r in rows], [(r[0], r[1]) for r in tags]

    def scoring_rows(self, session: DbSession, ids, chars: int) -> list[tuple]:
        """One prepared statement, the helpful marks joined (one round trip, the ids as one
        array parameter)."""
        return self._fetch(session, _SCORING_ROWS, {"ids": list(ids), "chars": chars}, settings=True)

    def explain(self, session: DbSession, query: ParsedQuery) -> str:
        """The generic plans that searches use, of the matches statement and of the page
        statement (for tests and the bench)."""
        terms, excludes = planned_terms(query)
        rare = self._index_terms(session, terms)
        self._fetch(session, "SELECT 1", {}, settings=True)  # the settings searches plan under
        raw = _driver(session)
        plans = []
        for sql, params in (postgres_sql.matches_sql(terms, excludes, None, 20, self.count_cap, rare),
                            postgres_sql.page_sql(terms, excludes, None, 20, rare)):
            positional, names = _positional(sql)
            args = ", ".join(Literal(params[name]).as_string(raw) for name in names)  # EXECUTE infers no types
            with raw.cursor() as cur:
                cur.execute(f"PREPARE sodan_explain AS {positional}")
                cur.execute(f"EXPLAIN EXECUTE sodan_explain({args})")
                plans.append("\n".join(r[0] for r in cur.fetchall()))
                cur.execute("DEALLOCATE sodan_explain")
        return "\n---\n".join(plans)

    # --- keeping the index --------------------------------------------------------------

    def write(self, session: DbSession, docs: list) -> None:
        """Upsert the n-gram rows of these documents (same transaction as the caller)."""
        rows = [
            {"id": d.question_id, "key": sort_key(d.created_at, d.question_id), "category": d.category,
             "tokens": document_lexemes(d.norm_title, d.norm_body, d.norm_best_answer, d.norm_answers)}
            for d in docs
        ]
        if not rows:
            return
        session.execute(
            sa.text(
                "INSERT INTO search_fts (question_id, sort_key, category, tokens) "
                "VALUES (:id, :key, :category, array_to_tsvector(CAST(:tokens AS text[]))) "
                "ON CONFLICT (question_id) DO UPDATE SET sort_key = excluded.sort_key, "
                "category = excluded.category, tokens = excluded.tokens"
            ),
            rows,
        )

    def index_data(self, document: dict) -> bytes:
        """The row's tsvector in PostgreSQL's binary form (what tsvector_send gives): the
        lexeme count, then each lexeme NUL-terminated with no positions. The lexemes are
        sorted as the server keeps them (by code point, which is UTF-8 byte order) and
        distinct, so it reads them in one pass without sorting; the text form cost the
        server a third of an import's CPU to parse, character by character. Import workers
        compute this off the writer's path."""
        lexemes = document_lexeme_text(document["norm_title"], document["norm_body"],
                                       document["norm_best_answer"], document["norm_answers"]).split()
        if not lexemes:
            return bytes(4)
        # Each lexeme, its NUL, then npos = 0 (uint16).
        return len(lexemes).to_bytes(4, "big") + ("\0\0\0".join(lexemes) + "\0\0\0").encode()

    def add_documents(self, session: DbSession, rows: list[dict], index_data: list | None = None,
                      tails: list | None = None) -> None:
        """COPY the documents, then their search_fts rows in binary (rows must be new).
        With `tails` (COPY text lines but for the id, written by import workers) the
        documents' ~10 KB of text each are sent as they are: psycopg formatting the values
        row by row cost the writer ~1.4 s of CPU at 20,000 threads."""
        if tails is None:
            insert_many(session.connection(), SearchDocument.__table__, rows)
        else:
            lines = b"".join([b"%d\t" % d["question_id"] + tail for d, tail in zip(rows, tails, strict=True)])
            with _driver(session).cursor() as cur, \
                    cur.copy(f"COPY search_documents ({', '.join(DOCUMENT_COLUMNS)}) FROM STDIN") as copy:
                copy.write(lines)
        if index_data is None:
            index_data = [self.index_data(d) for d in rows]
        data = bytearray(_COPY_SIGNATURE)
        for d, tokens in zip(rows, index_data, strict=True):
            category = d["category"].encode()
            data += _FTS_ROW_HEAD.pack(4, 4, d["question_id"], 8, sort_key(d["created_at"], d["question_id"]),
                                       len(category))
            data += category
            data += len(tokens).to_bytes(4, "big")
            data += tokens
        data += _COPY_TRAILER
        raw = _driver(session)
        copy_sql = "COPY search_fts (question_id, sort_key, category, tokens) FROM STDIN (FORMAT BINARY)"
        with raw.cursor() as cur, cur.copy(copy_sql) as copy:
            copy.write(data)

    def bulk_start(self, session: DbSession) -> None:
        # A load commits in batches of hundreds of threads: none needs to wait for its WAL
        # to reach the disk. A crash loses the last batches, never consistency, and the
        # import can be run again. (This connection only.)
        session.execute(sa.text("SET synchronous_commit = off"))
        # A load's statements are short or one pass over a table: compiling them (which the
        # planner's cost estimates over just-loaded, unanalysed tables set off) costs more
        # than it saves, ~0.35 s for the badge re-dating alone.
        session.execute(sa.text("SET jit = off"))
        # search_documents rows (~10 KB of text each) are compressed as they are stored:
        # lz4, where the server has it, takes half the CPU of the default pglz for a ~10 %
        # larger table, and reads back faster. Each value records its own method.
        lz4 = session.execute(sa.text(
            "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'")).scalar()
        if lz4:
            session.execute(sa.text("SET default_toast_compression = 'lz4'"))

    def bulk_end(self, session: DbSession) -> None:
        session.execute(sa.text("RESET synchronous_commit"))
        session.execute(sa.text("RESET jit"))
        session.execute(sa.text("RESET default_toast_compression"))
        session.commit()

    def suspend(self, session: DbSession) -> None:
        """Drop the GIN index: rebuild() creates it again in one bulk pass, several times
        faster than filling it row by row. Until then searches walk the key btree."""
        session.execute(sa.text("DROP INDEX IF EXISTS search_fts_tokens"))

    def clear(self, session: DbSession) -> None:
        """Empty both tables (and suspend the GIN index until rebuild())."""
        session.execute(sa.text("TRUNCATE search_fts, search_documents"))
        self.suspend(session)

    def rebuild(self, session: DbSession) -> None:
        session.execute(sa.text("SET LOCAL maintenance_work_mem = '256MB'"))
        session.execute(sa.text(f"CREATE INDEX IF NOT EXISTS {GIN_INDEX}"))
        session.execute(sa.text("ANALYZE search_fts"))
        term_stats.forget()
