"""GET/POST /questions/<id>/edit and /answers/<id>/edit: authors edit their posts (guard applies)."""
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import permissions
from ..decorators import posting_allowed
from ..exceptions import PermissionDenied
from ..forms.posts import AnswerForm, QuestionForm, split_tags
from ..lookups import get_answer, get_question
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
        flash(_("質問を更新しました。"), "success")
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
        flash(_("回答を更新しました。"), "success")
        return redirect(url_for("questions.show", question_id=answer.question_id,
                                _anchor=f"answer-{answer.id}"), code=303)
    status = 422 if form.is_submitted() else 200
    return render_template("edits/answer.html", form=form, answer=answer, question=answer.question), status
