"""Profiles: what a profile page shows, and a member's own edit."""
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy import orm

from .. import permissions
from ..badges import best_answer_count
from ..exceptions import PermissionDenied
from ..extensions import db
from ..models import Answer, AuditLog, Comment, Question, Report, Supplement, User


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


@dataclass
class ModerationHistory:
    """What moderators see on a member's profile: reports the member filed, reports on the
    member's posts, and moderator actions on the member or their posts (newest first)."""

    filed: list[Report]
    received: list[Report]
    actions: list[AuditLog]


def _authored(model, user: User):
    return sa.select(model.id).where(model.author_id == user.id).scalar_subquery()


def moderation_history(user: User, limit: int = 20) -> ModerationHistory:
    """Three statements, each bounded."""
    on_posts = sa.or_(
        sa.and_(Report.target_type == "question", Report.target_id.in_(_authored(Question, user))),
        sa.and_(Report.target_type == "answer", Report.target_id.in_(_authored(Answer, user))),
    )
    filed = db.session.scalars(
        sa.select(Report).where(Report.reporter_id == user.id).order_by(Report.id.desc()).limit(limit)).all()
    received = db.session.scalars(sa.select(Report).where(on_posts).order_by(Report.id.desc()).limit(limit)).all()
    targets = sa.or_(
        sa.and_(AuditLog.target_type == "user", AuditLog.target_id == user.id),
        *(sa.and_(AuditLog.target_type == kind, AuditLog.target_id.in_(_authored(model, user)))
          for kind, model in (("question", Question), ("answer", Answer), ("comment", Comment),
                              ("supplement", Supplement))),
    )
    actions = db.session.scalars(
        sa.select(AuditLog).where(targets).order_by(AuditLog.id.desc()).limit(limit)).all()
    return ModerationHistory(list(filed), list(received), list(actions))
