"""Writing mail: into the outbox, in the caller's transaction (nothing here commits).

A mail exists exactly when the event that causes it commits: both are rows of one
transaction. `flask forum worker` (forum/mail/worker.py) delivers what is queued here.
"""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..models import DigestItem, OutboxMail, User
from .compose import absolute_url, mail_locale, new_message_id, render_mail
from .kinds import KINDS, TRANSACTIONAL
from .preferences import deliveries_for
from .tokens import DIGEST, unsubscribe_token

TOKYO = ZoneInfo("Asia/Tokyo")


def _exists(dedupe_key: str | None) -> bool:
    return dedupe_key is not None and db.session.scalar(
        sa.select(OutboxMail.id).where(OutboxMail.dedupe_key == dedupe_key)) is not None


def queue_mail(user: User, kind: str, subject, template: str, *, dedupe_key: str | None = None,
               **context) -> OutboxMail | None:
    """Put one mail to `user` in the outbox (in their language). None when they have no
    address or the same dedupe_key was queued before (a re-run must not mail twice)."""
    if not user.email or _exists(dedupe_key):
        return None
    unsubscribe = None
    if kind not in TRANSACTIONAL:
        unsubscribe = absolute_url("settings.unsubscribe", token=unsubscribe_token(user.id, kind))
    rendered = render_mail(mail_locale(user), subject, template, user=user, unsubscribe_url=unsubscribe,
                           kind_label=KINDS[kind].label if kind in KINDS else None, **context)
    mail = OutboxMail(user_id=user.id, kind=kind, to_address=user.email, subject=rendered.subject,
                      body_text=rendered.text, body_html=rendered.html, unsubscribe_url=unsubscribe,
                      dedupe_key=dedupe_key, message_id=new_message_id())
    db.session.add(mail)
    return mail


def mail_event(recipients: list[User], kind: str, *, actor: User | None, subject, template: str,
               line, url: str, dedupe_key: str | None = None, **context) -> None:
    """Tell members of an event by mail as each of them chose: now (the outbox), in the
    daily digest (a digest line), or not at all. The actor never hears of their own act.
    `subject` and `line` are lazy strings, rendered in each recipient's language;
    `dedupe_key` (with the recipient's id appended) keeps a re-run from mailing twice."""
    wanted = {u.id: u for u in recipients if u.email and (actor is None or u.id != actor.id)}
    for user_id, delivery in deliveries_for(list(wanted), kind).items():
        user = wanted[user_id]
        key = f"{dedupe_key}:{user_id}" if dedupe_key else None
        if delivery == "immediate":
            queue_mail(user, kind, subject, template, dedupe_key=key, url=url, **context)
        elif delivery == "digest":
            with force_locale(mail_locale(user)):
                text = str(line)
            db.session.add(DigestItem(user_id=user_id, kind=kind, line=text[:300], url=url))


def digest_day(now: datetime) -> str:
    return now.astimezone(TOKYO).date().isoformat()


def queue_digests(now: datetime) -> int:
    """One digest mail per member with waiting digest lines, at most one per Tokyo day, from
    DIGEST_HOUR (Tokyo time) on. Returns the number of mails queued."""
    if now.astimezone(TOKYO).hour < current_app.config["DIGEST_HOUR"]:
        return 0
    day = digest_day(now)
    user_ids = list(db.session.scalars(
        sa.select(DigestItem.user_id).where(DigestItem.digested_at.is_(None), DigestItem.created_at <= now)
        .distinct().order_by(DigestItem.user_id)))
    queued = 0
    for user_id in user_ids:
        key = f"digest:{user_id}:{day}"
        if _exists(key):
            continue  # today's digest went out already: these lines wait for tomorrow's
        items = list(db.session.scalars(
            sa.select(DigestItem).where(DigestItem.user_id == user_id, DigestItem.digested_at.is_(None),
                                        DigestItem.created_at <= now)
            .order_by(DigestItem.created_at, DigestItem.id)))
        user = db.session.get(User, user_id)
        if user is None:
            continue
        if user.email:
            mail = queue_mail(user, DIGEST, _l("【相談室】今日のお知らせ（%(n)d件）", n=len(items)), "digest",
                              dedupe_key=key, items=items, day=day)
            queued += mail is not None
        for item in items:
            item.digested_at = now
    return queued


def due_count(now: datetime | None = None) -> int:
    stmt = sa.select(sa.func.count()).select_from(OutboxMail).where(OutboxMail.status == "pending")
    if now is not None:
        stmt = stmt.where(OutboxMail.next_attempt_at <= now)
    return db.session.scalar(stmt) or 0


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff: base · 2^(attempts-1), capped."""
    base = current_app.config["MAIL_RETRY_BASE_SECONDS"]
    return timedelta(seconds=min(base * 2 ** max(0, attempts - 1), current_app.config["MAIL_RETRY_MAX_SECONDS"]))
