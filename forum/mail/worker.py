"""Delivering the outbox: `flask forum worker [--once]`.

The outbox is a table, so a queued mail commits (or not) with its event, on SQLite as on
PostgreSQL, with or without Redis; a job library such as RQ would need Redis and a second
store to keep in step, so the loop is our own and small:

1. Claim a batch in one statement: UPDATE … SET claimed_by, claimed_until WHERE id IN (the
   due rows, FOR UPDATE SKIP LOCKED on PostgreSQL) RETURNING id. Workers running at once
   never claim the same row; SQLite runs the statement under its single write lock.
2. Send each mail and mark it sent in its own commit, right after the server accepted it.
3. A failure releases the mail with exponential backoff (a server that is down releases the
   whole batch); a 5xx refusal, or MAIL_MAX_ATTEMPTS failures, marks it failed.

A worker killed mid-batch leaves its claimed rows; the lease (claimed_until) runs out and
another worker takes them. The one mail that can go twice is one the server accepted in
the instant before the kill, ahead of its commit; it goes again with the same Message-ID.
"""
import logging
import os
import signal
import socket
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from ..extensions import db
from ..models import OutboxMail, utcnow
from .outbox import retry_delay
from .transport import PermanentFailure, ServerUnavailable, TemporaryFailure, build_message, transport_for

log = logging.getLogger("forum.mail")
outbox = OutboxMail.__table__


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def _due(now: datetime):
    return ((outbox.c.status == "pending") & (outbox.c.next_attempt_at <= now)
            & (outbox.c.claimed_until.is_(None) | (outbox.c.claimed_until < now)))


def claim(worker: str, now: datetime, limit: int) -> list[int]:
    """Claim up to `limit` due mails for this worker (committed); their ids, oldest first."""
    lease = now + timedelta(seconds=current_app.config["MAIL_CLAIM_SECONDS"])
    due = (sa.select(outbox.c.id).where(_due(now)).order_by(outbox.c.next_attempt_at, outbox.c.id)
           .limit(limit).with_for_update(skip_locked=True))
    claimed = db.session.execute(
        outbox.update().where(outbox.c.id.in_(due.scalar_subquery()), _due(now))
        .values(claimed_by=worker, claimed_until=lease).returning(outbox.c.id)).scalars().all()
    db.session.commit()
    return sorted(claimed)


def _finish(mail_id: int, worker: str, **values) -> None:
    db.session.execute(outbox.update().where(outbox.c.id == mail_id, outbox.c.claimed_by == worker)
                       .values(claimed_by=None, claimed_until=None, **values))
    db.session.commit()


def _retry(row, worker: str, now: datetime, error: str) -> None:
    attempts = row.attempts + 1
    if attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
        _finish(row.id, worker, attempts=attempts, status="failed", last_error=error)
        log.error("mail %s failed for good after %d attempts: %s", row.id, attempts, error)
    else:
        _finish(row.id, worker, attempts=attempts, next_attempt_at=now + retry_delay(attempts), last_error=error)
        log.warning("mail %s will be retried (attempt %d): %s", row.id, attempts, error)


def deliver_due(now: datetime | None = None, worker: str | None = None,
                stop: Callable[[], bool] = lambda: False) -> dict[str, int]:
    """Deliver one batch of due mail; counts of sent / retried / failed."""
    now = now or utcnow()
    worker = worker or worker_id()
    counts = {"sent": 0, "retried": 0, "failed": 0}
    ids = claim(worker, now, current_app.config["MAIL_BATCH_SIZE"])
    if not ids:
        return counts
    transport = transport_for(current_app.config)
    rows = {r.id: r for r in db.session.execute(sa.select(outbox).where(outbox.c.id.in_(ids)))}
    db.session.commit()
    try:
        for index, mail_id in enumerate(ids):
            row = rows[mail_id]
            if stop():
                for rest in ids[index:]:
                    _finish(rest, worker)  # back to the queue untouched
                break
            try:
                transport.send(build_message(row))
            except ServerUnavailable as error:
                for rest in ids[index:]:
                    _retry(rows[rest], worker, now, str(error))
                counts["retried"] += len(ids) - index
                break
            except TemporaryFailure as error:
                _retry(row, worker, now, str(error))
                counts["retried"] += 1
                continue
            except PermanentFailure as error:
                _finish(mail_id, worker, attempts=row.attempts + 1, status="failed", last_error=str(error))
                counts["failed"] += 1
                log.error("mail %s refused: %s", mail_id, error)
                continue
            _finish(mail_id, worker, attempts=row.attempts + 1, status="sent", sent_at=utcnow(), last_error=None)
            counts["sent"] += 1
    finally:
        transport.close()
    return counts


def run(once: bool = False, clock: Callable[[], datetime] = utcnow) -> dict[str, int]:
    """Deliver until stopped (SIGTERM / SIGINT finish the mail in hand), or, with `once`,
    until nothing is due. Returns the totals."""
    stopping = {"now": False}

    def request_stop(signum, frame):
        stopping["now"] = True

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    worker = worker_id()
    totals = {"sent": 0, "retried": 0, "failed": 0}
    try:
        while not stopping["now"]:
            counts = deliver_due(clock(), worker, stop=lambda: stopping["now"])
            for key, value in counts.items():
                totals[key] += value
            if sum(counts.values()) == 0 or counts["retried"] and not counts["sent"]:
                if once:
                    break
                time.sleep(current_app.config["MAIL_POLL_SECONDS"])
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return totals
