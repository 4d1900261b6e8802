"""Members' delivery choices per kind of event: immediately, in the daily digest, or never."""
import sqlalchemy as sa

from ..extensions import db
from ..models import MailPreference
from .kinds import KINDS, default_for


def deliveries_for(user_ids: list[int], kind: str) -> dict[int, str]:
    """Each member's choice for `kind` (their row, else the kind's default), in one query."""
    if not user_ids:
        return {}
    chosen: dict[int, str] = {user_id: delivery for user_id, delivery in db.session.execute(
        sa.select(MailPreference.user_id, MailPreference.delivery)
        .where(MailPreference.user_id.in_(user_ids), MailPreference.kind == kind))}
    default = default_for(kind)
    return {uid: chosen.get(uid, default) for uid in user_ids}


def delivery_for(user_id: int, kind: str) -> str:
    return deliveries_for([user_id], kind)[user_id]


def all_deliveries(user_id: int) -> dict[str, str]:
    """Every listed kind's delivery for one member (the settings page)."""
    chosen: dict[str, str] = {kind: delivery for kind, delivery in db.session.execute(
        sa.select(MailPreference.kind, MailPreference.delivery).where(MailPreference.user_id == user_id))}
    return {key: chosen.get(key, kind.default) for key, kind in KINDS.items()}


def set_delivery(user_id: int, kind: str, delivery: str) -> None:
    """Store a choice (no commit: the caller's use case commits)."""
    row = db.session.get(MailPreference, (user_id, kind))
    if row is None:
        db.session.add(MailPreference(user_id=user_id, kind=kind, delivery=delivery))
    elif row.delivery != delivery:
        row.delivery = delivery
