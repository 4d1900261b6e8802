"""The kinds of events a member can hear about by mail, and what each does by default."""
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString


@dataclass(frozen=True)
class Kind:
    key: str
    label: LazyString
    default: str  # "immediate", "digest" or "never"
    veterans_only: bool = False


# The settings page lists these in this order. Kinds raised by notifications this table does
# not know yet (another part of the forum adding one) fall back to UNKNOWN_DEFAULT.
KINDS: dict[str, Kind] = {k.key: k for k in (
    Kind("answer", _l("自分の質問に回答がついたとき"), "immediate"),
    Kind("stale_reminder", _l("自分の質問が未解決のまま日数がたったとき（解決のお願い）"), "immediate"),
    Kind("best_answer", _l("自分の回答がベストアンサーに選ばれたとき"), "immediate"),
    Kind("comment", _l("自分の投稿にコメントがついたとき"), "digest"),
    Kind("followed", _l("フォロー中のスレッドに回答や補足が追加されたとき"), "digest"),
    Kind("helpful", _l("自分の回答が「参考になった」と評価されたとき"), "digest"),
    Kind("moderation", _l("自分の投稿やスレッドにモデレーターが対応したとき"), "immediate"),
    Kind("subscription", _l("購読中のカテゴリ・タグに新しい質問が投稿されたとき"), "digest"),
    Kind("urgent_alert", _l("急募の質問に回答がないまま時間がたったとき（先輩ランサー向け）"), "never",
         veterans_only=True),
)}
UNKNOWN_DEFAULT = "digest"
# Mail that is not a notification: always sent at once, never listed or unsubscribed from.
TRANSACTIONAL = ("password_reset",)


def default_for(kind: str) -> str:
    found = KINDS.get(kind)
    return found.default if found is not None else UNKNOWN_DEFAULT
