"""Members who subscribed to a category or a tag hear of each new question there: always in
the app (a `new_question` notification), and by mail as their "subscription" setting says
(at once, in the daily digest, or not at all)."""
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from .extensions import db
from .labels import CATEGORY_LABELS
from .mail.compose import absolute_url
from .mail.outbox import mail_event
from .models import Question, Subscription, User
from .notify import notify_all


def subscribers(question: Question) -> list[User]:
    """Members subscribed to the question's category or to one of its tags (each once)."""
    tag_ids = [t.id for t in question.tags]
    match = Subscription.category == question.category
    if tag_ids:
        match = match | Subscription.tag_id.in_(tag_ids)
    return list(db.session.scalars(
        sa.select(User).where(User.id.in_(sa.select(Subscription.user_id).where(match))).order_by(User.id)))


def announce_new_question(question: Question) -> None:
    """Notifications and mail (or digest lines) for a new question, in the asking transaction
    (no commit). The asker is never told of their own question.

    The notifications and the mail are written for all subscribers at once, in a bounded number
    of statements however many they are (it runs inside the asker's request); the mail is
    written here, not by the notification hook in forum/mail/notifications.py, which leaves
    `new_question` alone."""
    db.session.flush()
    listeners = subscribers(question)
    notify_all(listeners, "new_question", question.author_id, question)
    title, category = question.title, question.category
    mail_event(
        listeners, "subscription", actor=question.author,
        subject=_l("【相談室】%(category)sに新しい質問：「%(title)s」",
                   category=CATEGORY_LABELS[category], title=title),
        line=_l("%(category)sに新しい質問：「%(title)s」", category=CATEGORY_LABELS[category], title=title),
        url=absolute_url("questions.show", question_id=question.id), template="new_question",
        dedupe_key=f"new_question:{question.id}", question=question)
