"""GET /notifications, POST /notifications/read, GET /notifications/<id> (open one),
GET /my/questions (自分の質問), POST /questions/<id>/follow (toggle)."""
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..forms import EmptyForm
from ..lookups import get_question
from ..urls import page_number
from . import services

bp = Blueprint("notifications", __name__)

PER_PAGE = 30


def target_url(notification) -> str:
    """The exact place an event happened: the thread, at the answer, comment or 補足."""
    return url_for("questions.show", question_id=notification.question_id, _anchor=notification.anchor)


@bp.get("/notifications", endpoint="index")
@login_required
def index():
    pagination = services.page_of_notifications(current_user, page_number(), PER_PAGE)
    return render_template("notifications/index.html", pagination=pagination, target_url=target_url)


@bp.post("/notifications/read", endpoint="read_all")
@login_required
def read_all():
    if not EmptyForm().validate_on_submit():
        abort(400)
    services.mark_all_read(current_user)
    flash(_("すべての通知を既読にしました。"), "success")
    return redirect(url_for("notifications.index"), code=303)


@bp.get("/notifications/<int:notification_id>", endpoint="open")
@login_required
def open_one(notification_id: int):
    notification = services.open_notification(current_user, notification_id)
    return redirect(target_url(notification), code=303)


@bp.get("/my/questions", endpoint="my_questions")
@login_required
def my_questions():
    pagination, answers, unread = services.my_questions(current_user, page_number(), PER_PAGE)
    return render_template("notifications/my_questions.html", pagination=pagination, answers=answers,
                           unread_by_question=unread)


@bp.post("/questions/<int:question_id>/follow", endpoint="follow")
@login_required
def follow(question_id: int):
    question = get_question(current_user, question_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    following = services.toggle_follow(current_user, question)
    flash(_("この質問をフォローしました。新しい回答や補足を通知します。") if following
          else _("この質問のフォローを解除しました。"), "success")
    return redirect(url_for("questions.show", question_id=question.id), code=303)
