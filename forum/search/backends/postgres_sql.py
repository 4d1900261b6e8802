"""The SQL of PostgreSQL search: tsqueries of prefixed bigrams for each tier, and the
statements postgres.py runs (matches, page, category count), with `:name` parameters.

A GIN bitmap costs in proportion to every match of the terms (tens of ms for a term in most
threads); walking the recency key newest first costs ~1 us per row read (rows stay in the
heap, see migration 0001) and stops after the page, so it wins when matches are dense and
loses badly when they are rare. The planner prices neither well (the row check looks free;
AND-ed bigrams of one word look independent), so the SQL decides, and each plan is forced by
how it is written: a LIMITed subquery in key order can only be walked; `sort_key + 0` cannot
use the key btree, which leaves the GIN bitmap (sequential scans are off, see
postgres.SETTINGS).
"""
from collections.abc import Sequence

from ..ngrams import FIELD_PREFIXES, Term
from . import matching
from .base import TIERS, Match

POSITION = "strpos"  # PostgreSQL's substring function, for rechecks
PROBE_ROWS = 100   # newest rows read to judge how dense the candidates are
DENSE = 0.05       # at this share of candidates a walk beats the bitmap
WALK_ROWS = 1000   # newest rows a tier walks before the bitmap takes the older ones


# --- tsqueries --------------------------------------------------------------------------

def _run_lexemes(prefixes: tuple[str, ...], run: str) -> list[str]:
    """Each gram of the run under any of the prefixes (one: a lexeme; several: an OR)."""
    if len(run) == 1:  # any bigram starting with it, or a run's last character
        grams = [f"'{prefix}{run}':*" for prefix in prefixes]
        return [grams[0] if len(grams) == 1 else "(" + " | ".join(grams) + ")"]
    per_gram = [[f"'{prefix}{run[i:i + 2]}'" for prefix in prefixes] for i in range(len(run) - 1)]
    return [g[0] if len(g) == 1 else "(" + " | ".join(g) + ")" for g in per_gram]


def _term_query(term: Term, tier: int) -> str:
    """Tiers 0-2: all the term's grams in one of the fields 0..tier. Tier 3 (any field):
    each gram in some field, because the o lexemes leave out grams the other fields have
    (see document_lexemes); longer terms are rechecked on the text anyway."""
    if tier < TIERS - 1:
        fields = []
        for prefix in FIELD_PREFIXES[: tier + 1]:
            parts = [lexeme for run in term.runs for lexeme in _run_lexemes((prefix,), run)]
            fields.append("(" + " & ".join(dict.fromkeys(parts)) + ")")
        return "(" + " | ".join(fields) + ")"
    parts = [lexeme for run in term.runs for lexeme in _run_lexemes(FIELD_PREFIXES, run)]
    return "(" + " & ".join(dict.fromkeys(parts)) + ")"


def within(terms: list[Term], tier: int) -> str:
    """The tsquery: every term within the fields 0..tier."""
    return "(" + " & ".join(_term_query(t, tier) for t in terms) + ")"


def is_exact(term: Term) -> bool:
    """A bigram lexeme proves a run of up to 2 characters; longer runs are an AND of their
    bigrams (positions are not indexed), so they are rechecked."""
    return term.single_run and len(term.text) <= 2


def ts_query(terms: list[Term], tier: int | None, excludes: Sequence[Term] = (), exact: bool = True) -> str:
    """The tsquery of one tier (None: any tier); exact excludes are negations."""
    expr = within(terms, TIERS - 1 if tier is None else tier)
    if exact and tier:
        expr += f" & !{within(terms, tier - 1)}"
    for term in excludes:
        if is_exact(term):
            expr += " & !" + _term_query(term, TIERS - 1)
    return expr


# --- match conditions -------------------------------------------------------------------

def match(terms: list[Term], excludes: list[Term], tier: int | None, params: dict,
          index_terms: list[Term] | None = None) -> Match:
    """Threads of exactly this tier (None: any tier) that no exclude matches; `index_terms`:
    the terms the GIN index reads (see term_stats), the whole condition is then checked on
    the rows it finds."""
    exact = all(is_exact(t) for t in terms)
    name = f"q{len(params)}"
    params[name] = ts_query(terms, tier, excludes, exact)
    where = index = f"f.tokens @@ CAST(:{name} AS tsquery)"
    if index_terms:  # the function form of @@, which no index serves
        params[f"{name}i"] = within(index_terms, TIERS - 1 if tier is None else tier)
        where = index = f"ts_match_vq(f.tokens, CAST(:{name} AS tsquery)) AND f.tokens @@ CAST(:{name}i AS tsquery)"
    source = "search_fts f"
    recheck = matching.recheck(terms, excludes, tier, params, is_exact, POSITION)
    if recheck:
        # `+ 0`: a merge join in question_id order would read search_fts whole through
        # its primary key; the recheck probes search_documents by key, row by row.
        source += " JOIN search_documents d ON d.question_id = f.question_id + 0"
        where += f" AND {recheck}"
    return Match(source, where, "f.sort_key", "f.question_id", "f.category", index=index, recheck=recheck)


def walk(m: Match, rows: str, where: str = "") -> str:
    """The match's FROM clause over the newest `rows` rows, read from the key btree."""
    # The LIMIT (even LIMIT ALL) keeps PostgreSQL from flattening the subquery, so it can
    # only be read from the key btree, newest first. `where` filters rows as the btree
    # hands them over, before the costlier checks of the match.
    window = (f"(SELECT question_id, sort_key, category, tokens FROM search_fts{where} "  # nosec B608 # our SQL; terms are bound
              f"ORDER BY sort_key DESC LIMIT {rows}) f")
    return window + m.source[len("search_fts f"):]


def tier_case(terms: list[Term], params: dict) -> str:
    """SQL: the tier of a matching row (the first fields that hold every term)."""
    whens = []
    for tier in range(TIERS - 1):
        if all(is_exact(t) for t in terms):  # the lexemes prove it
            name = f"t{len(params)}"
            params[name] = within(terms, tier)
            whens.append(f"WHEN f.tokens @@ CAST(:{name} AS tsquery) THEN {tier}")
        else:  # the text decides (search_documents is joined for the recheck)
            whens.append(f"WHEN {matching.within(terms, tier, params, POSITION)} THEN {tier}")
    return f"CASE {' '.join(whens)} ELSE {TIERS - 1} END"


# --- statements -------------------------------------------------------------------------

def matches_sql(terms: list[Term], excludes: list[Term], category: str | None, n: int, cap: int,
                index_terms: list[Term] | None = None) -> tuple[str, dict]:
    """Statement 1 of every search. The newest PROBE_ROWS rows say whether candidates are
    dense; only one of the two branches runs (InitPlan one-time filters). Rows (kind,
    question_id, sort_key, category, tier, count). Dense: the walk's matches per category
    ("count" rows; the walk stops after cap + 1) and its first n matches in page order, of
    `category` if given ("page" rows). Sparse: one "match" row per match, up to cap + 1."""
    params: dict = {"cap": cap + 1, "n": n, "category": category,
                    "probe": PROBE_ROWS, "dense": max(1, round(DENSE * PROBE_ROWS))}
    m = match(terms, excludes, None, params, index_terms)
    tier = tier_case(terms, params)
    in_category = "WHERE category = :category " if category else ""
    return (
        "WITH probe AS MATERIALIZED (SELECT count(*) >= :dense AS dense FROM (SELECT question_id, tokens "  # nosec B608 # our SQL; terms are bound
        f"FROM search_fts ORDER BY sort_key DESC LIMIT :probe) f WHERE {m.index}), "
        f"walk AS MATERIALIZED (SELECT f.question_id, f.sort_key, f.category, {tier} AS tier "
        f"FROM {walk(m, 'ALL')} WHERE (SELECT dense FROM probe) AND {m.where} LIMIT :cap) "
        "(SELECT 'count', CAST(NULL AS integer), CAST(NULL AS bigint), category, CAST(NULL AS integer), "
        "count(*) FROM walk GROUP BY category) UNION ALL "
        f"(SELECT 'page', question_id, sort_key, category, tier, 1 FROM walk {in_category}"
        "ORDER BY tier, sort_key DESC LIMIT :n) UNION ALL "
        f"(SELECT 'match', f.question_id, f.sort_key, f.category, {tier}, 1 FROM {m.source} "
        f"WHERE NOT (SELECT dense FROM probe) AND {m.where} LIMIT :cap)"
    ), params


def page_sql(terms: list[Term], excludes: list[Term], category: str | None, n: int,
             index_terms: list[Term] | None = None) -> tuple[str, dict]:
    """The first n question ids in page order: every tier walks the newest WALK_ROWS rows,
    then takes the GIN bitmap for older ones; one UNION ALL read in order stops when the
    page is full."""
    params: dict = {"n": n, "w": WALK_ROWS, "skip": WALK_ROWS - 1}
    parts = []
    for tier in range(TIERS):
        m = match(terms, excludes, tier, params, index_terms)
        cat = " AND f.category = :category" if category else ""
        params["category"] = category
        parts.append(f"(SELECT f.question_id FROM {walk(m, ':w')} WHERE {m.where}{cat} "  # nosec B608 # our SQL; terms bound
                     "ORDER BY f.sort_key DESC LIMIT :n)")
        # The bitmap's candidates older than the walk, sorted by key (+ 0: not from the
        # btree), then rechecked in that order only until the page is full.
        older = (f"SELECT question_id, sort_key + 0 AS k FROM search_fts f WHERE {m.index}{cat} AND "  # nosec B608 # our SQL; terms are bound
                 "f.sort_key + 0 < (SELECT sort_key FROM search_fts ORDER BY sort_key DESC OFFSET :skip LIMIT 1) "
                 "ORDER BY k DESC LIMIT ALL")
        recheck = (f" JOIN search_documents d ON d.question_id = f.question_id + 0 WHERE {m.recheck}"
                   if m.recheck else "")
        parts.append(f"(SELECT f.question_id FROM ({older}) f{recheck} ORDER BY f.k DESC LIMIT :n)")  # nosec B608 # our SQL; terms are bound
    return f"SELECT question_id FROM ({' UNION ALL '.join(parts)}) p LIMIT :n", params  # nosec B608 # our SQL


def count_category_sql(terms: list[Term], excludes: list[Term], category: str, cap: int,
                       index_terms: list[Term] | None = None) -> tuple[str, dict]:
    """The matches of one category, counted by a walk that stops after cap + 1."""
    params: dict = {"cap": cap + 1, "category": category}
    m = match(terms, excludes, None, params, index_terms)
    # The category is checked first (a string comparison; the lexemes take ~0.7 us a row);
    # in the outer WHERE the planner would put it after them.
    rows = walk(m, "ALL", " WHERE category = :category")
    return f"SELECT count(*) FROM (SELECT 1 FROM {rows} WHERE {m.where} LIMIT :cap) c", params  # nosec B608 # our SQL; terms are bound
