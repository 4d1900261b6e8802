"""Keep questions.answer_count and helpful_count (the lists' 未回答 filter and sorts) in step.

Any ORM flush that adds, changes or removes an answer or a 参考になった mark recounts the
threads it touched, in the same transaction, so every writer (answering, hiding, restoring,
marking, and features yet to come) keeps the counts without knowing about them. Bulk writers
that bypass the ORM write the counts themselves (forum/transfer/jsonl.py).

The same statement keeps questions.first_answer_at and first_veteran_answer_at (the insight's
waits): an answer posted, hidden, restored, held, published or deleted recounts its thread, and
a member who gains or loses the 先輩 badge re-dates every thread they answered (the veteran wait
counts answers by members who hold the badge now). Bulk writers call first_answers_statement.
"""
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from sqlalchemy import event, orm
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement

from .question import Answer, HelpfulMark, Question
from .user import User


class minutes_between(FunctionElement):
    """Minutes from `earlier` to `later`, to the hundredth (NULL when either is): each engine's
    own time arithmetic. Stored with the times, so the insight sorts numbers and parses no
    SQLite timestamp text per thread (julianday is most of a scan's cost there)."""

    type = sa.Float()
    inherit_cache = True


@compiles(minutes_between)
def _minutes_sqlite(element, compiler, **kw):
    later, earlier = (compiler.process(c, **kw) for c in element.clauses)
    return f"round((julianday({later}) - julianday({earlier})) * 1440.0, 2)"


@compiles(minutes_between, "postgresql")
def _minutes_postgres(element, compiler, **kw):
    later, earlier = (compiler.process(c, **kw) for c in element.clauses)
    return f"CAST(round(CAST(EXTRACT(epoch FROM ({later}) - ({earlier})) / 60.0 AS numeric), 2) AS float8)"


def minutes_from(asked: datetime, moment: datetime | None) -> float | None:
    """minutes_between in Python, for writers that date the answers themselves (bulk import):
    to the hundredth, halves away from zero as both engines' round() does."""
    if moment is None:
        return None
    minutes = Decimal(str((moment - asked).total_seconds() / 60))
    return float(minutes.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _first_answers(q: sa.Table) -> dict:
    """The two first-answer times of the questions row `q` as correlated subqueries: the first
    visible answer by someone other than the asker, and the first such one by a 先輩; and the
    minutes from asking to each."""
    a = Answer.__table__.alias("fa")
    u = User.__table__.alias("fu")
    by_others = sa.and_(a.c.question_id == q.c.id, a.c.is_hidden.is_(False), a.c.author_id != q.c.author_id)
    first = sa.select(sa.func.min(a.c.created_at)).where(by_others).scalar_subquery()
    veteran = (sa.select(sa.func.min(a.c.created_at)).select_from(a.join(u, u.c.id == a.c.author_id))
               .where(by_others, u.c.is_veteran.is_(True)).scalar_subquery())
    return {"first_answer_at": first, "first_veteran_answer_at": veteran,
            "first_answer_minutes": minutes_between(first, q.c.created_at),
            "first_veteran_answer_minutes": minutes_between(veteran, q.c.created_at)}


def first_answers_statement(question_ids=None, answered_by=None) -> sa.Update:
    """UPDATE questions' first-answer times: all, these ids (a list or a subquery), or the
    threads these members (ids) answered: after their badge changed, so only the veteran
    columns (the first answer does not depend on the badge)."""
    q = Question.__table__
    if answered_by is not None:
        return _first_veteran_answers_statement(q, sorted(answered_by))
    # updated_at kept as it is: the thread's last activity, not this bookkeeping.
    stmt = sa.update(q).values({**_first_answers(q), "updated_at": q.c.updated_at})
    if question_ids is not None:
        stmt = stmt.where(q.c.id.in_(question_ids))
    return stmt


def _first_veteran_answers_statement(q: sa.Table, members: list[int]) -> sa.Update:
    """The veteran columns of the threads these members answered, as _first_answers dates
    them, in one grouped pass over those threads' answers (UPDATE ... FROM): a correlated
    subquery per thread cost ~3 s at 20,000 imported threads on PostgreSQL. Rows whose
    times stay as they are are not written."""
    a = Answer.__table__.alias("fa")
    u = User.__table__.alias("fu")
    asked = Question.__table__.alias("fq")
    answered = sa.select(Answer.__table__.c.question_id).where(Answer.__table__.c.author_id.in_(members))
    counts = sa.and_(a.c.is_hidden.is_(False), a.c.author_id != asked.c.author_id, u.c.is_veteran.is_(True))
    # min over the qualifying answers only: NULL for a thread none qualifies in (every such
    # thread has a row here, from the member's own answer), as the correlated min gives.
    grouped = (sa.select(a.c.question_id.label("question_id"),
                         sa.func.min(sa.case((counts, a.c.created_at))).label("first"))
               .select_from(a.join(u, u.c.id == a.c.author_id).join(asked, asked.c.id == a.c.question_id))
               .where(a.c.question_id.in_(answered))
               .group_by(a.c.question_id)
               .subquery("fv"))
    minutes = minutes_between(grouped.c.first, q.c.created_at)
    return (sa.update(q)
            .values(first_veteran_answer_at=grouped.c.first, first_veteran_answer_minutes=minutes,
                    updated_at=q.c.updated_at)  # kept: the thread's last activity, not this bookkeeping
            .where(q.c.id == grouped.c.question_id,
                   sa.or_(q.c.first_veteran_answer_at.is_distinct_from(grouped.c.first),
                          q.c.first_veteran_answer_minutes.is_distinct_from(minutes))))


def recount_statement(question_ids=None) -> sa.Update:
    """UPDATE questions with their visible answers and marks on them (all, or these ids)."""
    q = Question.__table__
    a = Answer.__table__.alias("a")
    h = HelpfulMark.__table__
    answers = (sa.select(sa.func.count()).select_from(a)
               .where(a.c.question_id == q.c.id, a.c.is_hidden.is_(False)).scalar_subquery())
    marks = (sa.select(sa.func.count()).select_from(h.join(a, a.c.id == h.c.answer_id))
             .where(a.c.question_id == q.c.id, a.c.is_hidden.is_(False)).scalar_subquery())
    stmt = sa.update(q).values(answer_count=answers, helpful_count=marks, **_first_answers(q))
    if question_ids is not None:
        stmt = stmt.where(q.c.id.in_(sorted(question_ids)))
    return stmt


@event.listens_for(orm.Session, "after_flush")
def _recount_on_flush(session: orm.Session, flush_context) -> None:
    question_ids: set[int] = set()
    answer_ids: set[int] = set()
    badge_changed: set[int] = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Answer) and obj.question_id is not None:
            question_ids.add(obj.question_id)
        elif isinstance(obj, HelpfulMark):
            answer_ids.add(obj.answer_id)
    for obj in session.dirty:  # a new member has answered nothing yet
        if isinstance(obj, User) and sa.inspect(obj).attrs.is_veteran.history.has_changes():
            badge_changed.add(obj.id)
    if not question_ids and not answer_ids and not badge_changed:
        return
    connection = session.connection()
    if answer_ids:
        question_ids.update(connection.scalars(
            sa.select(Answer.question_id).where(Answer.id.in_(sorted(answer_ids)))))
    if question_ids:
        connection.execute(recount_statement(question_ids))
    if badge_changed:
        connection.execute(first_answers_statement(answered_by=badge_changed))
    for obj in list(session.identity_map.values()):
        if isinstance(obj, Question) and (obj.id in question_ids or badge_changed):
            session.expire(obj, ["answer_count", "helpful_count", "first_answer_at", "first_veteran_answer_at",
                                 "first_answer_minutes", "first_veteran_answer_minutes"])
