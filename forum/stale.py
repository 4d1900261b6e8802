"""Stale-thread care, run by `flask forum sweep [--as-of …]`: remind, expire, alert, digest.

An open thread with visible answers and no resolution reminds its asker once, STALE_REMIND_DAYS
after it was asked; STALE_EXPIRE_DAYS after it was asked it expires (回答受付終了: readable, no
new answers). A 急募 thread with no visible answer URGENT_ALERT_HOURS after it was asked is
announced, once, to veterans who opted in (a notification, and mail as they chose). Each step
is claimed with a conditional UPDATE on its timestamp column, so running the sweep again (or two
at once) does nothing twice.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from .extensions import db
from .mail.compose import absolute_url
from .mail.outbox import mail_event, queue_digests
from .mail.preferences import deliveries_for
from .models import Answer, Question, User
from .notify import notify, notify_all
from .search import index


@dataclass
class SweepReport:
    reminded: int = 0
    expired: int = 0
    alerted: int = 0
    digests: int = 0


def _has_answers():
    return sa.exists().where(Answer.question_id == Question.id, Answer.is_hidden.is_(False))


def _claim(question_id: int, column, now: datetime, *extra) -> bool:
    """Set the step's timestamp if nobody did: True when this run owns the step."""
    done: sa.CursorResult = db.session.execute(  # type: ignore[assignment]  # an UPDATE's result has rowcount
        sa.update(Question).where(Question.id == question_id, column.is_(None), *extra).values({column: now}),
        execution_options={"synchronize_session": False})
    return bool(done.rowcount)


def _due(now: datetime, age: timedelta, *conditions) -> list[int]:
    return list(db.session.scalars(
        sa.select(Question.id).where(Question.status == "open", Question.is_hidden.is_(False),
                                     Question.created_at <= now - age, *conditions).order_by(Question.id)))


def remind(now: datetime) -> int:
    """Ask askers of answered, unresolved threads to resolve them (once; not when the thread
    is already due to expire: it expires instead)."""
    remind_age = timedelta(days=current_app.config["STALE_REMIND_DAYS"])
    expire_age = timedelta(days=current_app.config["STALE_EXPIRE_DAYS"])
    count = 0
    for question_id in _due(now, remind_age, _has_answers(), Question.reminded_at.is_(None),
                            Question.created_at > now - expire_age):
        if _claim(question_id, Question.reminded_at, now, Question.status == "open"):
            question = db.session.get(Question, question_id)
            if question is not None:
                notify(question.author_id, "remind_resolve", None, question)
                count += 1
        db.session.commit()
    return count


def expire(now: datetime) -> int:
    """Stop answers on answered threads left unresolved for STALE_EXPIRE_DAYS."""
    expire_age = timedelta(days=current_app.config["STALE_EXPIRE_DAYS"])
    count = 0
    for question_id in _due(now, expire_age, _has_answers()):
        question = db.session.get(Question, question_id)
        if question is None or question.status != "open":
            continue
        question.status, question.expired_at = "expired", now
        index.refresh(question)
        db.session.commit()
        count += 1
    return count


def opted_in_veterans() -> list[User]:
    """Veterans who chose to hear of 急募 threads: their "urgent_alert" setting is anything but
    "never" (its default). They are told in the app, and by mail as that setting says."""
    veterans = list(db.session.scalars(sa.select(User).where(User.is_veteran.is_(True)).order_by(User.id)))
    chosen = deliveries_for([v.id for v in veterans], "urgent_alert")
    return [v for v in veterans if chosen[v.id] != "never"]


def alert_urgent(now: datetime) -> int:
    """Tell opted-in veterans of 急募 threads still without an answer: once per thread (the
    claim on urgent_alerted_at), so once per thread and veteran; never the asker."""
    age = timedelta(hours=current_app.config["URGENT_ALERT_HOURS"])
    veterans = None
    count = 0
    for question_id in _due(now, age, Question.category == "urgent", ~_has_answers(),
                            Question.urgent_alerted_at.is_(None)):
        if _claim(question_id, Question.urgent_alerted_at, now, Question.status == "open"):
            question = db.session.get(Question, question_id)
            if veterans is None:
                veterans = opted_in_veterans()
            if question is not None:
                notify_all(veterans, "urgent_alert", question.author_id, question)  # one statement
                mail_event(veterans, "urgent_alert", actor=question.author,
                           subject=_l("【相談室】急募の質問に回答がまだありません：「%(title)s」",
                                      title=question.title),
                           line=_l("急募・回答待ち：「%(title)s」", title=question.title),
                           url=absolute_url("questions.show", question_id=question.id), template="urgent_alert",
                           dedupe_key=f"urgent:{question.id}", question=question)
                count += 1
        db.session.commit()
    return count


def sweep(now: datetime) -> SweepReport:
    """Everything due as of `now`; safe to run again with the same or a later time."""
    report = SweepReport()
    report.reminded = remind(now)
    report.expired = expire(now)
    report.alerted = alert_urgent(now)
    report.digests = queue_digests(now)
    db.session.commit()
    return report
