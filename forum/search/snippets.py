"""Highlighted, escaped snippets from the part of a thread that matched.

Bounded work: the match is found in the stored normalised text (a C-speed `find`), and only
a window of the original text around it (SCAN characters) goes through the character-by-
character normalisation that maps positions back, whatever the length of the thread.
"""
import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

from markupsafe import Markup, escape

from ..text import normalize, normalize_with_map

WINDOW = 60
# What normalize() may drop from NFKC-stable text: ー, and the dashes it reads as ー
# after katakana (forum/text.py).
_DROPPED = frozenset("\u30fc\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2500\u2501\uff0d")
_MAY_DROP = re.compile("[" + "".join(sorted(_DROPPED)) + "]+")
SCAN = 160  # characters of original text normalised to place the marks (the window and some slack)


@lru_cache(maxsize=8192)
def _one(ch: str) -> str:
    return normalize(ch)


def _mapped(text: str) -> tuple[str, Sequence[int]]:
    """normalize_with_map(text), in one pass for most text: each character normalised on
    its own (kept per character) is matched against normalize(text), and the ー (or dashes
    read as ー) that normalize() drops after kana are passed over. Text that does not line
    up so (combining marks, half-width voiced kana) takes normalize_with_map's walk."""
    norm = normalize(text)
    if unicodedata.is_normalized("NFKC", text) and len(text.casefold()) == len(text):
        if len(norm) == len(text):
            return norm, range(len(text))  # every character normalises to one, in place
        kept = _kept_positions(text, norm)
        if kept is not None:
            return norm, kept
    offsets: list[int] = []
    j = 0
    for i, ch in enumerate(text):
        one = _one(ch)
        if one and norm.startswith(one, j):
            offsets.extend([i] * len(one))
            j += len(one)
        elif one not in _DROPPED:
            return normalize_with_map(text)
    if j != len(norm):
        return normalize_with_map(text)
    return norm, offsets


def _kept_positions(text: str, norm: str) -> list[int] | None:
    """Where each character of `norm` is in `text`, when every character of `text` became
    one of `norm` in place (NFKC-stable text whose case folding keeps its length), except
    the ー and dashes normalize() dropped. Of a run of such characters, only the ー run it
    starts with (dashes read as ー included) can follow kana, so what is dropped is always
    the run's start: as many as the run has beyond the ー and dashes `norm` shows there.
    C-speed ranges between the runs instead of a step per character (most Japanese text
    has a ー). None when the positions do not add up."""
    kept: list[int] = []
    done = 0
    for run in _MAY_DROP.finditer(text):
        start, end = run.span()
        kept.extend(range(done, start))
        shown = _MAY_DROP.match(norm, len(kept))
        stay = shown.end() - shown.start() if shown else 0
        if stay > end - start:
            return None
        kept.extend(range(end - stay, end))
        done = end
    kept.extend(range(done, len(text)))
    return kept if len(kept) == len(norm) else None


def _spans(text: str, terms: Sequence[str]) -> list[tuple[int, int]]:
    norm, offsets = _mapped(text)
    spans = []
    for term in terms:
        start = norm.find(term)
        while start != -1:
            end = start + len(term)
            orig_end = offsets[end] if end < len(offsets) else len(text)
            spans.append((offsets[start], orig_end))
            start = norm.find(term, end)
    spans.sort()
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


def _marked(text: str, spans: list[tuple[int, int]], lo: int, hi: int, base: int, full: int) -> Markup:
    # Plain strings joined once, every piece of the text through escape(): Markup's own
    # join and + escape each piece again and make a Markup of every step.
    out = ["…" if base + lo > 0 else ""]
    pos = lo
    for s, e in spans:
        if e <= lo or s >= hi:
            continue
        s, e = max(s, lo), min(e, hi)
        out += (escape(text[pos:s]), "<mark>", escape(text[s:e]), "</mark>")
        pos = e
    out.append(escape(text[pos:hi]))
    if base + hi < full:
        out.append("…")
    return Markup("".join(out))  # nosec B704 # the text's pieces are escaped, the rest is ours


def highlight(text: str, terms: Sequence[str], window: int = WINDOW, near: int = 0) -> Markup | None:
    """Escape `text`, mark every match of `terms`, cut around the first; None if no match.
    `near`: where in the normalised text the first match is (only SCAN characters around
    it are normalised)."""
    base = max(0, near - SCAN // 4)
    piece = text[base:base + SCAN]
    spans = _spans(piece, terms)
    if not spans and base:  # positions drift a little under normalisation: try from the start
        base, piece = 0, text[:SCAN]
        spans = _spans(piece, terms)
    if not spans:
        return None
    first = spans[0][0]
    lo = max(0, first - window // 3)
    hi = min(len(piece), lo + window * 2)
    return _marked(piece, spans, lo, hi, base, len(text))


def snippet_for(doc, terms: Sequence[str]) -> tuple[str, Markup]:
    """The first matching part of the thread ('body', 'best_answer', 'answers', 'title')
    and a highlighted snippet from it; falls back to the start of the body."""
    for part in ("body", "best_answer", "answers", "title"):
        norm = getattr(doc, "norm_" + part) or ""
        at = min((i for i in (norm.find(t) for t in terms) if i >= 0), default=-1)
        if at < 0:
            continue
        marked = highlight(getattr(doc, part) or "", terms, near=at)
        if marked is not None:
            return part, marked
    return "body", escape((doc.body or "")[: WINDOW * 2])
