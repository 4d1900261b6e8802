"""Profile form."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import Length, Optional

from ..guard import NoContactInfo


class ProfileForm(FlaskForm):
    bio = TextAreaField(
        _l("自己紹介"),
        filters=[lambda v: v.strip() if isinstance(v, str) else v],
        validators=[Optional(), Length(max=2000, message=_l("自己紹介は%(max)d文字以内で入力してください。")),
                    NoContactInfo()],
    )
