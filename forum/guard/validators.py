"""The contact guard as a WTForms validator: refuses text with certain contact details, marking the spot."""
from flask_babel import gettext as _
from markupsafe import Markup
from wtforms.validators import ValidationError

from .detector import Finding, certain_findings

_CONTEXT = 12  # characters shown either side of a finding
_MAX_SHOWN = 3


def kind_label(kind: str) -> str:
    return {
        "phone": _("電話番号"),
        "email": _("メールアドレス"),
        "line": _("LINE ID・LINEのリンク"),
        "chat": _("外部チャット・SNSのアカウント"),
    }.get(kind, kind)


def excerpt(text: str, finding: Finding) -> Markup:
    """'…の連絡は <mark>090-1234-5678</mark> まで…', escaped except for the mark."""
    before = text[max(0, finding.start - _CONTEXT):finding.start]
    after = text[finding.end:finding.end + _CONTEXT]
    return Markup("{}{}<mark>{}</mark>{}{}").format(
        "…" if finding.start > _CONTEXT else "", before, text[finding.start:finding.end], after,
        "…" if finding.end + _CONTEXT < len(text) else "",
    )


def refusal_message(text: str, findings: list[Finding]) -> Markup:
    """The Japanese refusal: what was found, where, which rule, and what to do instead."""
    kinds = "・".join(dict.fromkeys(kind_label(f.kind) for f in findings))
    spots = Markup("").join(
        Markup('<span class="guard-excerpt">「{}」</span>').format(excerpt(text, f))
        for f in findings[:_MAX_SHOWN]
    )
    return Markup("{} {}<br>{}").format(
        _("連絡先（%(kinds)s）が含まれているため投稿できません：", kinds=kinds),
        spots,
        _("契約前に電話番号・メールアドレス・LINE ID・外部チャットのアカウントを交換することは"
          "「直接取引の禁止」により禁止されています。連絡先は、仮払い後に「連絡先公開申請」で交換してください。"
          "該当する部分を削除してから、もう一度投稿してください。"),
    )


class NoContactInfo:
    """Field validator: the text must contain no certain phone, e-mail, LINE or chat contact details.

    Uncertain findings (a spelled-out partial, a handle near a service's name) do not refuse the post:
    the post flow holds them for a moderator (`forum.guard.uncertain_findings`).
    """

    field_flags: dict[str, object] = {}

    def __call__(self, form, field) -> None:
        text = field.data if isinstance(field.data, str) else ""
        findings = certain_findings(text)
        if findings:
            raise ValidationError(refusal_message(text, findings))
