"""SQLite backend: a contentless FTS5 index of character bigrams, queried as phrases."""
import sqlite3

import sqlalchemy as sa

from ..ngrams import Term, fts_tokens
from .base import TIERS, SearchBackend

FTS_COLUMNS = ("title", "body", "best", "answers")


@sa.event.listens_for(sa.engine.Engine, "connect")
def _register_tokenizer(dbapi_connection, _record) -> None:
    # The search_documents triggers (migration 0001) call this to compute FTS5 tokens.
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.create_function("sodan_fts_tokens", 1, fts_tokens, deterministic=True)


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


def fts_query(terms: list[Term], tier: int, excludes: list[Term] = ()) -> str:
    expr = " AND ".join(_fts_term(t) for t in terms)
    if tier < TIERS - 1:
        expr = "{" + " ".join(FTS_COLUMNS[: tier + 1]) + "} : (" + expr + ")"
    exact = [t for t in excludes if t.single_run]
    if exact:
        expr = f"({expr}) NOT (" + " OR ".join(_fts_term(t) for t in exact) + ")"
    return expr


class SQLiteBackend(SearchBackend):
    name = "sqlite"
    position = "instr"

    def needs_recheck(self, term: Term) -> bool:
        # Bigram phrases are exact for a term that is one run of letters and digits.
        return not term.single_run

    def match_sql(self, terms, tier, excludes, params, key):
        params[f"{key}q"] = fts_query(terms, tier, excludes)
        source = f"search_fts(:{key}q) f JOIN search_fts_meta x ON x.question_id = f.rowid"
        return source, "1 = 1", "f.rowid"

    def candidates_sql(self, terms, tier, params, key):
        params[f"{key}q"] = fts_query(terms, tier)
        return f"SELECT rowid FROM search_fts(:{key}q)"

    def rebuild(self, session) -> None:
        """The triggers keep the index; this compacts it after a bulk load."""
        session.execute(sa.text("INSERT INTO search_fts(search_fts) VALUES ('optimize')"))

    def explain(self, session, query) -> str:
        from ..ngrams import plan_term

        terms = [t for t in (plan_term(x) for x in query.terms) if t]
        rows = session.execute(
            sa.text("EXPLAIN QUERY PLAN SELECT rowid FROM search_fts(:q)"), {"q": fts_query(terms, TIERS - 1)}
        )
        return "\n".join(str(r[-1]) for r in rows)
