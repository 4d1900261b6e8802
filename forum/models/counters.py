"""Keep questions.answer_count and helpful_count (the lists' 未回答 filter and sorts) in step.

Any ORM flush that adds, changes or removes an answer or a 参考になった mark recounts the
threads it touched, in the same transaction, so every writer (answering, hiding, restoring,
marking, and features yet to come) keeps the counts without knowing about them. Bulk writers
that bypass the ORM write the counts themselves (forum/transfer/jsonl.py).
"""
import sqlalchemy as sa
from sqlalchemy import event, orm

from .question import Answer, HelpfulMark, Question


def recount_statement(question_ids=None) -> sa.Update:
    """UPDATE questions with their visible answers and marks on them (all, or these ids)."""
    q = Question.__table__
    a = Answer.__table__.alias("a")
    h = HelpfulMark.__table__
    answers = (sa.select(sa.func.count()).select_from(a)
               .where(a.c.question_id == q.c.id, a.c.is_hidden.is_(False)).scalar_subquery())
    marks = (sa.select(sa.func.count()).select_from(h.join(a, a.c.id == h.c.answer_id))
             .where(a.c.question_id == q.c.id, a.c.is_hidden.is_(False)).scalar_subquery())
    stmt = sa.update(q).values(answer_count=answers, helpful_count=marks)
    if question_ids is not None:
        stmt = stmt.where(q.c.id.in_(sorted(question_ids)))
    return stmt


@event.listens_for(orm.Session, "after_flush")
def _recount_on_flush(session: orm.Session, flush_context) -> None:
    question_ids: set[int] = set()
    answer_ids: set[int] = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Answer) and obj.question_id is not None:
            question_ids.add(obj.question_id)
        elif isinstance(obj, HelpfulMark):
            answer_ids.add(obj.answer_id)
    if not question_ids and not answer_ids:
        return
    connection = session.connection()
    if answer_ids:
        question_ids.update(connection.scalars(
            sa.select(Answer.question_id).where(Answer.id.in_(sorted(answer_ids)))))
    connection.execute(recount_statement(question_ids))
    for obj in list(session.identity_map.values()):
        if isinstance(obj, Question) and obj.id in question_ids:
            session.expire(obj, ["answer_count", "helpful_count"])
