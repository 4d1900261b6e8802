"""How SQLite searches: FTS5 expressions per tier, a count that stops at the cap, then the
tiers' page queries one after another.

The FTS5 rowid is the recency key, so `ORDER BY rowid DESC LIMIT n` walks each doclist
newest first and stops after n matches; search_fts_meta maps a key to its thread. Nothing
sorts or counts every match: each tier is its own query that stops after the page, tiers
are read in order until the page is full, and the count stops after cap + 1 matches.
"""
from collections.abc import Sequence

import sqlalchemy as sa

from ..ngrams import Term
from . import matching
from .base import TIERS, Counts, DbSession, Match

FTS_COLUMNS = ("title", "body", "best", "answers")
POSITION = "instr"  # SQLite's substring function, for rechecks


def _fts_term(term: Term) -> str:
    """A phrase of consecutive bigrams per run (exact inside a run); a 1-character run is
    a prefix query, which also finds it as a run's last character."""
    parts = []
    for run in term.runs:
        if len(run) == 1:
            parts.append(f'"{run}" *')
        else:
            parts.append('"' + " ".join(run[i:i + 2] for i in range(len(run) - 1)) + '"')
    return "(" + " AND ".join(parts) + ")"


def _within(terms: list[Term], tier: int) -> str:
    """Every term within the fields 0..tier (a column filter; none for all fields)."""
    expr = " AND ".join(_fts_term(t) for t in terms)
    if tier < TIERS - 1:
        return "({" + " ".join(FTS_COLUMNS[: tier + 1]) + "} : (" + expr + "))"
    return f"({expr})"


def fts_query(terms: list[Term], tier: int | None, excludes: Sequence[Term] = (), exact: bool = True) -> str:
    """The FTS5 expression of one tier (None: any tier); exact excludes are NOTs."""
    expr = _within(terms, TIERS - 1 if tier is None else tier)
    if exact and tier:
        expr = f"({expr} NOT {_within(terms, tier - 1)})"
    exact_excludes = [t for t in excludes if t.single_run]
    if exact_excludes:
        expr = f"({expr} NOT (" + " OR ".join(_fts_term(t) for t in exact_excludes) + "))"
    return expr


def is_exact(term: Term) -> bool:
    """Bigram phrases are exact for a term that is one run of letters and digits."""
    return term.single_run


def match(terms: list[Term], excludes: list[Term], tier: int | None, params: dict) -> Match:
    """Threads of exactly this tier (None: any tier) that no exclude matches."""
    exact = all(is_exact(t) for t in terms)
    name = f"q{len(params)}"
    params[name] = fts_query(terms, tier, excludes, exact)
    source = f"search_fts(:{name}) f JOIN search_fts_meta m ON m.sort_key = f.rowid"
    where = matching.recheck(terms, excludes, tier, params, is_exact, POSITION)
    if where:
        source += " JOIN search_documents d ON d.question_id = m.question_id"
    return Match(source, where or "1 = 1", "f.rowid", "m.question_id", "m.category")


def _execute(session: DbSession, sql: str, params: dict) -> Sequence[sa.Row]:
    return session.execute(sa.text(sql), params).all()


def count(session: DbSession, terms: list[Term], excludes: list[Term], category: str | None, cap: int) -> Counts:
    """Matches per category from one scan that stops after cap + 1 matches; above the cap
    only the selected category (if any) is counted again, up to cap + 1."""
    params: dict = {"cap": cap + 1}
    m = match(terms, excludes, None, params)
    sql = (f"SELECT category, count(*) FROM (SELECT {m.category} AS category FROM {m.source} "  # nosec B608 # our SQL; terms bound
           f"WHERE {m.where} LIMIT :cap) c GROUP BY category")
    by_category: dict[str, int] = dict(_execute(session, sql, params))
    if sum(by_category.values()) <= cap:
        return Counts(sum(by_category.values()), by_category)
    if not category:
        return Counts.over(cap)
    params["category"] = category
    sql = (f"SELECT count(*) FROM (SELECT 1 AS one FROM {m.source} WHERE {m.where} "  # nosec B608 # our SQL; terms are bound
           f"AND {m.category} = :category LIMIT :cap) c")
    return Counts.over(cap, {category: _execute(session, sql, params)[0][0]})


def tier_sql(terms: list[Term], excludes: list[Term], tier: int, category: str | None, n: int) -> tuple[str, dict]:
    """The statement of a tier's page query and its parameters."""
    params: dict = {"n": n}
    m = match(terms, excludes, tier, params)
    where = m.where
    if category:
        params["category"] = category
        where += f" AND {m.category} = :category"
    return f"SELECT {m.question_id} FROM {m.source} WHERE {where} ORDER BY {m.key} DESC LIMIT :n", params  # nosec B608 # our SQL; terms are bound


def _tier_ids(session: DbSession, terms: list[Term], excludes: list[Term], tier: int, category: str | None,
              n: int) -> list[int]:
    """Question ids of tier `tier`, newest first, at most n."""
    sql, params = tier_sql(terms, excludes, tier, category, n)
    return [row[0] for row in _execute(session, sql, params)]


def page_ids(session: DbSession, terms: list[Term], excludes: list[Term], category: str | None,
             limit: int, offset: int, counts: Counts) -> list[int]:
    """The page's question ids: tier after tier, each asked for no more than the page still
    needs, until the page is full or (when the counts are exact) every match was seen."""
    total = counts.total_for(category)
    ids: list[int] = []
    skip, seen = offset, 0
    for tier in range(TIERS):
        if offset >= total or len(ids) >= limit or (not counts.capped and seen >= total):
            break
        found = _tier_ids(session, terms, excludes, tier, category, skip + limit - len(ids))
        ids.extend(found[skip:])
        skip, seen = max(0, skip - len(found)), seen + len(found)
    return ids[:limit]


def explain(session: DbSession, terms: list[Term]) -> str:
    """SQLite's plan of the first tier's page query."""
    sql, params = tier_sql(terms, [], 0, None, 20)
    rows = session.execute(sa.text("EXPLAIN QUERY PLAN " + sql), params)
    return "\n".join(str(r[-1]) for r in rows)
