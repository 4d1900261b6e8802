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


# Keys looked up per statement: a few thousand bound values stay well inside every engine's limit.
_KEYS_PER_LOOKUP = 1000


def _queued_keys(keys: list[str]) -> set[str]:
    """Those of `keys` already in the outbox, one statement per thousand keys (none for none)."""
    found: set[str] = set()
    for start in range(0, len(keys), _KEYS_PER_LOOKUP):
        found.update(db.session.scalars(sa.select(OutboxMail.dedupe_key)
                                        .where(OutboxMail.dedupe_key.in_(keys[start:start + _KEYS_PER_LOOKUP]))))
    return found


def _mail_row(user: User, kind: str, subject, template: str, dedupe_key: str | None, **context) -> dict:
    """One outbox row's values: the mail rendered in the user's language."""
    unsubscribe = None
    if kind not in TRANSACTIONAL:
        unsubscribe = absolute_url("settings.unsubscribe", token=unsubscribe_token(user.id, kind))
    rendered = render_mail(mail_locale(user), subject, template, user=user, unsubscribe_url=unsubscribe,
                           kind_label=KINDS[kind].label if kind in KINDS else None, **context)
    return {"user_id": user.id, "kind": kind, "to_address": user.email, "subject": rendered.subject,
            "body_text": rendered.text, "body_html": rendered.html, "unsubscribe_url": unsubscribe,
            "dedupe_key": dedupe_key, "message_id": new_message_id()}


def queue_mail(user: User, kind: str, subject, template: str, *, dedupe_key: str | None = None,
               **context) -> OutboxMail | None:
    """Put one mail to `user` in the outbox (in their language). None when they have no
    address or the same dedupe_key was queued before (a re-run must not mail twice)."""
    if not user.email or _exists(dedupe_key):
        return None
    mail = OutboxMail(**_mail_row(user, kind, subject, template, dedupe_key, **context))
    db.session.add(mail)
    return mail


def mail_event(recipients: list[User], kind: str, *, actor: User | None, subject, template: str,
               line, url: str, dedupe_key: str | None = None, **context) -> None:
    """Tell members of an event by mail as each of them chose: now (the outbox), in the
    daily digest (a digest line), or not at all. The actor never hears of their own act.
    `subject` and `line` are lazy strings, rendered in each recipient's language;
    `dedupe_key` (with the recipient's id appended) keeps a re-run from mailing twice.

    A bounded number of statements however many recipients (a category's subscribers may be
    thousands, inside the asker's request): one for their choices, one for the keys already
    queued, and one multi-row INSERT each for the mails and the digest lines."""
    wanted = {u.id: u for u in recipients if u.email and (actor is None or u.id != actor.id)}
    deliveries = deliveries_for(list(wanted), kind)
    keys = {user_id: f"{dedupe_key}:{user_id}" if dedupe_key else None for user_id in wanted}
    queued = _queued_keys([key for uid, key in keys.items() if key and deliveries[uid] == "immediate"])
    mails: list[dict] = []
    lines: list[dict] = []
    line_in: dict[str, str] = {}  # the digest line in each language, rendered once
    for user_id, delivery in deliveries.items():
        user = wanted[user_id]
        if delivery == "immediate" and keys[user_id] not in queued:
            mails.append(_mail_row(user, kind, subject, template, keys[user_id], url=url, **context))
        elif delivery == "digest":
            locale = mail_locale(user)
            if locale not in line_in:
                with force_locale(locale):
                    line_in[locale] = str(line)[:300]
            lines.append({"user_id": user_id, "kind": kind, "line": line_in[locale], "url": url})
    # Multi-row INSERTs (their defaults, e.g. created_at, filled per row): nothing reads the
    # rows back in the event's transaction, so no objects are made for them.
    if mails:
        db.session.execute(sa.insert(OutboxMail), mails)
    if lines:
        db.session.execute(sa.insert(DigestItem), lines)


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
