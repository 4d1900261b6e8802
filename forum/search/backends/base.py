"""The search backend interface and the query shape both engines share.

A thread matches when every term is a substring of the normalised text of one of its fields
(title, body, best answer, other answers) and no excluded term is. Its tier is the smallest
k such that every term is found within the first k+1 fields, so title matches rank above
body matches above best-answer matches above other answers; newer threads first within a
tier. Each backend finds candidates through its n-gram index; terms the index cannot prove
exactly are rechecked against search_documents (see docs/search.md).
"""
from dataclasses import dataclass

import sqlalchemy as sa

from ..ngrams import Term, plan_term
from ..query import ParsedQuery

# search_documents columns in ranking order.
NORM_COLUMNS = ("norm_title", "norm_body", "norm_best_answer", "norm_answers")
TIERS = len(NORM_COLUMNS)


@dataclass(frozen=True)
class SearchPage:
    question_ids: list[int]
    total: int
    category_counts: dict[str, int]


class SearchBackend:
    """One implementation per database engine; `search_documents` is shared and kept by
    forum.search.index, each backend adds its own index structures and queries."""

    name = "base"
    position = "instr"  # the engine's substring function, for rechecks

    def needs_recheck(self, term: Term) -> bool:
        raise NotImplementedError

    def match_sql(self, terms: list[Term], tier: int, excludes: list[Term], params: dict,
                  key: str) -> tuple[str, str, str]:
        """(FROM clause giving alias x with category and created_at, WHERE condition,
        question id column) for every term within fields 0..tier and no exact exclude."""
        raise NotImplementedError

    def candidates_sql(self, terms: list[Term], tier: int, params: dict, key: str) -> str:
        """A subquery of question ids whose index entries allow all `terms` in fields 0..tier."""
        raise NotImplementedError

    # --- shared -------------------------------------------------------------------------

    def _recheck(self, terms: list[Term], tier: int, params: dict, key: str, alias: str = "d") -> str:
        conds = []
        for i, term in enumerate(terms):
            name = f"{key}{i}"
            params[name] = term.text
            fields = " OR ".join(f"{self.position}({alias}.{c}, :{name}) > 0" for c in NORM_COLUMNS[: tier + 1])
            conds.append(f"({fields})")
        return " AND ".join(conds)

    def _tier_condition(self, terms, tier, params, id_col) -> str:
        cond = f"{id_col} IN ({self.candidates_sql(terms, tier, params, f'c{tier}_')})"
        rechecked = [t for t in terms if self.needs_recheck(t)]
        if rechecked:
            cond += " AND " + self._recheck(rechecked, tier, params, f"r{tier}_")
        return cond

    def search(self, session, query: ParsedQuery, category: str | None, limit: int,
               offset: int) -> SearchPage:
        terms = [t for t in (plan_term(x) for x in query.terms) if t]
        excludes = [t for t in (plan_term(x) for x in query.excludes) if t]
        if not terms:
            return SearchPage([], 0, {})
        params: dict = {"limit": limit, "offset": offset}
        source, where, id_col = self.match_sql(terms, TIERS - 1, excludes, params, "m_")
        rechecked = [t for t in terms if self.needs_recheck(t)]
        join_docs = bool(rechecked)
        conds = [where]
        if rechecked:
            conds.append(self._recheck(rechecked, TIERS - 1, params, "r_"))
        for i, term in enumerate(t for t in excludes if self.needs_recheck(t)):
            sub = self.candidates_sql([term], TIERS - 1, params, f"x{i}_")
            check = self._recheck([term], TIERS - 1, params, f"xr{i}_", alias="dx")
            conds.append(f"{id_col} NOT IN (SELECT dx.question_id FROM search_documents dx "
                         f"WHERE dx.question_id IN ({sub}) AND {check})")
        tier_cases = " ".join(
            f"WHEN {self._tier_condition(terms, k, params, id_col)} THEN {k}" for k in range(TIERS - 1)
        )
        docs = f" JOIN search_documents d ON d.question_id = {id_col}" if join_docs else ""
        page_filter = ""
        if category:
            params["category"] = category
            page_filter = "WHERE category = :category"
        sql = (
            f"WITH m AS MATERIALIZED (SELECT {id_col} AS id, x.category AS category, "
            f"x.created_at AS created_at, CASE {tier_cases} ELSE {TIERS - 1} END AS tier "
            f"FROM {source}{docs} WHERE {' AND '.join(conds)}) "
            f"SELECT * FROM (SELECT 1 AS kind, NULL AS category, id, tier, created_at FROM m "
            f"{page_filter} ORDER BY tier, created_at DESC, id DESC LIMIT :limit OFFSET :offset) p "
            "UNION ALL SELECT 0, category, count(*), NULL, NULL FROM m GROUP BY category"
        )
        counts: dict[str, int] = {}
        page = []
        for row in self.execute(session, sql, params):
            if row.kind == 0:
                counts[row.category] = row.id
            else:
                page.append((row.tier, row.created_at, row.id))
        # UNION ALL keeps no order: sort the page again by the same key.
        page.sort(key=lambda r: (-r[0], r[1], r[2]), reverse=True)
        total = counts.get(category, 0) if category else sum(counts.values())
        return SearchPage([r[2] for r in page], total, counts)

    def execute(self, session, sql: str, params: dict):
        return session.execute(sa.text(sql), params).all()

    def rebuild(self, session) -> None:
        """Rebuild engine-side structures after search_documents was refilled."""

    def write(self, session, docs) -> None:
        """Index these (just inserted or updated) search documents, if triggers do not."""

    def explain(self, session, query: ParsedQuery) -> str:
        """The engine's plan for the match query (for tests and the benchmark)."""
        raise NotImplementedError
