"""The 先輩 (veteran) badge rule: N best answers earn it, unless a moderator took it away."""
import sqlalchemy as sa
from flask import current_app

from . import pagecache
from .extensions import db
from .models import Answer, AuditLog, Question, User
from .models.counters import first_answers_statement

CHUNK = 5000  # member ids per statement (within SQLite's bound-parameter limit)


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


def award_all_earned() -> int:
    """Apply the rule to every member at once, however their best answers arrived (an import,
    the demo data, a full copy): one UPDATE; returns how many were granted (no commit).
    Like award_veteran_if_earned, a badge a moderator took away stays away."""
    earned = (
        sa.select(Answer.author_id)
        .join(Question, Question.best_answer_id == Answer.id)
        .where(Answer.is_hidden.is_(False))
        .group_by(Answer.author_id)
        .having(sa.func.count() >= current_app.config["VETERAN_BEST_ANSWERS"])
    )
    last, later = sa.orm.aliased(AuditLog), sa.orm.aliased(AuditLog)
    revoked = (
        sa.select(last.id)
        .where(last.target_type == "user", last.target_id == User.id, last.action == "revoke_veteran",
               ~sa.select(later.id).where(later.target_type == "user", later.target_id == User.id,
                                          later.action == "grant_veteran", later.id > last.id).exists())
    )
    granted = list(db.session.scalars(
        sa.update(User).where(User.is_veteran.is_(False), User.id.in_(earned), ~revoked.exists())
        .values(is_veteran=True).returning(User.id).execution_options(synchronize_session=False)
    ))
    if granted:
        connection = db.session.connection()
        # A Core UPDATE skips the flush listener: the threads these members answered get their
        # first-veteran-answer times here, and the write is counted for the page cache.
        for start in range(0, len(granted), CHUNK):
            connection.execute(first_answers_statement(answered_by=granted[start:start + CHUNK]))
        pagecache.bump(connection)
    return len(granted)
