"""Sign-up and sign-in use cases."""
from ..extensions import db
from ..models import User


def register(username: str, email: str, password: str) -> User:
    """Create a member account."""
    user = User.create(username, email.lower(), password)
    db.session.commit()
    return user


def authenticate(name_or_email: str, password: str) -> User | None:
    """The user if the password matches; None otherwise (same answer for unknown users)."""
    user = User.for_login(name_or_email)
    if user is None or not user.check_password(password):
        return None
    return user

