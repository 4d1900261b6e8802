"""PostgreSQL backend: prefixed character bigrams in a GIN-indexed tsvector, recency in a btree."""
import sqlalchemy as sa

from ...bulk_insert import insert_many
from ...models import SearchDocument
from ..ngrams import FIELD_PREFIXES, Term, document_lexemes, sort_key
from .base import TIERS, Match, SearchBackend

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

    def match(self, terms, excludes, tier, params):
        exact = all(self.is_exact(t) for t in terms)
        name = f"q{len(params)}"
        params[name] = ts_query(terms, tier, excludes, exact)
        where = index = f"f.tokens @@ CAST(:{name} AS tsquery)"
        source = "search_fts f"
        recheck = self.recheck(terms, excludes, tier, params)
        if recheck:
            source += " JOIN search_documents d ON d.question_id = f.question_id"
            where += f" AND {recheck}"
        return Match(source, where, "f.sort_key", "f.question_id", "f.category", index=index)

    # --- plans: walk the recency btree, or a GIN bitmap -------------------------------------
    #
    # A GIN bitmap costs in proportion to every match of the terms (tens of ms for a term
    # in most threads); walking the recency key newest first costs ~1.3 us per row read
    # (rows stay in the heap, see migration 0001) and stops after the page, so it wins
    # when matches are dense and loses badly when they are rare. The planner prices neither well (the row check
    # looks free; AND-ed bigrams of one word look independent), so the choice is made here
    # from what the newest rows show, and each plan is forced by how the SQL is written:
    # a LIMITed subquery in key order can only be walked; `ORDER BY sort_key + 0` cannot
    # use the key btree, which leaves the GIN bitmap (sequential scans are off, see
    # _planner_settings()).
    PROBE_ROWS = 250   # newest rows a count reads to judge how dense the candidates are
    DENSE = 0.05       # at this share of candidates a walk beats the bitmap
    WALK_ROWS = 1000   # newest rows a page query walks before it falls back to the bitmap
    WALK_MORE = 5000   # ... or walks on, when that many more rows should fill the page

    @staticmethod
    def _walk(m: Match, rows: str) -> str:
        # The LIMIT (even LIMIT ALL) keeps PostgreSQL from flattening the subquery, so it
        # can only be read from the key btree, newest first.
        window = ("(SELECT question_id, sort_key, category, tokens FROM search_fts "
                  f"ORDER BY sort_key DESC LIMIT {rows}) f")
        return window + m.source[len("search_fts f"):]

    def tier_sql(self, terms, excludes, tier, category, n):
        """[walk, bitmap] statements of a tier's page query (see above)."""
        params: dict = {"n": n, "w": self.WALK_ROWS}
        m = self.match(terms, excludes, tier, params)
        where = m.where
        if category:
            params["category"] = category
            where += " AND f.category = :category"
        return [f"SELECT f.question_id FROM {self._walk(m, ':w')} WHERE {where} ORDER BY f.sort_key DESC LIMIT :n",
                f"SELECT f.question_id FROM {m.source} WHERE {where} ORDER BY f.sort_key + 0 DESC LIMIT :n"], params

    def tier_ids(self, session, terms, excludes, tier, category, n, few=False):
        (walk, bitmap), params = self.tier_sql(terms, excludes, tier, category, n)
        if few:  # at most count_cap matches in all: the GIN bitmap is cheap
            return [r[0] for r in self.execute(session, bitmap, params)]
        walked = [r[0] for r in self.execute(session, walk, params)]
        if len(walked) >= n:
            return walked
        if walked:  # matches seen at this density: walk on if the rest is near enough
            needed = (n - len(walked)) * self.WALK_ROWS // len(walked)
            if needed <= self.WALK_MORE:
                params["w"] = self.WALK_ROWS + 3 * needed
                walked = [r[0] for r in self.execute(session, walk, params)]
                if len(walked) >= n:
                    return walked
        return [r[0] for r in self.execute(session, bitmap, params)]

    def count_source(self, session, m, params):
        # How dense are index candidates among the newest rows? (No recheck: a cheap guess.)
        # Dense matches are counted fastest by walking the recency btree, sparse ones via GIN.
        params["probe"] = self.PROBE_ROWS
        probe_sql = (f"SELECT count(*) FROM (SELECT question_id, sort_key, tokens FROM search_fts "
                     f"ORDER BY sort_key DESC LIMIT :probe) f WHERE {m.index}")
        dense = self.execute(session, probe_sql, params)[0][0] >= self.DENSE * self.PROBE_ROWS
        return self._walk(m, "ALL") if dense else m.source

    def search(self, session, query, category, limit, offset, count=True):
        self._planner_settings(session)
        return super().search(session, query, category, limit, offset, count)

    def explain(self, session, query) -> str:
        self._planner_settings(session)
        return super().explain(session, query)

    @staticmethod
    def _planner_settings(session) -> None:
        # Three settings for this transaction, about costs the planner cannot see:
        # - psycopg prepares a statement after 5 runs and PostgreSQL may then reuse a generic
        #   plan built without the tsquery's value; the right plan depends on how frequent
        #   the terms are, so plan each time.
        # - `tokens @@ q` on a row is priced like any operator, but it reads a ~3 KB tsvector
        #   (~1.3 us): a capped count then prefers a sequential scan that checks tens of
        #   thousands of rows over the GIN bitmap. The walks above are written so they only
        #   have the key btree to use anyway.
        # - JIT compilation (set off by the cost penalty above) costs more than any of
        #   these millisecond queries.
        session.execute(sa.text("SELECT set_config('plan_cache_mode', 'force_custom_plan', true), "
                                "set_config('enable_seqscan', 'off', true), set_config('jit', 'off', true)"))

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
        with raw.cursor() as cur:
            with cur.copy("COPY search_fts (question_id, sort_key, category, tokens) FROM STDIN") as copy:
                for d, tokens in zip(rows, index_data):
                    copy.write_row((d["question_id"], sort_key(d["created_at"], d["question_id"]), d["category"],
                                    tokens))

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

    def plan(self, session, sql, params) -> str:
        return "\n".join(r[0] for r in session.execute(sa.text("EXPLAIN " + sql), params))
