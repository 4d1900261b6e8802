"""The trade's own vocabulary: pairs of words that find each other at query time.

Kept as data in synonyms.tsv (one pair a line, tab-separated, both directions), reviewed
like code. Words are compared in normal form (forum.text.normalize).
"""
from functools import lru_cache
from pathlib import Path

from ..text import normalize

SYNONYMS_FILE = Path(__file__).with_name("synonyms.tsv")


def read_pairs(path: Path = SYNONYMS_FILE) -> list[tuple[str, str]]:
    """The file's pairs as written (comments and blank lines skipped)."""
    pairs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        parts = [p.strip() for p in line.split("\t")]
        if len(parts) == 2 and all(parts):
            pairs.append((parts[0], parts[1]))
    return pairs


@lru_cache(maxsize=1)
def table() -> dict[str, tuple[tuple[str, str], ...]]:
    """normal form of a word → its synonyms as (normal form, as written)."""
    out: dict[str, list[tuple[str, str]]] = {}
    for a, b in read_pairs():
        na, nb = normalize(a), normalize(b)
        if na == nb:
            continue
        out.setdefault(na, []).append((nb, b))
        out.setdefault(nb, []).append((na, a))
    return {k: tuple(dict.fromkeys(v)) for k, v in out.items()}


def synonyms_of(term: str) -> tuple[tuple[str, str], ...]:
    """Synonyms of a normalised query word, (normal form, as written); () for unknown words."""
    return table().get(term, ())
