"""Moderator pages and actions: the report queue, hide / restore, close / reopen, members."""
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import permissions
from ..auth.services import safe_next
from ..exceptions import NotFound, PermissionDenied
from ..forms import EmptyForm
from ..models import REPORT_TARGETS
from ..questions.services import get_question
from ..reports import services as reports
from ..users.services import get_user_by_name
from . import services
from .forms import AuditFilterForm, CloseForm, NoteForm, QueueCloseForm, RoleForm, SuspendForm

bp = Blueprint("moderation", __name__)

# Endpoints that write on a member's behalf: a suspended member is refused here, with the date
# and the reason, before any of them runs. お問い合わせ stays open so they can still appeal.
POSTING_ENDPOINTS = {"questions.new", "questions.answer", "questions.resolve", "reports.create",
                     "reports.new", "edits.question", "edits.answer", "users.edit_profile"}


@bp.before_app_request
def refuse_suspended_posting():
    if not current_user.is_authenticated or not current_user.is_suspended():
        return
    endpoint = request.endpoint or ""
    writes = request.method == "POST" and endpoint.startswith("questions.")
    if endpoint in POSTING_ENDPOINTS or writes:
        until = format_datetime(current_user.suspended_until, "yyyy/MM/dd HH:mm")
        message = _("利用停止中のため投稿できません（%(until)s まで）。閲覧はできます。", until=until)
        if current_user.suspension_reason:
            message += " " + _("理由：%(reason)s", reason=current_user.suspension_reason)
        raise PermissionDenied(message)


def _require_moderator():
    if not permissions.can_moderate(current_user):
        raise PermissionDenied(_("この操作はモデレーターだけが行えます。"))


def _back(default: str) -> str:
    return safe_next(request.form.get("next")) or default


def _post(target_type: str, target_id: int):
    if target_type not in REPORT_TARGETS:
        abort(404)
    post = reports.get_post(target_type, target_id)
    if post is None:
        raise NotFound(_("投稿が見つかりませんでした。"))
    return post


def _thread_url(target_type: str, post) -> str:
    anchor = f"answer-{post.id}" if target_type == "answer" else None
    return url_for("questions.show", question_id=reports.thread_of(post).id, _anchor=anchor)


def _checked(form) -> None:
    """A bad CSRF token is a 400; other invalid input comes back as a message."""
    if form.validate_on_submit():
        return
    messages = [str(e) for errors in form.errors.values() for e in errors]
    raise _InvalidForm(" ".join(messages) or _("入力内容を確認してください。"))


class _InvalidForm(Exception):
    pass


@bp.errorhandler(_InvalidForm)
def _invalid_form(error):
    flash(str(error), "error")
    return redirect(safe_next(request.form.get("next")) or url_for("moderation.dashboard"), code=303)


@bp.post("/questions/<int:question_id>/close")
@login_required
def close(question_id: int):
    _require_moderator()
    question = get_question(current_user, question_id)
    form = CloseForm()
    if not form.validate_on_submit():
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


def _change_visibility(target_type: str, target_id: int, action, message: str):
    """Hide or restore one post (the two differ only in the service and the message)."""
    _require_moderator()
    post = _post(target_type, target_id)
    form = NoteForm()
    _checked(form)
    action(current_user, target_type, post, form.note.data or "")
    flash(message, "success")
    return redirect(_back(_thread_url(target_type, post)), code=303)


@bp.post("/moderation/posts/<target_type>/<int:target_id>/hide")
@login_required
def hide_post(target_type: str, target_id: int):
    return _change_visibility(target_type, target_id, services.hide_post, _("投稿を非表示にしました。"))


@bp.post("/moderation/posts/<target_type>/<int:target_id>/restore")
@login_required
def restore_post(target_type: str, target_id: int):
    return _change_visibility(target_type, target_id, services.restore_post, _("投稿を再表示しました。"))


@bp.post("/moderation/posts/<target_type>/<int:target_id>/dismiss")
@login_required
def dismiss_reports(target_type: str, target_id: int):
    _require_moderator()
    if target_type not in REPORT_TARGETS:
        abort(404)
    form = NoteForm()
    _checked(form)
    services.dismiss_reports(current_user, target_type, target_id, form.note.data or "")
    flash(_("通報を却下しました。"), "success")
    return redirect(_back(url_for("moderation.dashboard")), code=303)


@bp.post("/moderation/posts/<target_type>/<int:target_id>/close")
@login_required
def close_thread(target_type: str, target_id: int):
    _require_moderator()
    _post(target_type, target_id)
    form = QueueCloseForm()
    _checked(form)
    services.close_reported_thread(current_user, target_type, target_id, form.reason.data, form.note.data or "")
    flash(_("スレッドをクローズしました。"), "success")
    return redirect(_back(url_for("moderation.dashboard")), code=303)


@bp.post("/moderation/posts/<target_type>/<int:target_id>/suspend")
@login_required
def suspend_author(target_type: str, target_id: int):
    _require_moderator()
    post = _post(target_type, target_id)
    form = SuspendForm()
    _checked(form)
    member = services.suspend_user(current_user, post.author, int(form.days.data), form.reason.data,
                                   target=(target_type, target_id))
    flash(_("%(name)s さんを利用停止にしました。", name=member.username), "success")
    return redirect(_back(url_for("moderation.dashboard")), code=303)


def _member(username: str):
    member = get_user_by_name(username)
    if member is None:
        raise NotFound(_("ユーザーが見つかりませんでした。"))
    return member


@bp.post("/moderation/users/<username>/suspend")
@login_required
def suspend_user(username: str):
    _require_moderator()
    member = _member(username)
    form = SuspendForm()
    _checked(form)
    services.suspend_user(current_user, member, int(form.days.data), form.reason.data)
    flash(_("%(name)s さんを利用停止にしました。", name=member.username), "success")
    return redirect(_back(url_for("users.profile", username=member.username)), code=303)


@bp.post("/moderation/users/<username>/unsuspend")
@login_required
def unsuspend_user(username: str):
    _require_moderator()
    member = _member(username)
    _checked(NoteForm())
    services.unsuspend_user(current_user, member)
    flash(_("%(name)s さんの利用停止を解除しました。", name=member.username), "success")
    return redirect(_back(url_for("users.profile", username=member.username)), code=303)


@bp.post("/moderation/users/<username>/veteran/<any(grant, revoke):change>")
@login_required
def set_veteran(username: str, change: str):
    _require_moderator()
    member = _member(username)
    form = NoteForm()
    _checked(form)
    services.set_veteran(current_user, member, change == "grant", form.note.data or "")
    flash(_("先輩バッジを付与しました。") if change == "grant" else _("先輩バッジを取り消しました。"), "success")
    return redirect(_back(url_for("users.profile", username=member.username)), code=303)


@bp.post("/moderation/users/<username>/role")
@login_required
def set_role(username: str):
    if not permissions.can_set_role(current_user):
        raise PermissionDenied(_("権限を変更できるのは管理者だけです。"))
    member = _member(username)
    form = RoleForm()
    _checked(form)
    services.set_role(current_user, member, form.role.data)
    flash(_("%(name)sさんの権限を変更しました。", name=member.username), "success")
    return redirect(url_for("users.profile", username=member.username), code=303)


def _day_bounds(form: AuditFilterForm) -> tuple[datetime | None, datetime | None]:
    """Dates are Tokyo calendar days; the log stores UTC."""
    zone = ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Asia/Tokyo"))
    since = datetime.combine(form.since.data, time(), zone) if form.since.data else None
    until = datetime.combine(form.until.data + timedelta(days=1), time(), zone) if form.until.data else None
    return since, until


@bp.get("/moderation")
@login_required
def dashboard():
    _require_moderator()
    page = max(1, min(request.args.get("page", 1, type=int) or 1, 100_000))
    filters = AuditFilterForm(request.args)
    valid = filters.validate()
    since, until = _day_bounds(filters) if valid else (None, None)
    log = services.audit_log(page, actor=(filters.actor.data or None) if valid else None,
                             action=(filters.action.data or None) if valid else None,
                             since=since, until=until)
    return render_template(
        "moderation/dashboard.html", log=log, filters=filters, queue=reports.report_queue(),
        targets=services.audit_targets(log.items), note_form=NoteForm(), close_form=QueueCloseForm(),
        suspend_form=SuspendForm(),
    )
