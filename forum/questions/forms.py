"""The resolve form (asking and answering use forum.forms.posts, shared with editing)."""
import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import Optional, ValidationError


class ResolveForm(FlaskForm):
    # Only an absent or empty value means "no best answer"; spaces are checked (and refused).
    best_answer_id = HiddenField(validators=[Optional(strip_whitespace=False)])

    def validate_best_answer_id(self, field):
        # ASCII digits only: str.isdigit() also accepts "²", which int() refuses.
        if field.data and not re.fullmatch(r"[0-9]{1,10}", str(field.data)):
            raise ValidationError(_l("ベストアンサーの指定が正しくありません。"))
