"""LINE IDs and outside chat handles: links, IDs given after a service's name, handles near one, meeting rooms."""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from .emails import strong_handle
from .services import services
from .text import View
from .vocab import (
    CHAT_EUPHEMISM,
    CODE_WORDS,
    DEV_WORDS,
    DOT_WORDS,
    EUPHEMISM,
    ID_WORD,
    MENTIONS,
    REVERSED,
    SENTENCE_END,
    USER_NAME,
    code_identifier,
    code_name,
    machine_id,
)

_HANDLE = r"@?[a-z0-9][a-z0-9._\-]{1,31}(?:#\d{4})?"
_ID_WORD_RE = re.compile(ID_WORD, re.IGNORECASE)
_ASSIGN_MARK = r"(?:[:=→⇒]|->)"
_OPEN_QUOTE = r"[「『\"'“(]?"
# "「えむ@駆け出しデザイナー」って名前で検索", "「佐藤ゆうき」という名前で出てくる".
_NAMED = r"(?:って|という|との)?\s*(?:名前|ユーザー?名|アカウント名?|名義)?\s*"
_FIND = r"(?:検索|追加|申請|フォロー|出て|ヒット|見つか|探し|探す|探せ|さがし|さがす|さがせ)"
_QUOTED_SEARCH = re.compile(rf"[^\n。!?！？「『]{{0,10}}[「『][^」』\n]{{1,24}}[」』]\s*{_NAMED}(?:で|を)?\s*{_FIND}")
_QUOTE_AFTER = re.compile(r"\s*[」』\"'”)]?\s*(?:で|を|と)?\s*(?:追加|検索|登録|入れ|フォロー|申請)")

# Each link pattern starts with a look-ahead at its possible first characters: it then skips the Japanese
# text of a post without trying every host at every character (a 10,000-character post in a millisecond).
_LINE_LINKS = re.compile(r"(?=[hlp])(?<![a-z0-9.])(?:https?://)?(?:line\.me|lin\.ee|page\.line\.me|liff\.line\.me)"
                         r"/[^\s)」』]+", re.IGNORECASE)
_HOSTS = (
    r"(?:www\.)?chatwork\.com|join\.slack\.com|join\.skype\.com|discord\.gg|discord(?:app)?\.com/(?:invite|users)"
    r"|t\.me|telegram\.me|wa\.me|api\.whatsapp\.com|chat\.whatsapp\.com|(?:www\.)?instagram\.com|instagr\.am"
    r"|ig\.me|(?:www\.|mobile\.)?twitter\.com|(?:www\.)?x\.com|m\.me|(?:www\.)?messenger\.com"
    r"|(?:www\.|m\.)?facebook\.com|fb\.me|fb\.com|(?:www\.)?threads\.net|(?:www\.)?tiktok\.com|bsky\.app/profile"
    r"|(?:[a-z0-9\-]+\.)?zoom\.us/(?:j|my|s|w)|meet\.google\.com|teams\.live\.com/meet|teams\.microsoft\.com/l/meetup-join"
    r"|[a-z0-9\-]+\.webex\.com/(?:meet|join)|whereby\.com|meet\.jit\.si|u\.wechat\.com|qr\.kakao\.com"
)
# A site's own pages, not anyone's profile: twitter.com/intent/tweet, facebook.com/sharer, x.com/home.
_SITE_PAGES = (r"(?:intent|share|sharer|sharer\.php|home|search|hashtag|explore|settings|developers?|dialog|oauth"
               r"|login|i|docs|help|policies|privacy|legal|tos|terms)(?![a-z0-9_.\-])")
# Slack's own hosts (its API, webhooks and files), not a workspace to join.
_SLACK_HOSTS = r"api|app|www|status|docs|slack|hooks|files|slack-files|edgeapi|upload|downloads|my|get"
_CHAT_LINKS = re.compile(
    rf"(?=[a-z0-9@_\-])(?:(?<![a-z0-9.\-/])(?:https?://)?(?:{_HOSTS})/(?!{_SITE_PAGES})[^\s)」』]+"
    rf"|(?<![a-z0-9.\-/])(?:https?://)?(?!(?:{_SLACK_HOSTS})\.)[a-z0-9\-]{{2,}}\.slack\.com(?![a-z0-9.\-])"
    r"|(?<![a-z0-9_.\-@])@?[a-z0-9_\-]+(?:\.[a-z0-9_\-]+)*\.bsky\.social"
    r"|skype:[a-z0-9.:_\-]{3,}|(?<![a-z])live:\.?[a-z0-9._\-]{3,})",
    re.IGNORECASE,
)
# Between ID and the handle: a few words, or a note in brackets ("ID（先頭に@なし）nozomi_0123").
_ID_CLAUSE = re.compile(
    rf"{ID_WORD}(?P<gap>(?:[(（][^)）\n]{{0,16}}[)）]|[^\n@a-z0-9(（]){{0,24}}?)(?:{_ASSIGN_MARK}|は|で|を)?\s*"
    rf"{_OPEN_QUOTE}\s*(?!i ?d(?![a-z0-9._\-]))(?P<h>{_HANDLE})",
    re.IGNORECASE,
)
# The handle in Japanese quotes (not code's id="...") a little after ID, or in pieces:
# "IDは @ の後ろ「kazu.freelance」", "IDの最初の3文字は「mir」で、後ろは「ai_77」".
_ID_QUOTED = re.compile(rf"{ID_WORD}[^\n。!?！？]{{0,24}}?[「『“](?P<h>[a-z0-9._\-]{{1,32}})[」』”]",
                        re.IGNORECASE)
_NEXT_QUOTED = re.compile(r"[^\n。!?！？「『]{0,12}[「『“](?P<h>[a-z0-9._\-]{1,32})[」』”]", re.IGNORECASE)
# "ユーザー名と同じ", "この掲示板の名前と一緒": the handle is the one they use here.
_SAME_AS_HERE = re.compile(r"(?:掲示板|サイト|フォーラム|ここ|こちら)の?"
                           rf"(?:{USER_NAME}|名前|ニックネーム|ハンドル|id)と(?:同じ|一緒)",
                           re.IGNORECASE)
# Asking to swap LINE, or sending its QR code, with no ID written: "ライン交換しませんか", "QRコードを貼るので".
# (Not when told as what someone else asked: "LINE交換しようと言われて断ったら".)
_SWAP = re.compile(r"交換(?:しませんか|しましょう|しよう|できますか|できません|お願い|して(?:ください|もらえ|くれ))"
                   r"(?!\s*(?:と|って)\s*(?:言われ|いわれ|誘われ|頼まれ|聞かれ|しつこく))"
                   r"|ふるふる"
                   r"|qr\s*(?:コード)?(?:を|も)?\s*(?:貼|送|載せ|読み取|読みと|はる|おく|置)"
                   # further on, only as an offer ("…のページに貼っておきました", "欲しい方は"), not "載せたい"
                   r"|qr[^\n。!?！？]{0,30}?(?:貼っ|貼り|送っ|送り|載せて|載せま|置い|配っ|配り|欲しい(?:方|人)|ほしい(?:方|人))",
                   re.IGNORECASE)
_THEN_HANDLE = re.compile(rf"[^\n]{{0,20}}?(?:追加|検索|申請|フォロー|登録)[^\n a-z0-9]{{0,10}}\s*(?P<h>{_HANDLE})",
                          re.IGNORECASE)
_SEARCH_QUOTED = re.compile(r"(?:検索|サーチ|search)[^\n「『]{0,4}[「『][^」』\n]{2,30}[」』]"
                            rf"|[「『][^」』\n]{{2,30}}[」』]\s*{_NAMED}(?:で|と)?\s*(?:検索|出て|ヒット|見つか)",
                            re.IGNORECASE)
_SPELLED_ID = re.compile(rf"{ID_WORD}[^\n。]{{0,20}}?(?:ローマ字|ひらがな|平仮名|カタカナ|アンダーバー|アンダースコア"
                         r"|ぴりおど|ピリオド|アルファベット|小文字|大文字)", re.IGNORECASE)
_AFTER_SERVICE = re.compile(rf"\s*(?:の|で|も)?\s*(?:{ID_WORD}|dm|名前?|ネーム)?\s*(?P<mark>{_ASSIGN_MARK}|は)?"
                            rf"\s*{_OPEN_QUOTE}\s*(?P<h>{_HANDLE})", re.IGNORECASE)
_NEAR_SERVICE = re.compile(rf"[^\n。!?！？]{{0,14}}?{_OPEN_QUOTE}(?<![a-z0-9._\-])(?!i ?d(?![a-z0-9]))(?P<h>{_HANDLE})",
                           re.IGNORECASE)
_X_WORD = r"(?:(?<![a-z0-9])x(?![a-z0-9])\s*(?:\(\s*旧\s*twitter\s*\))?)"
_AT_HANDLE = r"(?<![a-z0-9._%+\-])@[a-z0-9_][a-z0-9_.]{1,30}(?![a-z0-9_@])"
_SNS = r"(?:dm|ダイレクトメッセージ|フォロー|友だち追加|友達追加|フレンド申請|コンタクト申請|コンタクト追加)"
_AT_AFTER_SNS = re.compile(rf"(?:{_SNS}|{_X_WORD})[^\n@]{{0,12}}?(?P<h>{_AT_HANDLE})", re.IGNORECASE)
_AT_BEFORE_SNS = re.compile(rf"(?P<h>{_AT_HANDLE})[^\n@]{{0,12}}?{_SNS}", re.IGNORECASE)
_MEETING_ID = re.compile(r"(?:(?:ミーティング|会議|meeting|ルーム)\s*(?:(?<![a-z])id|番号)?|(?<![a-z])id|番号)"
                         r"\s*(?:は|:|=)?\s*"
                         r"(?P<n>\d{3}[ \-]?\d{3,4}[ \-]?\d{3,5})(?!\d)", re.IGNORECASE)
_PASSCODE = re.compile(r"パスコード|パスワード|パス|passcode|password|pass|pw|pwd|暗証", re.IGNORECASE)
_REVERSE_DOMAIN = re.compile(r"(?:com|jp|net|org|io|co)\.", re.IGNORECASE)
_INTRODUCING = re.compile(r"検索|追加|登録|入力|入れ|小文字|大文字|ローマ字|半角|書|同じ|一緒|[)）」』\"”]$")
_ATTRIBUTE = re.compile(r"(?<=[ \t])id=[\"']")
# A Discord tag, the name in any script: "kenta#4421", "「ぽてと」#0033".
_DISCORD_TAG = re.compile(r"(?:(?<![\w.\-])[\w.]{2,32}|[「『\"][^」』\"\n]{1,32}[」』\"] ?)#\d{4}(?!\d)")


def _kind_near(names: list[tuple[int, int, str, bool]], start: int, end: int, before: int = 60,
               after: int = 40) -> tuple[str, bool] | None:
    """The kind of the service named nearest to text[start:end], and whether it was named plainly.

    `names` are in order and do not overlap (so their ends are in order too): only those within reach
    are looked at, found by bisection, so a post naming a service hundreds of times stays fast.
    """
    best: tuple[int, str, bool] | None = None
    first = bisect_left(names, start - before, key=lambda n: n[1])
    last = bisect_right(names, end + after, lo=first, key=lambda n: n[0])
    for s, e, kind, plain in names[first:last]:
        distance = max(0, start - e, s - end)
        if (e <= start and distance > before) or (s >= end and distance > after):
            continue
        if best is None or distance < best[0]:
            best = (distance, kind, plain)
    return (best[1], best[2]) if best else None


_DEV_BEFORE, _DEV_AFTER = 40, 30


def _id_clauses(text: str, names: list[tuple[int, int, str, bool]],
                dev: list[int]) -> list[tuple[int, int, str, bool]]:
    """ "IDは naoki-p", "ID検索で「mio_art」", "ID（例のアプリの方）: kazu_edit_2024"."""
    hits = []
    for m in _ID_CLAUSE.finditer(text):
        if _ATTRIBUTE.match(text, m.start()):
            continue  # <div id="main-content">: markup in a question about code
        handle = m.group("h")
        gap = m.group("gap").strip()
        backwards = not strong_handle(handle.lstrip("@")) and strong_handle(handle[::-1]) \
            and bool(REVERSED.search(text, m.start(), m.end("h") + 20))  # "IDを逆から書くと 3302_onik"
        if not (strong_handle(handle.lstrip("@")) or backwards or (not gap and _letters(handle) >= 3)) \
                or _REVERSE_DOMAIN.match(handle) or (gap and not _introduced(text, m)):
            continue
        near = _kind_near(names, m.start(), m.end())
        kind = near[0] if near else "line"
        certain = near is not None and len(gap) <= 12 and not SENTENCE_END.search(gap) and not backwards
        verdict = _developer(dev, m.start("h"), m.end("h"), handle, certain)
        if verdict is not None:
            hits.append((m.start(), m.end("h"), kind, verdict))
    for m in _ID_QUOTED.finditer(text):
        handle, end = m.group("h"), m.end()
        for _ in range(3):  # "「mir」で、後ろは「ai_77」": a handle in up to four pieces
            more = _NEXT_QUOTED.match(text, end)
            if more is None or strong_handle(handle):
                break
            handle, end = handle + more.group("h"), more.end()
        if strong_handle(handle) and _developer(dev, m.start("h"), end, handle, False) is not None:
            near = _kind_near(names, m.start(), end)
            hits.append((m.start(), end, near[0] if near else "line", False))
    for m in _SPELLED_ID.finditer(text):
        near = _kind_near(names, m.start(), m.end())
        if near or EUPHEMISM.search(text, max(0, m.start() - 40), m.end() + 20):
            hits.append((m.start(), m.end(), near[0] if near else "line", False))
    return hits


def _developer(dev: list[int], start: int, end: int, handle: str, certain: bool) -> bool | None:
    """Developer talk: a program's name ("LINEのアカウント連携で line-login-sample", "@BotFather でボットを
    作る"), or a variable's where building software is talked about ("Bot APIの parse_mode"), is nothing
    (None); a program's name with digits, an ID a program gave, or any handle in such talk, is held at
    most; anything else keeps `certain`. `dev`: where the post's developer words start, in order (found
    once per post)."""
    plain = handle.lstrip("@")
    code = code_name(plain)
    i = bisect_left(dev, start - _DEV_BEFORE)
    talk = i < len(dev) and dev[i] < end + _DEV_AFTER
    if (talk and (code or code_identifier(plain))) or (code and not any(c.isdigit() for c in plain)):
        return None
    if code or talk or machine_id(plain):
        return False
    return certain


def _introduced(text: str, m: re.Match[str]) -> bool:
    """After words between ID and the handle, the handle is marked: "ID検索で nagi_0303", "ID（…）: kazu"."""
    before = text[m.end("gap"):m.start("h")].strip()
    return bool(before) or m.group("h").startswith("@") or bool(_INTRODUCING.search(m.group("gap").strip()))


def _letters(word: str) -> int:
    return sum(c.isalpha() for c in word)


def _emoji_name(text: str, m: re.Match[str]) -> bool:
    """An emoji's short name between colons ("Slackで :tada: を付けるbot"), not a handle."""
    return text[m.start("h") - 1:m.start("h")] == ":" and text.startswith(":", m.end("h"))


def _after_service(view: View, names: list[tuple[int, int, str, bool]],
                   dev: list[int]) -> list[tuple[int, int, str, bool]]:
    """ "LINE: taro_88", "Telegram @taro_tg", "ライン→ hana.works123", "Lineやってたら daichi1225 で追加"."""
    text = view.text
    hits = []
    for start, end, kind, _plain in names:
        word = view.source(start, end)  # as written: "line" in lower case is likely the English word
        m = _AFTER_SERVICE.match(text, end)
        if m and _emoji_name(text, m):
            m = None
        if m and _explicit(text, m, kind, word):
            verdict = _developer(dev, m.start("h"), m.end("h"), m.group("h"), True)
            if verdict is not None:
                hits.append((start, m.end("h"), kind, verdict))
            continue
        near = _NEAR_SERVICE.match(text, end)
        if near and not _emoji_name(text, near) and strong_handle(near.group("h").lstrip("@")):
            quoted = bool(_QUOTE_AFTER.match(text, near.end()))
            verdict = _developer(dev, near.start("h"), near.end("h"), near.group("h"), quoted and not word.islower())
            if verdict is not None:
                hits.append((start, near.end("h"), kind, verdict))
        elif (search := _QUOTED_SEARCH.match(text, end)) is not None:
            hits.append((start, search.end(), kind, False))  # "Chatworkで「山田 太郎」を検索"
    for pattern, kind in ((EUPHEMISM, "line"), (CHAT_EUPHEMISM, "chat")):
        for m in pattern.finditer(text):  # "緑のアプリで kaito_mv を検索": held, never refused
            near = _NEAR_SERVICE.match(text, m.end())
            if near and strong_handle(near.group("h").lstrip("@")) \
                    and _developer(dev, near.start("h"), near.end("h"), near.group("h"), False) is not None:
                hits.append((m.start(), near.end("h"), kind, False))
    return hits


def _invitations(text: str, names: list[tuple[int, int, str, bool]],
                 dev: list[int]) -> list[tuple[int, int, str, bool]]:
    """Held: a service named with a way to find the person but no plain handle beside it.

    "LINEやってる人いたら追加して！ yu-ta.0921" (a handle after the request), "名前検索で「Ayumi Kondo」",
    "インスタのアカウントはこの掲示板のユーザー名と同じ", "ライン交換しませんか", "QRコードを貼るので".
    """
    hits = []
    for start, end, kind, _plain in names:
        then = _THEN_HANDLE.match(text, end)
        if then is not None and strong_handle(then.group("h").lstrip("@")) \
                and _developer(dev, then.start("h"), then.end("h"), then.group("h"), False) is not None:
            hits.append((start, then.end("h"), kind, False))
    # "例の緑のアプリのQRコード、欲しい方は": a QR code or a swap offered for LINE named by a euphemism
    hinted = sorted(names + [(m.start(), m.end(), "line", False) for m in EUPHEMISM.finditer(text)])
    for pattern, reach in ((_SEARCH_QUOTED, 60), (_SAME_AS_HERE, 40), (_SWAP, 30)):
        for m in pattern.finditer(text):
            near = _nearest_name(hinted if pattern is _SWAP else names, m.start(), m.end(), reach)
            if near is not None:
                hits.append((min(near[0], m.start()), max(near[1], m.end()), near[2], False))
    return hits


def _nearest_name(names: list[tuple[int, int, str, bool]], start: int, end: int,
                  reach: int) -> tuple[int, int, str, bool] | None:
    first = bisect_left(names, start - reach, key=lambda n: n[1])
    last = bisect_right(names, end + reach, lo=first, key=lambda n: n[0])
    return min(names[first:last], key=lambda n: max(0, start - n[1], n[0] - end), default=None)


def _explicit(text: str, m: re.Match[str], kind: str, word: str) -> bool:
    """A handle given right after the service's name, with ID, a colon or an @: certain."""
    handle = m.group("h")
    id_word = bool(_ID_WORD_RE.search(text, m.start(), m.start("h")))
    mark = m.group("mark")
    if handle.lower() in CODE_WORDS or handle.lower().lstrip("@") in MENTIONS or _letters(handle) < 1:
        return False
    if kind == "line" and word.isascii() and not word.isupper() and not id_word:
        return False  # "line 42", "Line: the quick brown fox"
    if handle.startswith("@"):
        return True
    return (id_word or mark is not None) and (mark != "は" or strong_handle(handle))


# A link read out after a service's name: "ディスコード 点 gg 斜線 webbu2024" (discord.gg/webbu2024).
_SPOKEN_LINK = re.compile(rf"\s*(?:\.|{DOT_WORDS}|dot)\s*(?:gg|com|me|us|app|net)\s*"
                          r"(?:/|斜線|スラッシュ|すらっしゅ)\s*(?P<h>[a-z0-9][a-z0-9_\-]{2,31})", re.IGNORECASE)
# A workspace or server to join: "ワークスペース「mori-lab」に参加申請して".
_WORKSPACE = re.compile(r"(?:ワークスペース|workspace|サーバー|サーバ|server)\s*名?\s*(?:は|:|=)?\s*[「『\"]?"
                        r"(?P<h>[a-z0-9][a-z0-9._\-]{2,31})(?P<rest>[^\n。!?！？]{0,20})", re.IGNORECASE)
_JOIN = re.compile(r"参加|招待|入って|入れ|来て|来ませんか|join|申請", re.IGNORECASE)


def _rooms(text: str, names: list[tuple[int, int, str, bool]]) -> list[tuple[int, int, str, bool]]:
    """Held: a link spoken after a service's name, or a workspace to join named near one."""
    hits = []
    for start, _end, kind, _plain in names:
        m = _SPOKEN_LINK.match(text, _end)
        if m is not None:
            hits.append((start, m.end("h"), kind, False))
    for m in _WORKSPACE.finditer(text):
        if strong_handle(m.group("h")) and _JOIN.search(m.group("rest")) and _kind_near(names, m.start(), m.end()):
            hits.append((m.start(), m.end("h"), "chat", False))
    return hits


_MEET_CODE = re.compile(r"(?<![a-z0-9\-])[a-z]{3}-[a-z]{4}-[a-z]{3}(?![a-z0-9\-])")
_MEET_WORDS = re.compile(r"meet|ミート|会議|ミーティング|打ち合わせ", re.IGNORECASE)


def _meetings(text: str, names: list[tuple[int, int, str, bool]]) -> list[tuple[int, int, str, bool]]:
    """A video-call room: "Zoom: ID 812 3390 4471 / PW 5521" (certain with a passcode)."""
    hits = []
    for m in _MEETING_ID.finditer(text):
        passcode = _PASSCODE.search(text, m.end(), m.end() + 30)
        near = _kind_near(names, m.start(), m.end(), 40, 20)
        if near or passcode:
            end = passcode.end() if passcode else m.end("n")
            hits.append((m.start(), end, "chat", bool(passcode and near)))
    for m in _MEET_CODE.finditer(text):  # a Google Meet code, "abc-defg-hij"
        if _MEET_WORDS.search(text, max(0, m.start() - 30), m.end() + 20):
            hits.append((m.start(), m.end(), "chat", False))
    return hits


def find_chats(view: View) -> list[tuple[int, int, str, bool]]:
    """(start, end, kind, certain) in view offsets."""
    text = view.text
    names = services(text)
    dev = [m.start() for m in DEV_WORDS.finditer(text)]
    hits = [(m.start(), m.end(), "line", True) for m in _LINE_LINKS.finditer(text)]
    hits += [(m.start(), m.end(), "chat", True) for m in _CHAT_LINKS.finditer(text)]
    for pattern in (_AT_AFTER_SNS, _AT_BEFORE_SNS):
        for m in pattern.finditer(text):
            if m.group("h").lower().lstrip("@") in MENTIONS:
                continue
            verdict = _developer(dev, m.start("h"), m.end("h"), m.group("h"), True)
            if verdict is None:
                continue
            near = _kind_near(names, m.start(), m.end(), 30, 10)
            hits.append((m.start("h"), m.end("h"), near[0] if near else "chat", verdict))
    if names or "id" in text.lower() or "ID" in text:
        hits += _id_clauses(text, names, dev)
    hits += _after_service(view, names, dev)
    hits += _invitations(text, names, dev)
    discord = [n for n in names if text[n[0]:n[1]].lower().startswith(("discord", "ディス"))]
    for m in _DISCORD_TAG.finditer(text) if discord else ():  # "kenta#4421" with Discord named nearby
        if _kind_near(discord, m.start(), m.end(), 80, 60):
            hits.append((m.start(), m.end(), "chat", True))
    hits += _meetings(text, names)
    hits += _rooms(text, names)
    return hits
