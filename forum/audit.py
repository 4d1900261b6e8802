"""The audit log's one writer: every moderator or admin action leaves an entry."""
from .extensions import db
from .models import AuditLog, User


def log_action(actor: User, action: str, target_type: str, target_id: int,
               reason: str | None = None, note: str = "") -> AuditLog:
    """Write one audit entry (no commit: it belongs to the action's transaction)."""
    entry = AuditLog(actor_id=actor.id, action=action, target_type=target_type,
                     target_id=target_id, reason=reason, note=note or "")
    db.session.add(entry)
    return entry
