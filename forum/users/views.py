"""Public profiles and the member's own profile edit."""
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import permissions
from ..decorators import posting_allowed
from ..exceptions import PermissionDenied
from ..forms.moderation import NoteForm, RoleForm
from ..labels import REPORT_OUTCOME_LABELS
from ..models import User
from ..pagecache import guest_cached
from . import services
from .forms import ProfileForm

bp = Blueprint("users", __name__, url_prefix="/users")


def _user_or_404(username: str):
    user = User.by_name(username)
    if user is None:
        abort(404)
    return user


@bp.get("/<username>")
@guest_cached
def profile(username: str):
    user = _user_or_404(username)
    moderating = permissions.can_moderate(current_user)
    return render_template(
        "users/profile.html", profile=services.load_profile(user),
        history=services.moderation_history(user)
        if permissions.can_view_moderation_history(current_user, user) else None,
        outcome_labels=REPORT_OUTCOME_LABELS, note_form=NoteForm() if moderating else None,
        role_form=RoleForm(role=user.role) if permissions.can_set_role(current_user) else None,
    )


@bp.route("/<username>/edit", methods=["GET", "POST"])
@login_required
@posting_allowed
def edit_profile(username: str):
    user = _user_or_404(username)
    if not permissions.can_edit_profile(current_user, user):
        raise PermissionDenied(_("このプロフィールは編集できません。"))
    form = ProfileForm(obj=user)
    if form.validate_on_submit():
        services.update_profile(current_user, user, form.bio.data or "")
        flash(_("プロフィールを更新しました。"), "success")
        return redirect(url_for("users.profile", username=user.username), code=303)
    status = 422 if form.is_submitted() else 200
    return render_template("users/edit.html", form=form, user=user), status
