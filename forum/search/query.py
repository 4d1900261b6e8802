"""Parse what the reader typed into normalised terms to include and exclude."""
import re
from dataclasses import dataclass, field

from ..text import normalize
from .ngrams import runs

# "quoted phrase", -excluded, or a plain word; ASCII and full-width spaces separate words.
_TOKEN = re.compile(r'(-?)"([^"]*)"|(-?)(\S+)')
MAX_TERMS = 8


@dataclass(frozen=True)
class ParsedQuery:
    terms: tuple[str, ...] = field(default_factory=tuple)
    excludes: tuple[str, ...] = field(default_factory=tuple)
    # Each term as typed (before normalising; the dictionary reads these) ...
    raw: tuple[str, ...] = field(default_factory=tuple)
    # ... and the terms that were quoted: phrases keep their strict meaning (no variants).
    quoted: frozenset[str] = frozenset()

    @property
    def is_empty(self) -> bool:
        return not self.terms


def parse_query(text: str) -> ParsedQuery:
    """Split a query into normalised terms; every term must match, `-term` must not.

    Quotes keep spaces inside a phrase. Terms made only of symbols are ignored.
    """
    text = (text or "").replace("\u3000", " ").replace("“", '"').replace("”", '"').replace("＂", '"')
    terms: list[str] = []
    excludes: list[str] = []
    raw_terms: list[str] = []
    quoted: set[str] = set()
    for m in _TOKEN.finditer(text):
        if m.group(2) is not None:
            neg, raw = m.group(1), m.group(2)
        else:
            neg, raw = m.group(3), m.group(4)
            if raw == "-":
                neg, raw = "", raw
        term = normalize(raw).strip()
        if not runs(term):  # only symbols: nothing the index (or a reader) can match on
            continue
        target = excludes if neg else terms
        if term not in target:
            target.append(term)
            if not neg:
                raw_terms.append(raw.strip())
                if m.group(2) is not None:
                    quoted.add(term)
    return ParsedQuery(tuple(terms[:MAX_TERMS]), tuple(excludes[:MAX_TERMS]), tuple(raw_terms[:MAX_TERMS]),
                       frozenset(quoted))
