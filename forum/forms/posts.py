"""The question and answer forms: asked, answered and edited through them (questions, edits)."""
import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from ..guard import NoContactInfo
from ..labels import ASKER_TYPE_LABELS, CATEGORY_LABELS, choices
from . import strip_whitespace

MAX_TAGS = 5
MAX_TAG_LENGTH = 20
_TAG_SEPARATORS = re.compile(r"[,、，]")


def split_tags(text: str | None) -> list[str]:
    """'支払い, 仮払い、手数料' -> ['支払い', '仮払い', '手数料'] (trimmed, unique, in order)."""
    seen: list[str] = []
    for raw in _TAG_SEPARATORS.split(text or ""):
        tag = raw.strip().lstrip("#＃")
        if tag and tag not in seen:
            seen.append(tag)
    return seen


class QuestionForm(FlaskForm):
    category = RadioField(
        _l("カテゴリ"),
        choices=choices(CATEGORY_LABELS),
        validators=[DataRequired(message=_l("カテゴリを選んでください。"))],
    )
    asker_type = RadioField(
        _l("立場"), choices=choices(ASKER_TYPE_LABELS), default="lancer",
        validators=[DataRequired(message=_l("立場を選んでください。"))],
    )
    title = StringField(
        _l("タイトル"),
        filters=[strip_whitespace],
        validators=[
            DataRequired(message=_l("タイトルを入力してください。")),
            Length(min=5, max=120, message=_l("タイトルは%(min)d〜%(max)d文字で入力してください。")),
            NoContactInfo(),
        ],
    )
    body = TextAreaField(
        _l("質問の内容"),
        filters=[strip_whitespace],
        validators=[
            DataRequired(message=_l("質問の内容を入力してください。")),
            Length(min=10, max=10000, message=_l("質問の内容は%(min)d〜%(max)d文字で入力してください。")),
            NoContactInfo(),
        ],
    )
    tags = StringField(_l("タグ（任意・カンマ区切り）"), validators=[Optional(), NoContactInfo()])

    def validate_tags(self, field):
        tags = split_tags(field.data)
        if len(tags) > MAX_TAGS:
            raise ValidationError(_l("タグは%(n)d個までです。", n=MAX_TAGS))
        if any(len(t) > MAX_TAG_LENGTH for t in tags):
            raise ValidationError(_l("タグは1つ%(n)d文字までです。", n=MAX_TAG_LENGTH))


class AnswerForm(FlaskForm):
    body = TextAreaField(
        _l("回答"),
        filters=[strip_whitespace],
        validators=[
            DataRequired(message=_l("回答を入力してください。")),
            Length(max=10000, message=_l("回答は%(max)d文字以内で入力してください。")),
            NoContactInfo(),
        ],
    )
