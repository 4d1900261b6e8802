"""POST /reports: a member reports a question or an answer (rate-limited)."""
from flask import (
    Blueprint,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import permissions
from ..decorators import posting_allowed
from ..exceptions import NotFound
from ..lookups import get_post, thread_of
from ..ratelimits import report_per_account
from . import services
from .forms import ReportForm

bp = Blueprint("reports", __name__)


def _post_url(target_type: str, post) -> str:
    thread = thread_of(post)
    anchor = f"answer-{post.id}" if target_type == "answer" else None
    return url_for("questions.show", question_id=thread.id, _anchor=anchor)


def _load(form: ReportForm):
    target_id = form.target_id_value()
    post = get_post(form.target_type.data or "", target_id) if target_id else None
    if post is None or not permissions.can_view_question(current_user, thread_of(post)):
        raise NotFound(_("通報する投稿が見つかりませんでした。"))
    if form.target_type.data == "answer" and not permissions.can_view_answer(current_user, post):
        raise NotFound(_("通報する投稿が見つかりませんでした。"))
    return post


@bp.get("/reports/new")
@login_required
@posting_allowed
def new():
    form = ReportForm(formdata=None, target_type=request.args.get("target_type", ""),
                      target_id=request.args.get("target_id", ""))
    post = _load(form)
    return render_template("reports/new.html", form=form, post=post,
                           post_url=_post_url(form.target_type.data, post))


@bp.post("/reports")
@login_required
@posting_allowed
@report_per_account
def create():
    form = ReportForm()
    if not form.validate_on_submit():
        post = _load(form)
        return render_template("reports/new.html", form=form, post=post,
                               post_url=_post_url(form.target_type.data, post)), 422
    post = _load(form)
    report = services.file_report(current_user, form.target_type.data, post.id,
                                  form.reason.data, form.detail.data or "")
    if report is None:
        flash(_("この投稿はすでに通報済みです。モデレーターの対応をお待ちください。"), "info")
    else:
        flash(_("通報を受け付けました。モデレーターが確認します。ご協力ありがとうございます。"), "success")
    return redirect(_post_url(form.target_type.data, post), code=303)
