"""Moderator forms."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..labels import CLOSE_REASON_LABELS, choices


class CloseForm(FlaskForm):
    reason = SelectField(
        _l("クローズの理由"),
        choices=choices(CLOSE_REASON_LABELS),
        validators=[DataRequired(message=_l("理由を選んでください。"))],
    )
    note = TextAreaField(
        _l("メモ（スレッドに表示されます）"),
        validators=[Optional(), Length(max=1000, message=_l("メモは%(max)d文字以内にしてください。"))],
    )
