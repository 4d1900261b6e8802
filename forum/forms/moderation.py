"""Moderator forms rendered by several features (the thread page, profiles, the dashboard)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length, Optional

from ..labels import CLOSE_REASON_LABELS, ROLE_LABELS, SUSPENSION_DAY_LABELS, choices
from . import strip_whitespace


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


class NoteForm(FlaskForm):
    """Hide, restore, dismiss: an optional note for the audit log."""

    note = TextAreaField(
        _l("メモ（操作ログに残ります）"),
        validators=[Optional(), Length(max=1000, message=_l("メモは%(max)d文字以内にしてください。"))],
    )
    next = HiddenField()


class SuspendForm(FlaskForm):
    days = SelectField(
        _l("期間"), choices=choices(SUSPENSION_DAY_LABELS), default="7", validate_choice=False,
        validators=[DataRequired(message=_l("期間を選んでください。")),
                    AnyOf(tuple(SUSPENSION_DAY_LABELS), message=_l("期間を選んでください。"))],
    )
    reason = TextAreaField(
        _l("理由（本人に表示されます）"),
        filters=[strip_whitespace],
        validators=[DataRequired(message=_l("理由を入力してください。")),
                    Length(max=500, message=_l("理由は%(max)d文字以内にしてください。"))],
    )
    next = HiddenField()


class RoleForm(FlaskForm):
    """An admin appoints (or stands down) a moderator or admin."""

    role = SelectField(
        _l("権限"), choices=choices(ROLE_LABELS), validate_choice=False,
        validators=[DataRequired(message=_l("権限を選んでください。")),
                    AnyOf(tuple(ROLE_LABELS), message=_l("権限を選んでください。"))],
    )
