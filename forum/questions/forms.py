"""The resolve form (asking and answering use forum.forms.posts, shared with editing)."""
import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField
from wtforms.validators import Length, Optional, ValidationError

from ..forms import strip_whitespace
from ..guard import NoContactInfo


class ResolveForm(FlaskForm):
    """Resolve with a best answer (and an optional お礼), or as 自己解決 with a required note."""

    # Only an absent or empty value means "no best answer"; spaces are checked (and refused).
    best_answer_id = HiddenField(validators=[Optional(strip_whitespace=False)])
    thanks = TextAreaField(
        _l("お礼（任意・ベストアンサーの下に表示されます）"), filters=[strip_whitespace],
        validators=[Optional(), Length(max=1000, message=_l("お礼は%(max)d文字以内で入力してください。")),
                    NoContactInfo()])
    note = TextAreaField(
        _l("どのように解決したか（自己解決）"), filters=[strip_whitespace],
        validators=[Optional(), Length(max=2000, message=_l("解決方法は%(max)d文字以内で入力してください。")),
                    NoContactInfo()])

    def validate_best_answer_id(self, field):
        # ASCII digits only: str.isdigit() also accepts "²", which int() refuses.
        if field.data and not re.fullmatch(r"[0-9]{1,10}", str(field.data)):
            raise ValidationError(_l("ベストアンサーの指定が正しくありません。"))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not self.best_answer_id.data and not self.note.data:
            # (Optional() ends the note's own chain when it is empty, so the rule is checked here.)
            self.note.errors = [*self.note.errors, _l("自己解決の場合は、どのように解決したかを書いてください。"
                                                      "次に同じことで困った人の役に立ちます。")]
            return False
        return valid

    @property
    def best_id(self) -> int | None:
        return int(self.best_answer_id.data) if self.best_answer_id.data else None
