"""Moderator forms rendered by several features (the thread page, profiles, the dashboard)."""
import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length, Optional, ValidationError

from ..labels import CLOSE_REASON_LABELS, ROLE_LABELS, SUSPENSION_DAY_LABELS, choices
from . import strip_whitespace

# A thread's number, or a link to it (…/questions/123, with anything after it).
_THREAD_REF = re.compile(r"^\s*(?:#?(\d{1,10})|\S*/questions/(\d{1,10})(?:[/?#]\S*)?)\s*$")


def thread_id_of(text: str | None) -> int | None:
    """The thread number typed as "123", "#123" or a thread's URL; None when it is none of them."""
    found = _THREAD_REF.match(text or "")
    return int(found.group(1) or found.group(2)) if found else None


# A <select required> must begin with an empty placeholder option (HTML); these always have a
# value chosen, so the attribute is left out (the server still requires one).
NO_REQUIRED_ATTRIBUTE = {"required": False}


class CloseForm(FlaskForm):
    # No default: the moderator chooses a reason every time (the empty first option is chosen until then).
    reason = SelectField(
        _l("クローズの理由"),
        choices=choices(CLOSE_REASON_LABELS, blank=_l("理由を選んでください")), validate_choice=False,
        validators=[DataRequired(message=_l("理由を選んでください。")),
                    AnyOf(tuple(CLOSE_REASON_LABELS), message=_l("理由を選んでください。"))],
    )
    duplicate_of = StringField(
        _l("重複先の質問（番号またはURL）"),
        # No Optional(): it would stop the chain before validate_duplicate_of sees an empty field.
        validators=[Length(max=300, message=_l("重複先は番号かURLで入力してください。"))],
    )
    note = TextAreaField(
        _l("理由の説明（スレッドに表示され、投稿者に通知されます）"),
        filters=[strip_whitespace],
        validators=[Length(max=1000, message=_l("説明は%(max)d文字以内にしてください。"))],
    )

    def validate_note(self, field):
        """Every close says why, except a duplicate: the thread it repeats says it."""
        if self.reason.data != "duplicate" and not field.data:
            raise ValidationError(_l("クローズする理由を説明してください（投稿者に通知されます）。"))

    def validate_duplicate_of(self, field):
        if self.reason.data != "duplicate":
            return
        if not (field.data or "").strip():
            raise ValidationError(_l("重複としてクローズするときは、重複先の質問の番号かURLを入力してください。"))
        if thread_id_of(field.data) is None:
            raise ValidationError(_l("重複先は質問の番号（例：123）かURLで入力してください。"))

    @property
    def duplicate_of_id(self) -> int | None:
        return thread_id_of(self.duplicate_of.data) if self.reason.data == "duplicate" else None


class NoteForm(FlaskForm):
    """Restore, reopen, dismiss, publish: an optional note for the audit log."""

    note = TextAreaField(
        _l("メモ（任意・操作ログに残ります）"),
        filters=[strip_whitespace],
        validators=[Optional(), Length(max=1000, message=_l("メモは%(max)d文字以内にしてください。"))],
    )
    next = HiddenField()


class ReasonForm(FlaskForm):
    """Hide a post, reject a held one: the reason is required (logged, and the author is told)."""

    note = TextAreaField(
        _l("理由（投稿者に通知され、操作ログに残ります）"),
        filters=[strip_whitespace],
        validators=[DataRequired(message=_l("理由を入力してください（投稿者に通知されます）。")),
                    Length(max=1000, message=_l("理由は%(max)d文字以内にしてください。"))],
    )
    next = HiddenField()


class SuspendForm(FlaskForm):
    days = SelectField(
        _l("期間"), choices=choices(SUSPENSION_DAY_LABELS), default="7", validate_choice=False,
        render_kw=NO_REQUIRED_ATTRIBUTE,
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
        _l("権限"), choices=choices(ROLE_LABELS), validate_choice=False, render_kw=NO_REQUIRED_ATTRIBUTE,
        validators=[DataRequired(message=_l("権限を選んでください。")),
                    AnyOf(tuple(ROLE_LABELS), message=_l("権限を選んでください。"))],
    )
