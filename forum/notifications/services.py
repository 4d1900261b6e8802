"""Reading and clearing a member's notifications; their own questions; following a thread."""
import sqlalchemy as sa
from flask_babel import gettext as _

from .. import notify, permissions
from ..exceptions import NotFound, PermissionDenied
from ..extensions import db
from ..lookups import by_id
from ..models import Answer, Notification, Question, User


def page_of_notifications(user: User, page: int, per_page: int):
    """Newest first; the thread titles and actors come joined (one statement for the page)."""
    stmt = (sa.select(Notification).where(Notification.recipient_id == user.id)
            .order_by(Notification.created_at.desc(), Notification.id.desc()))
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


def mark_all_read(user: User) -> int:
    changed = notify.mark_read(user)
    db.session.commit()
    return changed


def open_notification(user: User, notification_id: int) -> Notification:
    """The member's own notification, marked read."""
    found = by_id(Notification, notification_id)
    if found is None or found.recipient_id != user.id:
        raise NotFound(_("この通知は見つかりませんでした。"))
    if found.read_at is None:
        notify.mark_read(user, notification_id=found.id)
        db.session.commit()
    return found


def toggle_follow(user: User, question: Question) -> bool:
    """Follow or unfollow the thread; returns whether the member follows it now."""
    if not permissions.can_follow(user, question):
        raise PermissionDenied(_("この質問はフォローできません。"))
    following = notify.toggle_follow(user, question)
    db.session.commit()
    return following


def my_questions(user: User, page: int, per_page: int):
    """The member's questions, newest first, with visible answers and unread notifications per
    thread: three statements for the page (and the count)."""
    stmt = (sa.select(Question).where(Question.author_id == user.id)
            .order_by(Question.created_at.desc(), Question.id.desc()))
    pagination = db.paginate(stmt, page=page, per_page=per_page, error_out=False)
    ids = [q.id for q in pagination.items]
    answers: dict[int, int] = {}
    unread: dict[int, int] = {}
    if ids:
        answers = dict(db.session.execute(
            sa.select(Answer.question_id, sa.func.count())
            .where(Answer.question_id.in_(ids), Answer.is_hidden.is_(False)).group_by(Answer.question_id)).all())
        unread = dict(db.session.execute(
            sa.select(Notification.question_id, sa.func.count())
            .where(Notification.recipient_id == user.id, Notification.read_at.is_(None),
                   Notification.question_id.in_(ids)).group_by(Notification.question_id)).all())
    return pagination, answers, unread
