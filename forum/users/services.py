"""Profiles: what a profile page shows, and a member's own edit."""
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy import orm

from .. import permissions
from ..badges import best_answer_count
from ..exceptions import PermissionDenied
from ..extensions import db
from ..models import Answer, Question, User


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
