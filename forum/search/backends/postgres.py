"""PostgreSQL backend: field-prefixed character n-grams in a tsvector under a GIN index."""
import sqlalchemy as sa

from ..ngrams import FIELD_PREFIXES, PG_MAX_GRAM, Term, pg_lexemes, plan_term
from .base import TIERS, SearchBackend


def _run_lexemes(prefix: str, run: str) -> list[str]:
    if len(run) == 1:
        return [f"'{prefix}{run}':*"]  # any n-gram starting with it, or a run's last char
    if len(run) <= PG_MAX_GRAM:
        return [f"'{prefix}{run}'"]
    return [f"'{prefix}{run[i:i + PG_MAX_GRAM]}'" for i in range(len(run) - PG_MAX_GRAM + 1)]


def _term_query(term: Term, tier: int) -> str:
    fields = []
    for prefix in FIELD_PREFIXES[: tier + 1]:
        parts = [lexeme for run in term.runs for lexeme in _run_lexemes(prefix, run)]
        fields.append("(" + " & ".join(dict.fromkeys(parts)) + ")")
    return "(" + " | ".join(fields) + ")"


def ts_query(terms: list[Term], tier: int, excludes: list[Term] = ()) -> str:
    expr = " & ".join(_term_query(t, tier) for t in terms)
    exact = [t for t in excludes if not PostgresBackend.needs_recheck(t)]
    for term in exact:
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
    def needs_recheck(term: Term) -> bool:
        # A lexeme proves a run of up to PG_MAX_GRAM characters; longer runs are an AND
        # of their n-grams (positions are not indexed), so they are rechecked.
        return not term.single_run or len(term.text) > PG_MAX_GRAM

    def match_sql(self, terms, tier, excludes, params, key):
        params[f"{key}q"] = ts_query(terms, tier, excludes)
        return "search_fts x", f"x.tokens @@ CAST(:{key}q AS tsquery)", "x.question_id"

    def candidates_sql(self, terms, tier, params, key):
        params[f"{key}q"] = ts_query(terms, tier)
        return f"SELECT question_id FROM search_fts WHERE tokens @@ CAST(:{key}q AS tsquery)"

    def execute(self, session, sql: str, params: dict):
        # The planner prices `tokens @@ q` on a heap row as cheap, but each check detoasts a
        # large tsvector; for frequent terms it then prefers a sequential scan that is 10x
        # slower than the GIN bitmap scan (which needs no recheck). Steer it for this query.
        session.execute(sa.text("SET LOCAL enable_seqscan = off"))
        try:
            return session.execute(sa.text(sql), params).all()
        finally:
            session.execute(sa.text("SET LOCAL enable_seqscan = on"))

    def write(self, session, docs) -> None:
        """Upsert the n-gram rows of these documents (same transaction as the caller)."""
        rows = [
            {"id": d.question_id, "category": d.category, "created_at": d.created_at,
             "tokens": document_lexemes(d)}
            for d in docs
        ]
        if not rows:
            return
        session.execute(
            sa.text(
                "INSERT INTO search_fts (question_id, category, created_at, tokens) "
                "VALUES (:id, :category, :created_at, array_to_tsvector(CAST(:tokens AS text[]))) "
                "ON CONFLICT (question_id) DO UPDATE SET category = excluded.category, "
                "created_at = excluded.created_at, tokens = excluded.tokens"
            ),
            rows,
        )

    def copy_rows(self, session, docs) -> None:
        """Bulk path for import and reindex: COPY into search_fts (rows must be new)."""
        raw = session.connection().connection.driver_connection
        with raw.cursor() as cur:
            with cur.copy("COPY search_fts (question_id, category, created_at, tokens) FROM STDIN") as copy:
                for d in docs:
                    tokens = " ".join(f"'{lexeme}'" for lexeme in document_lexemes(d))
                    copy.write_row((d.question_id, d.category, d.created_at, tokens))

    def rebuild(self, session) -> None:
        session.execute(sa.text("ANALYZE search_fts"))

    def explain(self, session, query) -> str:
        terms = [t for t in (plan_term(x) for x in query.terms) if t]
        rows = self.execute(
            session, "EXPLAIN SELECT question_id FROM search_fts WHERE tokens @@ CAST(:q AS tsquery)",
            {"q": ts_query(terms, TIERS - 1)},
        )
        return "\n".join(r[0] for r in rows)
