"""Broad holds: a made-up name given near any mention of a way to reach someone, whatever the disguise.

Each round of blind sets showed that rules for one disguise at a time ("緑のアプリ", "ジーメ", "@は付けずに")
leave about one new disguise in eight uncaught. These rules are looser and never refuse: a handle-like
word near a channel (a service in any script or a euphemism, ID, ユーザー名, 垢, DM, フォロー…) is held
for a moderator, who sees it marked.
"""
from __future__ import annotations

import re
from bisect import bisect_left

from .emails import strong_handle
from .services import services
from .vocab import (
    ACCOUNT_WORD,
    DEV_WORDS,
    ID_KANA,
    LINE_NICKNAME,
    NICKNAMES,
    PROVIDER_WORDS,
    SENTENCE_END,
    SPOKEN_PROVIDERS,
    code_identifier,
    code_name,
)

# Ways to name a channel that the service list leaves out: nicknames, logos, kana spellings.
_NICKNAME = re.compile(NICKNAMES, re.IGNORECASE)
# Words that say a name is an account's (not "user_id" in code).
_ACCOUNT_WORD = re.compile(ACCOUNT_WORD, re.IGNORECASE)
_LINE_NICKNAME = re.compile(LINE_NICKNAME)
# Mail providers in any script, and the words that say the name is the part before the @.
_PROVIDER = re.compile(PROVIDER_WORDS, re.IGNORECASE)
# A name read out around "at": "えむ どっと わたなべ あっと じーめーる".
_SPOKEN_AT = re.compile(rf"(?:あっと|アット)\s*(?:{SPOKEN_PROVIDERS})")
# A handle, perhaps spaced around its dots and underscores ("yuzu _ writer" told to be joined);
# not an emoji's short name between colons (:white_check_mark:).
_TOKEN = re.compile(r"(?!(?<=:)[a-z0-9_+\-]+:)(?<![a-z0-9._\-@/\"'#])"
                    r"(?:@\s?)?[a-z0-9](?:[a-z0-9]|\s?[._\-]\s?(?=[a-z0-9])){3,40}"
                    r"(?![a-z0-9/(\"'])", re.IGNORECASE)
_MADE_UP = re.compile(r"[0-9._\-]")
# Code, not a name: chat.postMessage, @app.event, a host name (smtp.gmail.com); and a program's parts
# (line-login-sample, discord-oauth2: vocab.code_name).
_CODE = re.compile(r"[a-z][A-Z]|^@?\w+\.\w+\.|\.(?:com|net|org|jp|io|py|js)$|_(?:id|ids|url|token|key|name|type)$"
                   r"|^v(?:er)?\d")
# Words joined by hyphens (rate-limit, teams-app): a name only when told it is one (ID, 名前, an @).
_HYPHENED_WORDS = re.compile(r"[a-z]+(?:-[a-z]+)+", re.IGNORECASE)
# A handle in quoted pieces to be joined: "「nao」「_」「photo」「22」をくっつけて", "（mio）＋ 0303".
_PIECES = re.compile(r"[「『(][a-z0-9._\-]{1,20}[」』)](?:\s*[+、._\-]?\s*[「『(][a-z0-9._\-]{1,20}[」』)]){1,5}"
                     r"|[(][a-z]{2,20}[)]\s*\+\s*[0-9]{2,8}", re.IGNORECASE)
_DIGIT_ID = re.compile(rf"(?:(?<![a-z])id|{ID_KANA})[^\n。]{{0,30}}?"
                       r"(?<![0-9\-])(?P<n>[0-9]{6,12})(?![0-9\-])", re.IGNORECASE)
_PLAIN_LETTERS = re.compile(r"(?:英字|英語|ローマ字|アルファベット)[^\n。]{0,20}?"
                            r"[(「『]\s*(?P<h>[a-z]{6,30})\s*[)」』]", re.IGNORECASE)
# A mobile's head read in kana digits, near 番号 or 電話: "ゼロハチゼロ、ヨイフロ…" (a pun for the rest).
_KANA_HEAD = re.compile(r"(?:ゼロ|レイ|ぜろ|れい)(?:ハチ|キュー|キュウ|ナナ|はち|きゅう|きゅー|なな)"
                        r"(?:ゼロ|レイ|ぜろ|れい)")
_PHONE_WORD = re.compile(r"番号|電話|でんわ|携帯|(?<![a-z])sms(?![a-z])|ショートメ|しょーとめ", re.IGNORECASE)
_PHONE_REACH_AFTER = 60  # the rest of the sentence: "ゼロキューゼロ、…じゃなくて、…に電話を"
_NOT_NAMES = frozenset(["e-mail", "wi-fi", "utf-8", "python3", "x-twitter", "g-mail", "co.jp", "ne.jp"])
_REACH_BEFORE, _REACH_AFTER = 40, 30


def _handle_like(word: str) -> bool:
    plain = re.sub(r"\s", "", word).lstrip("@")
    if re.fullmatch(r"(?:[a-z0-9]\.){3,}[a-z0-9]", plain, re.IGNORECASE):  # k.e.n.t.o.9.9, spelled out
        return True
    if plain.lower() in _NOT_NAMES or _PROVIDER.fullmatch(plain) or _CODE.search(plain) or code_name(plain) \
            or (word.startswith("@") and "." in plain):
        return False
    if plain[0].isdigit() and "." not in plain:  # 981tkxwp, but not 1080p or 10px
        return sum(c.isalpha() for c in plain) >= 4 and sum(c.isdigit() for c in plain) >= 2
    return strong_handle(plain)


def _near(spots: list[int], start: int, end: int, wide: int = 1) -> bool:
    """Some spot (in order) lies within reach (times `wide`) of text[start:end]; by bisection."""
    i = bisect_left(spots, start - _REACH_BEFORE * wide)
    return i < len(spots) and spots[i] <= end + _REACH_AFTER * wide


def broad_holds(text: str) -> list[tuple[int, int, str]]:
    """(start, end, kind) in `text`'s offsets, each to be held, never refused."""
    named = sorted([(m.start(), "line" if _LINE_NICKNAME.match(m.group()) else "chat")
                    for m in _NICKNAME.finditer(text)] + [(s, kind) for s, _e, kind, _plain in services(text)])
    mails = [m.start() for m in _PROVIDER.finditer(text)]
    hits: list[tuple[int, int, str]] = [(m.start(), m.end(), "email") for m in _SPOKEN_AT.finditer(text)]
    hits += [(m.start(), m.end(), "phone") for m in _KANA_HEAD.finditer(text)
             if _PHONE_WORD.search(text, max(0, m.start() - 30), _sentence_end(text, m.end()))]
    if not named and not mails:
        return hits  # "テスト用アカウント test_user01", "ユーザーIDは user_0001 から": no channel named
    accounts = [m.start() for m in _ACCOUNT_WORD.finditer(text)]
    channels = sorted(named + [(a, "chat") for a in accounts])
    hits += _handles(text, named, accounts, mails, channels)
    named_spots = [n for n, _kind in named]
    if "id" in text.lower() or "アイディ" in text or "あいでぃ" in text:
        for m in _DIGIT_ID.finditer(text):  # only an ID on a chat named nearby, not "案件ID 10293847"
            if _near(named_spots, m.start(), m.end()):
                hits.append((m.start("n"), m.end("n"), _kind(named, m.start())))
    every = sorted(mails + [s for s, _kind in channels])
    for m in _PLAIN_LETTERS.finditer(text):  # "英語にしたもの（penguingraphics）"
        if _near(every, m.start(), m.end()):
            hits.append((m.start("h"), m.end("h"), "email" if _near(mails, m.start(), m.end()) else "chat"))
    return hits


def _handles(text: str, named: list[tuple[int, str]], accounts: list[int], mails: list[int],
             channels: list[tuple[int, str]]) -> list[tuple[int, int, str]]:
    """A handle near a provider (an e-mail's user part) or near a channel named; near ID, 名前, 垢… only
    when a channel or provider is named a little further off too."""
    hits = []
    named_spots = [n for n, _kind in named]
    further = sorted(named_spots + mails)
    spots = [s for s, _kind in channels]
    dev: list[int] | None = None  # where developer words start; found only once a name needs them
    for m in _TOKEN.finditer(text):
        if not _MADE_UP.search(m.group()) or not _handle_like(m.group()):
            continue  # a plain word ("Slack", "Python"): cheap to skip, a post may have thousands
        if code_identifier(re.sub(r"\s", "", m.group()).lstrip("@")):
            if dev is None:
                dev = [d.start() for d in DEV_WORDS.finditer(text)]
            if _near(dev, m.start(), m.end()):
                continue  # "Bot APIの parse_mode": a variable in talk about code
        if _near_mail(mails, m.start(), m.end()):
            hits.append((m.start(), m.end(), "email"))
        elif _HYPHENED_WORDS.fullmatch(m.group()) and not _near(accounts, m.start(), m.end()):
            continue
        elif _near(named_spots, m.start(), m.end()) or (
                _near(accounts, m.start(), m.end()) and _near(further, m.start(), m.end(), 2)):
            hits.append((m.start(), m.end(), _kind(channels, m.start())))
    for m in _PIECES.finditer(text):  # 「nao」「_」「photo」「22」をくっつけて
        joined = re.sub(r"[「『()」』+、\s]", "", m.group())
        if (_handle_like(joined) or joined.isalnum()) and len(joined) >= 5 and _near(spots, m.start(), m.end()):
            hits.append((m.start(), m.end(), _kind(channels, m.start())))
    return hits


def _sentence_end(text: str, at: int) -> int:
    stop = SENTENCE_END.search(text, at, at + _PHONE_REACH_AFTER)
    return stop.start() if stop else at + _PHONE_REACH_AFTER


def _near_mail(mails: list[int], start: int, end: int) -> bool:
    """A provider named close by: "ma-kun.1203 のジーメ", not one a sentence away ("ドコモのメール…の stage_2")."""
    i = bisect_left(mails, start - 20)
    return i < len(mails) and mails[i] <= end + 15


def _kind(channels: list[tuple[int, str]], at: int) -> str:
    """The kind of the nearest named channel; LINE when LINE is the nearest service named."""
    i = bisect_left(channels, (at, ""))
    near = channels[max(0, i - 1):i + 1]
    return min(near, key=lambda c: abs(c[0] - at))[1] if near else "chat"
