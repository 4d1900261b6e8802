"""The notification settings form: one choice per kind of event, the mail language, and
the categories and tags the member subscribes to."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, SelectMultipleField, StringField
from wtforms.validators import InputRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from ..forms import strip_whitespace
from ..labels import CATEGORY_LABELS, choices
from ..mail.kinds import Kind

DELIVERY_LABELS = {
    "immediate": _l("すぐにメールで受け取る"),
    "digest": _l("1日1回まとめて受け取る"),
    "never": _l("メールでは受け取らない"),
}
LANGUAGE_LABELS = {"ja": _l("日本語"), "en": _l("English")}


class NotificationSettingsForm(FlaskForm):
    locale = SelectField(_l("メールの言語"), choices=choices(LANGUAGE_LABELS),
                         validators=[InputRequired(message=_l("メールの言語を選んでください。"))])
    categories = SelectMultipleField(
        _l("購読するカテゴリ"), choices=choices(CATEGORY_LABELS),
        option_widget=CheckboxInput(), widget=ListWidget(prefix_label=False),
        description=_l("新しい質問が投稿されると、上の「購読中のカテゴリ・タグ」の設定どおりにお知らせします。"))
    tags = StringField(_l("購読するタグ"), filters=[strip_whitespace],
                       validators=[Length(max=200, message=_l("タグは合わせて200文字以内にしてください。"))],
                       description=_l("カンマ区切り（例：仮払い, 源泉徴収）"))


def settings_form(kinds: list[Kind], **kwargs) -> NotificationSettingsForm:
    """The form with a radio group for each kind this member can choose for."""

    class Form(NotificationSettingsForm):
        pass

    for kind in kinds:
        setattr(Form, kind.key, RadioField(
            kind.label, choices=choices(DELIVERY_LABELS), default=kind.default,
            validators=[InputRequired(message=_l("受け取り方を選んでください。"))]))
    return Form(**kwargs)
