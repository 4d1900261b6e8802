"""The report form (通報)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length, Optional

from ..labels import REPORT_REASON_LABELS, choices
from ..models import REPORT_REASONS, REPORT_TARGETS


class ReportForm(FlaskForm):
    target_type = HiddenField(validators=[AnyOf(REPORT_TARGETS, message=_l("通報する投稿の指定が正しくありません。"))])
    target_id = HiddenField(validators=[DataRequired(message=_l("通報する投稿の指定が正しくありません。"))])
    reason = RadioField(
        _l("通報の理由"), choices=choices(REPORT_REASON_LABELS), validate_choice=False,
        validators=[DataRequired(message=_l("通報の理由を選んでください。")),
                    AnyOf(REPORT_REASONS, message=_l("通報の理由を選んでください。"))],
    )
    detail = TextAreaField(
        _l("詳しい内容（任意）"),
        filters=[lambda v: v.strip() if isinstance(v, str) else v],
        validators=[Optional(), Length(max=1000, message=_l("詳しい内容は%(max)d文字以内で入力してください。"))],
    )

    def target_id_value(self) -> int | None:
        value = (self.target_id.data or "").strip()
        return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else None
