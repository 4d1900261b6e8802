"""連絡先ガード: find phone numbers, e-mail addresses, LINE IDs and chat handles in a text."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

KINDS = ("phone", "email", "line", "chat")


@dataclass(frozen=True)
class Finding:
    kind: str
    start: int
    end: int


def _fold(text: str) -> str:
    """NFKC character by character, keeping the length so offsets stay the original's.

    Full-width digits, letters, ＠, （）, ．, － become ASCII; anything whose NFKC form is longer
    than one character (㈱, ﾊﾟ) is kept as written.
    """
    out = []
    for ch in text:
        folded = unicodedata.normalize("NFKC", ch)
        out.append(folded if len(folded) == 1 else ch)
    return "".join(out)


# --- phone numbers ---------------------------------------------------------------------------

_KANJI_DIGITS = {"〇": "0", "零": "0", "一": "1", "壱": "1", "二": "2", "弐": "2", "三": "3",
                 "参": "3", "四": "4", "五": "5", "六": "6", "七": "7", "八": "8", "九": "9"}
# Digits spelled in kana. Longest first so きゅう wins over く.
_KANA_DIGITS = sorted({
    "ゼロ": "0", "レイ": "0", "マル": "0", "イチ": "1", "ニ": "2", "ニー": "2", "ゴー": "5",
    "サン": "3", "ヨン": "4", "シ": "4",
    "ゴ": "5", "ロク": "6", "ナナ": "7", "シチ": "7", "ハチ": "8", "キュウ": "9", "キュー": "9", "ク": "9",
    "ぜろ": "0", "れい": "0", "まる": "0", "いち": "1", "に": "2", "にー": "2", "ごー": "5",
    "さん": "3", "よん": "4", "し": "4",
    "ご": "5", "ろく": "6", "なな": "7", "しち": "7", "はち": "8", "きゅう": "9", "きゅー": "9", "く": "9",
}.items(), key=lambda kv: -len(kv[0]))
_PHONE_SEPARATORS = set("-‐‑‒–—―−ーｰ~ ./･・()[]「」　\t") | {"の"}
_MAX_SEPARATOR = 3
_MOBILE_PREFIXES = ("020", "050", "060", "070", "080", "090")
_FREE_PREFIXES = ("0120", "0570", "0800", "0990", "0088")
_PHONE_CONTEXT = re.compile(r"(電話|でんわ|tel|ｔｅｌ|☎|📞|携帯|ケータイ|けいたい|fax|ファックス"
                            r"|call|コール|架電|連絡先)",
                            re.IGNORECASE)


def _digit_tokens(text: str) -> list[tuple[str, int, int, str]]:
    """Tokens (kind, start, end, digits): kind is 'n' (numeral), 'k' (kana reading) or 's' (separator)."""
    tokens: list[tuple[str, int, int, str]] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if "0" <= ch <= "9" or ch in _KANJI_DIGITS:
            tokens.append(("n", i, i + 1, _KANJI_DIGITS.get(ch, ch)))
            i += 1
            continue
        if "\u3041" <= ch <= "\u30ff" and ch not in "ー・":
            for word, digit in _KANA_DIGITS:
                if text.startswith(word, i):
                    tokens.append(("k", i, i + len(word), digit))
                    i += len(word)
                    break
            else:
                if ch in _PHONE_SEPARATORS:
                    tokens.append(("s", i, i + 1, ""))
                i += 1
            continue
        if ch in _PHONE_SEPARATORS:
            tokens.append(("s", i, i + 1, ""))
        i += 1
    return tokens


def _groups(text: str) -> list[list[tuple[str, int, int]]]:
    """Runs of digit groups ([(digits, start, end), ...]) joined by short separators."""
    runs: list[list[tuple[str, int, int]]] = []
    run: list[tuple[str, int, int]] = []
    group: list | None = None  # [kind, digits, start, end, token count]

    def close_group() -> None:
        nonlocal run
        # A lone kana reading (に, し, ご ...) is an ordinary word, not a digit.
        if group is None or (group[0] == "k" and group[4] < 2):
            return
        if run:
            gap = text[run[-1][2]:group[2]]
            if len(gap) > _MAX_SEPARATOR or any(c not in _PHONE_SEPARATORS for c in gap):
                runs.append(run)
                run = []
        run.append((group[1], group[2], group[3]))

    for kind, start, end, digits in _digit_tokens(text):
        if kind == "s":
            continue
        if group is not None and start == group[3] and kind == group[0]:
            group[1] += digits
            group[3] = end
            group[4] += 1
            continue
        close_group()
        group = [kind, digits, start, end, 1]
    close_group()
    if run:
        runs.append(run)
    return runs


def _national(text: str, start: int, groups: list[str]) -> list[str] | None:
    """+81 90-1234-5678 / 0081... / +81 (0)3-... rewritten as the national 090-1234-5678."""
    first = groups[0]
    if first.startswith("0081"):
        first = first[2:]
    elif not (first.startswith("81") and text[max(0, start - 2):start].rstrip(" ").endswith("+")):
        return None
    rest = [first[2:]] + groups[1:] if len(first) > 2 else groups[1:]
    if len(rest) > 1 and rest[0] == "0":  # the "(0)" some people write after +81
        rest = rest[1:]
    if not rest or rest[0].startswith("0"):
        return None
    return ["0" + rest[0]] + rest[1:]


def _is_phone(groups: list[str], context: bool) -> bool:
    digits = "".join(groups)
    if len(digits) not in (10, 11) or digits[0] != "0":
        return False
    if digits[1] == "0" and not digits.startswith("0088"):  # 00 dials abroad; 0088 is free dial
        return False
    if len(digits) == 11 and not digits.startswith(_MOBILE_PREFIXES + ("0800",)):
        return False
    if len(digits) == 10 and digits.startswith(_MOBILE_PREFIXES):
        return False
    sizes = [len(g) for g in groups]
    if len(groups) == 1:
        return len(digits) == 11 or digits.startswith(_FREE_PREFIXES) or context
    if len(groups) == 2:
        return 2 <= sizes[0] <= 3 and sizes[1] == 8
    if len(groups) == 3:
        if digits.startswith(_FREE_PREFIXES) and sizes == [4, 3, 3]:
            return True
        return 2 <= sizes[0] <= 5 and 1 <= sizes[1] <= 4 and sizes[2] == 4
    return False


def _phones(text: str) -> list[Finding]:
    found: list[Finding] = []
    for run in _groups(text):
        if len(run) >= 10 and all(len(g[0]) == 1 for g in run):
            # One digit at a time ("0 9 0 1 2 ..."): read the spaced digits as one number.
            run = [("".join(g[0] for g in run), run[0][1], run[-1][2])]
        i = 0
        while i < len(run):
            for j in range(min(len(run), i + 5), i, -1):
                start, end = run[i][1], run[j - 1][2]
                groups = [g[0] for g in run[i:j]]
                national = _national(text, start, groups)
                if national is not None:
                    groups = national
                    plus = text.rfind("+", max(0, start - 2), start)
                    start = plus if plus >= 0 else start
                context = bool(_PHONE_CONTEXT.search(text, max(0, start - 12), start))
                if _is_phone(groups, context):
                    if start and text[start - 1] in "([「":  # keep "(03)1234-5678" whole
                        start -= 1
                    found.append(Finding("phone", start, end))
                    i = j
                    break
            else:
                i += 1
    return found


# --- e-mail addresses ------------------------------------------------------------------------

_AT = (r"(?:\s*(?:@|\(\s*@\s*\)|\[\s*@\s*\]|\(\s*at\s*\)|\[\s*at\s*\]|\{\s*at\s*\}|<\s*at\s*>"
       r"|アットマーク|アット|あっと)\s*)")
_DOT = r"(?:\s*(?:\.|\(\s*dot\s*\)|\[\s*dot\s*\]|\{\s*dot\s*\}|ドット|どっと)\s*)"
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_EMAIL = re.compile(
    rf"(?<![a-z0-9._%+-])[a-z0-9][a-z0-9._%+-]{{0,63}}{_AT}{_LABEL}(?:{_DOT}{_LABEL})*"
    rf"(?:{_DOT}[a-z]{{2,24}}|\s*(?:ドットコム|どっとこむ))(?![a-z0-9])",
    re.IGNORECASE,
)
# "taro at gmail dot com": the bare word "at" counts only before a mail provider's name, so
# "look at docs.python.org" stays ordinary text.
_MAIL_PROVIDERS = (r"(?:gmail|googlemail|yahoo|ymail|outlook|hotmail|live|icloud|me|docomo|ezweb|au|softbank"
                   r"|i\.softbank|nifty|biglobe|ocn|so-net)")
_EMAIL_WORDS = re.compile(
    rf"(?<![a-z0-9._%+-])[a-z0-9][a-z0-9._%+-]{{0,63}}\s+at\s+{_MAIL_PROVIDERS}"
    rf"(?:(?:{_DOT}|\s+dot\s+){_LABEL})+(?![a-z0-9])",
    re.IGNORECASE,
)


def _emails(text: str) -> list[Finding]:
    hits = [Finding("email", m.start(), m.end()) for m in _EMAIL.finditer(text)]
    hits += [Finding("email", m.start(), m.end()) for m in _EMAIL_WORDS.finditer(text)]
    return hits


# --- LINE and outside chat services ----------------------------------------------------------

_HANDLE = r"@?[a-z0-9][a-z0-9._\-]{2,31}(?:#\d{4})?"
_ID_WORD = r"(?:id|ＩＤ|アイディー?|アカウント|ユーザー?名|ユーザーid|ハンドル)"
_CONNECT = r"\s*(?:の|で|は|も)?\s*"
_ASSIGN = r"\s*(?:は|:|=|：|＝|→|->)?\s*[「『\"'“]?\s*"

_LINE_WORD = r"(?:(?<![a-z])line(?![a-z])|(?<![ァ-ヺー])ライン(?![ァ-ヺー])|(?<![ぁ-ゖ])らいん(?![ぁ-ゖ]))"
_LINE_LINKS = re.compile(r"(?<![a-z0-9.])(?:https?://)?(?:line\.me|lin\.ee|page\.line\.me|liff\.line\.me)"
                         r"/[^\s　)）」』]+",
                         re.IGNORECASE)
_LINE_ID = re.compile(rf"{_LINE_WORD}{_CONNECT}{_ID_WORD}{_ASSIGN}(?P<h>{_HANDLE})", re.IGNORECASE)
# "LINE: taro_88" / "ラインは@taro": upper-case LINE or katakana only, and the handle needs a
# letter, so "line: 42" in a code question stays ordinary text.
_LINE_BARE = re.compile(
    r"(?:(?<![A-Za-z])LINE(?![A-Za-z])|(?<![ァ-ヺー])ライン(?![ァ-ヺー]))\s*(?:は|:|：)\s*[「『\"']?\s*"
    r"(?P<h>@?[A-Za-z0-9._\-]*[A-Za-z][A-Za-z0-9._\-]*)"
)

_ASCII_SERVICES = (
    r"chatwork|chat\s?work|slack|skype|discord|telegram|whatsapp|instagram|insta|twitter|facebook|fb"
    r"|messenger|wechat|kakao\s?talk|threads|tiktok"
)
_KANA_SERVICES = (
    r"チャットワーク|ちゃっとわーく|スラック|スカイプ|ディスコード|テレグラム|ワッツアップ|インスタグラム|インスタ"
    r"|ツイッター|フェイスブック|メッセンジャー|カカオトーク"
)
_SERVICE_WORD = (rf"(?:(?<![a-z])(?:{_ASCII_SERVICES})(?![a-z])"
                 rf"|(?<![ァ-ヺー])(?:{_KANA_SERVICES})(?![ァ-ヺ]))")
_CHAT_ID = re.compile(
    rf"{_SERVICE_WORD}{_CONNECT}(?:{_ID_WORD}|dm)?{_ASSIGN}(?P<h>{_HANDLE})", re.IGNORECASE
)
_X_WORD = r"(?:(?<![a-z0-9])x(?![a-z0-9])\s*(?:\(\s*旧\s*twitter\s*\))?)"
# An @handle next to X, DM or an SNS name: "XのDMで @taro" / "@taro までDMください".
_AT_HANDLE = r"(?<![a-z0-9._%+-])@[a-z0-9_][a-z0-9_.]{1,30}(?![a-z0-9_@])"
_SNS_NEAR = rf"(?:{_SERVICE_WORD}|{_X_WORD}|dm|ＤＭ|ダイレクトメッセージ|フォロー)"
_CHAT_AT_AFTER = re.compile(rf"{_SNS_NEAR}[^\n@]{{0,12}}?(?P<h>{_AT_HANDLE})", re.IGNORECASE)
_CHAT_AT_BEFORE = re.compile(rf"(?P<h>{_AT_HANDLE})[^\n@]{{0,12}}?{_SNS_NEAR}", re.IGNORECASE)
_CHAT_LINKS = re.compile(
    r"(?<![a-z0-9.\-/])(?:https?://)?(?:(?:www\.)?chatwork\.com|[a-z0-9\-]+\.slack\.com|join\.slack\.com|join\.skype\.com"
    r"|discord\.gg|discord(?:app)?\.com/(?:invite|users)|t\.me|telegram\.me|wa\.me|api\.whatsapp\.com"
    r"|chat\.whatsapp\.com|(?:www\.)?instagram\.com|instagr\.am|ig\.me|(?:www\.|mobile\.)?twitter\.com"
    r"|(?:www\.)?x\.com|m\.me|(?:www\.)?messenger\.com|(?:www\.|m\.)?facebook\.com|fb\.me|fb\.com"
    r"|(?:www\.)?threads\.net|(?:www\.)?tiktok\.com)/[^\s　)）」』]+"
    r"|skype:[a-z0-9.:_\-]{3,}|live:\.?cid\.[a-z0-9]+",
    re.IGNORECASE,
)


def _line_and_chat(text: str) -> list[Finding]:
    hits = [Finding("line", m.start(), m.end()) for m in _LINE_LINKS.finditer(text)]
    for pattern in (_LINE_ID, _LINE_BARE):
        hits += [Finding("line", m.start(), m.end("h")) for m in pattern.finditer(text)]
    hits += [Finding("chat", m.start(), m.end()) for m in _CHAT_LINKS.finditer(text)]
    hits += [Finding("chat", m.start(), m.end("h")) for m in _CHAT_ID.finditer(text)
             if _looks_like_handle(m.group("h"))]
    for pattern in (_CHAT_AT_AFTER, _CHAT_AT_BEFORE):
        hits += [Finding("chat", m.start("h"), m.end("h")) for m in pattern.finditer(text)]
    return hits


def _looks_like_handle(handle: str) -> bool:
    """A handle has a letter in it (or is an @name); "Slack 2.0" and "Discord 10" are not."""
    return handle.startswith("@") or any(c.isalpha() for c in handle)


def find_contact_info(text: str) -> list[Finding]:
    """Every piece of contact information in `text`, in order, without overlaps."""
    if not text:
        return []
    folded = _fold(text)
    candidates = _emails(folded) + _line_and_chat(folded) + _phones(folded)
    # Longest first at each start; overlapping findings merge: an e-mail address made of a
    # phone number is one finding, not two.
    candidates.sort(key=lambda f: (f.start, -(f.end - f.start)))
    result: list[Finding] = []
    for finding in candidates:
        if result and finding.start < result[-1].end:
            last = result[-1]
            if finding.end > last.end:  # "WhatsApp: wa.me/8190..." is one finding, widened
                longer = finding if finding.end - finding.start > last.end - last.start else last
                result[-1] = Finding(longer.kind, last.start, finding.end)
            continue
        result.append(finding)
    return result
