"""Rules that guard whole routes, written on the routes they guard."""
from functools import wraps

from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user

from . import permissions
from .exceptions import PermissionDenied


def posting_allowed(view):
    """A suspended member may read but not write: refused with the date and the reason.
    Put it under @login_required on every route that posts on a member's behalf
    (お問い合わせ stays open so they can still appeal)."""

    @wraps(view)
    def guarded(*args, **kwargs):
        if current_user.is_authenticated and current_user.is_suspended():
            until = format_datetime(current_user.suspended_until, "yyyy/MM/dd HH:mm")
            message = _("利用停止中のため投稿できません（%(until)s まで）。閲覧はできます。", until=until)
            if current_user.suspension_reason:
                message += " " + _("理由：%(reason)s", reason=current_user.suspension_reason)
            raise PermissionDenied(message)
        return view(*args, **kwargs)

    return guarded


def moderator_required(view):
    """Moderators and admins only (put it under @login_required)."""

    @wraps(view)
    def guarded(*args, **kwargs):
        if not permissions.can_moderate(current_user):
            raise PermissionDenied(_("この操作はモデレーターだけが行えます。"))
        return view(*args, **kwargs)

    return guarded
