"""Match pieces both engines share: a query's index terms, and the row recheck.

An engine's index proves some terms exactly (is_exact); the others (terms spanning several
runs of letters, and on PostgreSQL runs longer than a bigram) are found by the index and
then rechecked as substrings of the normalised text in search_documents (alias `d`) with
the engine's substring function (`position`: instr, strpos). When a term is rechecked, the
text also decides the tier.
"""
from collections.abc import Callable

from ..ngrams import Term, plan_term
from ..query import ParsedQuery
from .base import NORM_COLUMNS, TIERS


def planned_terms(query: ParsedQuery) -> tuple[list[Term], list[Term]]:
    """The query's terms and excludes that the index can serve (not only symbols)."""
    return ([t for t in (plan_term(x) for x in query.terms) if t],
            [t for t in (plan_term(x) for x in query.excludes) if t])


def within(terms: list[Term], tier: int, params: dict, position: str, alias: str = "d") -> str:
    """SQL: every term is a substring of one of the fields 0..tier (row recheck)."""
    conds = []
    for term in terms:
        name = f"s{len(params)}"
        params[name] = term.text
        cols = " OR ".join(f"{position}({alias}.{c}, :{name}) > 0" for c in NORM_COLUMNS[: tier + 1])
        conds.append(f"({cols})")
    return " AND ".join(conds)


def recheck(terms: list[Term], excludes: list[Term], tier: int | None, params: dict,
            is_exact: Callable[[Term], bool], position: str) -> str | None:
    """Row conditions for the terms and excludes the index cannot prove (None: none)."""
    if all(is_exact(t) for t in terms):
        conds = []
    else:  # the tier is decided on the text: all terms within 0..tier, not within 0..tier-1
        conds = [within(terms, TIERS - 1 if tier is None else tier, params, position)]
        if tier:
            conds.append(f"NOT ({within(terms, tier - 1, params, position)})")
    for term in excludes:
        if not is_exact(term):
            conds.append(f"NOT ({within([term], TIERS - 1, params, position)})")
    return " AND ".join(conds) or None
