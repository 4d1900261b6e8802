"""The FAQ editor's form."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length, Optional, Regexp

from ..forms import strip_whitespace
from ..labels import FAQ_CATEGORY_LABELS, choices


class FaqEntryForm(FlaskForm):
    category = SelectField(
        _l("カテゴリ"), choices=choices(FAQ_CATEGORY_LABELS), validate_choice=False,
        validators=[DataRequired(message=_l("カテゴリを選んでください。")),
                    AnyOf(tuple(FAQ_CATEGORY_LABELS), message=_l("カテゴリを選んでください。"))],
    )
    question = StringField(
        _l("質問"), filters=[strip_whitespace],
        validators=[DataRequired(message=_l("質問を入力してください。")),
                    Length(max=200, message=_l("質問は%(max)d文字以内にしてください。"))],
    )
    answer = TextAreaField(
        _l("回答（Markdown）"), filters=[strip_whitespace],
        validators=[DataRequired(message=_l("回答を入力してください。")),
                    Length(max=20000, message=_l("回答は%(max)d文字以内にしてください。"))],
    )
    source_question_id = HiddenField(
        validators=[Optional(), Regexp(r"^\d{1,10}$", message=_l("元の質問が正しくありません。"))])


class MoveForm(FlaskForm):
    direction = HiddenField(validators=[AnyOf(("up", "down"), message=_l("移動の向きが正しくありません。"))])
