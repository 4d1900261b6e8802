"""Names of LINE and outside chat services as people write them: misspelled, censored (L*NE), in kana, hinted at."""
from __future__ import annotations

import re
from functools import lru_cache

from .vocab import SERVICES

# A symbol standing in for one letter: "L*NE", "LI◯E", "ディス◯ード", "ラ〇ン".
CENSOR = "*＊◯○●〇◎×✕■□☆★?？"
_LEET = {"i": "1!|", "l": "1|", "o": "0", "e": "3", "a": "@4", "s": "$5"}

LINE = "line"


def _ascii_fuzzy(name: str) -> str:
    """'line' -> l[.-]?[i1!|*◯...][.-]?... : a look-alike or a censor symbol for any letter, dots between."""
    parts = []
    for ch in name:
        if ch == "-":
            parts.append("-?")
            continue
        others = re.escape(_LEET.get(ch, "") + CENSOR)
        parts.append(f"[{ch}{others}]")
    return "[.\\-・]?".join(parts)


def _kana_fuzzy(name: str) -> str:
    if len(name) < 3:
        return re.escape(name)
    return "|".join([re.escape(name)] + [re.escape(name[:i]) + f"[{CENSOR}]" + re.escape(name[i + 1:])
                                         for i in range(1, len(name))])


def _compile() -> tuple[re.Pattern[str], dict[str, str]]:
    kinds: dict[str, str] = {}
    ascii_parts, kana_parts = [], []
    first = set(CENSOR)  # every character a name can begin with, to skip the rest of a post quickly
    for kind, ascii_names, other_names in SERVICES:
        for name in ascii_names.split():
            kinds[name.replace("-", "")] = kind
            ascii_parts.append(_ascii_fuzzy(name))
            first.update(name[0] + name[0].upper() + _LEET.get(name[0], ""))
        for name in other_names.split():
            kinds[name] = kind
            kana_parts.append(_kana_fuzzy(name))
            first.add(name[0])
    lead = re.escape("".join(sorted(first)))
    pattern = (rf"(?=[{lead}])(?:(?<![A-Za-z])(?:{'|'.join(ascii_parts)})\.?(?![A-Za-z])"
               rf"|(?<![ァ-ヺ])(?:{'|'.join(kana_parts)})(?![ァ-ヺ]))")
    return re.compile(pattern, re.IGNORECASE), kinds


SERVICE, _KINDS = _compile()
_BY_LENGTH: dict[int, list[tuple[str, str]]] = {}
for _name, _kind in _KINDS.items():
    _BY_LENGTH.setdefault(len(_name), []).append((_name, _kind))
_STRIP = re.compile(r"[.\-・]")


@lru_cache(maxsize=1024)
def service_kind(word: str) -> str | None:
    """'line', 'chat', or None when the match is too far from any name (more than one letter replaced)."""
    plain = _STRIP.sub("", word).lower()
    if plain in _KINDS:
        return _KINDS[plain]
    for name, kind in _BY_LENGTH.get(len(plain), ()):
        if len(name) >= 4:
            wrong = sum(a != b for a, b in zip(name, plain, strict=True))
            if wrong <= 1 or (wrong == 2 and len(name) >= 7):
                return kind
        elif len(name) == len(plain) >= 3 and not name.isascii() \
                and sum(a != b for a, b in zip(name, plain, strict=True)) <= 1:
            return kind
    return None


def services(text: str) -> list[tuple[int, int, str, bool]]:
    """(start, end, kind, plain) for each service name in `text`; plain: written as is (not censored)."""
    out = []
    for m in SERVICE.finditer(text):
        word = m.group()
        if (m.start() and text[m.start() - 1] in "@/.") or text[m.end():m.end() + 1] in ("/", "-", "_"):
            continue  # @line/bot-sdk, line-bot-sdk, api.slack.com: a package or a path, not the service
        kind = service_kind(word)
        if kind is None:
            continue
        out.append((m.start(), m.end(), kind, _STRIP.sub("", word).lower() in _KINDS))
    return out
