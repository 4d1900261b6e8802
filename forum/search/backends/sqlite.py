"""SQLite backend: FTS5 with the trigram tokenizer, plus a scan path for short terms."""
import sqlalchemy as sa

from ..query import ParsedQuery
from .base import SearchBackend, SearchPage

# Trigram MATCH needs 3+ characters; shorter terms are checked with instr() on the
# ordinary table (LIKE on the FTS table itself silently finds nothing on SQLite 3.40).
FTS_MIN = 3
_ALL_TEXT = "(d.norm_title || ' ' || d.norm_body || ' ' || d.norm_best_answer || ' ' || d.norm_answers)"


def _fts_phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


class SQLiteBackend(SearchBackend):
    name = "sqlite"

    def _where(self, query: ParsedQuery, category: str | None):
        joins, where, params = [], [], {}
        long_terms = [t for t in query.terms if len(t) >= FTS_MIN]
        if long_terms:
            joins.append("JOIN search_fts ON search_fts.rowid = d.question_id")
            where.append("search_fts MATCH :match")
            params["match"] = " AND ".join(_fts_phrase(t) for t in long_terms)
        for i, term in enumerate(t for t in query.terms if len(t) < FTS_MIN):
            where.append(f"instr({_ALL_TEXT}, :short{i}) > 0")
            params[f"short{i}"] = term
        for i, term in enumerate(query.excludes):
            where.append(f"instr({_ALL_TEXT}, :ex{i}) = 0")
            params[f"ex{i}"] = term
        return " ".join(joins), where, params

    def search(self, session, query, category, limit, offset):
        if query.is_empty:
            return SearchPage([], 0, {})
        joins, where, params = self._where(query, category)
        base_where = " AND ".join(where) or "1=1"
        counts = {
            row.category: row.n
            for row in session.execute(
                sa.text(f"SELECT d.category, count(*) AS n FROM search_documents d {joins} "
                        f"WHERE {base_where} GROUP BY d.category"),
                params,
            )
        }
        if category:
            where = [*where, "d.category = :category"]
            params = {**params, "category": category}
        total = counts.get(category, 0) if category else sum(counts.values())
        first = query.terms[0]
        # Title matches first, then body, then the best answer, then other answers; newest first.
        rows = session.execute(
            sa.text(
                f"SELECT d.question_id FROM search_documents d {joins} WHERE {' AND '.join(where)} "
                "ORDER BY CASE WHEN instr(d.norm_title, :first) > 0 THEN 0 "
                "WHEN instr(d.norm_body, :first) > 0 THEN 1 "
                "WHEN instr(d.norm_best_answer, :first) > 0 THEN 2 ELSE 3 END, "
                "d.created_at DESC, d.question_id DESC LIMIT :limit OFFSET :offset"
            ),
            {**params, "first": first, "limit": limit, "offset": offset},
        )
        return SearchPage([r[0] for r in rows], total, counts)

    def rebuild(self, session) -> None:
        session.execute(sa.text("INSERT INTO search_fts(search_fts) VALUES ('rebuild')"))
