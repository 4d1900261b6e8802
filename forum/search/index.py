"""Keep `search_documents` (and each engine's n-gram index) in step with the threads.

Services call `refresh(question)` after any change that affects search (resolve, close,
reopen, an answer on a resolved thread, hide, edit) and before they commit, so the index
and the thread change together or not at all. On SQLite, triggers on search_documents keep
the FTS5 index; on PostgreSQL the backend writes its row here, in the same transaction.
"""
from collections.abc import Callable, Iterable

import sqlalchemy as sa

from ..extensions import db
from ..models import Answer, Question, SearchDocument, Tag, question_tags
from ..text import normalize, plain_text
from .backends import backend_for

# Indexed statuses: resolved threads are the knowledge base; 回答受付終了 (expired) threads are
# indexed too, but searched only when asked for (the candidates' filter, backends/candidates.py).
INDEXED_STATUSES = ("resolved", "expired")


def is_searchable(question: Question) -> bool:
    """Only resolved (or expired), not-hidden threads are in the index."""
    return question.status in INDEXED_STATUSES and not question.is_hidden


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


def bulk_start(suspend: bool = False, commit: bool = True) -> None:
    """Tune this connection for a long bulk load (see the backends); `suspend`: also stop
    maintaining index structures row by row until bulk_end() (for large imports), and
    commit that unless `commit` is False (a load in one transaction)."""
    backend = backend_for(db.session)
    backend.bulk_start(db.session)
    if suspend:
        backend.suspend(db.session)
        if commit:
            db.session.commit()


def rebuild_suspended() -> None:
    """Build what bulk_start(suspend=True) stopped maintaining (no commit)."""
    backend_for(db.session).rebuild(db.session)


def bulk_end(rebuild: bool = False) -> None:
    """Undo bulk_start(); `rebuild`: build what bulk_start(suspend=True) stopped maintaining.
    Commits."""
    backend = backend_for(db.session)
    if rebuild:
        backend.rebuild(db.session)
    db.session.commit()
    backend.bulk_end(db.session)


def add_rows(rows: list[dict], index_data: list | None = None, tails: list | None = None) -> None:
    """Bulk-insert new search documents and the engine's index rows (import and reindex);
    `index_data`: each row's backend.index_data(), `tails`: each row's values as the engine
    takes them, when already computed (import workers; see SearchBackend.add_documents)."""
    if rows:
        backend_for(db.session).add_documents(db.session, rows, index_data, tails)


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
            .where(Question.id > last_id, Question.status.in_(INDEXED_STATUSES), Question.is_hidden.is_(False))
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
