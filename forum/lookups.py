"""Rows as the current user may see them, shared by the views and services of several features:
a thread, an answer, a reported post, tags by name. Missing or hidden means NotFound."""
from collections.abc import Sequence
from typing import TypeVar

import sqlalchemy as sa
from flask_babel import gettext as _

from . import permissions
from .exceptions import NotFound
from .extensions import db
from .models import FAQ_CATEGORIES, Answer, Comment, FaqEntry, Question, Supplement, Tag, User

Shown = TypeVar("Shown")  # a question as its page reads it: the model, or a plain row with its columns

MAX_ID = 2**31 - 1  # the largest INTEGER primary key on PostgreSQL (and what we allow on SQLite)


def by_id(model, row_id: int, options: Sequence = ()):
    """The row with this primary key, or None. Ids beyond the INTEGER column's range exist
    nowhere, and asking the database for one would fail: they are None without asking."""
    return db.session.get(model, row_id, options=options) if may_exist(row_id) else None


def may_exist(row_id: int) -> bool:
    """Whether a row may have this id (ids beyond the INTEGER column's range exist nowhere)."""
    return 0 < row_id <= MAX_ID


# The signed-in member, read on every one of their requests: one statement built once
# (session.get builds its select and that select's cache key again on every call, a third of
# the read's CPU). It never flushes (nothing is written before it), as session.get does not.
_MEMBER = sa.select(User).where(User.id == sa.bindparam("user_id")).execution_options(autoflush=False)


def signed_in_member(user_id: str) -> User | None:
    """Flask-Login's user loader: the member whose id the session holds, or None."""
    if not (user_id.isascii() and user_id.isdigit()) or not may_exist(int(user_id)):
        return None
    return db.session.execute(_MEMBER, {"user_id": int(user_id)}).scalar_one_or_none()


def get_question(user, question_id: int) -> Question:
    """The thread, or NotFound when it does not exist or is hidden from this user. (The
    thread page reads its question with its parts: questions.services.question_for_page.)"""
    return visible_question(user, by_id(Question, question_id))


def visible_question(user, question: Shown | None) -> Shown:
    """The question read, or NotFound when there is none or it is hidden from this user."""
    if question is None or not permissions.can_view_question(user, question):
        raise NotFound(_("この質問は見つかりませんでした。"))
    return question


def get_answer(user, answer_id: int) -> Answer:
    """The answer, or NotFound when it (or its thread) is hidden from this user."""
    answer = by_id(Answer, answer_id)
    if answer is None or not permissions.can_view_answer(user, answer) \
            or not permissions.can_view_question(user, answer.question):
        raise NotFound(_("この回答は見つかりませんでした。"))
    return answer


def get_comment(user, comment_id: int) -> Comment:
    """The comment, or NotFound when it (or its answer or thread) is hidden from this user."""
    comment = by_id(Comment, comment_id)
    if comment is None or not permissions.can_view_post(user, comment) \
            or not permissions.can_view_question(user, comment.question) \
            or (comment.answer is not None and not permissions.can_view_answer(user, comment.answer)):
        raise NotFound(_("このコメントは見つかりませんでした。"))
    return comment


def get_post(target_type: str, target_id: int) -> Question | Answer | Comment | Supplement | None:
    """The question, answer, comment or 補足 a report or a moderator action is about (None when there is none)."""
    model = {"question": Question, "answer": Answer, "comment": Comment, "supplement": Supplement}.get(target_type)
    return by_id(model, target_id) if model else None


def thread_of(post: Question | Answer | Comment | Supplement) -> Question:
    return post if isinstance(post, Question) else post.question


def faq_entries() -> list[FaqEntry]:
    """Every FAQ entry in display order: by category (the seed's six, in order), then position.
    The one place the FAQ is read from, for the FAQ page, search and the sitemap."""
    order = sa.case({key: n for n, key in enumerate(FAQ_CATEGORIES)}, value=FaqEntry.category,
                    else_=len(FAQ_CATEGORIES))
    return list(db.session.scalars(sa.select(FaqEntry).order_by(order, FaqEntry.position, FaqEntry.id)))


def tags_by_name(names: list[str]) -> list[Tag]:
    """Existing tags by name, creating the missing ones (no commit)."""
    if not names:
        return []
    found = {t.name: t for t in db.session.scalars(sa.select(Tag).where(Tag.name.in_(names)))}
    tags = []
    for name in names:
        tag = found.get(name)
        if tag is None:
            tag = found[name] = Tag(name=name)
            db.session.add(tag)
        tags.append(tag)
    return tags
