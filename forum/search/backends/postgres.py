"""PostgreSQL backend: substring search over the normalised columns."""
import sqlalchemy as sa

from .base import SearchBackend, SearchPage

_ALL_TEXT = "(d.norm_title || ' ' || d.norm_body || ' ' || d.norm_best_answer || ' ' || d.norm_answers)"


class PostgresBackend(SearchBackend):
    name = "postgresql"

    def search(self, session, query, category, limit, offset):
        if query.is_empty:
            return SearchPage([], 0, {})
        where, params = [], {}
        for i, term in enumerate(query.terms):
            where.append(f"strpos({_ALL_TEXT}, :t{i}) > 0")
            params[f"t{i}"] = term
        for i, term in enumerate(query.excludes):
            where.append(f"strpos({_ALL_TEXT}, :ex{i}) = 0")
            params[f"ex{i}"] = term
        base_where = " AND ".join(where)
        counts = {
            row.category: row.n
            for row in session.execute(
                sa.text(f"SELECT d.category, count(*) AS n FROM search_documents d "
                        f"WHERE {base_where} GROUP BY d.category"),
                params,
            )
        }
        if category:
            where.append("d.category = :category")
            params["category"] = category
        total = counts.get(category, 0) if category else sum(counts.values())
        rows = session.execute(
            sa.text(
                f"SELECT d.question_id FROM search_documents d WHERE {' AND '.join(where)} "
                "ORDER BY CASE WHEN strpos(d.norm_title, :first) > 0 THEN 0 "
                "WHEN strpos(d.norm_body, :first) > 0 THEN 1 "
                "WHEN strpos(d.norm_best_answer, :first) > 0 THEN 2 ELSE 3 END, "
                "d.created_at DESC, d.question_id DESC LIMIT :limit OFFSET :offset"
            ),
            {**params, "first": query.terms[0], "limit": limit, "offset": offset},
        )
        return SearchPage([r[0] for r in rows], total, counts)
