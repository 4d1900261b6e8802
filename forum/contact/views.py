"""GET/POST /contact (お問い合わせ) and the admins' inbox at /moderation/contact."""
from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import permissions
from ..exceptions import NotFound, PermissionDenied
from ..extensions import db
from ..forms import EmptyForm
from ..labels import CONTACT_KIND_HELP, CONTACT_KIND_LABELS
from ..models import ContactMessage
from ..ratelimits import contact_per_address
from ..urls import page_number
from . import services
from .forms import ContactForm

bp = Blueprint("contact", __name__)


@bp.route("/contact", methods=["GET", "POST"])
@contact_per_address
def index():
    form = ContactForm()
    if not form.is_submitted():
        if request.args.get("kind") in CONTACT_KIND_LABELS:
            form.kind.data = request.args["kind"]
        if current_user.is_authenticated and current_user.email:
            form.email.data = current_user.email
    if form.validate_on_submit():
        services.send_message(current_user, form.kind.data, form.subject.data, form.body.data, form.email.data)
        if form.kind.data == "support":
            flash(_("お問い合わせを受け付けました。担当者からメールでご連絡します。"), "success")
        else:
            flash(_("ご報告ありがとうございます。内容を確認します（個別の返信はいたしません）。"), "success")
        return redirect(url_for("contact.index"), code=303)
    status = 422 if form.is_submitted() else 200
    return render_template("contact/index.html", form=form, kind_help=CONTACT_KIND_HELP), status


def _require_admin():
    if not permissions.can_read_contact_messages(current_user):
        raise PermissionDenied(_("お問い合わせを読めるのは管理者だけです。"))


@bp.get("/moderation/contact")
@login_required
def inbox():
    _require_admin()
    done = request.args.get("done") == "1"
    page = page_number()
    return render_template("contact/inbox.html", messages=services.inbox(page, done), done=done,
                           kind_labels=CONTACT_KIND_LABELS)


@bp.post("/moderation/contact/<int:message_id>/done")
@login_required
def mark_done(message_id: int):
    _require_admin()
    if not EmptyForm().validate_on_submit():
        abort(400)
    message = db.session.get(ContactMessage, message_id)
    if message is None:
        raise NotFound(_("お問い合わせが見つかりませんでした。"))
    services.mark_done(current_user, message)
    flash(_("対応済みにしました。"), "success")
    return redirect(url_for("contact.inbox"), code=303)
