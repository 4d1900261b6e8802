"""The moderators' queues: open reports grouped by post (closing them with an action), and the
posts the contact guard held."""
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from markupsafe import Markup
from sqlalchemy import orm

from ..extensions import db
from ..guard import marked_spans
from ..lookups import thread_of
from ..models import Answer, Comment, Question, Report, Supplement, User, utcnow


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


HELD_KINDS = ("question", "answer", "comment", "supplement")
_HELD_MODELS: dict[str, Any] = {"question": Question, "answer": Answer, "comment": Comment, "supplement": Supplement}


@dataclass
class HeldItem:
    """A post the contact guard held: where it is, and its suspicious spans marked, per field."""

    target_type: str
    post: Question | Answer | Comment | Supplement
    spans: list[tuple[str, list[Markup]]]

    @property
    def question(self) -> Question:
        return thread_of(self.post)

    @property
    def target_id(self) -> int:
        return self.post.id


def _fields(target_type: str, post) -> list[tuple[str, str]]:
    if target_type == "question":
        return [("title", post.title), ("body", post.body), ("tags", " ".join(t.name for t in post.tags))]
    return [("body", post.body)]


def held_queue(limit: int = 50) -> list[HeldItem]:
    """Posts waiting for a moderator, oldest first: one query per kind of post."""
    items: list[HeldItem] = []
    for kind, model in _HELD_MODELS.items():
        stmt = sa.select(model).where(model.is_held.is_(True)).order_by(model.created_at, model.id).limit(limit)
        if kind != "question":
            stmt = stmt.options(orm.joinedload(model.question))
        for post in db.session.scalars(stmt).unique():
            spans = [(name, marked) for name, text in _fields(kind, post) if (marked := marked_spans(text))]
            items.append(HeldItem(kind, post, spans))
    items.sort(key=lambda item: item.post.created_at)
    return items[:limit]
