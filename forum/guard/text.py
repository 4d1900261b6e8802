"""A normalised view of a post (full-width folded, spaced letters joined) that maps back to the original offsets."""
from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from .vocab import AT_MARK_WORDS, CLOSE, DOT_WORDS, OPEN

# Cyrillic and Greek letters that look like Latin ones, as in "LIИE" or "Тelegram" (И is N seen in a mirror).
_LOOKALIKES = dict(zip("АВЕКМНОРСТХИЅІЈаеорсухіјѕΑΒΕΖΗΙΚΜΝΟΡΤΥΧαοιν",
                       "ABEKMHOPCTXNSIJaeopcyxijsABEZHIKMNOPTYXaoiv", strict=True))


@lru_cache(maxsize=8192)
def _fold_char(ch: str) -> str:
    folded = unicodedata.normalize("NFKC", ch)
    if len(folded) != 1:
        return ch
    return _LOOKALIKES.get(folded, folded)


def fold(text: str) -> str:
    """NFKC character by character, keeping the length so offsets stay the original's.

    Full-width digits, letters, ＠, （）, ．, － and half-width kana become their usual forms; anything
    whose NFKC form is longer than one character (㈱, ﾊﾟ) is kept as written. Each distinct character
    is folded once and the text translated in one pass (a 10,000-character post has a few hundred).
    """
    if text.isascii():
        return text
    table = {ord(ch): _fold_char(ch) for ch in set(text) if not ch.isascii()}
    return text.translate(table)


_VOICED = re.compile("[\u3041-\u30ff][\u3099\u309a]")


@dataclass(frozen=True)
class View:
    """`text`, rewritten from a parent view (or the original when there is none), with the spans it replaced.

    Only the replacements are stored, as (new start, new end, parent start, parent end) in order; any
    other character sits at its parent offset shifted by the length changes before it. So a rewrite
    costs its matches, not the length of the post, and offsets are worked out only for findings.
    """

    text: str
    parent: View | None = None
    edits: tuple[tuple[int, int, int, int], ...] = ()
    _edit_starts: tuple[int, ...] = field(default=(), repr=False, compare=False)

    @classmethod
    def of(cls, original: str) -> View:
        view = cls(fold(original))
        if "\u3099" in view.text or "\u309a" in view.text:  # ｺﾞ folds to コ + a combining mark: make it ゴ
            view = view.rewrite(_VOICED, lambda m: unicodedata.normalize("NFC", m.group()))
        return view

    def _start(self, i: int) -> int:
        """The original offset where view character i begins."""
        view: View = self
        while view.parent is not None:
            k = bisect_right(view._edit_starts, i) - 1
            if k >= 0:
                _new_start, new_end, old_start, old_end = view.edits[k]
                i = old_start if i < new_end else old_end + (i - new_end)
            view = view.parent
        return i

    def _end(self, i: int) -> int:
        """The original offset where view character i ends."""
        view: View = self
        while view.parent is not None:
            k = bisect_right(view._edit_starts, i) - 1
            if k >= 0:
                _new_start, new_end, old_start, old_end = view.edits[k]
                if i < new_end:
                    if old_end == old_start:  # something put where nothing was: it ends where it starts
                        return view.parent._start(old_start)
                    i = old_end - 1
                else:
                    i = old_end + (i - new_end)
            view = view.parent
        return i + 1

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span of view[start:end]."""
        if end <= start:
            end = start + 1
        return self._start(start), self._end(end - 1)

    def source(self, start: int, end: int) -> str:
        """What view[start:end] was before any rewrite (folded only): "エル・アイ・エヌ・イー" for "line"."""
        root: View = self
        while root.parent is not None:
            root = root.parent
        s, e = self.span(start, end)
        return root.text[s:e]

    def rewrite(self, pattern: re.Pattern[str], repl: str | Callable[[re.Match[str]], str]) -> View:
        """Replace each match; the new characters stand for the whole span of what they replace."""
        pieces: list[str] = []
        edits: list[tuple[int, int, int, int]] = []
        last = 0
        size = 0
        for m in pattern.finditer(self.text):
            new = repl if isinstance(repl, str) else repl(m)
            if new == m.group():
                continue
            pieces.append(self.text[last:m.start()])
            size += m.start() - last
            edits.append((size, size + len(new), m.start(), m.end()))
            pieces.append(new)
            size += len(new)
            last = m.end()
        if not pieces:
            return self
        pieces.append(self.text[last:])
        return View("".join(pieces), self, tuple(edits), tuple(e[0] for e in edits))


# Letters or digits written one at a time with spaces between them: "t a k u m i _ c g",
# "L I N E", "0 9 0 1 2 3 4 5 6 7 8". Three or more, so "A B" in a sentence stays as it is.
_SPACED = re.compile(r"(?<![A-Za-z0-9@#._\-])[A-Za-z0-9@#._\-](?: [A-Za-z0-9@#._\-]){2,}(?![A-Za-z0-9@#._\-])")
# A dot or a slash written so that it is not a link: "discord[.]gg", "meet . google . com / x",
# "yoshi dot dev", "gmail（ドット）com".
_DOT_WORD = rf"(?:dot|{DOT_WORDS})"
# (?<! ) starts a match only where a run of spaces starts: trying again from every space of a long
# run would take time growing with the square of its length.
_BRACKET_DOT = re.compile(rf"(?<! ) *{OPEN} *(?:\.|{_DOT_WORD}) *{CLOSE} *", re.IGNORECASE)
_BRACKET_SLASH = re.compile(rf"(?<! ) *{OPEN} */ *{CLOSE} *")
_SPACED_DOT = re.compile(r"(?<=[A-Za-z0-9]) *\. +(?=[A-Za-z0-9])|(?<=[A-Za-z0-9]) +\. *(?=[A-Za-z0-9])")
_WORD_DOT = re.compile(r"(?<=[A-Za-z0-9]) *(?:(?<= )dot(?= )|ドット|どっと) *(?=[A-Za-z0-9])", re.IGNORECASE)
_IDEOGRAPHIC_DOT = re.compile(r"(?<=[A-Za-z0-9])。(?=[A-Za-z])")
_SPACED_SLASH = re.compile(r"(?<=[a-z0-9]) +/ *(?=[a-z0-9])|(?<=[a-z0-9]) */ +(?=[a-z0-9])", re.IGNORECASE)


# The same with a middle dot between: "ｋ・ｏ・ｈ・ｅ・ｉ・２・２", "2・3・8・1".
_DOTTED = re.compile(r"(?<![A-Za-z0-9@#._\-・])[A-Za-z0-9@#._\-](?:・[A-Za-z0-9@#._\-]){2,}(?![A-Za-z0-9@#._\-])")

# Letters read out in kana, one by one: "エム・アイ・ケー・アイ、アンダーバー、ゼロサン" is miki_03,
# "えむ・えー・あい・けー・おー・3・9" is maiko39, "エル・アイ・エヌ・イー" is LINE.
_LETTER_NAMES = {
    "a": "エー エイ", "b": "ビー", "c": "シー", "d": "ディー デー", "e": "イー", "f": "エフ", "g": "ジー",
    "h": "エイチ エッチ", "i": "アイ", "j": "ジェー ジェイ", "k": "ケー ケイ", "l": "エル", "m": "エム", "n": "エヌ",
    "o": "オー", "p": "ピー", "q": "キュー", "r": "アール", "s": "エス", "t": "ティー ティ", "u": "ユー",
    "v": "ブイ ヴィー", "w": "ダブリュー ダブル", "x": "エックス", "y": "ワイ", "z": "ゼット ズィー",
}
_SPELLED_OTHERS = {
    "_": "アンダーバー アンダースコア アンダーライン", "-": "ハイフン", ".": "ドット ピリオド",
    "0": "ゼロ レイ", "1": "イチ ワン", "2": "ニー ニ ツー", "3": "サン スリー", "4": "ヨン フォー",
    "5": "ゴー ゴ ファイブ", "6": "ロク シックス", "7": "ナナ セブン", "8": "ハチ エイト", "9": "キュウ ナイン",
}


def _hiragana(word: str) -> str:
    return "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in word)


_READING: dict[str, str] = {}
for _char, _words in (*_LETTER_NAMES.items(), *_SPELLED_OTHERS.items()):
    for _word in _words.split():
        _READING[_word] = _READING[_hiragana(_word)] = _char
_READ_WORD = "|".join(sorted(_READING, key=len, reverse=True))
# Not inside a longer word of the same script; a particle after katakana ("イーのアイディー") ends the run.
_KANA_SPELLED = re.compile(rf"(?<![ァ-ヺぁ-ゖー])(?:{_READ_WORD}|[0-9])(?:[・、, ]?(?:{_READ_WORD}|[0-9])){{2,}}"
                           r"(?:(?<=[ァ-ヺ0-9ー])(?![ァ-ヺー])|(?<=[ぁ-ゖ])(?![ぁ-ゖー]))")
_READ_TOKEN = re.compile(rf"{_READ_WORD}|[0-9]")


def _kana_letters(m: re.Match[str]) -> str:
    """The letters a run of letter names spells; the run unchanged unless three or more are letters."""
    chars = [_READING.get(w, w) for w in _READ_TOKEN.findall(m.group())]
    if sum(c.isalpha() for c in chars) < 3:
        return m.group()
    return "".join(chars)


# A name written one kana at a time with dots between: "ラ・イ・ン" is ライン.
_DOTTED_KANA = re.compile(r"(?<![ァ-ヺ・])[ァ-ヺ](?:・[ァ-ヺ]){2,}(?![ァ-ヺ・])")
# Letters after a name written in kanji numerals: "ren二〇〇二" is ren2002.
_KANJI_NUMERALS = re.compile(r"(?<=[A-Za-z])[〇零一二三四五六七八九]{2,}(?![〇零一二三四五六七八九十百千万])")
_KANJI_VALUE = str.maketrans("〇零一二三四五六七八九", "00123456789")
# Short romaji pieces with spaces, said to be joined: "ka ze no ta mi（スペースなしで）".
_SYLLABLES = re.compile(r"(?<![A-Za-z0-9])[A-Za-z0-9_]{1,3}(?: [A-Za-z0-9_]{1,3}){2,}(?![A-Za-z0-9])")
_NO_SPACES = re.compile(r"スペース(?:なし|無し|抜き|を?(?:詰め|取|除|消))|空白(?:なし|無し|抜き)"
                        r"|つなげ|繋げ|くっつけ")


def _joined_syllables(m: re.Match[str]) -> str:
    return m.group().replace(" ", "") if _NO_SPACES.search(m.string, m.end(), m.end() + 16) else m.group()


# "あっとまーく ryusei_ai", "アットマーク taro": the word for @ right before a name.
_AT_MARK_WORD = re.compile(rf"(?<![A-Za-z0-9])(?:{AT_MARK_WORDS}) *(?=[A-Za-z0-9_])")


def base_view(original: str) -> View:
    """The view every detector reads: folded, spaced letters joined, written-out dots and slashes made real."""
    view = View.of(original)
    view = view.rewrite(_SPACED, lambda m: m.group().replace(" ", ""))
    view = view.rewrite(_DOTTED, lambda m: m.group().replace("・", ""))
    view = view.rewrite(_DOTTED_KANA, lambda m: m.group().replace("・", ""))
    view = view.rewrite(_KANA_SPELLED, _kana_letters)
    view = view.rewrite(_KANJI_NUMERALS, lambda m: m.group().translate(_KANJI_VALUE))
    view = view.rewrite(_SYLLABLES, _joined_syllables)
    view = view.rewrite(_AT_MARK_WORD, "@")
    for pattern, repl in ((_BRACKET_DOT, "."), (_BRACKET_SLASH, "/"), (_SPACED_DOT, "."), (_WORD_DOT, "."),
                          (_IDEOGRAPHIC_DOT, "."), (_SPACED_SLASH, "/")):
        view = view.rewrite(pattern, repl)
    return view
