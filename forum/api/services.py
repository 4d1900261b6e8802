"""What the read API returns: the same rows the pages show, as plain data."""
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from .. import permissions
from ..exceptions import InvalidInput, NotFound
from ..extensions import db
from ..lookups import get_question
from ..models import Answer, HelpfulMark, Question, Tag, question_tags
from ..search.query import parse_query
from ..search.ranking import rank
from ..seo import absolute_url

MAX_QUERY = 200


@dataclass
class Listing:
    items: list[dict]
    page: int
    per_page: int
    total: int

    def as_json(self) -> dict:
        return {"items": self.items, "page": self.page, "per_page": self.per_page, "total": self.total,
                "pages": max(1, -(-self.total // self.per_page))}


def _iso(dt) -> str | None:
    return dt.isoformat() if dt is not None else None


def _author(user) -> dict:
    return {"username": user.username, "is_veteran": bool(user.is_veteran)}


def question_summary(q: Question) -> dict:
    return {
        "id": q.id, "title": q.title, "category": q.category, "status": q.status, "asker_type": q.asker_type,
        "tags": [t.name for t in q.tags], "author": _author(q.author), "answer_count": q.answer_count,
        "created_at": _iso(q.created_at), "resolved_at": _iso(q.resolved_at),
        "url": absolute_url("questions.show", question_id=q.id),
    }


def _in_order(ids: list[int]) -> list[Question]:
    found = {q.id: q for q in db.session.scalars(sa.select(Question).where(Question.id.in_(ids)))} if ids else {}
    return [found[i] for i in ids if i in found]


def list_questions(status: str | None, category: str | None, tag_name: str | None, page: int,
                   per_page: int) -> Listing:
    """Visible threads, newest first (resolved ones by resolution), like /questions."""
    stmt = sa.select(Question.id).where(Question.is_hidden.is_(False))
    if status:
        stmt = stmt.where(Question.status == status)
    if category:
        stmt = stmt.where(Question.category == category)
    if tag_name:
        tag = db.session.scalar(sa.select(Tag).where(Tag.name == tag_name))
        if tag is None:
            raise NotFound(_("タグ「%(name)s」は見つかりませんでした。", name=tag_name))
        stmt = stmt.join(question_tags, question_tags.c.question_id == Question.id).where(
            question_tags.c.tag_id == tag.id)
    if status == "resolved":
        stmt = stmt.order_by(Question.resolved_at.desc(), Question.id.desc())
    else:
        stmt = stmt.order_by(Question.created_at.desc(), Question.id.desc())
    total = db.session.scalar(sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery())) or 0
    ids = list(db.session.scalars(stmt.limit(per_page).offset((page - 1) * per_page)))
    return Listing([question_summary(q) for q in _in_order(ids)], page, per_page, total)


def question_detail(user, question_id: int) -> dict:
    """The thread with the answers this user may see (best answer first), like its page."""
    question = get_question(user, question_id)
    answers = [a for a in db.session.scalars(
        sa.select(Answer).where(Answer.question_id == question.id).order_by(Answer.created_at, Answer.id))
        if permissions.can_view_answer(user, a)]
    answers.sort(key=lambda a: a.id != question.best_answer_id)
    marks = dict(db.session.execute(
        sa.select(HelpfulMark.answer_id, sa.func.count()).where(HelpfulMark.answer_id.in_([a.id for a in answers]))
        .group_by(HelpfulMark.answer_id)).all()) if answers else {}
    detail = question_summary(question)
    detail.update({
        "body": question.body, "body_html": str(question.rendered_body),
        "best_answer_id": question.best_answer_id if any(a.id == question.best_answer_id for a in answers) else None,
        "close_reason": question.close_reason, "duplicate_of_id": question.duplicate_of_id,
        "answers": [{"id": a.id, "author": _author(a.author), "body": a.body, "body_html": str(a.rendered_body),
                     "created_at": _iso(a.created_at), "is_best": a.id == question.best_answer_id,
                     "helpful_count": marks.get(a.id, 0)} for a in answers],
    })
    detail["answer_count"] = len(answers)
    return detail


def search(text: str, category: str | None, page: int, per_page: int) -> Listing:
    """Resolved threads matching every word (or a spelling or synonym of it), ranked as /search
    ranks them (the engine below the search feature: query parsing and the ranking), never a
    回答受付終了 one. `total` is how many the API pages through: every match, or, past the
    search's count cap, the ranked ones (as many as the search page offers)."""
    text = (text or "").strip()
    if not text:
        raise InvalidInput(_("検索する言葉を入力してください。"))
    if len(text) > MAX_QUERY:
        raise InvalidInput(_("検索する言葉は%(max)d文字以内にしてください。", max=MAX_QUERY))
    query = parse_query(text)
    if query.is_empty:
        return Listing([], page, per_page, 0)
    ranked = rank(db.session, query, category, tail=False)
    start = (page - 1) * per_page
    found = [q for q in _in_order(ranked.ids[start:start + per_page])
             if not q.is_hidden and q.status == "resolved"]  # the index is refreshed in the same transaction
    return Listing([question_summary(q) for q in found], page, per_page, len(ranked.ids))


def tags(page: int, per_page: int) -> Listing:
    """Tags with the number of visible threads carrying them, most used first."""
    used = (sa.select(Tag.name, sa.func.count().label("n"))
            .join(question_tags, question_tags.c.tag_id == Tag.id)
            .join(Question, Question.id == question_tags.c.question_id)
            .where(Question.is_hidden.is_(False))
            .group_by(Tag.id, Tag.name))
    total = db.session.scalar(sa.select(sa.func.count()).select_from(used.subquery())) or 0
    rows = db.session.execute(used.order_by(sa.desc("n"), Tag.name).limit(per_page).offset((page - 1) * per_page))
    items = [{"name": name, "count": n, "url": absolute_url("questions.tag", name=name)} for name, n in rows]
    return Listing(items, page, per_page, total)
