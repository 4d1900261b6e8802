"""The guard's words, kept in one place: channel names, ID and account words, mail providers, brackets.

Each detector (chats, broad, services, emails, phones, text) builds its patterns from these pieces, so a
word added here counts everywhere it is meant to. Pieces are regular-expression text (to be joined into
larger patterns) unless compiled here because every user reads them the same way.
"""
from __future__ import annotations

import re
from functools import lru_cache

# --- channels --------------------------------------------------------------------------------------

# Each service: its kind, ASCII names (matched fuzzily: one letter may be censored or a look-alike) and
# other names (kana, kanji), matched as written.
SERVICES: tuple[tuple[str, str, str], ...] = (
    ("line", "line", "ライン らいん ライソ エルアイエヌイー"),
    ("chat", "chatwork chat-work", "チャットワーク ちゃっとわーく チャトワ チャワク"),
    ("chat", "slack", "スラック"),
    ("chat", "skype", "スカイプ"),
    ("chat", "discord", "ディスコード ディスコ鯖 ディスコ"),
    ("chat", "telegram", "テレグラム テレグラ"),
    ("chat", "whatsapp", "ワッツアップ ワッツアプ"),
    ("chat", "wechat weixin", "ウィーチャット ウィチャット ウィチャ 微信"),
    ("chat", "kakaotalk kakao", "カカオトーク カカオ"),
    ("chat", "signal", "シグナル"),
    ("chat", "viber", "バイバー"),
    ("chat", "instagram insta", "インスタグラム インスタ"),
    ("chat", "twitter", "ツイッター"),
    ("chat", "facebook messenger", "フェイスブック メッセンジャー"),
    ("chat", "threads tiktok bluesky bsky mastodon", "スレッズ ティックトック ブルースカイ マストドン"),
    ("chat", "zoom teams webex", "ズーム"),
)
# Said instead of LINE: "緑のアプリ", "例のアプリ", "あのアプリ".
EUPHEMISM = re.compile(r"緑の|みどりの|例のアプリ|あのアプリ|いつものアプリ|「ら」|メッセージアプリ|チャットアプリ")
# Said instead of Telegram (its paper-plane logo): "電報のアプリ（紙飛行機のやつ）".
CHAT_EUPHEMISM = re.compile(r"紙飛行機|電報")
# Ways to name a channel that only the broad holds count (they match inside longer words too):
# nicknames, logos, kana spellings, services spelled in hiragana and their short names.
NICKNAMES = (
    r"青い鳥|鳥の?(?:アプリ|方|ほう)|鳥じゃ|旧ツイ|ツイ(?:垢|アカ|の)|(?<![a-z0-9.\-_])x(?=\s?\(?旧|\s?(?:で|の|に|は|アカ|垢))"
    r"|カメラの(?:方|ほう|アプリ)|インスタ|緑の(?:やつ|アプリ|方)|電報アプリ|でぃすこ|らいん|ライン"
    r"|いんすた|ふぇいすぶっく|てれぐら|すらっく|すかいぷ|ちゃっとわーく|ついった|ぶるすこ|ブルスコ|かかお|うぃーちゃっと"
    r"|(?<![a-z0-9_.\-])(?:ig|fb|tg|sns)(?![a-z0-9_.\-])"
)
LINE_NICKNAME = r"緑|らいん|ライン"

# --- IDs and accounts ------------------------------------------------------------------------------

ID_KANA = r"アイディー?|あいでぃー?"
USER_NAME = r"ユーザー?(?:名|ネーム)"
# The words that introduce a handle: "ID", "ユーザー名", "アカウント", "ハンドル"; not the end of a name in
# code ("WHERE user_id = @userId"), but "lineid" and "line_id" as people write them.
ID_WORD = (rf"(?:(?:(?<=line)|(?<=line_)|(?<![a-z_]))i ?d(?![a-z])|{ID_KANA}|アイデー"
           rf"|{USER_NAME}|user ?name|アカウント名?|ハンドル(?:ネーム)?)")
# Words that say a name is an account's, for the broad holds (looser: "I.D", 名前, 垢, DM).
ACCOUNT_WORD = (rf"(?<![a-z_])i\.?\s?d(?![a-z])|{ID_KANA}|{USER_NAME}"
                r"|なまえ|名前|アカ名|垢|アカウント|(?<![a-z])dm(?![a-z])")
# "@everyone", "@here": a chat app's mention of a whole channel (or "@mention" itself), talked about, not a handle.
MENTIONS = frozenset(["everyone", "here", "channel", "all", "someone", "room", "mention", "mentions"])
# A service's product or library named after it ("LINE Bot", "LINE Pay", "Slack bolt"), not a handle.
CODE_WORDS = frozenset(["api", "bot", "bots", "sdk", "app", "apps", "business", "pay", "graph", "for", "webhook",
                        "webhooks", "bolt"])

# --- mail ------------------------------------------------------------------------------------------

# Mail providers as their domains spell them.
MAIL_PROVIDERS = (r"gmail|googlemail|yahoo|ymail|outlook|hotmail|icloud|protonmail|proton|docomo|ezweb|softbank"
                  r"|nifty|biglobe|aol|zoho")
# Providers said in katakana, and the domain name each stands for.
KANA_PROVIDERS = (
    (r"ジーメール|じーめーる|[gG]の?メール|グーグルの(?:フリー)?メール", "gmail"),
    (r"ヤフー(?:メール)?", "yahoo"),
    (r"アウトルック", "outlook"),
    (r"アイクラウド", "icloud"),
    (r"ホットメール", "hotmail"),
    (r"プロトン(?:メール)?", "proton"),
)
# Providers in any script, and the words for an address itself, for the broad holds.
PROVIDER_WORDS = (r"gmail|g-mail|ジーメ|じーめ|ぐーぐるめーる|グーグルメール|googleの(?:無料)?メール"
                  r"|yahoo|ヤフー|やふー|ほっとめーる|ホットメール|キャリアメール|(?:ドコモ|どこも|au|ソフトバンク)のメール"
                  r"|outlook|アウトルック|あうとるっく|hotmail|icloud|アイクラウド|メアド|めあど")
# Providers as they are read out after "at" ("あっと じーめーる").
SPOKEN_PROVIDERS = r"じーめ|ジーメ|ぐーぐる|グーグル|やふー|ヤフー|あいくらうど|アイクラウド"

# --- writing ---------------------------------------------------------------------------------------

# Brackets around a written-out dot, slash or at: "discord[.]gg", "taro（at）gmail".
OPEN, CLOSE = r"[\[(（{【〔<「『]", r"[\])）}】〕>」』]"
# The words for a dot and for the at mark, as an address or a link is read out.
DOT_WORDS = r"ドット|どっと|てん|点"
AT_MARK_WORDS = r"アットマーク|あっとまーく|[@＠] ?マーク"
# Words that say something is written backwards (a number, an address, an ID).
REVERSED = re.compile(r"逆|後ろから|うしろから|反対|reverse", re.IGNORECASE)
SENTENCE_END = re.compile(r"[。!?！？\n]")

# --- developer talk --------------------------------------------------------------------------------

# Parts of a name that make it a program's, a library's or a setting's rather than a person's:
# line-login-sample, slack_bolt_app, discord-oauth2, notify_bot, BotFather.
CODE_PARTS = frozenset(str.split(
    "api sdk bot bots app apps plugin feed sample samples demo test tests example login oauth oauth2 auth token "
    "webhook webhooks hook hooks notify client server callback config messaging lib cli limit graph bolt"
))
_NAME_PARTS = re.compile(r"[-_.\d]+|(?<=[a-z])(?=[A-Z])")
# Words that say the talk is about building software: "Messaging APIの", "アカウント連携で", "Botを作る".
_DEV_ASCII = str.split("api sdk bots? webhooks? oauth2? tokens? npm pip github json curl")
_DEV_OTHER = str.split("トークン 連携 実装 エンドポイント ライブラリ チャネル 開発 デバッグ サンプル"
                       " スクリプト プログラム パッケージ リポジトリ 環境変数 ボット")
# The look-aheads name every character a word can begin with, so the rest of a post is skipped quickly
# (and an English word only where a word begins).
_DEV_FIRST = "".join(sorted({w[0] for w in _DEV_ASCII} | {w[0].upper() for w in _DEV_ASCII}))
_DEV_OTHER_FIRST = "".join(sorted({w[0] for w in _DEV_OTHER}))
DEV_WORDS = re.compile(rf"(?<![a-z])(?=[{_DEV_FIRST}])(?:{'|'.join(_DEV_ASCII)})(?![a-z])"
                       rf"|(?=[{_DEV_OTHER_FIRST}])(?:{'|'.join(_DEV_OTHER)})", re.IGNORECASE)


_SNAKE_WORDS = re.compile(r"[a-z]+(?:_[a-z]+)+")
_HEX_ID = re.compile(r"[A-Za-z]?[0-9a-f]{16,}")


def code_identifier(word: str) -> bool:
    """Words joined by underscores, no digits (parse_mode, on_message, channel_secret): in talk about code,
    a variable's name. (Elsewhere it may be a handle: yuzu_writer.)"""
    return _SNAKE_WORDS.fullmatch(word) is not None


@lru_cache(maxsize=4096)
def code_name(word: str) -> bool:
    """A name made of a program's parts: some part (split at -, _, ., digits and camelCase) is one of CODE_PARTS."""
    return any(part.lower() in CODE_PARTS for part in _NAME_PARTS.split(word) if part)


@lru_cache(maxsize=4096)
def machine_id(word: str) -> bool:
    """An ID a program gave, not one a person chose: U01ABCDEF (capitals and digits), U4af4980629... (hex)."""
    if len(word) < 9 or not word.isalnum():
        return False
    digits = sum(c.isdigit() for c in word)
    if digits >= 2 and word.upper() == word:
        return True
    return len(word) >= 17 and digits >= 4 and _HEX_ID.fullmatch(word) is not None
