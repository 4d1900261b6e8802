"""Accounts and profiles: creating users, the veteran badge, profile queries and edits."""
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import orm

from .. import permissions
from ..exceptions import PermissionDenied
from ..extensions import db
from ..models import Answer, AuditLog, Question, User


def best_answer_count(user: User) -> int:
    """How many of the user's visible answers were chosen best."""
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Question)
        .join(Answer, Answer.id == Question.best_answer_id)
        .where(Answer.author_id == user.id, Answer.is_hidden.is_(False))
    ) or 0


def badge_revoked_by_hand(user: User) -> bool:
    """Whether a moderator's last word on the user's 先輩 badge was to take it away."""
    last = db.session.scalar(
        sa.select(AuditLog.action)
        .where(AuditLog.target_type == "user", AuditLog.target_id == user.id,
               AuditLog.action.in_(("grant_veteran", "revoke_veteran")))
        .order_by(AuditLog.id.desc()).limit(1)
    )
    return last == "revoke_veteran"


def award_veteran_if_earned(user: User) -> bool:
    """Grant the 先輩 badge once the user's answers were chosen best N times (no commit).
    A badge a moderator took away stays away until a moderator grants it again."""
    if user.is_veteran:
        return False
    db.session.flush()
    # The audit log is read only when the count would grant the badge, not on every resolve.
    if best_answer_count(user) < current_app.config["VETERAN_BEST_ANSWERS"] or badge_revoked_by_hand(user):
        return False
    user.is_veteran = True
    return True


def get_user_by_name(username: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.username == username))


def find_login_user(name_or_email: str) -> User | None:
    """Sign-in accepts the user name or the e-mail address."""
    value = (name_or_email or "").strip()
    if not value:
        return None
    if "@" in value:
        return db.session.scalar(sa.select(User).where(sa.func.lower(User.email) == value.lower()))
    return get_user_by_name(value)


def create_user(username: str, email: str | None, password: str | None,
                role: str = "member", is_veteran: bool = False) -> User:
    """Create an account (no commit: the caller's use case decides)."""
    user = User(username=username, email=(email or None), role=role, is_veteran=is_veteran)
    if password:
        user.set_password(password)
    db.session.add(user)
    return user


def update_profile(user: User, member: User, bio: str) -> User:
    """A member edits their own profile (the guard has already checked the text)."""
    if not permissions.can_edit_profile(user, member):
        raise PermissionDenied(_("このプロフィールは編集できません。"))
    member.bio = bio or ""
    db.session.commit()
    return member


@dataclass
class Profile:
    user: User
    questions: list[Question]
    answers: list[Answer]
    best_answers: int
    question_count: int = 0
    answer_count: int = 0


def load_profile(user: User, limit: int = 20) -> Profile:
    """What a profile page shows: recent visible questions and answers, best-answer count."""
    questions = db.session.scalars(
        sa.select(Question)
        .where(Question.author_id == user.id, Question.is_hidden.is_(False))
        .order_by(Question.created_at.desc()).limit(limit)
    ).all()
    answers = db.session.scalars(
        sa.select(Answer)
        .join(Question, Question.id == Answer.question_id)
        .options(orm.contains_eager(Answer.question))
        .where(Answer.author_id == user.id, Answer.is_hidden.is_(False), Question.is_hidden.is_(False))
        .order_by(Answer.created_at.desc()).limit(limit)
    ).all()
    question_count = db.session.scalar(
        sa.select(sa.func.count()).select_from(Question)
        .where(Question.author_id == user.id, Question.is_hidden.is_(False))
    ) or 0
    answer_count = db.session.scalar(
        sa.select(sa.func.count()).select_from(Answer)
        .join(Question, Question.id == Answer.question_id)
        .where(Answer.author_id == user.id, Answer.is_hidden.is_(False), Question.is_hidden.is_(False))
    ) or 0
    return Profile(user, list(questions), list(answers), best_answer_count(user), question_count, answer_count)
