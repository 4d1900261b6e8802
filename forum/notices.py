"""Telling members what a moderator did to their post or account, and why.

Until the in-app notifications land, a notice waits in member_notices and is shown on the
member's next visit (every page, under the header) until they dismiss it, with a link to the
contact form to appeal. `tell` is the one writer, so switching it to the notifications is one edit.
"""
import sqlalchemy as sa
from flask import Flask
from flask_login import current_user

from .extensions import db
from .models import Answer, Question, Report, User, utcnow
from .models.operators import MemberNotice


def tell(member_id: int, action: str, post: Question | Answer | User, reason: str | None = None,
         note: str = "") -> MemberNotice:
    """Leave the member a notice of `action` on `post` (no commit: part of the moderator's action)."""
    if isinstance(post, User):
        target_type, question = "user", None
    else:
        target_type = "question" if isinstance(post, Question) else "answer"
        question = post if isinstance(post, Question) else post.question
    notice = MemberNotice(user_id=member_id, action=action, target_type=target_type, target_id=post.id,
                          question_id=question.id if question is not None else None,
                          title=question.title if question is not None else "", reason=reason, note=note or "")
    db.session.add(notice)
    return notice


def unseen(user) -> list[MemberNotice]:
    """The member's notices not yet dismissed, newest first (one indexed query)."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(db.session.scalars(
        sa.select(MemberNotice).where(MemberNotice.user_id == user.id, MemberNotice.seen_at.is_(None))
        .order_by(MemberNotice.id.desc()).limit(20)))


def dismiss(user: User, notice_id: int) -> bool:
    """Mark one of the member's own notices seen (no commit); False when it is not theirs."""
    notice = db.session.get(MemberNotice, notice_id)
    if notice is None or notice.user_id != user.id or notice.seen_at is not None:
        return False
    notice.seen_at = utcnow()
    return True


def open_report_count() -> int:
    """Reports waiting for a moderator (the header's count; one index-only count)."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(Report).where(Report.status == "open")) or 0


def init_app(app: Flask) -> None:
    """Templates ask `member_notices()` and `open_report_count()`; only pages that call them query."""

    @app.context_processor
    def helpers():
        return {"member_notices": lambda: unseen(current_user), "open_report_count": open_report_count}
