"""The FAQ entries search reads, in one place: the FAQ admins edit (forum.lookups.faq_entries),
with each entry's normalised text for matching."""
from functools import lru_cache

from ..lookups import faq_entries as stored_entries
from ..text import normalize


@lru_cache(maxsize=512)
def _normal(text: str) -> str:
    return normalize(text)


def faq_entries() -> list[dict]:
    """Every entry as {"q", "a", "anchor", "norm"}, in the FAQ page's order."""
    return [{"q": e.question, "a": e.answer, "anchor": e.anchor, "norm": _normal(f"{e.question}\n{e.answer}")}
            for e in stored_entries()]
