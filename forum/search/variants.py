"""Spelling variants of query words from a SudachiPy dictionary (query time only).

Sudachi's normalised form folds okurigana and katakana variants (申込 → 申し込み, 受付 →
受け付け, サーバ → サーバー). A query word is searched as written and as its normalised
form; the other direction (申し込み → 申込, 申込み) comes from the spellings with some
okurigana left out (or ヴァ for バ …) that the dictionary itself folds back to the same
normalised form. So nothing changes in the index: every spelling is one more substring
alternative, and 1- and 2-character matches work as before, on both engines.

Inflected words keep their spelling (the normalised form of わから is 分かる, a lemma, not
a spelling of the same text); content_words() gives the words a natural phrasing is made of.
"""
import os
from functools import lru_cache
from itertools import combinations
from threading import Lock, local

from sudachipy import Dictionary, SplitMode

from ..text import normalize

_HIRAGANA = range(0x3041, 0x3097)
_CONTENT = {"名詞", "動詞", "形容詞", "形状詞", "副詞", "代名詞", "接頭辞"}
_VU = {"バ": "ヴァ", "ビ": "ヴィ", "ブ": "ヴ", "ベ": "ヴェ", "ボ": "ヴォ"}
MAX_LENGTH = 30  # longer query words are taken as written

# Sudachi's small dictionary by default: it folds the same spellings (申込/申し込み, サーバ/
# サーバー, …) as the core one for the words it has, and a first query maps 40 MB of it
# instead of 150 MB (pages every worker shares, but which count against a small machine).
# SUDACHI_DICTIONARY=core (with the sudachidict-core package) for the larger vocabulary.
DICTIONARY = os.environ.get("SUDACHI_DICTIONARY", "small")
_dictionary: Dictionary | None = None
_dictionary_lock = Lock()
# A Sudachi tokenizer must not be used by two threads at once (threaded servers, the browser
# tests' server): one per thread, all over the one dictionary.
_per_thread = local()


def _tokens(text: str, mode=SplitMode.C):
    global _dictionary
    tokenizer = getattr(_per_thread, "tokenizer", None)
    if tokenizer is None:
        with _dictionary_lock:
            if _dictionary is None:  # the dictionary is memory-mapped: workers share its pages
                _dictionary = Dictionary(dict=DICTIONARY)
        tokenizer = _per_thread.tokenizer = _dictionary.tokenizer()
    return tokenizer.tokenize(text, mode)


def load_dictionary(sample: str = "申込の受付とサーバの売上を取引する") -> None:
    """Open the dictionary and read the pages a first query touches, now: a server that
    forks its workers after this (gunicorn's preload_app) has them once for all workers."""
    for mode in (SplitMode.A, SplitMode.C):
        _tokens(sample, mode)


@lru_cache(maxsize=4096)
def _normalized(word: str) -> str | None:
    """The word's normalised form when the dictionary reads it as one uninflected word."""
    tokens = _tokens(word)
    if len(tokens) != 1 or not _foldable(tokens[0]):
        return None
    return tokens[0].normalized_form()


def _foldable(m) -> bool:
    """Nouns as written: their normalised form is another spelling (verbs' is a lemma)."""
    return m.part_of_speech()[0] == "名詞" and m.dictionary_form() == m.surface()


def _spelled(term_raw: str) -> str:
    """The term with each uninflected word in its normalised form."""
    out = []
    for m in _tokens(term_raw):
        out.append(m.normalized_form() if _foldable(m) else m.surface())
    return "".join(out)


def _shorter_spellings(word: str) -> list[str]:
    """Spellings of `word` with some of its inner or final hiragana left out, or ヴ for バ…"""
    kana = [i for i, c in enumerate(word) if ord(c) in _HIRAGANA and i > 0]
    out = []
    for n in range(1, min(len(kana), 3) + 1):
        for drop in combinations(kana, n):
            out.append("".join(c for i, c in enumerate(word) if i not in drop))
    for plain, vu in _VU.items():
        if plain in word:
            out.append(word.replace(plain, vu))
    return out


@lru_cache(maxsize=4096)
def spelling(raw: str) -> str | None:
    """The dictionary's normalised spelling of a query word, when it differs (for the
    「申し込み」も含めて検索しました line); None otherwise."""
    raw = raw.strip()
    if not raw or len(raw) > MAX_LENGTH:
        return None
    tokens = _tokens(raw)
    target = (_normalized(raw) if len(tokens) == 1 else _spelled(raw)) or raw
    return target if normalize(target) != normalize(raw) else None


@lru_cache(maxsize=4096)
def variants(raw: str) -> tuple[str, ...]:
    """Other spellings of a query word (normalised with forum.text.normalize), the word
    itself excluded: its normalised form and the spellings that fold to the same form.
    A spelling that contains another is left out (the shorter one finds it already)."""
    raw = raw.strip()
    if not raw or len(raw) > MAX_LENGTH:
        return ()
    own = normalize(raw)
    found: list[str] = []
    tokens = _tokens(raw)
    if len(tokens) == 1:
        target = _normalized(raw)
        if target is None:
            return ()
        spellings = [target] + _shorter_spellings(target)
        found = [s for s in spellings if s == target or _normalized(s) == target]
    else:
        found = [_spelled(raw)]
    out = []
    for s in found:
        n = normalize(s)
        if n and n != own and n not in out and own not in n:
            out.append(n)
    return tuple(x for x in out if not any(y != x and y in x for y in out))


@lru_cache(maxsize=4096)
def content_words(raw: str) -> tuple[str, ...]:
    """The content words (nouns, verb stems as written, …) of a query word made of several,
    normalised; () when the word is one word already. Particles and endings are left out."""
    raw = raw.strip()
    if not raw or len(raw) > MAX_LENGTH:
        return ()
    tokens = _tokens(raw, SplitMode.A)
    if len(tokens) < 2:
        return ()
    out = []
    for m in tokens:
        surface = normalize(m.surface())
        if m.part_of_speech()[0] in _CONTENT and len(surface) >= 2 and surface not in out:
            out.append(surface)
    return tuple(out)
