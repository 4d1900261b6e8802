"""Engagement around a thread: comments, the asker's 補足, follows, notifications, edit history."""
from datetime import datetime

import sqlalchemy as sa
from markupsafe import Markup
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from ..linkify import render_comment
from .base import Model, UTCDateTime, utcnow
from .question import Answer, MarkdownBody, Question
from .user import User

COMMENT_MAX = 500
REVISION_TARGETS = ("question", "answer", "comment")
NOTIFICATION_KINDS = (
    "answer",            # an answer on my question
    "comment",           # a comment on my question or answer
    "best_answer",       # my answer chosen best (note: the asker's お礼)
    "followed_answer",   # a new answer on a thread I follow
    "supplement",        # a 補足 on a thread I follow
    "closed", "reopened", "resolved",  # my thread, by a moderator (reason, note)
    "hidden", "restored",              # my post, by a moderator (note)
    "helpful",           # 参考になった on my answer, batched per answer and day (count)
    "remind_resolve",    # the stale-thread sweep asks me to resolve
    "published", "rejected",           # my held post (contact guard), by a moderator (note)
    "new_question",      # a new question in a category or tag I subscribe to
    "urgent_alert",      # a 急募 thread still without an answer (veterans who opted in)
)


class Comment(Model):
    """A short plain-text comment under a question (answer_id NULL) or under one of its answers.
    question_id is set for both, so a thread's comments load in one statement."""

    __tablename__ = "comments"
    __table_args__ = (sa.Index("ix_comments_question_created", "question_id", "created_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("questions.id", ondelete="CASCADE"))
    answer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("answers.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    body: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str | None] = mapped_column(sa.Text)
    is_hidden: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    is_held: Mapped[bool] = mapped_column(default=False, server_default=sa.false(), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    edited_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    author: Mapped[User] = relationship(lazy="joined", innerjoin=True, foreign_keys=[author_id])
    question: Mapped[Question] = relationship(foreign_keys=[question_id])
    answer: Mapped[Answer | None] = relationship(foreign_keys=[answer_id])

    @validates("body")
    def _render_body(self, key: str, body: str) -> str:
        self.body_html = str(render_comment(body))
        return body

    @property
    def rendered_body(self) -> Markup:
        return Markup(self.body_html) if self.body_html is not None else render_comment(self.body)  # nosec B704

    @property
    def anchor(self) -> str:
        return f"comment-{self.id}"


class Supplement(MarkdownBody, Model):
    """補足: the asker adds to the question later; shown under it with its time, not as an edit."""

    __tablename__ = "supplements"
    __table_args__ = (sa.Index("ix_supplements_question_created", "question_id", "created_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("questions.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str | None] = mapped_column(sa.Text)
    # Like a post: held by the contact guard (hidden until a moderator publishes it, seen by its author).
    is_hidden: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    is_held: Mapped[bool] = mapped_column(default=False, server_default=sa.false(), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[User] = relationship(lazy="joined", innerjoin=True, foreign_keys=[author_id])
    question: Mapped[Question] = relationship(foreign_keys=[question_id])


class Follow(Model):
    """A member's follow of a thread. The row stays when they unfollow (following=False), so
    answering again does not follow them back against their choice."""

    __tablename__ = "follows"
    __table_args__ = (sa.Index("ix_follows_question_following", "question_id", "following"),)

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("questions.id", ondelete="CASCADE"), primary_key=True)
    following: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Notification(Model):
    """One in-app notification; written by forum/notify.py only."""

    __tablename__ = "notifications"
    __table_args__ = (
        # The header's unread count and "mark all read": one index range per member.
        sa.Index("ix_notifications_recipient_unread", "recipient_id", "read_at"),
        # The list, newest first.
        sa.Index("ix_notifications_recipient_created", "recipient_id", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(32))
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("questions.id", ondelete="CASCADE"), index=True)
    answer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("answers.id", ondelete="CASCADE"))
    comment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("comments.id", ondelete="CASCADE"))
    supplement_id: Mapped[int | None] = mapped_column(sa.ForeignKey("supplements.id", ondelete="CASCADE"))
    reason: Mapped[str | None] = mapped_column(sa.String(32))
    note: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    # How many events this one stands for (helpful marks are batched per answer and day).
    count: Mapped[int] = mapped_column(default=1, server_default="1")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    actor: Mapped[User | None] = relationship(lazy="joined", foreign_keys=[actor_id])
    question: Mapped[Question] = relationship(lazy="joined", innerjoin=True, foreign_keys=[question_id])

    @property
    def anchor(self) -> str | None:
        """Where on the thread page the event happened."""
        if self.comment_id:
            return f"comment-{self.comment_id}"
        if self.answer_id:
            return f"answer-{self.answer_id}"
        if self.supplement_id:
            return f"supplement-{self.supplement_id}"
        return None


class Revision(Model):
    """A version of a post that an edit replaced: what it said, who wrote it and when."""

    __tablename__ = "revisions"
    __table_args__ = (sa.Index("ix_revisions_target", "target_type", "target_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    target_type: Mapped[str] = mapped_column(sa.String(16))
    target_id: Mapped[int] = mapped_column()
    title: Mapped[str | None] = mapped_column(sa.String(120))
    body: Mapped[str] = mapped_column(sa.Text)
    written_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    written_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    written_by: Mapped[User] = relationship(lazy="joined", innerjoin=True)
