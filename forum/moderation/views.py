"""Moderator pages and actions: close / reopen a thread, the dashboard."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import permissions
from ..exceptions import PermissionDenied
from ..forms import EmptyForm
from ..questions.services import get_question
from . import services
from .forms import CloseForm

bp = Blueprint("moderation", __name__)


def _require_moderator():
    if not permissions.can_moderate(current_user):
        raise PermissionDenied(_("この操作はモデレーターだけが行えます。"))


@bp.post("/questions/<int:question_id>/close")
@login_required
def close(question_id: int):
    _require_moderator()
    question = get_question(current_user, question_id)
    form = CloseForm()
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        flash(_("クローズの理由を選んでください。"), "error")
        return redirect(url_for("questions.show", question_id=question.id))
    services.close_question(current_user, question, form.reason.data, form.note.data or "")
    flash(_("スレッドをクローズしました。"), "success")
    return redirect(url_for("questions.show", question_id=question.id))


@bp.post("/questions/<int:question_id>/reopen")
@login_required
def reopen(question_id: int):
    _require_moderator()
    question = get_question(current_user, question_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    services.reopen_question(current_user, question)
    flash(_("スレッドを再開しました。"), "success")
    return redirect(url_for("questions.show", question_id=question.id))


@bp.get("/moderation")
@login_required
def dashboard():
    _require_moderator()
    page = max(1, request.args.get("page", 1, type=int) or 1)
    log = services.audit_log(page, actor=request.args.get("actor") or None,
                             action=request.args.get("action") or None)
    return render_template("moderation/dashboard.html", log=log)
