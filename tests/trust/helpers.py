"""Small helpers for the trust-and-safety tests."""
from datetime import timedelta

from forum.extensions import db
from forum.models import User, utcnow
from tests.factories import make_user
from tests.functional.html import forms

ROLES = ("guest", "member", "veteran", "moderator", "admin", "suspended")


def make_role(role: str, name: str | None = None) -> User | None:
    """A signed-up user of the role (None for a guest)."""
    if role == "guest":
        return None
    user = make_user(name or role, role=role if role in ("moderator", "admin") else "member",
                     veteran=(role == "veteran"))
    if role == "suspended":
        suspend(user, "スパム投稿のため")
    return user


def suspend(user: User, reason: str, days: int = 3) -> None:
    user.suspended_until = utcnow() + timedelta(days=days)
    user.suspension_reason = reason
    db.session.commit()


def report_form(page, target_type: str, target_id: int):
    """The report form for one post on a thread page."""
    found = [f for f in forms(page) if f.action.endswith("/reports")
             and f.attrs.get("id") == f"report-{target_type}-{target_id}"]
    assert len(found) == 1, found
    return found[0]
