"""Forms only the moderation dashboard uses (the shared ones are in forum.forms.moderation)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectField, StringField
from wtforms.validators import AnyOf, Length, Optional

from ..forms.moderation import CloseForm
from ..labels import ACTION_LABELS, choices


class QueueCloseForm(CloseForm):
    next = HiddenField()

    def validate_duplicate_of(self, field):
        """The queue closes without linking; duplicates are linked from the thread page."""


class AuditFilterForm(FlaskForm):
    """GET filters for the audit log (no CSRF: it changes nothing)."""

    class Meta:
        csrf = False

    actor = StringField(_l("モデレーター"), validators=[Optional(), Length(max=32)])
    action = SelectField(_l("操作"), choices=choices(ACTION_LABELS, blank=_l("すべて")), validate_choice=False,
                         validators=[Optional(), AnyOf(tuple(ACTION_LABELS), message=_l("操作を選んでください。"))])
    since = DateField(_l("開始日"), validators=[Optional()])
    until = DateField(_l("終了日"), validators=[Optional()])


class InsightsForm(FlaskForm):
    """GET: the period of /moderation/insights (Tokyo days, both included; no CSRF)."""

    class Meta:
        csrf = False

    start = DateField(_l("開始日"), name="from", validators=[Optional()])
    end = DateField(_l("終了日"), name="to", validators=[Optional()])
