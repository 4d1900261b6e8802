"""Editing posts: the author (or a moderator, logged) changes a question or an answer; the
version it replaces is kept (forum/revisions.py) and search follows, in the same commit."""
from flask_babel import gettext as _

from .. import permissions
from ..exceptions import PermissionDenied, StateConflict
from ..extensions import db
from ..holds import hold_if_needed, tag_text
from ..lookups import tags_by_name  # one place decides how tags are created
from ..models import Answer, Question, User, utcnow
from ..revisions import record_edit
from ..search import index
from ..search.related import forget_related


def _check(user: User, post, question: Question) -> None:
    if not permissions.can_edit_post(user, post):
        raise PermissionDenied(_("編集できるのは投稿した本人だけです。"))
    if question.is_closed and not permissions.is_moderator(user):
        raise StateConflict(_("クローズされたスレッドの投稿は編集できません。"))


def edit_question(user: User, question: Question, *, category: str, title: str, body: str,
                  asker_type: str, tags: list[str]) -> Question:
    """The asker rewrites the question."""
    _check(user, question, question)
    record_edit(user, question)
    if title != question.title:
        forget_related(question)  # ranked on the old title: the page ranks again until `relate`
    question.category = category
    question.title = title
    question.body = body
    question.asker_type = asker_type
    question.tags = tags_by_name(tags)
    question.updated_at = utcnow()
    hold_if_needed(user, question, title, body, tag_text(tags))
    index.refresh(question)
    db.session.commit()
    return question


def edit_answer(user: User, answer: Answer, body: str) -> Answer:
    """The answerer rewrites the answer."""
    _check(user, answer, answer.question)
    record_edit(user, answer)
    answer.body = body
    answer.updated_at = utcnow()
    hold_if_needed(user, answer, body)
    index.refresh(answer.question)
    db.session.commit()
    return answer
