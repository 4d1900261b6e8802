"""Report use cases: a member files a report (the moderators' queue is in moderation.queue)."""
import sqlalchemy as sa
from flask_babel import gettext as _

from .. import permissions
from ..exceptions import NotFound, PermissionDenied
from ..extensions import db
from ..lookups import get_post, thread_of
from ..models import Report, User


def open_report_exists(reporter: User, target_type: str, target_id: int) -> bool:
    return db.session.execute(
        sa.select(sa.func.count()).select_from(Report).where(
            Report.reporter_id == reporter.id, Report.target_type == target_type,
            Report.target_id == target_id, Report.status == "open",
        )
    ).scalar_one() > 0


def file_report(reporter: User, target_type: str, target_id: int, reason: str, detail: str = "") -> Report | None:
    """Record a report; None when this member already has an open report on the post."""
    if not permissions.can_report(reporter):
        raise PermissionDenied(_("利用停止中のため通報できません。"))
    post = get_post(target_type, target_id)
    if post is None or not permissions.can_view_question(reporter, thread_of(post)) \
            or not (permissions.can_view_answer(reporter, post) if target_type == "answer" else True):
        raise NotFound(_("通報する投稿が見つかりませんでした。"))
    if post.author_id == reporter.id:
        raise PermissionDenied(_("自分の投稿は通報できません。"))
    if open_report_exists(reporter, target_type, target_id):
        return None
    report = Report(reporter_id=reporter.id, target_type=target_type, target_id=target_id,
                    reason=reason, detail=detail or "")
    db.session.add(report)
    db.session.commit()
    return report
