"""POST comments (under a question or an answer), edit and delete them; POST the asker's 補足.
Refused input comes back on a small page of its own, the text kept, with the message; so does a
comment or a 補足 over the rate limit (429, with the wait)."""
from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_limiter.errors import RateLimitExceeded
from flask_login import current_user, login_required

from .. import permissions
from ..decorators import posting_allowed
from ..errors import render_error
from ..exceptions import ForumError, PermissionDenied
from ..forms import EmptyForm
from ..holds import held_message
from ..lookups import get_answer, get_comment, get_question
from ..ratelimits import comment_per_account, retry_after_seconds, supplement_per_account, wait_text
from . import services
from .forms import CommentForm, SupplementForm

bp = Blueprint("comments", __name__)


def _at(question_id: int, anchor: str):
    return redirect(url_for("questions.show", question_id=question_id, _anchor=anchor), code=303)


def _comment(question, answer):
    form = CommentForm()
    if not form.validate_on_submit():
        return render_template("comments/form.html", form=form, question=question, answer=answer,
                               action=_action(question, answer)), 422
    comment = services.add_comment(current_user, question, answer, form.body.data)
    flash(held_message() if comment.is_held else _("コメントを投稿しました。"), "success")
    return _at(question.id, comment.anchor)


def _action(question, answer) -> str:
    if answer is not None:
        return url_for("comments.answer_comment", answer_id=answer.id)
    return url_for("comments.question_comment", question_id=question.id)


@bp.post("/questions/<int:question_id>/comments", endpoint="question_comment")
@login_required
@posting_allowed
@comment_per_account
def question_comment(question_id: int):
    return _comment(get_question(current_user, question_id), None)


@bp.post("/answers/<int:answer_id>/comments", endpoint="answer_comment")
@login_required
@posting_allowed
@comment_per_account
def answer_comment(answer_id: int):
    answer = get_answer(current_user, answer_id)
    return _comment(answer.question, answer)


@bp.route("/comments/<int:comment_id>/edit", methods=["GET", "POST"], endpoint="edit")
@login_required
@posting_allowed
def edit(comment_id: int):
    comment = get_comment(current_user, comment_id)
    if not permissions.can_edit_post(current_user, comment):
        raise PermissionDenied(_("編集できるのは投稿した本人だけです。"))
    form = CommentForm(obj=comment)
    if form.validate_on_submit():
        services.edit_comment(current_user, comment, form.body.data)
        flash(held_message() if comment.is_held else _("コメントを更新しました。"), "success")
        return _at(comment.question_id, comment.anchor)
    return render_template("comments/form.html", form=form, question=comment.question, answer=comment.answer,
                           comment=comment, action=url_for("comments.edit", comment_id=comment.id)), \
        (422 if form.is_submitted() else 200)


@bp.post("/comments/<int:comment_id>/delete", endpoint="delete")
@login_required
@posting_allowed
def delete(comment_id: int):
    comment = get_comment(current_user, comment_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    question_id, anchor = comment.question_id, (f"answer-{comment.answer_id}" if comment.answer_id else None)
    services.delete_comment(current_user, comment)
    flash(_("コメントを削除しました。"), "success")
    return _at(question_id, anchor or "comments")


@bp.post("/questions/<int:question_id>/supplements", endpoint="supplement")
@login_required
@posting_allowed
@supplement_per_account
def supplement(question_id: int):
    question = get_question(current_user, question_id)
    form = SupplementForm()
    if not form.validate_on_submit():
        return render_template("comments/supplement.html", form=form, question=question), 422
    supplement = services.add_supplement(current_user, question, form.body.data)
    flash(held_message() if supplement.is_held else _("補足を追加しました。"), "success")
    return _at(question.id, f"supplement-{supplement.id}")


@bp.errorhandler(RateLimitExceeded)
def rate_limited(error: RateLimitExceeded):
    """Too many comments or 補足: the form comes back (429) with what the member wrote, why,
    and how long to wait (in the text and in Retry-After)."""
    wait = retry_after_seconds()
    notice = f"{error.description} {wait_text(wait)}"
    args = request.view_args or {}
    try:  # the limit is checked before the view looks the question or answer up
        if request.endpoint == "comments.supplement" and "question_id" in args:
            question = get_question(current_user, args["question_id"])
            if not permissions.can_add_supplement(current_user, question):
                raise PermissionDenied(_("補足できるのは質問者だけです。"))
            return _limited(render_template("comments/supplement.html", form=SupplementForm(), question=question,
                                            notice=notice), wait)
        if request.endpoint == "comments.answer_comment" and "answer_id" in args:
            answer = get_answer(current_user, args["answer_id"])
            question = answer.question
        elif request.endpoint == "comments.question_comment" and "question_id" in args:
            answer, question = None, get_question(current_user, args["question_id"])
        else:
            return render_error(429, notice)
    except ForumError as refused:  # a missing thread, or not the asker's: what the view would answer
        return render_error(refused.status_code, refused.message)
    return _limited(render_template("comments/form.html", form=CommentForm(), question=question, answer=answer,
                                    action=_action(question, answer), notice=notice), wait)


def _limited(page: str, wait: int):
    response = make_response(page, 429)
    response.headers["Retry-After"] = str(wait)
    return response
