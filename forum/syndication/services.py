"""What the sitemap and the feeds list: resolved, visible threads; a thread's new answers."""
import sqlalchemy as sa
from flask_babel import gettext as _

from ..exceptions import NotFound
from ..extensions import db
from ..models import Answer, Question, Tag, question_tags
from ..seo import is_indexable

SITEMAP_URLS = 50_000  # the protocol's limit per sitemap file


def _in_sitemap():
    """Resolved threads that are neither hidden nor closed (closed ones are not 'resolved')."""
    return sa.select(Question.id, Question.updated_at, Question.resolved_at).where(
        Question.status == "resolved", Question.is_hidden.is_(False))


def sitemap_pages(per_page: int = SITEMAP_URLS) -> int:
    """How many sitemap files the threads fill (at least one, maybe empty)."""
    total = db.session.scalar(sa.select(sa.func.count()).select_from(_in_sitemap().subquery())) or 0
    return max(1, -(-total // per_page))


def sitemap_page(page: int, per_page: int = SITEMAP_URLS) -> list[tuple[int, object]]:
    """(thread id, last modified) of one sitemap file, in resolution order (the
    ix_questions_listing_resolved index serves it)."""
    rows = db.session.execute(
        _in_sitemap().order_by(Question.resolved_at, Question.id).limit(per_page).offset((page - 1) * per_page))
    return [(qid, max(d for d in (updated, resolved) if d is not None)) for qid, updated, resolved in rows]


def resolved_threads(category: str | None, tag_name: str | None, limit: int = 20) -> list[Question]:
    """The newest resolved threads, of a category or a tag."""
    stmt = sa.select(Question).where(Question.status == "resolved", Question.is_hidden.is_(False))
    if category:
        stmt = stmt.where(Question.category == category)
    if tag_name:
        tag = db.session.scalar(sa.select(Tag).where(Tag.name == tag_name)) if len(tag_name) <= 40 else None
        if tag is None:
            raise NotFound(_("タグ「%(name)s」は見つかりませんでした。", name=tag_name))
        stmt = stmt.join(question_tags, question_tags.c.question_id == Question.id).where(
            question_tags.c.tag_id == tag.id)
    return list(db.session.scalars(stmt.order_by(Question.resolved_at.desc(), Question.id.desc()).limit(limit)))


def new_answers(question: Question, limit: int = 50) -> list[Answer]:
    """A thread's visible answers, newest first (nothing for a thread kept out of search engines
    but still readable: its feed is empty rather than missing)."""
    if question.is_hidden:
        return []
    return list(db.session.scalars(
        sa.select(Answer).where(Answer.question_id == question.id, Answer.is_hidden.is_(False))
        .order_by(Answer.created_at.desc(), Answer.id.desc()).limit(limit)))


__all__ = ["is_indexable", "new_answers", "resolved_threads", "sitemap_page", "sitemap_pages"]
