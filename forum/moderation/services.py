"""Moderator use cases: close and reopen threads, the audit log."""
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from .. import permissions
from ..exceptions import PermissionDenied, StateConflict
from ..extensions import db
from ..models import AuditLog, Question, User, utcnow
from ..search import index


def log_action(actor: User, action: str, target_type: str, target_id: int,
               reason: str | None = None, note: str = "") -> AuditLog:
    """Write one audit entry (no commit: it belongs to the action's transaction)."""
    entry = AuditLog(actor_id=actor.id, action=action, target_type=target_type,
                     target_id=target_id, reason=reason, note=note or "")
    db.session.add(entry)
    return entry


def close_question(moderator: User, question: Question, reason: str, note: str = "") -> Question:
    """Close an open or resolved thread: it leaves search and takes no answers."""
    if not permissions.can_close(moderator, question):
        raise PermissionDenied(_("スレッドをクローズできるのはモデレーターだけです。"))
    if question.status == "closed":
        raise StateConflict(_("このスレッドはすでにクローズされています。"))
    question.status_before_close = question.status
    question.status = "closed"
    question.close_reason = reason
    question.close_note = note or ""
    question.closed_at = utcnow()
    index.refresh(question)
    log_action(moderator, "close", "question", question.id, reason, note)
    db.session.commit()
    return question


def reopen_question(moderator: User, question: Question) -> Question:
    """Undo a close: the thread returns to the state it had (open or resolved)."""
    if not permissions.can_reopen(moderator, question):
        raise PermissionDenied(_("スレッドを再開できるのはモデレーターだけです。"))
    if question.status != "closed":
        raise StateConflict(_("このスレッドはクローズされていません。"))
    question.status = question.status_before_close or "open"
    question.status_before_close = None
    question.close_reason = None
    question.close_note = None
    question.closed_at = None
    index.refresh(question)
    log_action(moderator, "reopen", "question", question.id)
    db.session.commit()
    return question


def audit_log(page: int, per_page: int = 50, actor: str | None = None, action: str | None = None,
              since: datetime | None = None, until: datetime | None = None):
    """The audit log, newest first, filterable by moderator name, action and date range."""
    stmt = sa.select(AuditLog).order_by(AuditLog.created_at.desc(), AuditLog.id.desc())
    if actor:
        stmt = stmt.join(User, User.id == AuditLog.actor_id).where(User.username == actor)
    if action:
        stmt = stmt.where(AuditLog.action == action)
    if since:
        stmt = stmt.where(AuditLog.created_at >= since)
    if until:
        stmt = stmt.where(AuditLog.created_at < until)
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)
