"""Candidates for ranked search, on both engines: threads where every group (or, in "any"
mode, some group) of alternatives has one alternative as a substring of the normalised
text, and no exclude is; newest first, at most `limit`. A group is one query word with its
spellings and synonyms. The SQL finds them through each engine's bigram index and rechecks
what the index cannot prove on search_documents (`d`), so the rows are exact on both.
"""
from collections.abc import Sequence

import sqlalchemy as sa

from ..ngrams import Term, plan_term
from . import postgres_sql, sqlite_tiers
from .base import NORM_COLUMNS, TIERS, DbSession

Groups = Sequence[Sequence[str]]
# 回答受付終了 threads are indexed but searched only when asked for (few rows: a hashed set).
NOT_EXPIRED = "{0} NOT IN (SELECT id FROM questions WHERE status = 'expired')"
PROBE_ROWS = postgres_sql.PROBE_ROWS
DENSE = postgres_sql.DENSE


def _planned(groups: Groups) -> list[list[Term]]:
    out = []
    for group in groups:
        terms = [t for t in (plan_term(a) for a in group) if t]
        if terms:
            out.append(terms)
    return out


def _text_condition(groups: list[list[Term]], mode: str, columns: Sequence[str], params: dict,
                    position: str) -> str:
    """SQL on d: each (any) group has an alternative in one of `columns`."""
    conds = []
    for terms in groups:
        alts: list[str] = []
        for term in terms:
            name = f"s{len(params)}"
            params[name] = term.text
            alts.extend(f"{position}(d.{c}, :{name}) > 0" for c in columns)
        conds.append("(" + " OR ".join(alts) + ")")
    return "(" + (" AND " if mode == "all" else " OR ").join(conds) + ")"


def _excluded(excludes: list[Term], params: dict, position: str) -> str:
    return "NOT " + _text_condition([[t] for t in excludes], "any", NORM_COLUMNS, params, position)


def sqlite_candidates(session: DbSession, groups: Groups, excludes: Sequence[str], mode: str,
                      title_only: bool, category: str | None, limit: int,
                      expired: bool = False) -> list[tuple[int, str]]:
    planned = _planned(groups)
    if not planned:
        return []
    ex = [t for t in (plan_term(x) for x in excludes) if t]
    joiner = " AND " if mode == "all" else " OR "
    expr = "(" + joiner.join("(" + " OR ".join(sqlite_tiers._fts_term(t) for t in g) + ")" for g in planned) + ")"
    if title_only:
        expr = "({title} : " + expr + ")"
    exact_ex = [t for t in ex if t.single_run]
    if exact_ex:
        expr = f"({expr} NOT (" + " OR ".join(sqlite_tiers._fts_term(t) for t in exact_ex) + "))"
    params: dict = {"q": expr, "n": limit}
    conds = []
    columns = NORM_COLUMNS[:1] if title_only else NORM_COLUMNS
    if title_only or not all(t.single_run for g in planned for t in g):
        conds.append(_text_condition(planned, mode, columns, params, "instr"))
    if any(not t.single_run for t in ex):
        conds.append(_excluded(ex, params, "instr"))
    if category:
        params["category"] = category
        conds.append("m.category = :category")
    if not expired:
        conds.append(NOT_EXPIRED.format("m.question_id"))
    source = "search_fts(:q) f JOIN search_fts_meta m ON m.sort_key = f.rowid"
    if conds and any("d." in c for c in conds):
        source += " JOIN search_documents d ON d.question_id = m.question_id"
    where = " AND ".join(conds) or "1 = 1"
    sql = f"SELECT m.question_id, m.category, f.rowid FROM {source} WHERE {where} ORDER BY f.rowid DESC LIMIT :n"  # nosec B608 # our SQL; terms are bound
    return [(r[0], r[1]) for r in session.execute(sa.text(sql), params)]


def postgres_candidates(session: DbSession, groups: Groups, excludes: Sequence[str], mode: str,
                        title_only: bool, category: str | None, limit: int,
                        settings: str, expired: bool = False) -> list[tuple[int, str]]:
    planned = _planned(groups)
    if not planned:
        return []
    ex = [t for t in (plan_term(x) for x in excludes) if t]
    tier = 0 if title_only else TIERS - 1
    joiner = " & " if mode == "all" else " | "
    tsq = "(" + joiner.join(
        "(" + " | ".join(postgres_sql._term_query(t, tier) for t in g) + ")" for g in planned) + ")"
    for t in ex:
        if postgres_sql.is_exact(t):
            tsq += " & !" + postgres_sql._term_query(t, TIERS - 1)
    params: dict = {"q": tsq, "n": limit, "probe": PROBE_ROWS, "dense": max(1, round(DENSE * PROBE_ROWS))}
    conds = []
    columns = NORM_COLUMNS[:1] if title_only else NORM_COLUMNS
    if not all(postgres_sql.is_exact(t) for g in planned for t in g):
        conds.append(_text_condition(planned, mode, columns, params, "strpos"))
    if any(not postgres_sql.is_exact(t) for t in ex):
        conds.append(_excluded(ex, params, "strpos"))
    if category:
        params["category"] = category
        conds.append("f.category = :category")
    if not expired:
        conds.append(NOT_EXPIRED.format("f.question_id"))
    join = " JOIN search_documents d ON d.question_id = f.question_id + 0" if any("d." in c for c in conds) else ""
    where = "".join(f" AND {c}" for c in conds)
    match = "f.tokens @@ CAST(:q AS tsquery)"
    # As in postgres_sql.matches_sql: the newest rows say whether matches are dense; dense
    # ones are read by walking the recency btree (stops after n), sparse ones from the GIN
    # bitmap (sort_key + 0: not from the btree). Only one branch runs.
    sql = (
        "WITH probe AS MATERIALIZED (SELECT count(*) >= :dense AS dense FROM (SELECT tokens "
        f"FROM search_fts ORDER BY sort_key DESC LIMIT :probe) f WHERE {match}) "  # nosec B608 # our SQL; terms bound
        "(SELECT f.question_id, f.category, f.sort_key FROM (SELECT question_id, sort_key, category, tokens "
        "FROM search_fts "
        f"ORDER BY sort_key DESC LIMIT ALL) f{join} WHERE (SELECT dense FROM probe) AND {match}{where} LIMIT :n) "
        "UNION ALL "
        f"(SELECT f.question_id, f.category, f.sort_key FROM search_fts f{join} WHERE NOT (SELECT dense FROM probe) "
        f"AND {match}{where} ORDER BY f.sort_key + 0 DESC LIMIT :n)"
    )
    session.execute(sa.text(settings))
    rows = sorted(session.execute(sa.text(sql), params), key=lambda r: -r[2])
    return [(r[0], r[1]) for r in rows]
