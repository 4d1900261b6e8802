"""Display labels for the domain's keys, translatable through Flask-Babel."""
from wtforms.fields.choices import SelectChoice

from .i18n import lazy_translation as _l

CATEGORY_LABELS = {
    "want_to_know": _l("知りたい"),
    "urgent": _l("急募"),
    "in_trouble": _l("困った"),
}
CATEGORY_HELP = {
    "want_to_know": _l("仕組みや使い方について知りたいこと"),
    "urgent": _l("急いで回答がほしいこと（回答受付中の一覧で先頭に表示されます）"),
    "in_trouble": _l("支払い・クライアント・アカウントなどで困っていること"),
}
STATUS_LABELS = {
    "open": _l("回答受付中"),
    "resolved": _l("解決済み"),
    "closed": _l("クローズ"),
    "expired": _l("回答受付終了"),
}
ASKER_TYPE_LABELS = {"lancer": _l("ランサー"), "client": _l("クライアント")}
CLOSE_REASON_LABELS = {
    "spam": _l("迷惑行為"),
    "rule_violation": _l("規則違反"),
    "contact_exchange": _l("連絡先交換"),
    "duplicate": _l("重複"),
    "off_topic": _l("趣旨と異なる"),
    "other": _l("その他"),
}
REPORT_REASON_LABELS = {
    "spam": _l("迷惑行為"),
    "rule_violation": _l("規則違反"),
    "contact_exchange": _l("連絡先交換"),
    "harassment": _l("嫌がらせ"),
    "other": _l("その他"),
}
ROLE_LABELS = {"member": _l("メンバー"), "moderator": _l("モデレーター"), "admin": _l("管理者")}
ACTION_LABELS = {
    "close": _l("クローズ"),
    "reopen": _l("再開"),
    "hide": _l("非表示"),
    "restore": _l("再表示"),
    "dismiss_reports": _l("通報を却下"),
    "suspend": _l("利用停止"),
    "unsuspend": _l("利用停止を解除"),
    "grant_veteran": _l("先輩バッジ付与"),
    "revoke_veteran": _l("先輩バッジ取消"),
    "set_role": _l("権限変更"),
    "close_contact": _l("お問い合わせを対応済みに"),
    "edit": _l("投稿を編集"),
    "publish": _l("確認待ちの投稿を公開"),
    "reject": _l("確認待ちの投稿を非公開"),
    "resolve": _l("質問者に代わって解決済みに"),
}

CONTACT_KIND_LABELS = {
    "bug": _l("不具合の報告（返信不要）"),
    "abuse": _l("迷惑行為・規約違反の報告"),
    "support": _l("サポートへの問い合わせ（返信が必要）"),
}
CONTACT_KIND_HELP = {
    "bug": _l("画面の表示がおかしい、ボタンが動かないなど。返信はしませんが、すべて確認します。"),
    "abuse": _l("迷惑行為や規約違反を見つけたとき。投稿への通報は各投稿の「通報する」からもできます。"),
    "support": _l("アカウントや利用停止などについて。返信のため、メールアドレスが必要です。"),
}
SUSPENSION_DAY_LABELS = {
    "1": _l("1日"),
    "3": _l("3日"),
    "7": _l("7日"),
    "30": _l("30日"),
    "365": _l("1年"),
}
REPORT_OUTCOME_LABELS = {
    "open": _l("未対応"),
    "hidden": _l("非表示にした"),
    "closed": _l("クローズした"),
    "suspended": _l("利用停止にした"),
    "dismissed": _l("問題なし（却下）"),
}
REPORT_TARGET_LABELS = {"question": _l("質問"), "answer": _l("回答")}
# The FAQ's six categories, in display order (forum/models/faq.py FAQ_CATEGORIES).
FAQ_CATEGORY_LABELS = {
    "certified_lancer": _l("認定ランサー"),
    "direct_request": _l("直接依頼について"),
    "withdrawal": _l("振り込み依頼〜受け取りまで"),
    "posting_jobs": _l("お仕事の依頼について"),
    "basics": _l("依頼の基本知識"),
    "payments": _l("支払いについて"),
}
# The lists' sort orders (?sort=).
SORT_LABELS = {"newest": _l("新着順"), "answers": _l("回答の多い順"), "helpful": _l("参考になった順")}


def choices(labels: dict, blank=None) -> list[SelectChoice]:
    """Form choices from one of the label tables (optionally led by a blank option)."""
    options = [SelectChoice("", blank)] if blank is not None else []
    return options + [SelectChoice(key, label) for key, label in labels.items()]


# In-app notifications (forum/notify.py): what happened, as the list says it.
NOTIFICATION_LABELS = {
    "answer": _l("あなたの質問に回答がつきました"),
    "comment": _l("あなたの投稿にコメントがつきました"),
    "best_answer": _l("あなたの回答がベストアンサーに選ばれました"),
    "followed_answer": _l("フォロー中の質問に新しい回答がつきました"),
    "supplement": _l("フォロー中の質問に補足が追加されました"),
    "closed": _l("あなたの質問がモデレーターによりクローズされました"),
    "reopened": _l("あなたの質問がモデレーターにより再開されました"),
    "resolved": _l("あなたの質問がモデレーターにより解決済みにされました"),
    "hidden": _l("あなたの投稿がモデレーターにより非表示にされました"),
    "restored": _l("あなたの投稿が再表示されました"),
    "helpful": _l("あなたの回答が「参考になった」と評価されました"),
    "remind_resolve": _l("質問は解決しましたか？ベストアンサーを選んで解決済みにしてください"),
    "published": _l("確認待ちだったあなたの投稿が公開されました"),
    "rejected": _l("確認待ちだったあなたの投稿は、連絡先の交換にあたるため公開されませんでした"),
    "new_question": _l("購読中のカテゴリ・タグに新しい質問が投稿されました"),
    "urgent_alert": _l("急募の質問にまだ回答がありません"),
}
# Notifications about a moderator's decision on the member's post: they carry a link to appeal.
APPEALABLE_NOTIFICATIONS = ("closed", "hidden", "rejected")
