"""The お問い合わせ form: three kinds; a support request needs an e-mail address for the reply."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, RadioField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Email, Length, Optional

from ..forms import strip_whitespace
from ..labels import CONTACT_KIND_LABELS, choices
from ..models import CONTACT_KINDS


class ContactForm(FlaskForm):
    kind = RadioField(
        _l("お問い合わせの種類"), choices=choices(CONTACT_KIND_LABELS), validate_choice=False,
        validators=[DataRequired(message=_l("お問い合わせの種類を選んでください。")),
                    AnyOf(CONTACT_KINDS, message=_l("お問い合わせの種類を選んでください。"))],
    )
    subject = StringField(
        _l("件名"), filters=[strip_whitespace],
        validators=[DataRequired(message=_l("件名を入力してください。")),
                    Length(max=120, message=_l("件名は%(max)d文字以内で入力してください。"))],
    )
    body = TextAreaField(
        _l("内容"), filters=[strip_whitespace],
        validators=[DataRequired(message=_l("内容を入力してください。")),
                    Length(max=5000, message=_l("内容は%(max)d文字以内で入力してください。"))],
    )
    email = EmailField(
        _l("返信先のメールアドレス"), filters=[strip_whitespace],
        description=_l("サポートへの問い合わせでは必須です。不具合・違反の報告では任意です。"),
        validators=[Optional(), Length(max=254),
                    Email(message=_l("メールアドレスの形式が正しくありません。"), check_deliverability=False)],
    )

    def validate(self, extra_validators=None) -> bool:
        # Checked here, not in the field chain: Optional() stops that chain on an empty value.
        valid = super().validate(extra_validators)
        if self.kind.data == "support" and not self.email.data:
            self.email.errors = [*self.email.errors, _l("返信のため、メールアドレスを入力してください。")]
            return False
        return valid
