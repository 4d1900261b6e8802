"""Sign-up, sign-in and password-reset use cases."""
import hashlib

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from ..extensions import db
from ..mail.compose import absolute_url
from ..mail.outbox import queue_mail
from ..models import User

_RESET_SALT = "sodan-password-reset"


def register(username: str, email: str, password: str, locale: str = "ja") -> User:
    """Create a member account (their mail speaks the language they signed up in)."""
    user = User.create(username, email.lower(), password)
    user.locale = locale
    db.session.commit()
    return user


def authenticate(name_or_email: str, password: str) -> User | None:
    """The user if the password matches; None otherwise (same answer for unknown users)."""
    user = User.for_login(name_or_email)
    if user is None or not user.check_password(password):
        return None
    return user


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_RESET_SALT)


def _fingerprint(user: User) -> str:
    """Changes when the password does: a link stops working once it has been used."""
    return hashlib.sha256((user.password_hash or "none").encode()).hexdigest()[:20]


def request_password_reset(email: str) -> None:
    """Mail a reset link if the address belongs to an account; nothing otherwise. The caller
    answers the same either way, so the page tells nobody which addresses are registered."""
    user = User.for_login(email) if "@" in email else None
    if user is None or not user.email:
        return
    token = _serializer().dumps([user.id, _fingerprint(user)])
    queue_mail(user, "password_reset", _l("【相談室】パスワードの再設定"), "password_reset",
               url=absolute_url("auth.reset_password", token=token),
               minutes=current_app.config["PASSWORD_RESET_SECONDS"] // 60)
    db.session.commit()


class ResetLinkError(Exception):
    """The link is expired, already used, or not one of ours; the message says which."""


def user_for_reset(token: str) -> User:
    """The account a reset link is for, or ResetLinkError with a message for the page."""
    try:
        user_id, fingerprint = _serializer().loads(token, max_age=current_app.config["PASSWORD_RESET_SECONDS"])
    except SignatureExpired as error:
        raise ResetLinkError(_l("このリンクは有効期限が切れています。もう一度再設定を依頼してください。")) from error
    except (BadSignature, ValueError, TypeError) as error:
        raise ResetLinkError(_l("このリンクは正しくありません。メールのリンクをそのまま開いてください。")) from error
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or fingerprint != _fingerprint(user):
        raise ResetLinkError(_l("このリンクはすでに使われています。もう一度再設定を依頼してください。"))
    return user


def reset_password(token: str, password: str) -> User:
    """Set a new password through a valid link (the link stops working)."""
    user = user_for_reset(token)
    user.set_password(password)
    db.session.commit()
    return user
