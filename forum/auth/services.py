"""Sign-up and sign-in use cases."""
from urllib.parse import urlsplit

from ..extensions import db
from ..models import User
from ..users.services import create_user, find_login_user


def register(username: str, email: str, password: str) -> User:
    """Create a member account."""
    user = create_user(username, email.lower(), password)
    db.session.commit()
    return user


def authenticate(name_or_email: str, password: str) -> User | None:
    """The user if the password matches; None otherwise (same answer for unknown users)."""
    user = find_login_user(name_or_email)
    if user is None or not user.check_password(password):
        return None
    return user


def safe_next(target: str | None) -> str | None:
    """Only a local path is followed after sign-in; anything else is dropped."""
    if not target:
        return None
    target = target.strip().replace("\\", "/")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target
