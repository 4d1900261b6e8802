"""Candidates for ranked search, on both engines: threads where every group (or, in "any"
mode, some group) of alternatives has one alternative as a substring of the normalised
text, and no exclude is; newest first, at most `limit`. A group is one query word with its
spellings and synonyms. The SQL finds them through each engine's bigram index and rechecks
what the index cannot prove on search_documents (`d`), so the rows are exact on both.
"""
from collections.abc import Callable, Sequence

import sqlalchemy as sa

from ..ngrams import Term, plan_term
from . import postgres_sql, sqlite_tiers, term_stats
from .base import NORM_COLUMNS, TIERS, DbSession

Groups = Sequence[Sequence[str]]
Fetch = Callable[[str, dict], list[tuple]]
# 回答受付終了 threads are indexed but searched only when asked for (few rows: a hashed set).
NOT_EXPIRED = "{0} NOT IN (SELECT id FROM questions WHERE status = 'expired')"
PROBE_ROWS = postgres_sql.PROBE_ROWS
DENSE = postgres_sql.DENSE
# A dense search walks the newest rows that would hold its `limit` matches at this share
# (at least MIN_WALK); older matches then come from the GIN bitmap (see _postgres_sql).
WALK_DENSITY = 0.1
MIN_WALK = 2000
# SQLite: a 1-character term is an FTS5 prefix query, for which FTS5 merges the doclists of
# every bigram starting with the character, over all rows, before it reads the newest (料,
# in 83 % of 20,000 threads: ~10 ms; in titles at 100,000 threads ~8 ms). Such characters
# are mostly common, and then the newest rows hold the matches: they are walked in key order
# and checked on the text (any field: ~1 µs a row that matches in its title, ~11 µs one
# that matches nowhere; titles only: ~2 µs a row), when the newest rows (the probe) say the
# limit is likely reached within half the walk's rows; the index takes over past them.
# A sparse character costs the probe (~0.5 ms) and its doclists are short.
SQLITE_PROBE, SQLITE_WALK = 50, 1000             # rows probed, rows walked at most (any field)
SQLITE_TITLE_PROBE, SQLITE_TITLE_WALK = 200, 2000  # the same for the title only


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
    if any(len(run) == 1 for g in planned for t in g for run in t.runs):
        walked = _sqlite_walk(session, planned, ex, mode, title_only, category, limit, expired)
        if walked is not None:
            return walked
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
    conds += _meta_filters(params, category, expired)
    source = "search_fts(:q) f JOIN search_fts_meta m ON m.sort_key = f.rowid"
    if conds and any("d." in c for c in conds):
        source += " JOIN search_documents d ON d.question_id = m.question_id"
    where = " AND ".join(conds) or "1 = 1"
    sql = f"SELECT m.question_id, m.category, f.rowid FROM {source} WHERE {where} ORDER BY f.rowid DESC LIMIT :n"  # nosec B608 # our SQL; terms are bound
    return [(r[0], r[1]) for r in session.execute(sa.text(sql), params)]


def _meta_filters(params: dict, category: str | None, expired: bool) -> list[str]:
    """The category and expiry conditions on search_fts_meta `m` (binding the category)."""
    conds = []
    if category:
        params["category"] = category
        conds.append("m.category = :category")
    if not expired:
        conds.append(NOT_EXPIRED.format("m.question_id"))
    return conds


def _sqlite_walk(session: DbSession, planned: list[list[Term]], ex: list[Term], mode: str, title_only: bool,
                 category: str | None, limit: int, expired: bool) -> list[tuple[int, str]] | None:
    """sqlite_candidates() read from the newest rows, each checked on its text (exactly what
    the index and its recheck find); None when the probe does not find them dense enough,
    or the walk's rows hold fewer than `limit` (the index then finds them)."""
    probe, walk = (SQLITE_TITLE_PROBE, SQLITE_TITLE_WALK) if title_only else (SQLITE_PROBE, SQLITE_WALK)
    params: dict = {}
    conds = [_text_condition(planned, mode, NORM_COLUMNS[:1] if title_only else NORM_COLUMNS, params, "instr")]
    if ex:
        conds.append(_excluded(ex, params, "instr"))
    conds += _meta_filters(params, category, expired)
    sql = ("SELECT m.question_id, m.category FROM search_fts_meta m "  # nosec B608 # our SQL; terms are bound
           "JOIN search_documents d ON d.question_id = m.question_id "
           f"WHERE m.sort_key >= :low AND m.sort_key < :high AND {' AND '.join(conds)} "
           "ORDER BY m.sort_key DESC LIMIT :n")
    found: list[tuple[int, str]] = []
    high = None
    for rows in (probe, walk):
        low = session.execute(sa.text("SELECT sort_key FROM search_fts_meta ORDER BY sort_key DESC "
                                      "LIMIT 1 OFFSET :k"), {"k": rows - 1}).scalar()
        whole = low is None  # fewer rows than that: these are all of them
        bounds = {"low": -(2 ** 63) if whole else low, "high": 2 ** 63 - 1 if high is None else high}
        found.extend((r[0], r[1]) for r in session.execute(sa.text(sql), {**params, **bounds,
                                                                          "n": limit - len(found)}))
        if len(found) >= limit or whole:
            return found
        if rows == probe and len(found) * walk < 2 * limit * probe:  # likely not within half the walk
            return None
        high = low
    return None


def postgres_candidates(session: DbSession, groups: Groups, excludes: Sequence[str], mode: str,
                        title_only: bool, category: str | None, limit: int,
                        fetch: Fetch, expired: bool = False) -> list[tuple[int, str]]:
    """`fetch(sql, params)`: the statement's rows, run with the search settings in the same
    round trip, prepared (PostgresBackend._fetch)."""
    statement = postgres_statement(session, groups, excludes, mode, title_only, category, limit, expired)
    return postgres_rows(fetch(*statement)) if statement else []


def postgres_rows(rows: Sequence[Sequence]) -> list[tuple[int, str]]:
    """(question_id, category) of a candidates statement's rows, newest first."""
    return [(r[0], r[1]) for r in sorted(rows, key=lambda r: -r[2])]


def postgres_statement(session: DbSession, groups: Groups, excludes: Sequence[str], mode: str,
                       title_only: bool, category: str | None, limit: int,
                       expired: bool = False) -> tuple[str, dict] | None:
    """The candidates statement and its parameters; None when no group has a term."""
    planned = _planned(groups)
    if not planned:
        return None
    ex = [t for t in (plan_term(x) for x in excludes) if t]
    tier = 0 if title_only else TIERS - 1
    joiner = " & " if mode == "all" else " | "

    def group_query(g: list[Term]) -> str:
        return "(" + " | ".join(postgres_sql._term_query(t, tier) for t in g) + ")"

    tsq = "(" + joiner.join(group_query(g) for g in planned) + ")"
    for t in ex:
        if postgres_sql.is_exact(t):
            tsq += " & !" + postgres_sql._term_query(t, TIERS - 1)
    params: dict = {"q": tsq, "n": limit, "probe": PROBE_ROWS, "dense": max(1, round(DENSE * PROBE_ROWS))}
    row_conds = []  # on search_fts f: checked as rows are read, before the text
    text_conds = []  # on search_documents d: the text the index cannot prove
    columns = NORM_COLUMNS[:1] if title_only else NORM_COLUMNS
    # A group of exact alternatives is proven by the index when every group must match;
    # in "any" mode the text must show which group does, so all are checked.
    unproven = [g for g in planned if mode != "all" or not all(postgres_sql.is_exact(t) for t in g)]
    if unproven:
        text_conds.append(_text_condition(unproven if mode == "all" else planned, mode, columns, params, "strpos"))
    if any(not postgres_sql.is_exact(t) for t in ex):
        text_conds.append(_excluded(ex, params, "strpos"))
    if category:
        params["category"] = category
        row_conds.append("f.category = :category")
    if not expired:
        row_conds.append(NOT_EXPIRED.format("f.question_id"))
    params["walk"] = walk_rows(limit)
    rare = _rare_groups(session, planned) if mode == "all" else None
    if rare:
        params["qi"] = "(" + " & ".join(group_query(g) for g in rare) + ")"
    return _postgres_sql(row_conds, text_conds, bool(rare)), params


def _rare_groups(session: DbSession, planned: list[list[Term]]) -> list[list[Term]] | None:
    """The groups the GIN index should read when every group must match: those whose
    alternatives are all rare, when others are common (as term_stats.index_terms does for
    terms); None: read them all."""
    if len(planned) < 2:
        return None
    common = term_stats.common_lexemes(session)
    if not common:
        return None
    rare = [g for g in planned if not any(term_stats.is_common(t, common) for t in g)]
    return rare if 0 < len(rare) < len(planned) else None


def walk_rows(limit: int) -> int:
    """How many of the newest rows a dense search walks before the GIN bitmap takes the
    older ones: enough for `limit` matches at WALK_DENSITY."""
    return max(MIN_WALK, round(limit / WALK_DENSITY))


def _postgres_sql(row_conds: list[str], text_conds: list[str], rare_index: bool) -> str:
    """The candidates statement (tsquery :q, :n rows, :walk newest rows walked when dense;
    `rare_index`: the bitmap reads :qi, the rare groups, and :q is checked on its rows).

    The newest PROBE_ROWS rows say whether matches are dense (as in postgres_sql.matches_sql);
    only the branches of that answer run. Dense: walk the recency btree over the newest
    :walk rows (stops after n matches); when they hold fewer than n, the GIN bitmap gives
    the n newest matches instead (the walk's among them: a bitmap heap scan reads every
    matching row whatever key it stops at, and finding the key of the :walk-th newest row
    read that many rows again, ~3 ms). Sparse: the bitmap alone. Bitmap candidates are sorted by key
    (`sort_key + 0`: not from the btree) before their text is checked, in that order, only
    until n are found: the text check (detoasting up to four long columns) is the dear
    part, and a sort of a few thousand keys is not. The walk bounds what a word costs
    whose newest rows look dense and whose older ones are not: it read up to the whole
    table looking for n matches (~100 ms at 20,000 threads)."""
    match = "f.tokens @@ CAST(:q AS tsquery)"
    # The function form of @@, which no index serves: the bitmap reads the rare groups'
    # short posting lists only, and the whole query is checked on the rows they give.
    indexed = ("ts_match_vq(f.tokens, CAST(:q AS tsquery)) AND f.tokens @@ CAST(:qi AS tsquery)"
               if rare_index else match)
    on_row = "".join(f" AND {c}" for c in row_conds)
    on_text = " AND ".join(text_conds)
    # `+ 0`: a merge join in question_id order would read search_fts whole through its
    # primary key; the text is checked row by row, by key.
    join = " JOIN search_documents d ON d.question_id = f.question_id + 0" if on_text else ""
    text_where = f" WHERE {on_text}" if on_text else ""
    dense = "(SELECT dense FROM probe)"
    walked = ("(SELECT question_id, sort_key, category, tokens FROM search_fts "
              "ORDER BY sort_key DESC LIMIT :walk) f")
    walk_full = "(SELECT count(*) FROM walk) >= :n"

    def bitmap(condition: str) -> str:
        inner = (f"SELECT question_id, category, sort_key + 0 AS k FROM search_fts f "  # nosec B608 # our SQL; terms bound
                 f"WHERE {condition} AND {indexed}{on_row} ORDER BY k DESC LIMIT ALL")
        return (f"(SELECT f.question_id, f.category, f.k FROM ({inner}) f{join}{text_where} "  # nosec B608 # our SQL
                "ORDER BY f.k DESC LIMIT :n)")

    return (
        "WITH probe AS MATERIALIZED (SELECT count(*) >= :dense AS dense FROM (SELECT tokens "  # nosec B608 # our SQL; terms bound
        f"FROM search_fts ORDER BY sort_key DESC LIMIT :probe) f WHERE {match}), "
        f"walk AS MATERIALIZED (SELECT f.question_id, f.category, f.sort_key AS k FROM {walked}{join} "
        f"WHERE {dense} AND {match}{on_row}{' AND ' + on_text if on_text else ''} LIMIT :n) "
        "SELECT question_id, category, k FROM ("
        f"(SELECT question_id, category, k FROM walk WHERE {walk_full}) "
        f"UNION ALL {bitmap(f'NOT ({dense} AND {walk_full})')}"
        ") c LIMIT :n"
    )
