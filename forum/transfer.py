"""Bulk import and export of whole threads as JSON Lines (see DESIGN.md)."""
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone

import sqlalchemy as sa

from .extensions import db
from .models import (
    ASKER_TYPES,
    CATEGORIES,
    CLOSE_REASONS,
    Answer,
    Question,
    Tag,
    User,
    question_tags,
)
from .search import index

BATCH = 500
# From this many lines an import builds engine index structures once at the end (PostgreSQL's
# GIN index is dropped and created again, SQLite's FTS5 index compacted) instead of per row.
BULK_LINES = 20_000
# How an export names a thread that was written in this forum (it has no external_id).
_NATIVE_ID = re.compile(r"sodan-(\d{1,9})")


class BadLine(ValueError):
    """A line that cannot be imported; the message says why (in English for operators)."""


@dataclass
class ImportReport:
    imported: int = 0
    skipped: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


def _time(value, fallback: datetime) -> datetime:
    if not value:
        return fallback
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError as exc:
        raise BadLine(f"bad created_at: {value!r}") from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


def _text(record: dict, key: str, limit: int | None = None) -> str:
    value = record.get(key)
    if not isinstance(value, str) or not value.strip():
        raise BadLine(f"missing {key}")
    if limit and len(value) > limit:
        raise BadLine(f"{key} longer than {limit} characters")
    return value


def parse_record(record) -> dict:
    """Validate one decoded line and return it in a normal shape."""
    if not isinstance(record, dict):
        raise BadLine("not a JSON object")
    now = datetime.now(timezone.utc)
    external_id = str(record.get("external_id") or "").strip()
    if not external_id:
        raise BadLine("missing external_id")
    category = record.get("category")
    if category not in CATEGORIES:
        raise BadLine(f"unknown category {category!r}")
    status = record.get("status", "open")
    if status not in ("open", "resolved", "closed"):
        raise BadLine(f"unknown status {status!r}")
    asker_type = record.get("asker_type", "lancer")
    if asker_type not in ASKER_TYPES:
        raise BadLine(f"unknown asker_type {asker_type!r}")
    close_reason = record.get("close_reason") or ("other" if status == "closed" else None)
    if close_reason is not None and close_reason not in CLOSE_REASONS:
        raise BadLine(f"unknown close_reason {close_reason!r}")
    tags = record.get("tags") or []
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise BadLine("tags must be a list of strings")
    answers = record.get("answers") or []
    if not isinstance(answers, list):
        raise BadLine("answers must be a list")
    created_at = _time(record.get("created_at"), now)
    parsed_answers = []
    for i, answer in enumerate(answers):
        if not isinstance(answer, dict):
            raise BadLine(f"answer {i} is not an object")
        parsed_answers.append({
            "author": _text(answer, "author", 32),
            "body": _text(answer, "body"),
            "created_at": _time(answer.get("created_at"), created_at),
            "best": bool(answer.get("best")),
        })
    return {
        "external_id": external_id[:100], "category": category, "status": status,
        "asker_type": asker_type, "title": _text(record, "title", 120), "body": _text(record, "body"),
        "author": _text(record, "author", 32), "created_at": created_at,
        "tags": list(dict.fromkeys(t.strip()[:40] for t in tags if t.strip())),
        "close_reason": close_reason, "close_note": record.get("close_note") or "",
        "answers": parsed_answers,
    }


def _users_by_name(names: set[str]) -> dict[str, int]:
    """User ids by name; unknown authors become accounts that cannot sign in yet."""
    found = dict(db.session.execute(sa.select(User.username, User.id).where(User.username.in_(names))).all())
    missing = sorted(names - found.keys())
    if missing:
        db.session.execute(sa.insert(User), [{"username": n, "role": "member"} for n in missing])
        found.update(db.session.execute(sa.select(User.username, User.id).where(User.username.in_(missing))).all())
    return found


def _tag_ids_by_name(names: set[str]) -> dict[str, int]:
    """Tag ids by name for a whole batch, inserting the missing tags in one statement."""
    found = dict(db.session.execute(sa.select(Tag.name, Tag.id).where(Tag.name.in_(names))).all())
    missing = sorted(names - found.keys())
    if missing:
        db.session.execute(sa.insert(Tag), [{"name": n} for n in missing])
        found.update(db.session.execute(sa.select(Tag.name, Tag.id).where(Tag.name.in_(missing))).all())
    return found


def _status_before_close(record: dict) -> str | None:
    """A closed import reopens to resolved when it has a best answer, else to open."""
    if record["status"] != "closed":
        return None
    return "resolved" if any(a["best"] for a in record["answers"]) else "open"


def _reserve_ids(conn, table: sa.Table, n: int) -> list[int]:
    """Ids for n new rows, so one executemany can insert them without RETURNING (which
    SQLite can only honour in order row by row)."""
    if conn.dialect.name == "postgresql":
        return list(conn.execute(
            sa.text("SELECT nextval(pg_get_serial_sequence(:t, 'id')) FROM generate_series(1, :n)"),
            {"t": table.name, "n": n},
        ).scalars())
    # SQLite: the import holds the database's single write lock from its first insert
    # (users/tags) or fails on a duplicate id; it never overwrites.
    start = conn.execute(sa.select(sa.func.coalesce(sa.func.max(table.c.id), 0))).scalar_one()
    return list(range(start + 1, start + n + 1))


def _existing_ids(external_ids: list[str]) -> set[str]:
    """The external ids already in this forum: imported ones, and 'sodan-<id>', the name
    an export gives a thread written here (so an export fed back adds nothing)."""
    found = set(db.session.scalars(sa.select(Question.external_id).where(Question.external_id.in_(external_ids))))
    native = {int(m.group(1)): e for e in external_ids if (m := _NATIVE_ID.fullmatch(e))}
    if native:
        found.update(native[i] for i in db.session.scalars(
            sa.select(Question.id).where(Question.id.in_(native), Question.external_id.is_(None))))
    return found


def _import_batch(records: list[dict]) -> int:
    """Insert one batch of new threads with their answers and search documents; returns count.

    Core inserts with RETURNING and one bulk search-document insert per batch keep an import
    of 100,000 threads within a minute (ORM objects and per-thread index.refresh did not).
    """
    existing = _existing_ids([r["external_id"] for r in records])
    records = [r for r in records if r["external_id"] not in existing]
    if not records:
        return 0
    users = _users_by_name({r["author"] for r in records} | {a["author"] for r in records for a in r["answers"]})
    tags = _tag_ids_by_name({t for r in records for t in r["tags"]})
    question_rows = []
    for r in records:
        created = r["created_at"]
        last = max([created] + [a["created_at"] for a in r["answers"]])
        closed = r["status"] == "closed"
        question_rows.append({
            "external_id": r["external_id"], "author_id": users[r["author"]], "category": r["category"],
            "asker_type": r["asker_type"], "title": r["title"], "body": r["body"], "status": r["status"],
            "created_at": created, "updated_at": last, "is_hidden": False,
            "resolved_at": last if r["status"] == "resolved" else None,
            "close_reason": r["close_reason"] if closed else None,
            "close_note": r["close_note"] if closed else None,
            "closed_at": last if closed else None,
            "status_before_close": _status_before_close(r),
        })
    conn = db.session.connection()  # Core executemany: ORM bulk inserts cost 3x more here
    questions, answers = Question.__table__, Answer.__table__
    question_ids = _reserve_ids(conn, questions, len(question_rows))
    for row, qid in zip(question_rows, question_ids):
        row["id"] = qid
    index.insert_many(conn, questions, question_rows)
    answer_rows, owners = [], []
    for r, qid in zip(records, question_ids):
        r["_id"] = qid
        for a in r["answers"]:
            answer_rows.append({"question_id": qid, "author_id": users[a["author"]], "body": a["body"],
                                "created_at": a["created_at"], "updated_at": a["created_at"],
                                "is_hidden": False})
            owners.append((r, a))
    best_updates = []
    if answer_rows:
        answer_ids = _reserve_ids(conn, answers, len(answer_rows))
        for row, answer_id in zip(answer_rows, answer_ids):
            row["id"] = answer_id
        index.insert_many(conn, answers, answer_rows)
        for (r, a), answer_id in zip(owners, answer_ids):
            a["_id"] = answer_id
            if a["best"] and "_best" not in r:
                r["_best"] = answer_id
                best_updates.append({"qid": r["_id"], "best": answer_id})
    if best_updates and conn.dialect.name == "postgresql":  # one statement, not one per thread
        conn.execute(
            sa.text("UPDATE questions SET best_answer_id = v.best FROM unnest(CAST(:qids AS integer[]), "
                    "CAST(:bests AS integer[])) AS v(qid, best) WHERE questions.id = v.qid"),
            {"qids": [u["qid"] for u in best_updates], "bests": [u["best"] for u in best_updates]},
        )
    elif best_updates:
        conn.execute(
            sa.update(questions).where(questions.c.id == sa.bindparam("qid"))
            .values(best_answer_id=sa.bindparam("best")),
            best_updates,
        )
    tag_rows = [{"question_id": r["_id"], "tag_id": tags[t]} for r in records for t in r["tags"]]
    if tag_rows:
        index.insert_many(conn, question_tags, tag_rows)
    # Imported threads are never hidden: resolved ones go straight into the search index.
    index.add_rows([
        index.document_row(
            r["_id"], r["category"], r["created_at"], r["title"], r["body"], sorted(r["tags"]),
            next((a["body"] for a in r["answers"] if a.get("_id") == r.get("_best")), ""),
            [a["body"] for a in sorted(r["answers"], key=lambda a: (a["created_at"], a["_id"]))
             if a.get("_id") != r.get("_best")],
        )
        for r in records if r["status"] == "resolved"
    ])
    return len(records)


def import_lines(lines: Iterable[str], progress: Callable[[int], None] | None = None) -> ImportReport:
    """Import threads; idempotent on external_id; bad lines are reported by number and skipped."""
    report = ImportReport()
    batch: list[dict] = []
    lines = list(lines)
    bulk = len(lines) >= BULK_LINES
    index.bulk_start(suspend=bulk)

    def flush_batch():
        if batch:
            n = _import_batch(batch)
            db.session.commit()
            db.session.expunge_all()
            report.imported += n
            report.skipped += len(batch) - n
            if progress:
                progress(len(batch))
            batch.clear()

    try:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                batch.append(parse_record(json.loads(line)))
            except (ValueError, BadLine) as exc:
                report.errors.append((number, str(exc)))
                if progress:
                    progress(1)
                continue
            if len(batch) >= BATCH:
                flush_batch()
        flush_batch()
    finally:  # also after a failure: the batches committed so far must be searchable
        db.session.rollback()
        index.bulk_end(rebuild=bulk)
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
        for a in db.session.scalars(sa.select(Answer).where(Answer.question_id.in_(ids)).order_by(Answer.created_at, Answer.id)):
            answers[a.question_id].append(a)
        for q in questions:
            record = {
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
