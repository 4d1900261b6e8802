"""Bulk import and export of whole threads as JSON Lines.

An import reads lines in batches: forum/transfer/records.py validates them and prepares their
search documents (in worker processes for a large file), and this module writes each batch
in a few bulk statements and commits it, so an interrupted import keeps whole threads.
"""
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from .. import badges, pagecache
from ..database.bulk import insert_many
from ..database.deferred import DeferredIndexes
from ..extensions import db
from ..models import Answer, Question, Tag, User, question_tags
from ..models.counters import minutes_from
from ..search import index
from .records import best_answer, prepared

# Threads per batch (and per commit outside a single-transaction load): larger batches cost
# fewer SQLite commits, each of which writes the pages the batch touched to the WAL.
BATCH = 2000
# From this many lines an import builds engine index structures once at the end (PostgreSQL's
# GIN index is dropped and created again, SQLite's FTS5 index compacted) instead of per row.
BULK_LINES = 20_000
# What an import writes: a large import into an empty forum builds these tables' secondary
# indexes and foreign keys after the load (search_fts is the PostgreSQL backend's table).
LOADED_TABLES = ["questions", "answers", "question_tags", "search_documents", "search_fts", "search_fts_meta"]
# From this many lines the lines are prepared in worker processes (starting one costs
# about a second), one per CPU, while this process writes.
PARALLEL_LINES = 5_000
# How an export names a thread that was written in this forum (it has no external_id).
_NATIVE_ID = re.compile(r"sodan-(\d{1,9})")


@dataclass
class ImportReport:
    imported: int = 0
    skipped: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


class _IdsByName:
    """Ids of users or tags by name for one import, inserting the missing ones; what a batch
    looked up is remembered, so a name costs one lookup per import, not one per batch."""

    def __init__(self, model, name_column, new_row: Callable[[str], dict]):
        self.model, self.column, self.new_row = model, name_column, new_row
        self.known: dict[str, int] = {}

    def lookup(self, names: set[str]) -> dict[str, int]:
        missing = names - self.known.keys()
        if missing:
            select = sa.select(self.column, self.model.id)
            found: dict[str, int] = dict(db.session.execute(select.where(self.column.in_(missing))).all())
            new = sorted(missing - found.keys())
            if new:
                db.session.execute(sa.insert(self.model), [self.new_row(n) for n in new])
                found.update(db.session.execute(select.where(self.column.in_(new))).all())
            self.known.update(found)
        return self.known


def _status_before_close(record: dict) -> str | None:
    """A closed import reopens to resolved when it has a best answer, else to open."""
    if record["status"] != "closed":
        return None
    return "resolved" if best_answer(record) else "open"


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


def _existing_ids(external_ids: list[str]) -> set[str]:
    """The external ids already in this forum: imported ones, and 'sodan-<id>', the name
    an export gives a thread written here (so an export fed back adds nothing)."""
    imported = db.session.scalars(sa.select(Question.external_id).where(Question.external_id.in_(external_ids)))
    found = {e for e in imported if e is not None}  # IN never matches NULL: this only narrows the type
    native = {int(m.group(1)): e for e in external_ids if (m := _NATIVE_ID.fullmatch(e))}
    if native:
        found.update(native[i] for i in db.session.scalars(
            sa.select(Question.id).where(Question.id.in_(native), Question.external_id.is_(None))))
    return found


class _Importer:
    """Writes batches of prepared records (see records.prepare_lines)."""

    def __init__(self):
        self.users = _IdsByName(User, User.username, lambda name: {"username": name, "role": "member"})
        self.tags = _IdsByName(Tag, Tag.name, lambda name: {"name": name})
        self.veterans: set[int] = set()  # of the user ids below: those holding the 先輩 badge
        self.veterans_known: set[int] = set()

    def _veterans(self, user_ids: set[int]) -> set[int]:
        """Which of these members hold the 先輩 badge now (members made by this import do not)."""
        unknown = user_ids - self.veterans_known
        if unknown:
            self.veterans.update(db.session.scalars(
                sa.select(User.id).where(User.id.in_(sorted(unknown)), User.is_veteran.is_(True))))
            self.veterans_known |= unknown
        return self.veterans

    @staticmethod
    def _first_answers(asked, asker: int, answers: list[tuple[int, Any]], veterans: set[int]) -> dict:
        """questions.first_answer_at and first_veteran_answer_at as counters.first_answers_statement
        dates them (imported answers are all visible): the first answer by someone other than
        the asker, and the first such one by a 先輩; computed here, not by a statement that
        reads every thread's answers again."""
        others = [(when, author) for author, when in answers if author != asker]
        first = min((w for w, _ in others), default=None)
        veteran = min((w for w, a in others if a in veterans), default=None)
        return {"first_answer_at": first, "first_veteran_answer_at": veteran,
                "first_answer_minutes": minutes_from(asked, first),
                "first_veteran_answer_minutes": minutes_from(asked, veteran)}

    def write_batch(self, records: list[dict]) -> int:
        """Insert one batch of new threads with their answers and search documents; returns
        how many were new. Core executemany / COPY with ids reserved up front: ORM objects
        and per-thread index.refresh cost several times more at 100,000 threads."""
        existing = _existing_ids([r["external_id"] for r in records])
        records = [r for r in records if r["external_id"] not in existing]
        if not records:
            return 0
        users = self.users.lookup({r["author"] for r in records} | {a["author"] for r in records for a in r["answers"]})
        tags = self.tags.lookup({t for r in records for t in r["tags"]})
        veterans = self._veterans(set(users.values()))
        conn = db.session.connection()
        question_ids = _reserve_ids(conn, Question.__table__, len(records))
        answer_count = sum(len(r["answers"]) for r in records)
        answer_ids = iter(_reserve_ids(conn, Answer.__table__, answer_count) if answer_count else ())
        question_rows: list[dict] = []
        answer_rows: list[dict] = []
        tag_rows: list[dict] = []
        for r, qid in zip(records, question_ids, strict=True):
            created = r["created_at"]
            last = max([created] + [a["created_at"] for a in r["answers"]])
            closed = r["status"] == "closed"
            best = best_answer(r)
            best_id = None
            for a in r["answers"]:
                answer_id = next(answer_ids)
                if a is best:
                    best_id = answer_id
                answer_rows.append({"id": answer_id, "question_id": qid, "author_id": users[a["author"]],
                                    "body": a["body"], "body_html": a["body_html"], "created_at": a["created_at"],
                                    "updated_at": a["created_at"], "is_hidden": False})
            question_rows.append({
                "id": qid, "external_id": r["external_id"], "author_id": users[r["author"]],
                "category": r["category"], "asker_type": r["asker_type"], "title": r["title"],
                "body": r["body"], "body_html": r["body_html"], "status": r["status"],
                "created_at": created, "updated_at": last,
                "is_hidden": False, "best_answer_id": None, "_best": best_id,
                "answer_count": len(r["answers"]),  # imported answers are all visible
                "resolved_at": last if r["status"] == "resolved" else None,
                "close_reason": r["close_reason"] if closed else None,
                "close_note": r["close_note"] if closed else None,
                "closed_at": last if closed else None,
                "status_before_close": _status_before_close(r),
                **self._first_answers(created, users[r["author"]],
                                      [(users[a["author"]], a["created_at"]) for a in r["answers"]], veterans),
            })
            tag_rows.extend({"question_id": qid, "tag_id": tags[t]} for t in r["tags"])
        # Questions first without their best answer (answers reference questions), then one
        # statement sets the best answers.
        bests = [(row["id"], row.pop("_best")) for row in question_rows]
        insert_many(conn, Question.__table__, question_rows)
        insert_many(conn, Answer.__table__, answer_rows)
        self._set_best_answers(conn, [(qid, best) for qid, best in bests if best is not None])
        insert_many(conn, question_tags, tag_rows)
        documents, index_data = [], []
        for r, qid in zip(records, question_ids, strict=True):
            if "document" in r:
                r["document"]["question_id"] = qid
                documents.append(r["document"])
                index_data.append(r["index_data"])
        index.add_rows(documents, index_data)
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
        else:
            questions = Question.__table__
            conn.execute(  # updated_at written back as it is: its onupdate would stamp the import's time
                sa.update(questions).where(questions.c.id == sa.bindparam("qid"))
                .values(best_answer_id=sa.bindparam("best"), updated_at=questions.c.updated_at),
                [{"qid": q, "best": b} for q, b in pairs],
            )


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
    report = ImportReport()
    lines = list(lines)
    bulk = len(lines) >= BULK_LINES
    if workers is None:
        workers = (os.cpu_count() or 1) if len(lines) >= PARALLEL_LINES else 1
    engine = db.session.get_bind().dialect.name
    # On SQLite one transaction costs more than it saves: its dirty pages outgrow the cache
    # and are written out and read back mid-load.
    fresh = bulk and engine == "postgresql" and _forum_is_empty()
    deferred = DeferredIndexes(db.session.connection(), LOADED_TABLES) if fresh else None
    importer = _Importer()
    batch: list[dict] = []

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
        for number, record in prepared(lines, engine, workers):
            if isinstance(record, str):
                report.errors.append((number, record))
                if progress:
                    progress(1)
                continue
            batch.append(record)
            if len(batch) >= BATCH:
                flush_batch()
        flush_batch()
        # Best answers arrived in bulk, past the per-resolve rule: apply it to everyone once;
        # in a fresh load before the indexes are made again, so the threads it re-dates do
        # not update them row by row (and it reads the answers in one hashed pass anyway).
        badges.award_all_earned()
        if deferred is not None:
            deferred.restore()
            index.rebuild_suspended()
        db.session.commit()
    finally:  # also after a failure: the batches committed so far must be searchable
        db.session.rollback()
        index.bulk_end(rebuild=bulk and deferred is None)
    return report


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
