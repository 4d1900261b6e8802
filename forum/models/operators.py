"""What the operators' room reads and writes beside the forum: daily counters, notices to members."""
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .base import Model, UTCDateTime, utcnow
from .question import Answer

COUNTER_KINDS = ("faq_view", "search_empty")
NOTICE_ACTIONS = ("hide", "restore", "close", "reopen", "suspend")


class DailyCounter(Model):
    """How many times something happened on one (Tokyo) day: one row per day and kind, moved by
    one UPSERT per event (forum/counters.py), never a row per event."""

    __tablename__ = "daily_counters"

    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    count: Mapped[int] = mapped_column(sa.BigInteger, default=0, server_default="0")


class MemberNotice(Model):
    """What a moderator did to a member's post or account, and why, shown on their next visit
    until they dismiss it (forum/notices.py)."""

    __tablename__ = "member_notices"
    __table_args__ = (sa.Index("ix_member_notices_user_seen", "user_id", "seen_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    action: Mapped[str] = mapped_column(sa.String(32))
    target_type: Mapped[str] = mapped_column(sa.String(16))
    target_id: Mapped[int] = mapped_column()
    # The thread the post belongs to (a link back), when there is one.
    question_id: Mapped[int | None] = mapped_column()
    # The thread's title when it happened (a hidden thread cannot be opened by its author).
    title: Mapped[str] = mapped_column(sa.String(120), default="", server_default="")
    reason: Mapped[str | None] = mapped_column(sa.String(32))
    note: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


# Answers per member and their first answer ever, read from this index alone (the insights' "new answerers"); declared
# here, with the room that needs it, on the answers table.
sa.Index("ix_answers_author_created", Answer.author_id, Answer.created_at, Answer.is_hidden)
