"""Keep `search_documents` (and each engine's n-gram index) in step with the threads.

Services call `refresh(question)` after any change that affects search (resolve, close,
reopen, an answer on a resolved thread, hide, edit) and before they commit, so the index
and the thread change together or not at all. On SQLite, triggers on search_documents keep
the FTS5 index; on PostgreSQL the backend writes its row here, in the same transaction.
"""
from collections.abc import Callable, Iterable
from datetime import datetime, timezone

import sqlalchemy as sa

from ..extensions import db
from ..models import Answer, Question, SearchDocument, Tag, question_tags
from ..models.base import UTCDateTime
from ..text import normalize, plain_text
from .backends import backend_for

_COLUMNS = [c.name for c in SearchDocument.__table__.columns]


def is_searchable(question: Question) -> bool:
    """Only resolved, not-hidden threads are in the knowledge base."""
    return question.status == "resolved" and not question.is_hidden


def document_row(question_id: int, category: str, created_at, title: str, body: str,
                 tags: Iterable[str], best: str, others: Iterable[str]) -> dict:
    """The search_documents row of a thread from its Markdown sources (visible answers only)."""
    body = plain_text(body)
    tags = " ".join(tags)
    if tags:
        body = f"{body}\n{tags}"
    best = plain_text(best)
    rest = "\n".join(plain_text(o) for o in others)
    return {
        "question_id": question_id, "category": category, "created_at": created_at,
        "title": title, "body": body, "best_answer": best, "answers": rest,
        "norm_title": normalize(title), "norm_body": normalize(body),
        "norm_best_answer": normalize(best), "norm_answers": normalize(rest),
    }


def _row_for(question: Question, answers: Iterable[Answer], tags: Iterable[str]) -> dict:
    best, others = "", []
    for answer in answers:
        if answer.is_hidden:
            continue
        if answer.id == question.best_answer_id:
            best = answer.body
        else:
            others.append(answer.body)
    return document_row(question.id, question.category, question.created_at, question.title,
                        question.body, tags, best, others)


def refresh(question: Question) -> None:
    """Insert, update or delete the thread's search document (no commit)."""
    session = db.session
    session.flush()
    existing = session.get(SearchDocument, question.id)
    if not is_searchable(question):
        if existing is not None:
            session.delete(existing)  # the engine's index row goes with it (trigger / FK)
            session.flush()
        return
    answers = session.scalars(
        sa.select(Answer).where(Answer.question_id == question.id).order_by(Answer.created_at, Answer.id)
    ).all()
    row = _row_for(question, answers, (t.name for t in question.tags))
    if existing is None:
        existing = SearchDocument(**row)
        session.add(existing)
    else:
        for column, value in row.items():
            if getattr(existing, column) != value:
                setattr(existing, column, value)
    session.flush()
    backend_for(session).write(session, [existing])


def _sqlite_time(value: datetime | None) -> str | None:
    # What UTCDateTime + SQLite's DATETIME store (aware UTC, naive as UTC), ~5x faster.
    if value is None:
        return None
    if value.tzinfo is timezone.utc:  # the usual case: cut the "+00:00"
        return value.isoformat(" ", "microseconds")[:26]
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc)
    return value.replace(tzinfo=None).isoformat(" ", "microseconds")


def _processor(column_type, dialect):
    if dialect.name == "sqlite" and isinstance(column_type, UTCDateTime):
        return _sqlite_time
    return column_type.dialect_impl(dialect).bind_processor(dialect)


def insert_many(conn, table: sa.Table, rows: list[dict]) -> None:
    """executemany straight through the driver, with the columns' own bind processors.

    Same stored values as `conn.execute(sa.insert(table), rows)`, without SQLAlchemy's
    generic per-row parameter handling, which cost a third of a 100,000-thread import.
    """
    if not rows:
        return
    dialect = conn.dialect
    names = list(rows[0])
    processors = [_processor(table.c[n].type, dialect) for n in names]
    todo = [(i, p) for i, p in enumerate(processors) if p is not None]
    data = []
    for row in rows:
        values = [row[n] for n in names]
        for i, process in todo:
            values[i] = process(values[i])
        data.append(tuple(values))
    if dialect.name == "postgresql":  # COPY: several times faster than pipelined INSERTs
        raw = conn.connection.driver_connection
        with raw.cursor() as cur, cur.copy(f"COPY {table.name} ({', '.join(names)}) FROM STDIN") as copy:
            for values in data:
                copy.write_row(values)
        return
    marks = ", ".join("?" if dialect.paramstyle == "qmark" else "%s" for _ in names)
    conn.exec_driver_sql(f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({marks})", data)


def bulk_start(suspend: bool = False) -> None:
    """Tune this connection for a long bulk load (see the backends); `suspend`: also stop
    maintaining index structures row by row until bulk_end() (for large imports)."""
    backend = backend_for(db.session)
    backend.bulk_start(db.session)
    if suspend:
        backend.suspend(db.session)
        db.session.commit()


def bulk_end(rebuild: bool = False) -> None:
    """Undo bulk_start(); `rebuild`: build what bulk_start(suspend=True) stopped maintaining.
    Commits."""
    backend = backend_for(db.session)
    if rebuild:
        backend.rebuild(db.session)
    db.session.commit()
    backend.bulk_end(db.session)


def add_rows(rows: list[dict]) -> None:
    """Bulk-insert new search documents (import and reindex), then the engine's index rows."""
    if not rows:
        return
    session = db.session
    insert_many(session.connection(), SearchDocument.__table__, rows)
    backend = backend_for(session)
    if hasattr(backend, "copy_rows"):
        backend.copy_rows(session, rows)


def reindex(batch_size: int = 2000, progress: Callable[[int], None] | None = None) -> int:
    """Rebuild the whole index from the database; returns the number of documents."""
    session = db.session
    backend = backend_for(session)
    backend.bulk_start(session)
    backend.clear(session)
    last_id, total = 0, 0
    while True:
        questions = session.execute(
            sa.select(Question.id, Question.category, Question.created_at, Question.title,
                      Question.body, Question.best_answer_id)
            .where(Question.id > last_id, Question.status == "resolved", Question.is_hidden.is_(False))
            .order_by(Question.id)
            .limit(batch_size)
        ).all()
        if not questions:
            break
        ids = [q.id for q in questions]
        answers: dict[int, list] = {i: [] for i in ids}
        for a in session.execute(
            sa.select(Answer.question_id, Answer.id, Answer.body)
            .where(Answer.question_id.in_(ids), Answer.is_hidden.is_(False))
            .order_by(Answer.question_id, Answer.created_at, Answer.id)
        ):
            answers[a.question_id].append(a)
        tags: dict[int, list[str]] = {i: [] for i in ids}
        for qid, name in session.execute(
            sa.select(question_tags.c.question_id, Tag.name)
            .join(Tag, Tag.id == question_tags.c.tag_id)
            .where(question_tags.c.question_id.in_(ids))
            .order_by(question_tags.c.question_id, Tag.name)
        ):
            tags[qid].append(name)
        rows = []
        for q in questions:
            best = next((a.body for a in answers[q.id] if a.id == q.best_answer_id), "")
            others = [a.body for a in answers[q.id] if a.id != q.best_answer_id]
            rows.append(document_row(q.id, q.category, q.created_at, q.title, q.body, tags[q.id], best, others))
        add_rows(rows)
        last_id, total = ids[-1], total + len(ids)
        if progress:
            progress(len(ids))
    backend.rebuild(session)
    session.commit()
    backend.bulk_end(session)
    return total
