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
from ..forms.moderation import CloseForm, NoteForm, ReasonForm, RoleForm, SuspendForm
from ..lookups import get_post, get_question, thread_of
from ..models import REPORT_TARGETS, User
from ..urls import page_number, safe_next
from . import queue, services
from .forms import AuditFilterForm, QueueCloseForm
from .queue import HELD_KINDS

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
    if not permissions.can_close_as_duplicate(current_user, question, current_app.config["VETERANS_CLOSE_DUPLICATES"]) \
            or (request.form.get("reason") != "duplicate" and not permissions.can_close(current_user, question)):
        raise PermissionDenied(_("スレッドをクローズできるのはモデレーターだけです。"))
    form = CloseForm()
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            abort(400)
        return _confirmation("close", "question", question, form, status=422)
    services.close_question(current_user, question, form.reason.data, form.note.data or "", form.duplicate_of_id)
    flash(_("スレッドをクローズしました。"), "success")
    return redirect(url_for("questions.show", question_id=question.id))


@bp.post("/questions/<int:question_id>/reopen")
@login_required
@moderator_required
def reopen(question_id: int):
    question = get_question(current_user, question_id)
    form = NoteForm()
    _checked(form)
    services.reopen_question(current_user, question, form.note.data or "")
    flash(_("スレッドを再開しました。"), "success")
    return redirect(url_for("questions.show", question_id=question.id))


HIDEABLE = (*REPORT_TARGETS, "comment")  # comments are hidden as posts


@bp.post("/moderation/posts/<target_type>/<int:target_id>/hide")
@login_required
@moderator_required
def hide_post(target_type: str, target_id: int):
    """Hide with a reason (the confirmation page's form; without one the form comes back)."""
    post = _post(target_type, target_id, HIDEABLE)
    form = ReasonForm()
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            abort(400)
        return _confirmation("hide", target_type, post, form, status=422)
    services.hide_post(current_user, target_type, post, form.note.data)
    flash(_("投稿を非表示にしました。"), "success")
    return redirect(_back(_thread_url(target_type, post)), code=303)


@bp.post("/moderation/posts/<target_type>/<int:target_id>/restore")
@login_required
@moderator_required
def restore_post(target_type: str, target_id: int):
    post = _post(target_type, target_id, HIDEABLE)
    form = NoteForm()
    _checked(form)
    services.restore_post(current_user, target_type, post, form.note.data or "")
    flash(_("投稿を再表示しました。"), "success")
    return redirect(_back(_thread_url(target_type, post)), code=303)


@bp.post("/moderation/posts/<target_type>/<int:target_id>/publish")
@login_required
@moderator_required
def publish_post(target_type: str, target_id: int):
    """A held post is fine: publish it (optional note)."""
    post = _post(target_type, target_id, HELD_KINDS)
    form = NoteForm()
    _checked(form)
    services.publish_held(current_user, target_type, post, form.note.data or "")
    flash(_("投稿を公開しました。"), "success")
    return redirect(_back(url_for("moderation.dashboard", _anchor="held-heading")), code=303)


@bp.post("/moderation/posts/<target_type>/<int:target_id>/reject")
@login_required
@moderator_required
def reject_post(target_type: str, target_id: int):
    """A held post shares contact details: it stays hidden; the reason goes to its author."""
    post = _post(target_type, target_id, HELD_KINDS)
    form = ReasonForm()
    _checked(form)
    services.reject_held(current_user, target_type, post, form.note.data)
    flash(_("投稿を非公開のままにしました。投稿者に理由を通知しました。"), "success")
    return redirect(_back(url_for("moderation.dashboard", _anchor="held-heading")), code=303)


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
    post = _post(target_type, target_id)
    form = QueueCloseForm()
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            abort(400)
        return _confirmation("close", target_type, post, form, status=422)
    services.close_reported_thread(current_user, target_type, target_id, form.reason.data, form.note.data or "")
    flash(_("スレッドをクローズしました。"), "success")
    return redirect(_back(url_for("moderation.dashboard")), code=303)


@bp.post("/moderation/posts/<target_type>/<int:target_id>/suspend")
@login_required
@moderator_required
def suspend_author(target_type: str, target_id: int):
    post = _post(target_type, target_id)
    form = SuspendForm()
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            abort(400)
        return _confirmation("suspend", target_type, post, form, status=422)
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
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            abort(400)
        return _confirmation("suspend", "user", member, form, status=422)
    services.suspend_user(current_user, member, int(form.days.data), form.reason.data)
    flash(_("%(name)s さんを利用停止にしました。", name=member.username), "success")
    return redirect(_back(url_for("users.profile", username=member.username)), code=303)


@bp.post("/moderation/users/<username>/unsuspend")
@login_required
@moderator_required
def unsuspend_user(username: str):
    member = _member(username)
    form = NoteForm()
    _checked(form)
    services.unsuspend_user(current_user, member, form.note.data or "")
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


CONFIRMED = {"hide": HIDEABLE, "close": REPORT_TARGETS, "suspend": (*REPORT_TARGETS, "user")}


def _confirmation_action(action: str, target_type: str, target, via_queue: bool) -> str:
    """The existing endpoint the confirmation page's form posts to."""
    if action == "hide":
        return url_for("moderation.hide_post", target_type=target_type, target_id=target.id)
    if action == "close":
        if target_type == "question" and not via_queue:
            return url_for("moderation.close", question_id=target.id)
        return url_for("moderation.close_thread", target_type=target_type, target_id=target.id)
    if target_type == "user":
        return url_for("moderation.suspend_user", username=target.username)
    return url_for("moderation.suspend_author", target_type=target_type, target_id=target.id)


def _confirmation(action: str, target_type: str, target, form, status: int = 200):
    """What the action will do, to what, and the form that does it (a step before the POST, no
    JavaScript needed); also the form coming back when the POST lacked its reason."""
    back = safe_next(form.next.data if hasattr(form, "next") else None) or safe_next(request.args.get("next"))
    member = target if target_type == "user" else target.author
    thread = None if target_type == "user" else thread_of(target)
    cancel = back or (url_for("users.profile", username=member.username) if thread is None
                      else _thread_url(target_type, target))
    if hasattr(form, "next"):
        form.next.data = back or ""
    return render_template(
        "moderation/confirm.html", action=action, target_type=target_type, target=target, member=member,
        thread=thread, form=form, cancel=cancel, via_queue=bool(back),
        post_to=_confirmation_action(action, target_type, target, via_queue=bool(back)),
    ), status


_CONFIRM_FORMS = {"hide": ReasonForm, "close": QueueCloseForm, "suspend": SuspendForm}


@bp.get("/moderation/confirm")
@login_required
@moderator_required
def confirm():
    """GET ?action=hide|close|suspend&target=<question|answer|comment|user>:<id or name>[&next=…]."""
    action = request.args.get("action", "")
    target_type, _sep, key = request.args.get("target", "").partition(":")
    if action not in CONFIRMED or target_type not in CONFIRMED[action]:
        abort(404)
    if target_type == "user":
        target = _member(key)
        if not permissions.can_suspend(current_user, target):
            raise PermissionDenied(_("このユーザーを利用停止にすることはできません。"))
    else:
        if not (key.isascii() and key.isdigit() and len(key) <= 10):
            abort(404)
        target = _post(target_type, int(key), CONFIRMED[action])
        if action == "suspend" and not permissions.can_suspend(current_user, target.author):
            raise PermissionDenied(_("このユーザーを利用停止にすることはできません。"))
    form = _CONFIRM_FORMS[action](formdata=None)
    return _confirmation(action, target_type, target, form)


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
        held=queue.held_queue(), targets=services.audit_targets(log.items), note_form=NoteForm(),
        reason_form=ReasonForm(),
    )
