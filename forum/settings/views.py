"""GET, POST /settings/notifications; GET, POST /mail/unsubscribe/<token> (RFC 8058)."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..extensions import csrf
from ..forms.posts import split_tags
from ..mail.kinds import KINDS
from . import services
from .forms import settings_form

bp = Blueprint("settings", __name__)
KIND_LABELS = {key: kind.label for key, kind in KINDS.items()}


@bp.route("/settings/notifications", methods=["GET", "POST"])
@login_required
def notifications():
    kinds = services.kinds_for(current_user)
    if request.method == "GET":
        current = services.current_settings(current_user)
        form = settings_form(kinds, data={**current.deliveries, "locale": current.locale,
                                          "categories": current.categories, "tags": ", ".join(current.tags)})
    else:
        form = settings_form(kinds)
    if form.validate_on_submit():
        services.save_settings(current_user, {k.key: form[k.key].data for k in kinds}, form.locale.data,
                               form.categories.data or [], split_tags(form.tags.data))
        flash(_("通知の設定を保存しました。"), "success")
        return redirect(url_for("settings.notifications"))
    status = 422 if form.is_submitted() else 200
    return render_template("settings/notifications.html", form=form, kinds=kinds), status


@bp.route("/mail/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # RFC 8058: mail clients POST "List-Unsubscribe=One-Click" with no session or token
def unsubscribe(token: str):
    target = services.read_token(token)
    if target is None:
        abort(404)
    if request.method == "POST":
        services.unsubscribe(target)
        return render_template("settings/unsubscribed.html", target=target)
    # GET only asks: link checkers and previews fetch links, and must not unsubscribe anyone.
    return render_template("settings/unsubscribe.html", target=target, token=token, KIND_LABELS=KIND_LABELS)
