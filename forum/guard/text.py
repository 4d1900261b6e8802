"""A normalised view of a post (full-width folded, spaced letters joined) that maps back to the original offsets."""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    folded = unicodedata.normalize("NFKC", ch)
    return folded if len(folded) == 1 else ch


def fold(text: str) -> str:
    """NFKC character by character, keeping the length so offsets stay the original's.

    Full-width digits, letters, ＠, （）, ．, － and half-width kana become their usual forms; anything
    whose NFKC form is longer than one character (㈱, ﾊﾟ) is kept as written.
    """
    if text.isascii():
        return text
    return "".join(_fold_char(ch) for ch in text)


_VOICED = re.compile("[\u3041-\u30ff][\u3099\u309a]")


@dataclass(frozen=True)
class View:
    """`text` with, for each of its characters, the span of the original it came from."""

    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    @classmethod
    def of(cls, original: str) -> View:
        n = len(original)
        view = cls(fold(original), tuple(range(n)), tuple(range(1, n + 1)))
        if "\u3099" in view.text or "\u309a" in view.text:  # ｺﾞ folds to コ + a combining mark: make it ゴ
            view = view.rewrite(_VOICED, lambda m: unicodedata.normalize("NFC", m.group()))
        return view

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span of view[start:end]."""
        if end <= start:
            end = start + 1
        return self.starts[start], self.ends[end - 1]

    def rewrite(self, pattern: re.Pattern[str], repl: str | Callable[[re.Match[str]], str]) -> View:
        """Replace each match; the new characters stand for the whole span of what they replace."""
        pieces: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        last = 0
        for m in pattern.finditer(self.text):
            new = repl if isinstance(repl, str) else repl(m)
            if new == m.group():
                continue
            pieces.append(self.text[last:m.start()])
            starts.extend(self.starts[last:m.start()])
            ends.extend(self.ends[last:m.start()])
            if m.end() > m.start():
                s, e = self.starts[m.start()], self.ends[m.end() - 1]
            else:
                s = e = self.starts[m.start()] if m.start() < len(self.starts) else (self.ends[-1] if self.ends else 0)
            pieces.append(new)
            starts.extend([s] * len(new))
            ends.extend([e] * len(new))
            last = m.end()
        if not pieces:
            return self
        pieces.append(self.text[last:])
        starts.extend(self.starts[last:])
        ends.extend(self.ends[last:])
        return View("".join(pieces), tuple(starts), tuple(ends))


# Letters or digits written one at a time with spaces between them: "t a k u m i _ c g",
# "L I N E", "0 9 0 1 2 3 4 5 6 7 8". Three or more, so "A B" in a sentence stays as it is.
_SPACED = re.compile(r"(?<![A-Za-z0-9@#._\-])[A-Za-z0-9@#._\-](?: [A-Za-z0-9@#._\-]){2,}(?![A-Za-z0-9@#._\-])")
# A dot or a slash written so that it is not a link: "discord[.]gg", "meet . google . com / x",
# "yoshi dot dev", "gmail（ドット）com".
_OPEN, _CLOSE = r"[\[(（{【〔<「『]", r"[\])）}】〕>」』]"
_DOT_WORD = r"(?:dot|ドット|どっと|てん|点)"
_BRACKET_DOT = re.compile(rf" *{_OPEN} *(?:\.|{_DOT_WORD}) *{_CLOSE} *", re.IGNORECASE)
_BRACKET_SLASH = re.compile(rf" *{_OPEN} */ *{_CLOSE} *")
_SPACED_DOT = re.compile(r"(?<=[A-Za-z0-9]) *\. +(?=[A-Za-z0-9])|(?<=[A-Za-z0-9]) +\. *(?=[A-Za-z0-9])")
_WORD_DOT = re.compile(r"(?<=[A-Za-z0-9]) *(?:(?<= )dot(?= )|ドット|どっと) *(?=[A-Za-z0-9])", re.IGNORECASE)
_IDEOGRAPHIC_DOT = re.compile(r"(?<=[A-Za-z0-9])。(?=[A-Za-z])")
_SPACED_SLASH = re.compile(r"(?<=[a-z0-9]) +/ *(?=[a-z0-9])|(?<=[a-z0-9]) */ +(?=[a-z0-9])", re.IGNORECASE)


def base_view(original: str) -> View:
    """The view every detector reads: folded, spaced letters joined, written-out dots and slashes made real."""
    view = View.of(original)
    view = view.rewrite(_SPACED, lambda m: m.group().replace(" ", ""))
    for pattern, repl in ((_BRACKET_DOT, "."), (_BRACKET_SLASH, "/"), (_SPACED_DOT, "."), (_WORD_DOT, "."),
                          (_IDEOGRAPHIC_DOT, "."), (_SPACED_SLASH, "/")):
        view = view.rewrite(pattern, repl)
    return view
