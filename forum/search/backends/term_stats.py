"""Which search terms are rare, told by PostgreSQL's statistics on search_fts.tokens.

ANALYZE keeps the column's most common lexemes (up to 1,000 by default); a lexeme missing
from that list is rarer than every one on it. That is enough to tell a rare word from a
common one in a query that has both, and that is all search needs: the GIN index is then
asked for the rare words only, and the common ones are checked on the few rows it returns.
Reading a common word's posting lists costs more than checking those rows (measured: a
6-character common word beside a rare one, 2.5 ms in the index against 0.35 ms for the rare
word alone). The choice only moves work around; every term is still checked on every row.
"""
import time

import sqlalchemy as sa

from ..ngrams import FIELD_PREFIXES, Term

CACHE_SECONDS = 600  # statistics change with ANALYZE, not with each post
_cache: dict[str, tuple[float, frozenset[str]]] = {}


def common_lexemes(session) -> frozenset[str]:
    """The most common lexemes of search_fts.tokens (empty before the first ANALYZE)."""
    key = str(session.get_bind().url)
    cached = _cache.get(key)
    if cached and time.monotonic() - cached[0] < CACHE_SECONDS:
        return cached[1]
    found = session.execute(sa.text(
        "SELECT CAST(CAST(most_common_elems AS text) AS text[]) FROM pg_stats "
        "WHERE schemaname = current_schema() AND tablename = 'search_fts' AND attname = 'tokens'"
    )).scalar()
    lexemes = frozenset(found or ())
    _cache[key] = (time.monotonic(), lexemes)
    return lexemes


def forget() -> None:
    """Drop the cached statistics (after ANALYZE, in tests)."""
    _cache.clear()


def is_common(term: Term, common: frozenset[str]) -> bool:
    """Whether each of the term's bigrams is a common lexeme in some field. A run of one
    character is looked up as a prefix of many lexemes, so it counts as common."""
    return all(
        any(prefix + run[i:i + 2] in common for prefix in FIELD_PREFIXES)
        for run in term.runs for i in range(len(run) - 1)
    )


def index_terms(terms: list[Term], common: frozenset[str]) -> list[Term] | None:
    """The terms the GIN index should read: the rare ones, when the query has common ones
    too; None when all terms should be read (all rare, all common, or no statistics)."""
    if len(terms) < 2 or not common:
        return None
    rare = [t for t in terms if not is_common(t, common)]
    return rare if rare and len(rare) < len(terms) else None
