"""The search form: a GET form, so no CSRF token."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import Length, Optional

from ..labels import CATEGORY_LABELS, choices


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
