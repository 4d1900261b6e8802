"""Questions, answers, tags and helpful marks: the thread aggregate."""
from datetime import datetime

import sqlalchemy as sa
from markupsafe import Markup
from sqlalchemy.orm import Mapped, WriteOnlyMapped, mapped_column, relationship, validates

from ..extensions import db
from ..text import render_markdown, stored_html
from .base import Model, UTCDateTime, utcnow
from .user import User

CATEGORIES = ("want_to_know", "urgent", "in_trouble")
STATUSES = ("open", "resolved", "closed", "expired")
CLOSE_REASONS = ("spam", "rule_violation", "contact_exchange", "duplicate", "off_topic", "other")
ASKER_TYPES = ("lancer", "client")

question_tags = sa.Table(
    "question_tags",
    db.metadata,
    sa.Column("question_id", sa.ForeignKey("questions.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("tag_id", sa.ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True),
    # A tag's page reads its threads' ids from here, newest (highest id) first.
    sa.Index("ix_question_tags_tag_question", "tag_id", "question_id"),
)


def rendered(body: str, body_html: str | None) -> Markup:
    """The stored HTML (it went through the sanitiser when it was written), or a fresh render:
    plain prose is not stored (its paragraphs are rebuilt in microseconds), and neither is
    HTML of rows written before HTML was stored."""
    return Markup(body_html) if body_html is not None else render_markdown(body)  # nosec B704


class RenderedBody:
    """What shows a post's body: its stored HTML, or a fresh render (models and the plain rows
    pages read, forum/questions/page_rows.py)."""

    __slots__ = ()
    body: str
    body_html: str | None

    @property
    def rendered_body(self) -> Markup:
        return rendered(self.body, self.body_html)


class MarkdownBody(RenderedBody):
    """A post whose Markdown `body` keeps its sanitised HTML in `body_html`, written with the
    body (questions, answers, 補足); each model declares the two columns."""

    @validates("body")
    def _render_body(self, key: str, body: str) -> str:
        self.body_html = stored_html(body)
        return body


class QuestionStatus:
    """What a question's status means (the model and the thread page's plain row)."""

    __slots__ = ()
    status: str
    close_reason: str | None
    duplicate_of_id: int | None

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    @property
    def is_resolved(self) -> bool:
        return self.status == "resolved"

    @property
    def is_closed(self) -> bool:
        return self.status == "closed"

    @property
    def is_duplicate(self) -> bool:
        return self.status == "closed" and self.close_reason == "duplicate" and self.duplicate_of_id is not None

    @property
    def is_expired(self) -> bool:
        return self.status == "expired"


class Tag(Model):
    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(40), unique=True)


class Question(QuestionStatus, MarkdownBody, Model):
    __tablename__ = "questions"
    __table_args__ = (
        # Each list reads its page of ids from one of these alone (forum/questions/services.py).
        sa.Index("ix_questions_listing_created", "status", "is_hidden", "category", "created_at", "id"),
        sa.Index("ix_questions_listing_resolved", "status", "is_hidden", "resolved_at", "id"),
        sa.Index("ix_questions_hidden_created", "is_hidden", "created_at", "id"),
        # The 未回答 filter and the most-answers / most-helpful sorts (category trailing, so the
        # index alone answers a category filter too).
        sa.Index("ix_questions_listing_answers", "status", "is_hidden", "answer_count", "created_at", "id", "category"),
        sa.Index("ix_questions_hidden_answers", "is_hidden", "answer_count", "created_at", "id", "category"),
        sa.Index("ix_questions_listing_helpful", "status", "is_hidden", "helpful_count", "created_at", "id",
                 "category"),
        sa.Index("ix_questions_hidden_helpful", "is_hidden", "helpful_count", "created_at", "id", "category"),
        # The operators' insight reads a period's threads from this index alone (no table rows).
        sa.Index("ix_questions_insight", "is_hidden", "created_at", "category", "status", "first_answer_minutes",
                 "first_veteran_answer_minutes", "best_answer_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str | None] = mapped_column(sa.String(100), unique=True)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    category: Mapped[str] = mapped_column(sa.String(20))
    asker_type: Mapped[str] = mapped_column(sa.String(10), default="lancer", server_default="lancer")
    title: Mapped[str] = mapped_column(sa.String(120))
    body: Mapped[str] = mapped_column(sa.Text)
    # The body's sanitised HTML: derived, written with the body. Plain prose is left NULL and
    # rebuilt when shown; `flask forum render` rebuilds the rest.
    body_html: Mapped[str | None] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.String(10), default="open", server_default="open")
    # What a reopen returns to: the status the thread had when it was closed.
    status_before_close: Mapped[str | None] = mapped_column(sa.String(10))
    close_reason: Mapped[str | None] = mapped_column(sa.String(20))
    close_note: Mapped[str | None] = mapped_column(sa.Text)
    best_answer_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("answers.id", use_alter=True, ondelete="SET NULL")
    )
    is_hidden: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # Held by the contact guard (uncertain findings): hidden until a moderator publishes it;
    # its author still sees it (forum/permissions.py).
    is_held: Mapped[bool] = mapped_column(default=False, server_default=sa.false(), index=True)
    # Resolving: the asker's お礼 to the best answer, or how they solved it themselves (自己解決).
    thanks: Mapped[str | None] = mapped_column(sa.Text)
    resolution_note: Mapped[str | None] = mapped_column(sa.Text)
    # The last edit (edit history: forum/revisions.py); NULL until the question is edited.
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    edited_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # Closed as a duplicate of this thread (reason "duplicate").
    duplicate_of_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("questions.id", ondelete="SET NULL"), index=True)
    # Derived counts for the lists' filter and sorts, kept by forum/models/counters.py:
    # visible answers, and 参考になった marks on visible answers.
    answer_count: Mapped[int] = mapped_column(default=0, server_default="0")
    helpful_count: Mapped[int] = mapped_column(default=0, server_default="0")
    # When the first visible answer by someone other than the asker came, and the first such
    # answer by a member who holds the 先輩 badge now; NULL while there is none. Kept by
    # forum/models/counters.py (answers, badge changes) and the bulk writers (the insight).
    first_answer_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    first_veteran_answer_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # ... and the minutes from asking to each (to the hundredth), written with them.
    first_answer_minutes: Mapped[float | None] = mapped_column(sa.Float)
    first_veteran_answer_minutes: Mapped[float | None] = mapped_column(sa.Float)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Stale-thread care (forum/stale.py): each step happens once, and these say when it did.
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    urgent_alerted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    author: Mapped[User] = relationship(lazy="joined", innerjoin=True, foreign_keys=[author_id])
    tags: Mapped[list[Tag]] = relationship(secondary=question_tags, lazy="selectin", order_by=Tag.name)
    answers: WriteOnlyMapped["Answer"] = relationship(
        back_populates="question",
        foreign_keys="Answer.question_id",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    def __repr__(self) -> str:
        return f"<Question {self.id} {self.status}>"


class Answer(MarkdownBody, Model):
    __tablename__ = "answers"
    __table_args__ = (sa.Index("ix_answers_question_created", "question_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("questions.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    body: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str | None] = mapped_column(sa.Text)
    is_hidden: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    is_held: Mapped[bool] = mapped_column(default=False, server_default=sa.false(), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    edited_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    author: Mapped[User] = relationship(lazy="joined", innerjoin=True, foreign_keys=[author_id])
    question: Mapped[Question] = relationship(back_populates="answers", foreign_keys=[question_id])

    def __repr__(self) -> str:
        return f"<Answer {self.id} on {self.question_id}>"


class HelpfulMark(Model):
    """A member's "参考になった" on an answer; one per member and answer."""

    __tablename__ = "helpful_marks"
    # A thread page counts its answers' marks, and the counters recount a thread's, by answer:
    # without this the primary key (member first) made each of those a scan of every mark.
    __table_args__ = (sa.Index("ix_helpful_marks_answer_id", "answer_id"),)

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    answer_id: Mapped[int] = mapped_column(sa.ForeignKey("answers.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
