"""PostgreSQL backend: prefixed character bigrams in a GIN-indexed tsvector, recency in a btree."""
import re
from collections import Counter

import sqlalchemy as sa
from psycopg.sql import Literal

from ...database.bulk import insert_many
from ...models import SearchDocument
from ..ngrams import FIELD_PREFIXES, Term, document_lexemes, sort_key
from . import term_stats
from .base import TIERS, Match, SearchBackend, SearchPage

# `:name` parameters (as in sa.text) to the driver's `%(name)s`.
_NAMED_PARAM = re.compile(r"(?<![:\w]):(\w+)")
# The GIN index as migration 0001 creates it (reindex drops and rebuilds it in bulk).
GIN_INDEX = "search_fts_tokens ON search_fts USING gin (tokens)"


def _run_lexemes(prefixes: tuple[str, ...], run: str) -> list[str]:
    """Each gram of the run under any of the prefixes (one: a lexeme; several: an OR)."""
    if len(run) == 1:  # any bigram starting with it, or a run's last character
        grams = [f"'{prefix}{run}':*" for prefix in prefixes]
    else:
        grams = [[f"'{prefix}{run[i:i + 2]}'" for prefix in prefixes] for i in range(len(run) - 1)]
        return [g[0] if len(g) == 1 else "(" + " | ".join(g) + ")" for g in grams]
    return [grams[0] if len(grams) == 1 else "(" + " | ".join(grams) + ")"]


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


def _within(terms: list[Term], tier: int) -> str:
    return "(" + " & ".join(_term_query(t, tier) for t in terms) + ")"


def ts_query(terms: list[Term], tier: int | None, excludes: list[Term] = (), exact: bool = True) -> str:
    """The tsquery of one tier (None: any tier); exact excludes are negations."""
    expr = _within(terms, TIERS - 1 if tier is None else tier)
    if exact and tier:
        expr += f" & !{_within(terms, tier - 1)}"
    for term in excludes:
        if PostgresBackend.is_exact(term):
            expr += " & !" + _term_query(term, TIERS - 1)
    return expr


def _lexemes(doc) -> list[str]:
    return document_lexemes(doc["norm_title"], doc["norm_body"], doc["norm_best_answer"], doc["norm_answers"])


class PostgresBackend(SearchBackend):
    name = "postgresql"
    position = "strpos"

    @staticmethod
    def is_exact(term: Term) -> bool:
        # A bigram lexeme proves a run of up to 2 characters; longer runs are an AND of
        # their bigrams (positions are not indexed), so they are rechecked.
        return term.single_run and len(term.text) <= 2

    def match(self, terms, excludes, tier, params, index_terms=None):
        """See SearchBackend.match; `index_terms`: the terms the GIN index reads (see
        term_stats), the whole condition is then checked on the rows it finds."""
        exact = all(self.is_exact(t) for t in terms)
        name = f"q{len(params)}"
        params[name] = ts_query(terms, tier, excludes, exact)
        where = index = f"f.tokens @@ CAST(:{name} AS tsquery)"
        if index_terms:  # the function form of @@, which no index serves
            params[f"{name}i"] = _within(index_terms, TIERS - 1 if tier is None else tier)
            where = index = f"ts_match_vq(f.tokens, CAST(:{name} AS tsquery)) AND f.tokens @@ CAST(:{name}i AS tsquery)"
        source = "search_fts f"
        recheck = self.recheck(terms, excludes, tier, params)
        if recheck:
            # `+ 0`: a merge join in question_id order would read search_fts whole through
            # its primary key; the recheck probes search_documents by key, row by row.
            source += " JOIN search_documents d ON d.question_id = f.question_id + 0"
            where += f" AND {recheck}"
        return Match(source, where, "f.sort_key", "f.question_id", "f.category", index=index, recheck=recheck)

    # --- plans: walk the recency btree, or a GIN bitmap -------------------------------------
    #
    # A GIN bitmap costs in proportion to every match of the terms (tens of ms for a term
    # in most threads); walking the recency key newest first costs ~1 us per row read
    # (rows stay in the heap, see migration 0001) and stops after the page, so it wins
    # when matches are dense and loses badly when they are rare. The planner prices neither
    # well (the row check looks free; AND-ed bigrams of one word look independent), so the
    # SQL decides, and each plan is forced by how it is written: a LIMITed subquery in key
    # order can only be walked; `sort_key + 0` cannot use the key btree, which leaves the
    # GIN bitmap (sequential scans are off, see SETTINGS).
    #
    # Most searches are one statement (each costs ~0.3-0.5 ms of round trip and planning
    # before any work); a few need a second:
    # 1. _matches_sql: the newest PROBE_ROWS rows say whether candidates are dense. Dense:
    #    walk the key btree up to COUNT_CAP + 1 matches, giving counts per category and the
    #    first page of those matches. Sparse: the GIN bitmap, up to COUNT_CAP + 1 matches,
    #    each with its tier. Up to COUNT_CAP matches these rows answer every page; above it,
    #    the walk's page stands when it is all title matches (they are the newest ones).
    # 2. Otherwise _page_sql: every tier walks the newest WALK_ROWS rows, then takes the
    #    GIN bitmap for older ones; one UNION ALL read in order stops when the page is full.
    PROBE_ROWS = 100   # newest rows read to judge how dense the candidates are
    DENSE = 0.05       # at this share of candidates a walk beats the bitmap
    WALK_ROWS = 1000   # newest rows a tier walks before the bitmap takes the older ones
    # For this transaction: JIT compiling (set off by the walk's cost estimate) costs more
    # than these millisecond statements; `tokens @@ q` on a row is priced like any operator
    # but reads a ~2 KB tsvector, so a capped count would prefer a sequential scan over the
    # bitmap; parallel workers cost more than they save here, and Append must read the
    # UNION ALL branches in order. Statements are prepared and their generic plan kept
    # (planned once per connection and query shape): the SQL forces every plan choice that
    # depends on how frequent the terms are, so a plan made without the terms serves all.
    # The settings last until the transaction ends; what a request runs after a search is
    # loading the page's threads by primary key, planned the same way under them.
    SETTINGS = ("SELECT set_config('jit', 'off', true), set_config('enable_seqscan', 'off', true), "
                "set_config('max_parallel_workers_per_gather', '0', true), "
                "set_config('plan_cache_mode', 'force_generic_plan', true)")

    @staticmethod
    def _walk(m: Match, rows: str, where: str = "") -> str:
        # The LIMIT (even LIMIT ALL) keeps PostgreSQL from flattening the subquery, so it
        # can only be read from the key btree, newest first. `where` filters rows as the
        # btree hands them over, before the costlier checks of the match.
        window = (f"(SELECT question_id, sort_key, category, tokens FROM search_fts{where} "
                  f"ORDER BY sort_key DESC LIMIT {rows}) f")
        return window + m.source[len("search_fts f"):]

    def _tier_case(self, terms: list[Term], params: dict) -> str:
        """SQL: the tier of a matching row (the first fields that hold every term)."""
        whens = []
        for tier in range(TIERS - 1):
            if all(self.is_exact(t) for t in terms):  # the lexemes prove it
                name = f"t{len(params)}"
                params[name] = _within(terms, tier)
                whens.append(f"WHEN f.tokens @@ CAST(:{name} AS tsquery) THEN {tier}")
            else:  # the text decides (search_documents is joined for the recheck)
                whens.append(f"WHEN {self.within(terms, tier, params)} THEN {tier}")
        return f"CASE {' '.join(whens)} ELSE {TIERS - 1} END"

    def _matches_sql(self, terms, excludes, category, n: int, index_terms=None) -> tuple[str, dict]:
        """Statement 1. Rows (kind, question_id, sort_key, category, tier, count). Dense: the
        walk's matches per category ("count" rows; the walk stops after COUNT_CAP + 1) and
        its first n matches in page order, of `category` if given ("page" rows). Sparse: one
        "match" row per match, up to COUNT_CAP + 1."""
        params: dict = {"cap": self.count_cap + 1, "n": n, "category": category,
                        "probe": self.PROBE_ROWS, "dense": max(1, round(self.DENSE * self.PROBE_ROWS))}
        m = self.match(terms, excludes, None, params, index_terms)
        tier = self._tier_case(terms, params)
        in_category = "WHERE category = :category " if category else ""
        return (
            "WITH probe AS MATERIALIZED (SELECT count(*) >= :dense AS dense FROM (SELECT question_id, tokens "
            f"FROM search_fts ORDER BY sort_key DESC LIMIT :probe) f WHERE {m.index}), "
            f"walk AS MATERIALIZED (SELECT f.question_id, f.sort_key, f.category, {tier} AS tier "
            f"FROM {self._walk(m, 'ALL')} WHERE (SELECT dense FROM probe) AND {m.where} LIMIT :cap) "
            "(SELECT 'count', CAST(NULL AS integer), CAST(NULL AS bigint), category, CAST(NULL AS integer), "
            "count(*) FROM walk GROUP BY category) UNION ALL "
            f"(SELECT 'page', question_id, sort_key, category, tier, 1 FROM walk {in_category}"
            "ORDER BY tier, sort_key DESC LIMIT :n) UNION ALL "
            f"(SELECT 'match', f.question_id, f.sort_key, f.category, {tier}, 1 FROM {m.source} "
            f"WHERE NOT (SELECT dense FROM probe) AND {m.where} LIMIT :cap)"
        ), params

    def _page_sql(self, terms, excludes, category, n: int, index_terms=None) -> tuple[str, dict]:
        params: dict = {"n": n, "w": self.WALK_ROWS, "skip": self.WALK_ROWS - 1}
        parts = []
        for tier in range(TIERS):
            m = self.match(terms, excludes, tier, params, index_terms)
            cat = " AND f.category = :category" if category else ""
            params["category"] = category
            parts.append(f"(SELECT f.question_id FROM {self._walk(m, ':w')} WHERE {m.where}{cat} "
                         "ORDER BY f.sort_key DESC LIMIT :n)")
            # The bitmap's candidates older than the walk, sorted by key (+ 0: not from the
            # btree), then rechecked in that order only until the page is full.
            older = (f"SELECT question_id, sort_key + 0 AS k FROM search_fts f WHERE {m.index}{cat} AND "
                     "f.sort_key + 0 < (SELECT sort_key FROM search_fts ORDER BY sort_key DESC OFFSET :skip LIMIT 1) "
                     "ORDER BY k DESC LIMIT ALL")
            recheck = (f" JOIN search_documents d ON d.question_id = f.question_id + 0 WHERE {m.recheck}"
                       if m.recheck else "")
            parts.append(f"(SELECT f.question_id FROM ({older}) f{recheck} ORDER BY f.k DESC LIMIT :n)")
        return f"SELECT question_id FROM ({' UNION ALL '.join(parts)}) p LIMIT :n", params

    def search(self, session, query, category, limit, offset, count=True):
        terms, excludes = self.planned_terms(query)
        if not terms:
            return SearchPage([], 0, {})
        rare = self._index_terms(session, terms)
        n = offset + limit
        ids = None
        if count:
            rows = self._fetch(session, *self._matches_sql(terms, excludes, category, n, rare), settings=True)
            known = self._page_from_matches(rows, category, limit, offset)
            if known and not known.capped:
                return known
            ids = known.question_ids if known else None
        counts: dict = {}
        total = self.count_cap + 1
        if category and count:
            counts[category] = total = self._count_category(session, terms, excludes, category, rare)
        if ids is None:
            ids = []
            if offset < total:
                sql, params = self._page_sql(terms, excludes, category, n, rare)
                ids = [r[0] for r in self._fetch(session, sql, params, settings=not count)][offset:]
        return SearchPage(ids, total, {c: k for c, k in counts.items() if k}, True)

    @staticmethod
    def _index_terms(session, terms: list[Term]) -> list[Term] | None:
        """The rare terms of a query that also has common ones (see term_stats), else None."""
        return term_stats.index_terms(terms, term_stats.common_lexemes(session)) if len(terms) > 1 else None

    def _page_from_matches(self, rows, category, limit, offset) -> SearchPage | None:
        """The page that statement 1's rows decide: with exact counts up to COUNT_CAP
        matches; above it a capped page without counts, or None when they cannot tell."""
        matches = [r[1:5] for r in rows if r[0] == "match"]  # (question_id, key, category, tier)
        if len(matches) == len(rows):  # sparse (or nothing): every match, up to the cap + 1
            if len(matches) > self.count_cap:
                return None
            counts = Counter(r[2] for r in matches)
            chosen = sorted((r for r in matches if not category or r[2] == category), key=lambda r: (r[3], -r[1]))
            ids = [r[0] for r in chosen]
        else:  # dense: the walk's counts and its first offset + limit matches in page order
            counts = {r[3]: r[5] for r in rows if r[0] == "count"}
            page = [r for r in rows if r[0] == "page"]
            ids = [r[1] for r in page]
            if sum(counts.values()) > self.count_cap:
                # The walk read the newest rows up to its last match, so its title matches
                # are the newest title matches: a page of them is the true page.
                if len(page) < offset + limit or page[-1][4] != 0:
                    return None
                return SearchPage(ids[offset:], self.count_cap + 1, {}, True)
        total = counts.get(category, 0) if category else sum(counts.values())
        return SearchPage(ids[offset:offset + limit], total, dict(counts), False)

    def _count_category(self, session, terms, excludes, category, index_terms=None) -> int:
        params: dict = {"cap": self.count_cap + 1, "category": category}
        m = self.match(terms, excludes, None, params, index_terms)
        # The category is checked first (a string comparison; the lexemes take ~0.7 us a row);
        # in the outer WHERE the planner would put it after them.
        walk = self._walk(m, "ALL", " WHERE category = :category")
        sql = f"SELECT count(*) FROM (SELECT 1 FROM {walk} WHERE {m.where} LIMIT :cap) c"
        return self._fetch(session, sql, params)[0][0]

    def _fetch(self, session, sql: str, params: dict, settings: bool = False) -> list[tuple]:
        """Run one statement on the driver connection, prepared; `settings`: SETTINGS
        first, in the same round trip (a pipeline)."""
        raw = session.connection().connection.driver_connection
        sql = _NAMED_PARAM.sub(r"%(\1)s", sql)
        with raw.cursor() as cur:
            if settings:
                with raw.pipeline():
                    cur.execute(self.SETTINGS, prepare=True)
                    cur.execute(sql, params, prepare=True)
            else:
                cur.execute(sql, params, prepare=True)
            return cur.fetchall()

    def explain(self, session, query) -> str:
        """The generic plans that searches use, of the matches statement and of the page
        statement (for tests and the bench)."""
        terms, excludes = self.planned_terms(query)
        rare = self._index_terms(session, terms)
        self._fetch(session, "SELECT 1", {}, settings=True)  # the settings searches plan under
        raw = session.connection().connection.driver_connection
        plans = []
        for sql, params in (self._matches_sql(terms, excludes, None, 20, rare),
                            self._page_sql(terms, excludes, None, 20, rare)):
            names = list(dict.fromkeys(_NAMED_PARAM.findall(sql)))
            positional = _NAMED_PARAM.sub(lambda m, names=names: f"${names.index(m.group(1)) + 1}", sql)
            args = ", ".join(Literal(params[name]).as_string(raw) for name in names)  # EXECUTE infers no types
            with raw.cursor() as cur:
                cur.execute(f"PREPARE sodan_explain AS {positional}")
                cur.execute(f"EXPLAIN EXECUTE sodan_explain({args})")
                plans.append("\n".join(r[0] for r in cur.fetchall()))
                cur.execute("DEALLOCATE sodan_explain")
        return "\n---\n".join(plans)

    def write(self, session, docs) -> None:
        """Upsert the n-gram rows of these documents (same transaction as the caller)."""
        rows = [
            {"id": d.question_id, "key": sort_key(d.created_at, d.question_id), "category": d.category,
             "tokens": document_lexemes(d.norm_title, d.norm_body, d.norm_best_answer, d.norm_answers)}
            for d in docs
        ]
        if not rows:
            return
        session.execute(
            sa.text(
                "INSERT INTO search_fts (question_id, sort_key, category, tokens) "
                "VALUES (:id, :key, :category, array_to_tsvector(CAST(:tokens AS text[]))) "
                "ON CONFLICT (question_id) DO UPDATE SET sort_key = excluded.sort_key, "
                "category = excluded.category, tokens = excluded.tokens"
            ),
            rows,
        )

    def index_data(self, document: dict) -> str:
        """The row's lexemes as tsvector text (letters and digits: they need no quoting)."""
        return " ".join(_lexemes(document))

    def add_documents(self, session, rows, index_data=None) -> None:
        """COPY the documents, then their search_fts rows (rows must be new)."""
        insert_many(session.connection(), SearchDocument.__table__, rows)
        if index_data is None:
            index_data = [self.index_data(d) for d in rows]
        raw = session.connection().connection.driver_connection
        copy_sql = "COPY search_fts (question_id, sort_key, category, tokens) FROM STDIN"
        with raw.cursor() as cur, cur.copy(copy_sql) as copy:
            for d, tokens in zip(rows, index_data, strict=True):
                copy.write_row((d["question_id"], sort_key(d["created_at"], d["question_id"]), d["category"], tokens))

    def bulk_start(self, session) -> None:
        # A load commits in batches of hundreds of threads: none needs to wait for its WAL
        # to reach the disk. A crash loses the last batches, never consistency, and the
        # import can be run again. (This connection only.)
        session.execute(sa.text("SET synchronous_commit = off"))

    def bulk_end(self, session) -> None:
        session.execute(sa.text("RESET synchronous_commit"))
        session.commit()

    def suspend(self, session) -> None:
        """Drop the GIN index: rebuild() creates it again in one bulk pass, several times
        faster than filling it row by row. Until then searches walk the key btree."""
        session.execute(sa.text("DROP INDEX IF EXISTS search_fts_tokens"))

    def clear(self, session) -> None:
        """Empty both tables (and suspend the GIN index until rebuild())."""
        session.execute(sa.text("TRUNCATE search_fts, search_documents"))
        self.suspend(session)

    def rebuild(self, session) -> None:
        session.execute(sa.text("SET LOCAL maintenance_work_mem = '256MB'"))
        session.execute(sa.text(f"CREATE INDEX IF NOT EXISTS {GIN_INDEX}"))
        session.execute(sa.text("ANALYZE search_fts"))
        term_stats.forget()

    def plan(self, session, sql, params) -> str:
        return "\n".join(r[0] for r in session.execute(sa.text("EXPLAIN " + sql), params))
