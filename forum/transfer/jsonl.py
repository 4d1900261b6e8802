"""Bulk import and export of whole threads as JSON Lines.

An import reads lines in batches: forum/transfer/records.py validates them and prepares their
search documents (in worker processes for a large file), and this module writes each batch
in a few bulk statements and commits it, so an interrupted import keeps whole threads.
"""
import gc
import os
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from .. import badges, pagecache
from ..database.bulk import insert_many, sqlite_time
from ..database.deferred import DeferredIndexes
from ..extensions import db
from ..models import Answer, Question, Tag, User, utcnow
from ..models.counters import minutes_from
from ..search import index
from .records import ANSWER_COLUMNS, QUESTION_COLUMNS, prepared
from .rows import insert_rows

# Threads per batch (and per commit outside a single-transaction load), and on SQLite,
# whose commits cost more: each writes the pages the batch touched to the WAL and makes an
# FTS5 segment (merged at the end of a large import). 5,000 cost SQLite's writer ~0.6 s
# less CPU than 2,000 at 20,000 threads (9.2-9.4 -> 8.6-8.7 s; 10,000 no less); a fresh
# PostgreSQL load is one transaction anyway, where the batch only bounds the writer's memory.
BATCH = 2000
SQLITE_BATCH = 5000
# From this many lines an import builds engine index structures once at the end (PostgreSQL's
# GIN index is dropped and created again, SQLite's FTS5 index compacted) instead of per row.
BULK_LINES = 20_000
# What an import writes: a large import into an empty forum builds these tables' secondary
# indexes and foreign keys after the load (search_fts is the PostgreSQL backend's table).
LOADED_TABLES = ["questions", "answers", "question_tags", "search_documents", "search_fts", "search_fts_meta"]
# What a fresh PostgreSQL load analyses before it commits (search_fts is analysed with its
# index, index.rebuild_suspended). Until a table has statistics its reads are planned blind,
# until autovacuum gets to it, minutes later if it runs at all: the related lists' read of 24
# threads took 8 ms a thread instead of 0.8 (`flask forum relate` after a 100,000-thread
# import: 990 s). A sample of 3,000 rows (statistics target 10, for this transaction only) is
# enough to plan by, a tenth of the default's 30,000; autovacuum analyses the tables again at
# the server's target later. With it, bench/import.py saw no cost (1,923 -> 1,931 threads/s,
# two runs each). search_documents: the columns reads select by, not its long texts.
ANALYZED_AFTER_LOAD = ("questions", "answers", "question_tags", "users", "tags",
                       "search_documents (question_id, category, created_at)")
_LOAD_STATISTICS_TARGET = 10
# From this many lines the lines are prepared in worker processes (starting one costs
# about a second), one per CPU, while this process writes.
PARALLEL_LINES = 5_000
# Values per IN list on SQLite (older builds allow 999 bound parameters).
_SQLITE_IN = 900
# How an export names a thread that was written in this forum (it has no external_id).
_NATIVE_ID = re.compile(r"sodan-(\d{1,9})")


@dataclass
class ImportReport:
    imported: int = 0
    skipped: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


def _matching(conn, table: str, column: str, values, key: str | None = None) -> list[tuple]:
    """(column, key) of the rows of `table` whose `column` is one of `values` (key: id by
    default), straight through the driver: one statement with an array on PostgreSQL, one
    per _SQLITE_IN values on SQLite. SQLAlchemy's IN list of thousands of bound values cost
    more to build than to run."""
    key = key or "id"
    if conn.dialect.name == "postgresql":
        sql = f"SELECT {column}, {key} FROM {table} WHERE {column} = ANY(%s)"  # nosec B608 # names are ours
        return conn.exec_driver_sql(sql, (list(values),)).all()
    values, rows = list(values), []
    for start in range(0, len(values), _SQLITE_IN):  # within any SQLite's bound-parameter limit
        chunk = tuple(values[start:start + _SQLITE_IN])
        sql = f"SELECT {column}, {key} FROM {table} WHERE {column} IN ({', '.join('?' * len(chunk))})"  # nosec B608
        rows.extend(conn.exec_driver_sql(sql, chunk).all())
    return rows


class _IdsByName:
    """Ids of users or tags by name for one import, inserting the missing ones; what a batch
    looked up is remembered, so a name costs one lookup per import, not one per batch."""

    def __init__(self, table: sa.Table, name_column: str, new_row: Callable[[str], dict]):
        self.table, self.column, self.new_row = table, name_column, new_row
        self.known: dict[str, int] = {}

    def lookup(self, names: set[str]) -> dict[str, int]:
        missing = names - self.known.keys()
        if missing:
            conn = db.session.connection()
            found: dict[str, int] = dict(_matching(conn, self.table.name, self.column, missing))
            new = sorted(missing - found.keys())
            if new:
                insert_many(conn, self.table, [self.new_row(n) for n in new])
                found.update(_matching(conn, self.table.name, self.column, new))
            self.known.update(found)
        return self.known


def _same(value):
    return value


def _reserve_ids(conn, table: sa.Table, n: int) -> list[int]:
    """Ids for n new rows, so one executemany can insert them without RETURNING (which
    SQLite can only honour in order row by row)."""
    if conn.dialect.name == "postgresql":  # one row holding them all: 2,000 rows cost 10x more
        return conn.execute(
            sa.text("SELECT array_agg(nextval(pg_get_serial_sequence(:t, 'id'))) FROM generate_series(1, :n)"),
            {"t": table.name, "n": n},
        ).scalar_one()
    # SQLite: the import holds the database's single write lock from its first insert
    # (users/tags) or fails on a duplicate id; it never overwrites.
    start = conn.execute(sa.select(sa.func.coalesce(sa.func.max(table.c.id), 0))).scalar_one()
    return list(range(start + 1, start + n + 1))


def _existing_ids(conn, external_ids: list[str]) -> set[str]:
    """The external ids already in this forum: imported ones, and 'sodan-<id>', the name
    an export gives a thread written here (so an export fed back adds nothing)."""
    found = {e for e, _ in _matching(conn, "questions", "external_id", external_ids)}
    native = {int(m.group(1)): e for e in external_ids if (m := _NATIVE_ID.fullmatch(e))}
    if native:
        found.update(native[i] for i, external_id in _matching(conn, "questions", "id", native, key="external_id")
                     if external_id is None)
    return found


class _Importer:
    """Writes batches of prepared records (see records.prepare_lines)."""

    def __init__(self, foreign_keys_set_aside: bool = False):
        self.foreign_keys_set_aside = foreign_keys_set_aside
        # The row the ORM writes for User(username=name): its defaults (models/user.py).
        self.users = _IdsByName(User.__table__, "username",
                                lambda name: {"username": name, "role": "member", "is_veteran": False, "bio": "",
                                              "created_at": utcnow(), "locale": "ja"})
        self.tags = _IdsByName(Tag.__table__, "name", lambda name: {"name": name})
        self.veterans: set[int] = set()  # of the user ids below: those holding the 先輩 badge
        self.veterans_known: set[int] = set()

    def _veterans(self, user_ids: set[int]) -> set[int]:
        """Which of these members hold the 先輩 badge now (members made by this import do not)."""
        unknown = user_ids - self.veterans_known
        if unknown:
            rows = _matching(db.session.connection(), "users", "id", sorted(unknown), key="is_veteran")
            self.veterans.update(user_id for user_id, veteran in rows if veteran)
            self.veterans_known |= unknown
        return self.veterans

    @staticmethod
    def _first_veteran_answer(record: dict, users: dict[str, int], veterans: set[int], stamp) -> tuple:
        """questions.first_veteran_answer_at and its minutes, as counters.first_answers_statement
        dates them: the first answer by someone other than the asker who holds the 先輩 badge."""
        first = min((when for author, when in record["answered"] if users[author] in veterans), default=None)
        return stamp(first), minutes_from(record["created_at"], first)

    def write_batch(self, records: list[dict]) -> int:
        """Insert one batch of new threads with their answers and search documents; returns
        how many were new. executemany / COPY of the rows the workers prepared
        (records._with_rows), with ids reserved up front: ORM objects and per-thread
        index.refresh cost several times more at 100,000 threads."""
        conn = db.session.connection()
        # A question's best answer is written with it where the foreign keys were set aside
        # (a fresh load); else one UPDATE sets the best answers once the answers are in.
        # (Deferring SQLite's checks to the commit instead costs a scan of the questions per
        # answer: no index leads with best_answer_id.)
        best_in_insert = self.foreign_keys_set_aside
        existing = _existing_ids(conn, [r["external_id"] for r in records])
        records = [r for r in records if r["external_id"] not in existing]
        if not records:
            return 0
        users = self.users.lookup({r["author"] for r in records}
                                  | {author for r in records for author, _ in r["answer_rows"]})
        tags = self.tags.lookup({t for r in records for t in r["tags"]})
        veterans = self._veterans(set(users.values()))
        question_ids = _reserve_ids(conn, Question.__table__, len(records))
        answer_count = sum(len(r["answer_rows"]) for r in records)
        answer_ids = _reserve_ids(conn, Answer.__table__, answer_count) if answer_count else []
        stamp = sqlite_time if conn.dialect.name == "sqlite" else _same
        # Each row as the values only the writer knows (ids, members, the first 先輩 answer),
        # and what the workers prepared for the rest (rows.row_tail).
        question_heads: list[tuple] = []
        question_tails: list = []
        answer_heads: list[tuple] = []
        answer_tails: list = []
        tag_rows: list[tuple] = []
        bests: list[tuple[int, int]] = []
        position = 0
        no_veteran = (None, None)
        for r, qid in zip(records, question_ids, strict=True):
            rows = r["answer_rows"]
            ids = answer_ids[position:position + len(rows)]
            position += len(rows)
            answer_heads.extend([(aid, qid, users[author]) for aid, (author, _) in zip(ids, rows, strict=True)])
            answer_tails.extend([tail for _, tail in rows])
            best_id = None if r["best"] is None else ids[r["best"]]
            if best_id is not None and not best_in_insert:
                bests.append((qid, best_id))
                best_id = None
            firsts = self._first_veteran_answer(r, users, veterans, stamp) if veterans else no_veteran
            question_heads.append((qid, users[r["author"]], best_id, *firsts))
            question_tails.append(r["question_row"])
            tag_rows.extend([(qid, tags[t]) for t in r["tags"]])
        insert_rows(conn, "questions", QUESTION_COLUMNS, question_heads, question_tails)
        insert_rows(conn, "answers", ANSWER_COLUMNS, answer_heads, answer_tails)
        self._set_best_answers(conn, bests)
        insert_rows(conn, "question_tags", ("question_id", "tag_id"), tag_rows)
        documents, index_data, document_tails = [], [], []
        for r, qid in zip(records, question_ids, strict=True):
            if "document" in r:
                r["document"]["question_id"] = qid
                documents.append(r["document"])
                index_data.append(r["index_data"])
                document_tails.append(r["document_tail"])
        index.add_rows(documents, index_data, document_tails)
        pagecache.bump(conn)  # bulk rows bypass the ORM's flush, which counts other writes
        return len(records)

    @staticmethod
    def _set_best_answers(conn, pairs: list[tuple[int, int]]) -> None:
        if not pairs:
            return
        if conn.dialect.name == "postgresql":  # one statement, not one per thread
            conn.execute(
                sa.text("UPDATE questions SET best_answer_id = v.best FROM unnest(CAST(:qids AS integer[]), "
                        "CAST(:bests AS integer[])) AS v(qid, best) WHERE questions.id = v.qid"),
                {"qids": [q for q, _ in pairs], "bests": [b for _, b in pairs]},
            )
        else:  # updated_at written back as it is (no onupdate here, unlike the ORM's UPDATE)
            conn.exec_driver_sql("UPDATE questions SET best_answer_id = ? WHERE id = ?", [(b, q) for q, b in pairs])


def _forum_is_empty() -> bool:
    return db.session.scalar(sa.select(Question.id).limit(1)) is None


def import_lines(lines: Iterable[str], progress: Callable[[int], None] | None = None,
                 workers: int | None = None) -> ImportReport:
    """Import threads; idempotent on external_id; bad lines are reported by number and
    skipped. `workers`: processes preparing the lines (default: one per CPU for a large
    file, none for a small one).

    Each batch is committed, so an interrupted import keeps the threads written so far;
    except a large import into a PostgreSQL forum with no thread yet (a new site, a move):
    that one is a single transaction which sets the loaded tables' secondary indexes and foreign
    keys aside and builds them once at the end (database/deferred.py), so it keeps all
    the threads or, interrupted, none (run it again)."""
    with _no_cycle_collection():
        return _import(list(lines), progress, workers)


@contextmanager
def _no_cycle_collection():
    """Python's cycle collector off while the import runs (also in its workers, forked
    meanwhile): the lines and batches make millions of tuples and dicts, each allocation
    burst starting a collection that walks them all (a tenth of the writer's CPU), and
    they hold no cycles; reference counting frees them as before."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _import(lines: list[str], progress: Callable[[int], None] | None, workers: int | None) -> ImportReport:
    report = ImportReport()
    bulk = len(lines) >= BULK_LINES
    if workers is None:
        workers = (os.cpu_count() or 1) if len(lines) >= PARALLEL_LINES else 1
    engine = db.session.get_bind().dialect.name
    # On SQLite one transaction costs more than it saves: its dirty pages outgrow the cache
    # and are written out and read back mid-load.
    fresh = bulk and engine == "postgresql" and _forum_is_empty()
    deferred = DeferredIndexes(db.session.connection(), LOADED_TABLES) if fresh else None
    importer = _Importer(foreign_keys_set_aside=deferred is not None)
    batch: list[dict] = []
    batch_size = SQLITE_BATCH if engine == "sqlite" else BATCH

    def flush_batch():
        if batch:
            n = importer.write_batch(batch)
            if deferred is None:
                db.session.commit()
            db.session.expunge_all()
            report.imported += n
            report.skipped += len(batch) - n
            if progress:
                progress(len(batch))
            batch.clear()

    index.bulk_start(suspend=bulk, commit=deferred is None)
    if deferred is not None:
        deferred.drop()
    try:
        for record in _to_write(prepared(lines, engine, workers, ahead=batch_size), report, progress):
            batch.append(record)
            if len(batch) >= batch_size:
                flush_batch()
        flush_batch()
        # Best answers arrived in bulk, past the per-resolve rule: apply it to everyone once;
        # in a fresh load before the indexes are made again, so the threads it re-dates do
        # not update them row by row (and it reads the answers in one hashed pass anyway).
        badges.award_all_earned()
        if deferred is not None:
            deferred.restore()
            index.rebuild_suspended()
            db.session.execute(sa.text(f"SET LOCAL default_statistics_target = {_LOAD_STATISTICS_TARGET}"))
            for table in ANALYZED_AFTER_LOAD:
                db.session.execute(sa.text(f"ANALYZE {table}"))
        db.session.commit()
    finally:  # also after a failure: the batches committed so far must be searchable
        db.session.rollback()
        index.bulk_end(rebuild=bulk and deferred is None)
    return report


def _to_write(records: Iterable[tuple[int, dict | str]], report: ImportReport,
              progress: Callable[[int], None] | None) -> Iterator[dict]:
    """The prepared records to write: a refused line is reported by number, and a thread
    twice in the file is written once (the later one is skipped, like one already here)."""
    seen: set[str] = set()
    for number, record in records:
        if isinstance(record, str):
            report.errors.append((number, record))
        elif record["external_id"] in seen:
            report.skipped += 1
        else:
            seen.add(record["external_id"])
            yield record
            continue
        if progress:
            progress(1)


def export_records() -> Iterator[dict]:
    """Every thread with its answers, in the import format, oldest first."""
    last_id = 0
    while True:
        questions = db.session.scalars(
            sa.select(Question).where(Question.id > last_id).order_by(Question.id).limit(BATCH)
        ).all()
        if not questions:
            return
        ids = [q.id for q in questions]
        answers: dict[int, list[Answer]] = {i: [] for i in ids}
        of_page = sa.select(Answer).where(Answer.question_id.in_(ids)).order_by(Answer.created_at, Answer.id)
        for a in db.session.scalars(of_page):
            answers[a.question_id].append(a)
        for q in questions:
            record: dict[str, Any] = {
                "external_id": q.external_id or f"sodan-{q.id}", "category": q.category,
                "title": q.title, "body": q.body, "author": q.author.username,
                "asker_type": q.asker_type, "created_at": q.created_at.isoformat(),
                "status": q.status, "tags": [t.name for t in q.tags],
                "answers": [{"author": a.author.username, "body": a.body,
                             "created_at": a.created_at.isoformat(), "best": a.id == q.best_answer_id}
                            for a in answers[q.id] if not a.is_hidden],
            }
            if q.status == "closed":
                record["close_reason"], record["close_note"] = q.close_reason, q.close_note or ""
            yield record
        last_id = ids[-1]
        db.session.expunge_all()
