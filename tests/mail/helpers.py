"""Reading the outbox in tests."""
import sqlalchemy as sa

from forum.extensions import db
from forum.models import DigestItem, OutboxMail


def outbox(kind: str | None = None) -> list[OutboxMail]:
    db.session.expire_all()
    stmt = sa.select(OutboxMail).order_by(OutboxMail.id)
    if kind:
        stmt = stmt.where(OutboxMail.kind == kind)
    return list(db.session.scalars(stmt))


def mailed(kind: str | None = None) -> list[tuple[str, str]]:
    """(recipient address, kind) of every queued mail."""
    return [(m.to_address, m.kind) for m in outbox(kind)]


def digest_lines(user_id: int) -> list[DigestItem]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(DigestItem).where(DigestItem.user_id == user_id)
                                   .order_by(DigestItem.id)))
