"""The comment and 補足 forms (plain text, the contact guard applies)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from ..forms import strip_whitespace
from ..guard import NoContactInfo
from ..models import COMMENT_MAX


class CommentForm(FlaskForm):
    body = TextAreaField(
        _l("コメント"), filters=[strip_whitespace],
        validators=[DataRequired(message=_l("コメントを入力してください。")),
                    Length(max=COMMENT_MAX, message=_l("コメントは%(max)d文字以内で入力してください。")),
                    NoContactInfo()])


class SupplementForm(FlaskForm):
    body = TextAreaField(
        _l("補足"), filters=[strip_whitespace],
        validators=[DataRequired(message=_l("補足を入力してください。")),
                    Length(max=5000, message=_l("補足は%(max)d文字以内で入力してください。")),
                    NoContactInfo()])
