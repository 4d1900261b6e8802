"""User accounts, roles and the veteran badge."""
from datetime import datetime
from typing import Optional

import sqlalchemy as sa
from flask import current_app, has_app_context
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from .base import Model, UTCDateTime, utcnow

ROLES = ("member", "moderator", "admin")


class User(UserMixin, Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(32), unique=True)
    email: Mapped[str | None] = mapped_column(sa.String(254), unique=True)
    # None means the account cannot sign in (e.g. created by an import).
    password_hash: Mapped[str | None] = mapped_column(sa.String(256))
    role: Mapped[str] = mapped_column(sa.String(16), default="member", server_default="member")
    is_veteran: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    bio: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    suspended_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    suspension_reason: Mapped[str | None] = mapped_column(sa.Text)
    # The language of the member's mail (ja or en).
    locale: Mapped[str] = mapped_column(sa.String(5), default="ja", server_default="ja")

    @classmethod
    def create(cls, username: str, email: str | None, password: str | None,
               role: str = "member", is_veteran: bool = False) -> "User":
        """A new account in the session (no commit: the caller's use case decides)."""
        user = cls(username=username, email=(email or None), role=role, is_veteran=is_veteran)
        if password:
            user.set_password(password)
        db.session.add(user)
        return user

    @classmethod
    def by_name(cls, username: str) -> Optional["User"]:
        return db.session.scalar(sa.select(cls).where(cls.username == username))

    @classmethod
    def for_login(cls, name_or_email: str) -> Optional["User"]:
        """Sign-in accepts the user name or the e-mail address."""
        value = (name_or_email or "").strip()
        if not value:
            return None
        if "@" in value:
            return db.session.scalar(sa.select(cls).where(sa.func.lower(cls.email) == value.lower()))
        return cls.by_name(value)

    def set_password(self, password: str) -> None:
        # The method is a setting so the test suite can use a cheap hash; production
        # keeps werkzeug's default (scrypt). Verification reads the method from the hash.
        method = current_app.config.get("PASSWORD_HASH_METHOD") if has_app_context() else None
        self.password_hash = generate_password_hash(password, method=method or "scrypt")

    def check_password(self, password: str) -> bool:
        if not self.password_hash:
            return False
        return check_password_hash(self.password_hash, password)

    @property
    def is_moderator(self) -> bool:
        return self.role in ("moderator", "admin")

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def is_suspended(self, now: datetime | None = None) -> bool:
        if self.suspended_until is None:
            return False
        return self.suspended_until > (now or utcnow())

    def __repr__(self) -> str:
        return f"<User {self.username}>"
