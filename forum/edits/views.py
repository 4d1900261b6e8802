"""GET/POST /questions/<id>/edit and /answers/<id>/edit: authors (and moderators) edit posts, the
guard applies; GET …/revisions: a post's edit history with diffs."""
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import permissions
from ..decorators import posting_allowed
from ..exceptions import PermissionDenied
from ..forms.posts import AnswerForm, QuestionForm, split_tags
from ..holds import held_message
from ..lookups import get_answer, get_comment, get_question
from ..pagecache import guest_cached
from ..revisions import history
from . import services

bp = Blueprint("edits", __name__)


@bp.route("/questions/<int:question_id>/edit", methods=["GET", "POST"], endpoint="question")
@login_required
@posting_allowed
def edit_question(question_id: int):
    question = get_question(current_user, question_id)
    if not permissions.can_edit_post(current_user, question):
        raise PermissionDenied(_("編集できるのは投稿した本人だけです。"))
    form = QuestionForm(obj=question)
    if not form.is_submitted():
        form.tags.data = ", ".join(t.name for t in question.tags)
    if form.validate_on_submit():
        services.edit_question(current_user, question, category=form.category.data, title=form.title.data,
                               body=form.body.data, asker_type=form.asker_type.data,
                               tags=split_tags(form.tags.data))
        flash(held_message() if question.is_held else _("質問を更新しました。"), "success")
        return redirect(url_for("questions.show", question_id=question.id), code=303)
    status = 422 if form.is_submitted() else 200
    return render_template("edits/question.html", form=form, question=question), status


@bp.route("/answers/<int:answer_id>/edit", methods=["GET", "POST"], endpoint="answer")
@login_required
@posting_allowed
def edit_answer(answer_id: int):
    answer = get_answer(current_user, answer_id)
    if not permissions.can_edit_post(current_user, answer):
        raise PermissionDenied(_("編集できるのは投稿した本人だけです。"))
    form = AnswerForm(obj=answer)
    if form.validate_on_submit():
        services.edit_answer(current_user, answer, form.body.data)
        flash(held_message() if answer.is_held else _("回答を更新しました。"), "success")
        return redirect(url_for("questions.show", question_id=answer.question_id,
                                _anchor=f"answer-{answer.id}"), code=303)
    status = 422 if form.is_submitted() else 200
    return render_template("edits/answer.html", form=form, answer=answer, question=answer.question), status


@bp.get("/questions/<int:question_id>/revisions", endpoint="question_revisions")
@guest_cached
def question_revisions(question_id: int):
    question = get_question(current_user, question_id)
    return render_template("edits/revisions.html", post=question, question=question, kind="question",
                           versions=history(question))


@bp.get("/answers/<int:answer_id>/revisions", endpoint="answer_revisions")
@guest_cached
def answer_revisions(answer_id: int):
    answer = get_answer(current_user, answer_id)
    return render_template("edits/revisions.html", post=answer, question=answer.question, kind="answer",
                           versions=history(answer))


@bp.get("/comments/<int:comment_id>/revisions", endpoint="comment_revisions")
@guest_cached
def comment_revisions(comment_id: int):
    comment = get_comment(current_user, comment_id)
    return render_template("edits/revisions.html", post=comment, question=comment.question, kind="comment",
                           versions=history(comment))
