"""The FAQ entries search reads, in one place: today the static content in
forum/faq/content.py; when the FAQ moves into the database, only this function changes."""
from functools import lru_cache

from ..faq.content import FAQ_SECTIONS
from ..text import normalize


@lru_cache(maxsize=512)
def _normal(text: str) -> str:
    return normalize(text)


def faq_entries() -> list[dict]:
    """Every entry as {"q", "a", "section", "norm"} (texts in the current language)."""
    out = []
    for section in FAQ_SECTIONS:
        for entry in section["entries"]:
            q, a = str(entry["q"]), str(entry["a"])
            out.append({"q": q, "a": a, "section": section["key"], "norm": _normal(f"{q}\n{a}")})
    return out
