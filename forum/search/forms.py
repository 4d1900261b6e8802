"""The search form (a GET form, so no CSRF token) and the synonym editor's form."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from ..forms import strip_whitespace
from ..labels import CATEGORY_LABELS, choices
from ..models import SYNONYM_MAX


class SearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("キーワード"), validators=[Optional(), Length(max=200)])
    category = SelectField(
        _l("カテゴリ"),
        choices=choices(CATEGORY_LABELS, blank=_l("すべて")),
        validators=[Optional()],
        validate_choice=False,
    )
    # 回答受付終了 threads are left out unless asked for.
    expired = BooleanField(_l("回答受付終了の質問も含める"), false_values=("", "0", "false"))


_NO_TABS = Regexp(r"^[^\t\r\n]*$", message=_l("タブや改行は使えません。"))


class SynonymForm(FlaskForm):
    """One pair of the synonym table (the admins' editor)."""

    word = StringField(
        _l("語"), filters=[strip_whitespace],
        validators=[DataRequired(message=_l("語を入力してください。")),
                    Length(max=SYNONYM_MAX, message=_l("語は%(max)d文字以内にしてください。")), _NO_TABS],
    )
    other = StringField(
        _l("同じ意味の語"), filters=[strip_whitespace],
        validators=[DataRequired(message=_l("同じ意味の語を入力してください。")),
                    Length(max=SYNONYM_MAX, message=_l("同じ意味の語は%(max)d文字以内にしてください。")), _NO_TABS],
    )
