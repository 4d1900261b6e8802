"""PostgreSQL backend: field-prefixed character bigrams in a tsvector under a GIN index,
the recency key under a btree."""
import sqlalchemy as sa

from ..ngrams import FIELD_PREFIXES, Term, pg_lexemes, sort_key
from .base import TIERS, Match, SearchBackend


# The GIN index as migration 0001 creates it (reindex drops and rebuilds it in bulk).
GIN_INDEX = "search_fts_tokens ON search_fts USING gin (tokens)"


def _run_lexemes(prefix: str, run: str) -> list[str]:
    if len(run) == 1:
        return [f"'{prefix}{run}':*"]  # any bigram starting with it, or a run's last char
    return [f"'{prefix}{run[i:i + 2]}'" for i in range(len(run) - 1)]


def _term_query(term: Term, tier: int) -> str:
    fields = []
    for prefix in FIELD_PREFIXES[: tier + 1]:
        parts = [lexeme for run in term.runs for lexeme in _run_lexemes(prefix, run)]
        fields.append("(" + " & ".join(dict.fromkeys(parts)) + ")")
    return "(" + " | ".join(fields) + ")"


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


def document_lexemes(doc) -> list[str]:
    texts = (doc.norm_title, doc.norm_body, doc.norm_best_answer, doc.norm_answers)
    out: set[str] = set()
    for prefix, text in zip(FIELD_PREFIXES, texts):
        out |= pg_lexemes(prefix, text)
    return sorted(out)


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
        where = f"f.tokens @@ CAST(:{name} AS tsquery)"
        source = "search_fts f"
        recheck = self.recheck(terms, excludes, tier, params)
        if recheck:
            source += " JOIN search_documents d ON d.question_id = f.question_id"
            where += f" AND {recheck}"
        return Match(source, where, "f.sort_key", "f.question_id", "f.category")

    def execute(self, session, sql: str, params: dict):
        # Two planner settings for this transaction, both about costs the planner cannot see:
        # - psycopg prepares a statement after 5 runs and PostgreSQL may then reuse a generic
        #   plan built without the tsquery's value; the right plan depends on how frequent
        #   the terms are, so plan each time.
        # - `tokens @@ q` on a heap row is priced like any operator, but it reads a ~4 KB
        #   toasted tsvector (~3 us a row): a capped count then prefers a sequential scan
        #   that checks ~20,000 rows (50 ms) over the GIN bitmap that needs no row check
        #   (1-2 ms). Page queries keep both index plans (GIN bitmap or the key btree).
        session.execute(sa.text("SELECT set_config('plan_cache_mode', 'force_custom_plan', true), "
                                "set_config('enable_seqscan', 'off', true)"))
        return session.execute(sa.text(sql), params).all()

    def write(self, session, docs) -> None:
        """Upsert the n-gram rows of these documents (same transaction as the caller)."""
        rows = [
            {"id": d.question_id, "key": sort_key(d.created_at, d.question_id), "category": d.category,
             "tokens": document_lexemes(d)}
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

    def copy_rows(self, session, docs) -> None:
        """Bulk path for import and reindex: COPY into search_fts (rows must be new)."""
        raw = session.connection().connection.driver_connection
        with raw.cursor() as cur:
            with cur.copy("COPY search_fts (question_id, sort_key, category, tokens) FROM STDIN") as copy:
                for d in docs:
                    tokens = " ".join(f"'{lexeme}'" for lexeme in document_lexemes(d))
                    copy.write_row((d.question_id, sort_key(d.created_at, d.question_id), d.category, tokens))

    def clear(self, session) -> None:
        """Empty both tables and drop the GIN index: rebuild() creates it again in one bulk
        pass, much faster than filling it row by row."""
        session.execute(sa.text("TRUNCATE search_fts, search_documents"))
        session.execute(sa.text("DROP INDEX IF EXISTS search_fts_tokens"))

    def rebuild(self, session) -> None:
        session.execute(sa.text("SET LOCAL maintenance_work_mem = '256MB'"))
        session.execute(sa.text(f"CREATE INDEX IF NOT EXISTS {GIN_INDEX}"))
        session.execute(sa.text("ANALYZE search_fts"))

    def plan(self, session, sql, params) -> str:
        rows = session.execute(sa.text("EXPLAIN " + sql), params)
        return "\n".join(r[0] for r in rows)
