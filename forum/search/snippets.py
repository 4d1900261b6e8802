"""Highlighted, escaped snippets from the part of a thread that matched."""
from markupsafe import Markup, escape

from ..text import normalize_with_map

WINDOW = 60


def _spans(text: str, terms) -> tuple[list[tuple[int, int]], list[int]]:
    norm, offsets = normalize_with_map(text)
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
    return merged, offsets


def highlight(text: str, terms, window: int = WINDOW) -> Markup | None:
    """Escape `text`, mark every match of `terms`, cut around the first; None if no match."""
    spans, _ = _spans(text, terms)
    if not spans:
        return None
    first = spans[0][0]
    lo = max(0, first - window // 3)
    hi = min(len(text), lo + window * 2)
    out, pos = [], lo
    out.append("…" if lo > 0 else "")
    for s, e in spans:
        if e <= lo or s >= hi:
            continue
        s, e = max(s, lo), min(e, hi)
        out.append(escape(text[pos:s]))
        out.append(Markup("<mark>") + escape(text[s:e]) + Markup("</mark>"))
        pos = e
    out.append(escape(text[pos:hi]))
    if hi < len(text):
        out.append("…")
    return Markup("").join(out)


def snippet_for(doc, terms) -> tuple[str, Markup]:
    """The first matching part of the thread ('title', 'body', 'best_answer', 'answers')
    and a highlighted snippet from it; falls back to the start of the body."""
    for part in ("body", "best_answer", "answers", "title"):
        marked = highlight(getattr(doc, part) or "", terms)
        if marked is not None:
            return part, marked
    return "body", escape((doc.body or "")[: WINDOW * 2])
