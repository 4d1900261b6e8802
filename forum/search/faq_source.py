"""The FAQ entries search reads, in one place: the FAQ admins edit (forum.lookups.faq_entries),
with each entry's normalised text for matching. Every search looks at every entry, so they
are kept per process until the next write (the page cache's content version says when;
the request's own reading of it, pagecache.request_version)."""
from functools import lru_cache

from .. import pagecache
from ..lookups import faq_entries as stored_entries
from ..text import normalize

_kept: dict[str, tuple[str, list[dict]]] = {}


@lru_cache(maxsize=512)
def _normal(text: str) -> str:
    return normalize(text)


def faq_entries() -> list[dict]:
    """Every entry as {"q", "a", "anchor", "norm"}, in the FAQ page's order."""
    return pagecache.kept_until_write(_kept, lambda: [
        {"q": e.question, "a": e.answer, "anchor": e.anchor, "norm": _normal(f"{e.question}\n{e.answer}")}
        for e in stored_entries()])
