"""Small helpers for the trust-and-safety tests."""
from datetime import timedelta

from forum.extensions import db
from forum.models import User, utcnow
from tests.factories import make_user
from tests.functional.html import follow_link, form

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


def report_form(client, page, target_type: str, target_id: int):
    """The report form for one post, reached as a reader does: through the post's one report
    link on the thread `page`."""
    return form(follow_link(client, page, f"/reports/new?target_type={target_type}&target_id={target_id}"),
                "/reports")
