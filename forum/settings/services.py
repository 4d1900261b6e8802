"""Notification settings and unsubscribe use cases."""
from dataclasses import dataclass

import sqlalchemy as sa

from ..extensions import db
from ..lookups import tags_by_name
from ..mail.kinds import KINDS, Kind
from ..mail.preferences import all_deliveries, set_delivery
from ..mail.tokens import DIGEST, read_unsubscribe_token
from ..models import DELIVERIES, Subscription, Tag, User


def kinds_for(user: User) -> list[Kind]:
    """The kinds this member may choose for (the 急募 alert is for veterans)."""
    return [k for k in KINDS.values() if not k.veterans_only or user.is_veteran]


@dataclass
class Settings:
    deliveries: dict[str, str]
    locale: str
    categories: list[str]
    tags: list[str]


def current_settings(user: User) -> Settings:
    rows = db.session.execute(
        sa.select(Subscription.category, Tag.name).outerjoin(Tag, Tag.id == Subscription.tag_id)
        .where(Subscription.user_id == user.id).order_by(Subscription.id)).all()
    return Settings(all_deliveries(user.id), user.locale or "ja",
                    [c for c, _ in rows if c], [t for _, t in rows if t])


def save_settings(user: User, deliveries: dict[str, str], locale: str, categories: list[str],
                  tags: list[str]) -> None:
    """Store the member's choices and replace their subscriptions (one commit)."""
    allowed = {k.key for k in kinds_for(user)}
    for kind, delivery in deliveries.items():
        if kind in allowed and delivery in DELIVERIES:
            set_delivery(user.id, kind, delivery)
    if user.locale != locale:
        user.locale = locale
    db.session.execute(sa.delete(Subscription).where(Subscription.user_id == user.id))
    for category in dict.fromkeys(categories):
        db.session.add(Subscription(user_id=user.id, category=category))
    for tag in tags_by_name(tags):
        db.session.flush()
        db.session.add(Subscription(user_id=user.id, tag_id=tag.id))
    db.session.commit()


@dataclass
class Unsubscribe:
    user: User
    kind: str


def read_token(token: str) -> Unsubscribe | None:
    """Who and what a one-click unsubscribe link is for; None for a bad link."""
    value = read_unsubscribe_token(token)
    if value is None:
        return None
    user = db.session.get(User, value[0])
    if user is None or (value[1] != DIGEST and value[1] not in KINDS):
        return None
    return Unsubscribe(user, value[1])


def unsubscribe(target: Unsubscribe) -> None:
    """Stop this kind's mail (the digest's link stops every kind sent in the digest)."""
    if target.kind == DIGEST:
        for kind, delivery in all_deliveries(target.user.id).items():
            if delivery == "digest":
                set_delivery(target.user.id, kind, "never")
    else:
        set_delivery(target.user.id, target.kind, "never")
    db.session.commit()
