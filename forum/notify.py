"""In-app notifications and thread follows, below the features: services of any feature call
`notify()` / `notify_followers()` inside their own use case, and the rows commit with it.

The one place a new notification is made is `_record()`: every `notify()` goes through it,
and it sends the `notification_created` signal (blinker) with the new row, already in the
session. The exception is `notify_all()`, for an event told to many members at once (a new
question to its subscribers): one multi-row INSERT and no signal, since its sender mails all
recipients itself. E-mail delivery hooks on there: a receiver connected to `notification_created`
(`notification_created.connect(receiver)`) is called in the event's transaction and may add
its outbox row to `db.session`; the row then commits or rolls back with the event. Helpful
marks are batched (one notification per answer and day, its `count` grows); a batched mark
is an update, not a new notification, so it does not send the signal.

The actor is never notified of their own act. Reading (the unread count, marking read) uses
plain statements, not ORM writes: a member reading their notifications changes nothing a
guest sees, so it must not move the page cache's content version.
"""
from collections.abc import Iterable
from datetime import datetime, time
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from blinker import Namespace
from flask import current_app, g

from .database.reads import rows
from .extensions import db
from .models import NOTIFICATION_KINDS, Answer, Comment, Follow, Notification, Question, Supplement, User, utcnow

_signals = Namespace()
notification_created = _signals.signal("notification-created")

BATCHED_DAILY = ("helpful",)


def _id(user: User | int | None) -> int | None:
    return user if isinstance(user, int) or user is None else user.id


def _start_of_today() -> datetime:
    """Midnight in the site's time zone (the day helpful marks are batched by)."""
    zone = ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Asia/Tokyo"))
    today = utcnow().astimezone(zone).date()
    return datetime.combine(today, time(), tzinfo=zone)


def _record(notification: Notification) -> Notification:
    """Every new notification is made here (see the module docstring: the mail hook)."""
    db.session.add(notification)
    notification_created.send(notification)
    return notification


def notify(recipient: User | int, kind: str, actor: User | int | None, question: Question,
           answer: Answer | None = None, comment: Comment | None = None, note: str = "", *,
           reason: str | None = None, supplement: Supplement | None = None) -> Notification | None:
    """Tell `recipient` about an event on `question` (no commit: it belongs to the caller's
    transaction). Nothing when the recipient is the actor. Returns the notification written
    or updated, or None."""
    if kind not in NOTIFICATION_KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    recipient_id, actor_id = _id(recipient), _id(actor)
    if recipient_id is None or recipient_id == actor_id:
        return None
    if kind in BATCHED_DAILY and answer is not None:
        batched = db.session.scalar(
            sa.select(Notification).where(
                Notification.recipient_id == recipient_id, Notification.kind == kind,
                Notification.answer_id == answer.id, Notification.created_at >= _start_of_today())
            .order_by(Notification.id.desc()).limit(1))
        if batched is not None:
            batched.count += 1
            batched.actor_id = actor_id
            batched.created_at = utcnow()
            batched.read_at = None
            return batched
    return _record(Notification(
        recipient_id=recipient_id, kind=kind, actor_id=actor_id, question_id=question.id,
        answer_id=answer.id if answer is not None else None,
        comment_id=comment.id if comment is not None else None,
        supplement_id=supplement.id if supplement is not None else None,
        reason=reason, note=note or ""))


def notify_all(recipients: Iterable[User | int], kind: str, actor: User | int | None, question: Question) -> int:
    """Tell many members of one event on `question` in one statement (no commit), each once,
    never the actor. Sends no `notification_created`: the caller mails the recipients (e.g.
    with mail_event), as the mail hook leaves kinds sent this way alone. Returns how many were told."""
    if kind not in NOTIFICATION_KINDS or kind in BATCHED_DAILY:
        raise ValueError(f"{kind!r} cannot be sent to many at once")
    actor_id = _id(actor)
    recipient_ids = [rid for rid in dict.fromkeys(_id(r) for r in recipients) if rid is not None and rid != actor_id]
    if recipient_ids:
        db.session.execute(sa.insert(Notification), [
            {"recipient_id": rid, "kind": kind, "actor_id": actor_id, "question_id": question.id, "note": ""}
            for rid in recipient_ids])
    return len(recipient_ids)


def followers(question_id: int) -> list[int]:
    """The ids of the members following a thread."""
    return list(db.session.scalars(
        sa.select(Follow.user_id).where(Follow.question_id == question_id, Follow.following.is_(True))
        .order_by(Follow.user_id)))


def notify_followers(kind: str, actor: User | int | None, question: Question, *, answer: Answer | None = None,
                     supplement: Supplement | None = None, exclude: Iterable[int] = ()) -> list[Notification]:
    """Tell every follower of the thread, except the actor and the `exclude`d ids (people
    told about the same event in another way, e.g. the asker about an answer)."""
    skip = set(exclude) | {_id(actor)}
    written = []
    for user_id in followers(question.id):
        if user_id in skip:
            continue
        n = notify(user_id, kind, actor, question, answer=answer, supplement=supplement)
        if n is not None:
            written.append(n)
    return written


def new_answer(author: User | int, question: Question, answer: Answer) -> None:
    """A new answer (posted, or published after it was held): the asker hears "an answer on my
    question", other followers "a new answer on a thread I follow"."""
    notify(question.author_id, "answer", author, question, answer)
    notify_followers("followed_answer", author, question, answer=answer, exclude=[question.author_id])


# --- follows -----------------------------------------------------------------------------------

def follow_automatically(user: User, question: Question) -> None:
    """Askers and answerers follow their thread, unless they once unfollowed it (no commit)."""
    if db.session.get(Follow, (user.id, question.id)) is None:
        db.session.add(Follow(user_id=user.id, question_id=question.id, following=True))


def toggle_follow(user: User, question: Question) -> bool:
    """Follow or unfollow a thread; returns whether the user follows it now (no commit)."""
    row = db.session.get(Follow, (user.id, question.id))
    if row is None:
        db.session.add(Follow(user_id=user.id, question_id=question.id, following=True))
        return True
    row.following = not row.following
    return row.following


# Built once, with the member and the thread as parameters: a member's every page reads the
# unread count, and building a select with its cache key again costs as much as running it.
_FOLLOW_STATE = sa.select(Follow.following).where(Follow.user_id == sa.bindparam("user"),
                                                  Follow.question_id == sa.bindparam("question"))
# The count of the member's unread notifications (index ix_notifications_recipient_unread).
_UNREAD = sa.select(sa.func.count()).select_from(Notification).where(
    Notification.recipient_id == sa.bindparam("user"), Notification.read_at.is_(None))


def is_following(user, question_id: int) -> bool:
    """One primary-key read; False for guests."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(rows(_FOLLOW_STATE, {"user": user.id, "question": question_id}).scalar())


def with_following_and_unread(*columns) -> sa.Select:
    """The follow state and the unread count, then `columns`, in one statement (parameters
    `user` and `question`), for following_and_unread_with."""
    return sa.select(_FOLLOW_STATE.scalar_subquery(), _UNREAD.scalar_subquery(), *columns)


def following_and_unread_with(user, question_id: int, statement: sa.Select) -> tuple:
    """Whether the member follows the thread, then what else `statement`
    (with_following_and_unread) reads; the header's unread count, read in the same statement,
    is kept for the request (unread_count)."""
    following, unread, *others = rows(statement, {"user": user.id, "question": question_id}).one()
    g.unread_notifications = unread or 0
    return (bool(following), *others)


# --- reading ----------------------------------------------------------------------------------

def unread_count(user) -> int:
    """The header's number: one indexed count (recipient_id, read_at), once per request."""
    if not getattr(user, "is_authenticated", False):
        return 0
    if "unread_notifications" not in g:
        g.unread_notifications = db.session.scalar(_UNREAD, {"user": user.id}) or 0
    return g.unread_notifications


def mark_read(user: User, *, question_id: int | None = None, notification_id: int | None = None) -> int:
    """Mark the member's unread notifications read: all, one thread's, or one (no commit).
    A plain UPDATE (see the module docstring). Returns how many changed."""
    stmt = (sa.update(Notification)
            .where(Notification.recipient_id == user.id, Notification.read_at.is_(None))
            .values(read_at=utcnow()))
    if question_id is not None:
        stmt = stmt.where(Notification.question_id == question_id)
    if notification_id is not None:
        stmt = stmt.where(Notification.id == notification_id)
    result = db.session.execute(stmt, execution_options={"synchronize_session": False})
    changed = getattr(result, "rowcount", 0)  # a CursorResult for an UPDATE
    g.pop("unread_notifications", None)
    return changed or 0
