"""お問い合わせ: store a message; admins list them and mark them done."""
import sqlalchemy as sa
from flask_babel import gettext as _

from .. import permissions
from ..audit import log_action
from ..exceptions import PermissionDenied, StateConflict
from ..extensions import db
from ..models import ContactMessage, User


def send_message(user, kind: str, subject: str, body: str, email: str | None) -> ContactMessage:
    """Store a message to the operators (guests too)."""
    signed_in = user is not None and user.is_authenticated
    message = ContactMessage(kind=kind, subject=subject, body=body, email=email or None,
                             user_id=user.id if signed_in else None)
    db.session.add(message)
    db.session.commit()
    return message


def inbox(page: int, done: bool, per_page: int = 30):
    """Messages for the admins, oldest waiting first (newest first once done)."""
    order = ContactMessage.created_at.desc() if done else ContactMessage.created_at
    stmt = sa.select(ContactMessage).where(ContactMessage.is_done.is_(done)).order_by(order, ContactMessage.id)
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


def mark_done(admin: User, message: ContactMessage) -> ContactMessage:
    """Mark a message handled; written to the audit log."""
    if not permissions.can_handle_contact_messages(admin):
        raise PermissionDenied(_("お問い合わせを扱えるのは管理者だけです。"))
    if message.is_done:
        raise StateConflict(_("このお問い合わせはすでに対応済みです。"))
    message.is_done = True
    log_action(admin, "close_contact", "contact", message.id)
    db.session.commit()
    return message
