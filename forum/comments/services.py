"""Comment and 補足 use cases: write, edit, delete; the people concerned are notified."""
from flask_babel import gettext as _

from .. import notify, permissions
from ..exceptions import PermissionDenied, StateConflict
from ..extensions import db
from ..holds import hold_if_needed
from ..models import Answer, Comment, Question, Supplement, User
from ..revisions import forget, record_edit


def _open_for_discussion(question: Question) -> None:
    if not permissions.state_allows_comment(question):
        raise StateConflict(_("このスレッドはクローズされているため書き込めません。"))


def add_comment(author: User, question: Question, answer: Answer | None, body: str) -> Comment:
    """Comment under the question (answer None) or one of its answers; the post's author is told."""
    post = answer if answer is not None else question
    if not permissions.can_comment(author, post):
        raise PermissionDenied(_("コメントする権限がありません。"))
    _open_for_discussion(question)
    comment = Comment(question_id=question.id, answer_id=answer.id if answer is not None else None,
                      author=author, body=body)
    held = hold_if_needed(author, comment, body)
    db.session.add(comment)
    db.session.flush()
    if not held:  # a held comment is announced when a moderator publishes it
        notify.notify(post.author_id, "comment", author, question, answer, comment)
    db.session.commit()
    return comment


def edit_comment(editor: User, comment: Comment, body: str) -> Comment:
    """The author (or a moderator, logged) rewrites a comment; the old version is kept."""
    if not permissions.can_edit_post(editor, comment):
        raise PermissionDenied(_("編集できるのは投稿した本人だけです。"))
    if not permissions.is_moderator(editor):
        _open_for_discussion(comment.question)
    record_edit(editor, comment)
    comment.body = body
    hold_if_needed(editor, comment, body)
    db.session.commit()
    return comment


def delete_comment(user: User, comment: Comment) -> None:
    """Authors delete their own comments, with their history."""
    if not permissions.can_delete_comment(user, comment):
        raise PermissionDenied(_("削除できるのはコメントを書いた本人だけです。"))
    forget(comment)
    db.session.delete(comment)
    db.session.commit()


def add_supplement(author: User, question: Question, body: str) -> Supplement:
    """The asker's 補足, shown under the question with its time; followers are told."""
    if not permissions.can_add_supplement(author, question):
        raise PermissionDenied(_("補足できるのは質問者だけです。"))
    _open_for_discussion(question)
    supplement = Supplement(question_id=question.id, author_id=author.id, body=body)
    held = hold_if_needed(author, supplement, body)
    db.session.add(supplement)
    db.session.flush()
    if not held:  # a held 補足 is announced when a moderator publishes it
        notify.notify_followers("supplement", author, question, supplement=supplement)
    db.session.commit()
    return supplement
