"""Sign-up and sign-in forms."""
import re

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from ..extensions import db
from ..forms import strip_whitespace
from ..models import User

USERNAME_PATTERN = re.compile(r"^[A-Za-z0-9_]{3,32}$")


# Sign-up and password reset ask the same of an address and a new password: one rule each.
# (Functions, so each form field gets validator objects of its own.)
def _email_rules() -> list:
    return [
        DataRequired(message=_l("メールアドレスを入力してください。")),
        Email(message=_l("メールアドレスの形式が正しくありません。"), check_deliverability=False),
        Length(max=254),
    ]


def _new_password_rules() -> list:
    return [
        DataRequired(message=_l("パスワードを入力してください。")),
        Length(min=8, max=128, message=_l("パスワードは%(min)d〜%(max)d文字にしてください。")),
    ]


def _confirmation_rules() -> list:
    return [
        DataRequired(message=_l("確認のためもう一度入力してください。")),
        EqualTo("password", message=_l("パスワードが一致しません。")),
    ]


class RegisterForm(FlaskForm):
    username = StringField(
        _l("ユーザー名"), filters=[strip_whitespace],
        validators=[DataRequired(message=_l("ユーザー名を入力してください。"))],
        description=_l("半角英数字と _ で3〜32文字"),
    )
    email = StringField(
        _l("メールアドレス"), filters=[strip_whitespace],
        validators=_email_rules(),
        description=_l("公開されません"),
    )
    password = PasswordField(
        _l("パスワード"),
        validators=_new_password_rules(),
        description=_l("8文字以上"),
    )
    password_confirm = PasswordField(
        _l("パスワード（確認）"),
        validators=_confirmation_rules(),
    )

    def validate_username(self, field):
        if not USERNAME_PATTERN.match(field.data or ""):
            raise ValidationError(_l("ユーザー名は半角英数字と _ で3〜32文字にしてください。"))
        taken = db.session.scalar(
            sa.select(User.id).where(sa.func.lower(User.username) == field.data.lower())
        )
        if taken:
            raise ValidationError(_l("このユーザー名はすでに使われています。"))

    def validate_email(self, field):
        taken = db.session.scalar(
            sa.select(User.id).where(sa.func.lower(User.email) == (field.data or "").lower())
        )
        if taken:
            raise ValidationError(_l("このメールアドレスはすでに登録されています。"))


class LoginForm(FlaskForm):
    username = StringField(
        _l("ユーザー名またはメールアドレス"), filters=[strip_whitespace],
        validators=[DataRequired(message=_l("ユーザー名またはメールアドレスを入力してください。"))],
    )
    password = PasswordField(
        _l("パスワード"), validators=[DataRequired(message=_l("パスワードを入力してください。"))]
    )
    next = HiddenField()


class ResetRequestForm(FlaskForm):
    email = StringField(
        _l("メールアドレス"), filters=[strip_whitespace],
        validators=_email_rules(),
        description=_l("登録したメールアドレスに、再設定用のリンクを送ります。"),
    )


class ResetPasswordForm(FlaskForm):
    password = PasswordField(
        _l("新しいパスワード"),
        validators=_new_password_rules(),
        description=_l("8文字以上"),
    )
    password_confirm = PasswordField(
        _l("新しいパスワード（確認）"),
        validators=_confirmation_rules(),
    )
