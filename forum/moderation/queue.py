"""The moderators' report queue: open reports grouped by post; closing them with an action."""
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import orm

from ..extensions import db
from ..lookups import thread_of
from ..models import Answer, Question, Report, User, utcnow


def close_reports(moderator: User, target_type: str, target_id: int, resolution: str) -> int:
    """Close every open report on the post (no commit: part of the moderator's action)."""
    reports = db.session.scalars(
        sa.select(Report).where(Report.target_type == target_type, Report.target_id == target_id,
                                Report.status == "open")
    ).all()
    now = utcnow()
    for report in reports:
        report.status = "closed"
        report.handled_by_id = moderator.id
        report.handled_at = now
        report.resolution = resolution
    return len(reports)


@dataclass
class QueueItem:
    """One reported post with its open reports, oldest report first."""

    target_type: str
    target_id: int
    post: Question | Answer | None
    reports: list[Report] = field(default_factory=list)

    @property
    def first_reported(self) -> datetime:
        return self.reports[0].created_at

    @property
    def question(self) -> Question | None:
        return thread_of(self.post) if self.post is not None else None


def report_queue(limit: int = 50) -> list[QueueItem]:
    """Open reports grouped by post, the post waiting longest first, in three queries."""
    reports = db.session.scalars(
        sa.select(Report).where(Report.status == "open").order_by(Report.created_at, Report.id)
    ).all()
    items: dict[tuple[str, int], QueueItem] = {}
    for report in reports:
        key = (report.target_type, report.target_id)
        if key not in items:
            if len(items) >= limit:
                continue
            items[key] = QueueItem(report.target_type, report.target_id, None)
        items[key].reports.append(report)
    ids = {kind: [i for (k, i) in items if k == kind] for kind in ("question", "answer")}
    posts: dict[tuple[str, int], Question | Answer] = {}
    if ids["question"]:
        posts.update({("question", q.id): q for q in db.session.scalars(
            sa.select(Question).where(Question.id.in_(ids["question"])))})
    if ids["answer"]:
        answers = db.session.scalars(
            sa.select(Answer).where(Answer.id.in_(ids["answer"]))
            .options(orm.joinedload(Answer.question))
        ).all()
        posts.update({("answer", a.id): a for a in answers})
    for key, item in items.items():
        item.post = posts.get(key)
    return list(items.values())
