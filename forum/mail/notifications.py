"""Mail for in-app notifications: forum/notify.py sends `notification_created` with each new
notification, inside the event's transaction; this receiver writes the mail (or the digest
line) the recipient chose into the same transaction."""
from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..models import Answer, Question, User
from ..notify import notification_created
from .compose import absolute_url
from .outbox import mail_event

# Notification kind -> the preference that governs its mail (forum/mail/kinds.py). Kinds not
# listed are mailed by their sender for all recipients at once: "new_question"
# (forum/subscriptions.py) and "urgent_alert" (forum/stale.py).
PREFERENCE = {
    "answer": "answer", "comment": "comment", "best_answer": "best_answer",
    "followed_answer": "followed", "supplement": "followed",
    "closed": "moderation", "reopened": "moderation", "resolved": "moderation",
    "hidden": "moderation", "restored": "moderation",
    "helpful": "helpful", "remind_resolve": "stale_reminder",
    "published": "moderation", "rejected": "moderation",
}
SUBJECTS = {
    "answer": lambda title: _l("【相談室】あなたの質問「%(title)s」に回答がつきました",
        title=title),
    "comment": lambda title: _l("【相談室】「%(title)s」にコメントがつきました",
        title=title),
    "best_answer": lambda title: _l("【相談室】あなたの回答がベストアンサーに選ばれました（「%(title)s」）",
        title=title),
    "followed_answer": lambda title: _l("【相談室】フォロー中の「%(title)s」に新しい回答がつきました",
        title=title),
    "supplement": lambda title: _l("【相談室】フォロー中の「%(title)s」に補足が追加されました",
        title=title),
    "closed": lambda title: _l("【相談室】「%(title)s」がクローズされました",
        title=title),
    "reopened": lambda title: _l("【相談室】「%(title)s」が再開されました",
        title=title),
    "resolved": lambda title: _l("【相談室】「%(title)s」が解決済みになりました",
        title=title),
    "hidden": lambda title: _l("【相談室】あなたの投稿が非表示になりました（「%(title)s」）",
        title=title),
    "restored": lambda title: _l("【相談室】あなたの投稿が再表示されました（「%(title)s」）",
        title=title),
    "helpful": lambda title: _l("【相談室】あなたの回答が「参考になった」と評価されました（「%(title)s」）",
        title=title),
    "remind_resolve": lambda title: _l("【相談室】「%(title)s」は解決しましたか？",
        title=title),
    "published": lambda title: _l("【相談室】あなたの投稿が公開されました（「%(title)s」）",
        title=title),
    "rejected": lambda title: _l("【相談室】あなたの投稿は公開されませんでした（「%(title)s」）",
        title=title),
}
LINES = {
    "answer": lambda title: _l("「%(title)s」に回答がつきました",
        title=title),
    "comment": lambda title: _l("「%(title)s」にコメントがつきました",
        title=title),
    "best_answer": lambda title: _l("「%(title)s」であなたの回答がベストアンサーに選ばれました",
        title=title),
    "followed_answer": lambda title: _l("フォロー中の「%(title)s」に新しい回答",
        title=title),
    "supplement": lambda title: _l("フォロー中の「%(title)s」に補足",
        title=title),
    "closed": lambda title: _l("「%(title)s」がクローズされました",
        title=title),
    "reopened": lambda title: _l("「%(title)s」が再開されました",
        title=title),
    "resolved": lambda title: _l("「%(title)s」が解決済みになりました",
        title=title),
    "hidden": lambda title: _l("「%(title)s」のあなたの投稿が非表示になりました",
        title=title),
    "restored": lambda title: _l("「%(title)s」のあなたの投稿が再表示されました",
        title=title),
    "helpful": lambda title: _l("「%(title)s」のあなたの回答が「参考になった」と評価されました",
        title=title),
    "remind_resolve": lambda title: _l("「%(title)s」は解決しましたか？",
        title=title),
    "published": lambda title: _l("「%(title)s」のあなたの投稿が公開されました",
        title=title),
    "rejected": lambda title: _l("「%(title)s」のあなたの投稿は公開されませんでした",
        title=title),
}


def thread_url(question_id: int, anchor: str | None = None) -> str:
    return absolute_url("questions.show", question_id=question_id) + (f"#{anchor}" if anchor else "")


def connect() -> None:
    """Hook the mail onto notify() (create_app calls it; connecting twice is harmless)."""
    notification_created.connect(mail_for_notification)


def mail_for_notification(notification, **extra) -> None:
    """Queue the mail (or digest line) for a notification just added to the session."""
    kind = notification.kind
    if kind not in PREFERENCE:
        return  # mailed by its sender (see PREFERENCE)
    recipient = db.session.get(User, notification.recipient_id)
    question = db.session.get(Question, notification.question_id)
    if recipient is None or question is None:
        return
    actor = db.session.get(User, notification.actor_id) if notification.actor_id else None
    answer = db.session.get(Answer, notification.answer_id) if notification.answer_id else None
    title = question.title
    dedupe = f"remind:{question.id}" if kind == "remind_resolve" else None
    mail_event([recipient], PREFERENCE[kind], actor=actor, subject=SUBJECTS[kind](title),
               template="notification", line=LINES[kind](title),
               url=thread_url(question.id, notification.anchor), dedupe_key=dedupe,
               event=kind, question=question, answer=answer, by=actor, note=notification.note)
