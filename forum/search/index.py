"""Keep `search_documents` in step with the threads, inside the caller's transaction.

Services call `refresh(question)` after any change that affects search (resolve, close,
reopen, an answer on a resolved thread, hide, edit) and before they commit, so the index
and the thread change together or not at all.
"""
from collections.abc import Callable, Iterable

import sqlalchemy as sa

from ..extensions import db
from ..models import Answer, Question, SearchDocument
from ..text import normalize, plain_text
from .backends import backend_for


def is_searchable(question: Question) -> bool:
    """Only resolved, not-closed, not-hidden threads are in the knowledge base."""
    return question.status == "resolved" and not question.is_hidden


def _document(question: Question, answers: Iterable[Answer]) -> SearchDocument:
    best, others = "", []
    for answer in answers:
        if answer.is_hidden:
            continue
        if answer.id == question.best_answer_id:
            best = plain_text(answer.body)
        else:
            others.append(plain_text(answer.body))
    title, body, rest = question.title, plain_text(question.body), "\n".join(others)
    tags = " ".join(t.name for t in question.tags)
    if tags:
        body = f"{body}\n{tags}"
    return SearchDocument(
        question_id=question.id, category=question.category, created_at=question.created_at,
        title=title, body=body, best_answer=best, answers=rest,
        norm_title=normalize(title), norm_body=normalize(body),
        norm_best_answer=normalize(best), norm_answers=normalize(rest),
    )


def refresh(question: Question) -> None:
    """Insert, update or delete the thread's search document (no commit)."""
    session = db.session
    session.flush()
    existing = session.get(SearchDocument, question.id)
    if not is_searchable(question):
        if existing is not None:
            session.delete(existing)
            session.flush()
        return
    answers = session.scalars(
        sa.select(Answer).where(Answer.question_id == question.id).order_by(Answer.created_at)
    ).all()
    doc = _document(question, answers)
    if existing is None:
        session.add(doc)
    else:
        for column in SearchDocument.__table__.columns.keys():
            setattr(existing, column, getattr(doc, column))
    session.flush()


def reindex(batch_size: int = 1000, progress: Callable[[int], None] | None = None) -> int:
    """Rebuild the whole index from the database; returns the number of documents."""
    session = db.session
    session.execute(sa.delete(SearchDocument))
    last_id, total = 0, 0
    while True:
        questions = session.scalars(
            sa.select(Question)
            .where(Question.id > last_id, Question.status == "resolved", Question.is_hidden.is_(False))
            .order_by(Question.id)
            .limit(batch_size)
        ).all()
        if not questions:
            break
        ids = [q.id for q in questions]
        by_question: dict[int, list[Answer]] = {i: [] for i in ids}
        for answer in session.scalars(
            sa.select(Answer).where(Answer.question_id.in_(ids)).order_by(Answer.created_at)
        ):
            by_question[answer.question_id].append(answer)
        session.add_all(_document(q, by_question[q.id]) for q in questions)
        session.flush()
        session.expunge_all()
        last_id, total = ids[-1], total + len(ids)
        if progress:
            progress(len(ids))
    backend_for(session).rebuild(session)
    session.commit()
    return total
