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
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import permissions
from ..decorators import moderator_required, posting_allowed
from ..exceptions import NotFound, PermissionDenied
from ..forms import EmptyForm
from ..forms.moderation import CloseForm, NoteForm, RoleForm, SuspendForm
from ..lookups import get_post, get_question, thread_of
from ..models import REPORT_TARGETS, User
from ..urls import page_number, safe_next
from . import queue, services
from .forms import AuditFilterForm, QueueCloseForm

bp = Blueprint("moderation", __name__)

def _back(default: str) -> str:
    return safe_next(request.form.get("next")) or default


def _post(target_type: str, target_id: int, kinds: tuple[str, ...] = REPORT_TARGETS):
    if target_type not in kinds:
        abort(404)
    post = get_post(target_type, target_id)
    if post is None:
        raise NotFound(_("投稿が見つかりませんでした。"))
    return post


def _thread_url(target_type: str, post) -> str:
    anchor = f"{target_type}-{post.id}" if target_type in ("answer", "comment") else None
    return url_for("questions.show", question_id=thread_of(post).id, _anchor=anchor)


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
@posting_allowed
def close(question_id: int):
    """Moderators close for any reason; veterans, when the site allows it, as a duplicate
    (the service decides who may)."""
    question = get_question(current_user, question_id)
    if not permissions.can_close_as_duplicate(current_user, question, current_app.config["VETERANS_CLOSE_DUPLICATES"]):
        raise PermissionDenied(_("スレッドをクローズできるのはモデレーターだけです。"))
    form = CloseForm()
    if not form.validate_on_submit():
        messages = [_("クローズの理由を選んでください。")] if form.reason.errors else []
        messages += [str(e) for e in [*form.duplicate_of.errors, *form.note.errors]]
        flash(" ".join(messages) or _("クローズの理由を選んでください。"), "error")
        return redirect(url_for("questions.show", question_id=question.id))
    services.close_question(current_user, question, form.reason.data, form.note.data or "", form.duplicate_of_id)
    flash(_("スレッドをクローズしました。"), "success")
    return redirect(url_for("questions.show", question_id=question.id))


@bp.post("/questions/<int:question_id>/reopen")
@login_required
@moderator_required
def reopen(question_id: int):
    question = get_question(current_user, question_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    services.reopen_question(current_user, question)
    flash(_("スレッドを再開しました。"), "success")
    return redirect(url_for("questions.show", question_id=question.id))


def _change_visibility(target_type: str, target_id: int, action, message: str):
    """Hide or restore one post (the two differ only in the service and the message)."""
    post = _post(target_type, target_id, (*REPORT_TARGETS, "comment"))  # comments are hidden as posts
    form = NoteForm()
    _checked(form)
    action(current_user, target_type, post, form.note.data or "")
    flash(message, "success")
    return redirect(_back(_thread_url(target_type, post)), code=303)


@bp.post("/moderation/posts/<target_type>/<int:target_id>/hide")
@login_required
@moderator_required
def hide_post(target_type: str, target_id: int):
    return _change_visibility(target_type, target_id, services.hide_post, _("投稿を非表示にしました。"))


@bp.post("/moderation/posts/<target_type>/<int:target_id>/restore")
@login_required
@moderator_required
def restore_post(target_type: str, target_id: int):
    return _change_visibility(target_type, target_id, services.restore_post, _("投稿を再表示しました。"))


@bp.post("/moderation/posts/<target_type>/<int:target_id>/dismiss")
@login_required
@moderator_required
def dismiss_reports(target_type: str, target_id: int):
    if target_type not in REPORT_TARGETS:
        abort(404)
    form = NoteForm()
    _checked(form)
    services.dismiss_reports(current_user, target_type, target_id, form.note.data or "")
    flash(_("通報を却下しました。"), "success")
    return redirect(_back(url_for("moderation.dashboard")), code=303)


@bp.post("/moderation/posts/<target_type>/<int:target_id>/close")
@login_required
@moderator_required
def close_thread(target_type: str, target_id: int):
    _post(target_type, target_id)
    form = QueueCloseForm()
    _checked(form)
    services.close_reported_thread(current_user, target_type, target_id, form.reason.data, form.note.data or "")
    flash(_("スレッドをクローズしました。"), "success")
    return redirect(_back(url_for("moderation.dashboard")), code=303)


@bp.post("/moderation/posts/<target_type>/<int:target_id>/suspend")
@login_required
@moderator_required
def suspend_author(target_type: str, target_id: int):
    post = _post(target_type, target_id)
    form = SuspendForm()
    _checked(form)
    member = services.suspend_user(current_user, post.author, int(form.days.data), form.reason.data,
                                   target=(target_type, target_id))
    flash(_("%(name)s さんを利用停止にしました。", name=member.username), "success")
    return redirect(_back(url_for("moderation.dashboard")), code=303)


def _member(username: str):
    member = User.by_name(username)
    if member is None:
        raise NotFound(_("ユーザーが見つかりませんでした。"))
    return member


@bp.post("/moderation/users/<username>/suspend")
@login_required
@moderator_required
def suspend_user(username: str):
    member = _member(username)
    form = SuspendForm()
    _checked(form)
    services.suspend_user(current_user, member, int(form.days.data), form.reason.data)
    flash(_("%(name)s さんを利用停止にしました。", name=member.username), "success")
    return redirect(_back(url_for("users.profile", username=member.username)), code=303)


@bp.post("/moderation/users/<username>/unsuspend")
@login_required
@moderator_required
def unsuspend_user(username: str):
    member = _member(username)
    _checked(NoteForm())
    services.unsuspend_user(current_user, member)
    flash(_("%(name)s さんの利用停止を解除しました。", name=member.username), "success")
    return redirect(_back(url_for("users.profile", username=member.username)), code=303)


@bp.post("/moderation/users/<username>/veteran/<any(grant, revoke):change>")
@login_required
@moderator_required
def set_veteran(username: str, change: str):
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
@moderator_required
def dashboard():
    page = page_number()
    filters = AuditFilterForm(request.args)
    valid = filters.validate()
    since, until = _day_bounds(filters) if valid else (None, None)
    log = services.audit_log(page, actor=(filters.actor.data or None) if valid else None,
                             action=(filters.action.data or None) if valid else None,
                             since=since, until=until)
    return render_template(
        "moderation/dashboard.html", log=log, filters=filters, queue=queue.report_queue(),
        targets=services.audit_targets(log.items), note_form=NoteForm(), close_form=QueueCloseForm(),
        suspend_form=SuspendForm(),
    )
