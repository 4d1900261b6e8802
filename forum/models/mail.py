"""Mail: the outbox, members' delivery choices, digest items and subscriptions."""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .base import Model, UTCDateTime, utcnow

DELIVERIES = ("immediate", "digest", "never")
OUTBOX_STATES = ("pending", "sent", "failed")


class OutboxMail(Model):
    """One mail to send, written in the transaction of the event that causes it and delivered
    by `flask forum worker`. A worker claims a row by setting claimed_by / claimed_until (a
    lease): a worker killed mid-batch leaves its rows to be claimed again when the lease ends."""

    __tablename__ = "outbox_mails"
    __table_args__ = (sa.Index("ix_outbox_mails_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(40))
    to_address: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(300))
    body_text: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str] = mapped_column(sa.Text)
    # One-click unsubscribe URL (RFC 8058), or None for mail that must not be unsubscribed from.
    unsubscribe_url: Mapped[str | None] = mapped_column(sa.String(500))
    # The same event never queues two mails (a sweep run twice, a digest day): unique when set.
    dedupe_key: Mapped[str | None] = mapped_column(sa.String(200), unique=True)
    # Stable Message-ID: a mail delivered but not marked sent (killed worker) is sent again
    # with the same id, so receiving servers and clients can drop the copy.
    message_id: Mapped[str] = mapped_column(sa.String(200))
    status: Mapped[str] = mapped_column(sa.String(10), default="pending", server_default="pending")
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_by: Mapped[str | None] = mapped_column(sa.String(100))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class MailPreference(Model):
    """A member's choice for one kind of event; no row means the kind's default."""

    __tablename__ = "mail_preferences"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    delivery: Mapped[str] = mapped_column(sa.String(10))


class DigestItem(Model):
    """An event waiting for its member's daily digest (digest_id is set once it is in one)."""

    __tablename__ = "digest_items"
    __table_args__ = (sa.Index("ix_digest_items_pending", "digested_at", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(40))
    line: Mapped[str] = mapped_column(sa.String(300))
    url: Mapped[str] = mapped_column(sa.String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    digested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Subscription(Model):
    """A member follows a category or a tag to hear of new questions there."""

    __tablename__ = "subscriptions"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "category", "tag_id", name="uq_subscriptions_target"),
        sa.Index("ix_subscriptions_category", "category"),
        sa.Index("ix_subscriptions_tag", "tag_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    category: Mapped[str | None] = mapped_column(sa.String(20))
    tag_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tags.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
