"""The search backend interface and the query shape both engines share.

A thread matches when every term is a substring of the normalised text of one of its fields
(title, body, best answer, other answers) and no excluded term is. Its tier is the smallest
k such that every term is found within the first k+1 fields, so title matches rank above
body matches above best-answer matches above other answers; newer threads first within a
tier (the recency key, forum/search/ngrams.py:sort_key).

Nothing sorts or counts every match: each tier is its own index query that the engine
streams in key order and stops after the page (tiers are read one after another), and
counting stops after COUNT_CAP + 1 matches. Terms the index cannot prove exactly are rechecked
against search_documents (see docs/search.md).
"""
from dataclasses import dataclass

import sqlalchemy as sa

from ..ngrams import Term, plan_term
from ..query import ParsedQuery

# search_documents columns in ranking order.
NORM_COLUMNS = ("norm_title", "norm_body", "norm_best_answer", "norm_answers")
TIERS = len(NORM_COLUMNS)
# Counting stops after this many matches + 1: a count above it means "at least COUNT_CAP".
COUNT_CAP = 1000


@dataclass(frozen=True)
class SearchPage:
    question_ids: list[int]
    total: int
    category_counts: dict[str, int]
    # True when the query matches more than COUNT_CAP threads: `total` (without a category)
    # is then COUNT_CAP + 1, and category_counts holds only the selected category, if any.
    capped: bool = False


@dataclass(frozen=True)
class Match:
    """SQL pieces of one match condition: FROM clause, WHERE condition and the columns
    holding the recency key, the question id and the category."""

    source: str
    where: str
    key: str
    question_id: str
    category: str
    index: str = ""  # the part of `where` the index answers (PostgreSQL)
    recheck: str | None = None  # the rest of `where`: row conditions on search_documents d


class SearchBackend:
    """One implementation per database engine; `search_documents` is shared and kept by
    forum.search.index, each backend adds its own index structures and queries."""

    name = "base"
    position = "instr"  # the engine's substring function, for rechecks
    count_cap = COUNT_CAP

    def is_exact(self, term: Term) -> bool:
        """Whether the index alone proves `term` is a substring of a field."""
        raise NotImplementedError

    def match(self, terms: list[Term], excludes: list[Term], tier: int | None,
              params: dict) -> Match:
        """Threads of exactly this tier (None: any tier) that no exclude matches."""
        raise NotImplementedError

    # --- shared -------------------------------------------------------------------------

    def within(self, terms: list[Term], tier: int, params: dict, alias: str = "d") -> str:
        """SQL: every term is a substring of one of the fields 0..tier (row recheck)."""
        conds = []
        for term in terms:
            name = f"s{len(params)}"
            params[name] = term.text
            cols = " OR ".join(f"{self.position}({alias}.{c}, :{name}) > 0" for c in NORM_COLUMNS[: tier + 1])
            conds.append(f"({cols})")
        return " AND ".join(conds)

    def recheck(self, terms: list[Term], excludes: list[Term], tier: int | None,
                params: dict) -> str | None:
        """Row conditions for the terms and excludes the index cannot prove (None: none)."""
        if all(self.is_exact(t) for t in terms):
            conds = []
        else:  # the tier is decided on the text: all terms within 0..tier, not within 0..tier-1
            conds = [self.within(terms, TIERS - 1 if tier is None else tier, params)]
            if tier:
                conds.append(f"NOT ({self.within(terms, tier - 1, params)})")
        for term in excludes:
            if not self.is_exact(term):
                conds.append(f"NOT ({self.within([term], TIERS - 1, params)})")
        return " AND ".join(conds) or None

    @staticmethod
    def planned_terms(query: ParsedQuery) -> tuple[list[Term], list[Term]]:
        """The query's terms and excludes that the index can serve (not only symbols)."""
        return ([t for t in (plan_term(x) for x in query.terms) if t],
                [t for t in (plan_term(x) for x in query.excludes) if t])

    def search(self, session, query: ParsedQuery, category: str | None, limit: int,
               offset: int, count: bool = True) -> SearchPage:
        """One page of matching question ids and the (capped) counts; `count=False` skips
        counting (title suggestions): the page is then reported as capped."""
        terms, excludes = self.planned_terms(query)
        if not terms:
            return SearchPage([], 0, {})
        counts = self.count(session, terms, excludes, category) if count else {None: self.count_cap + 1}
        capped = None in counts  # more than COUNT_CAP matches in all
        over = counts.pop(None, 0)
        if category:
            total = counts.get(category, 0)
        else:
            total = over if capped else sum(counts.values())
        ids: list[int] = []
        skip, seen = offset, 0
        for tier in range(TIERS):
            if offset >= total or len(ids) >= limit or (not capped and seen >= total):
                break
            found = self.tier_ids(session, terms, excludes, tier, category, skip + limit - len(ids))
            ids.extend(found[skip:])
            skip, seen = max(0, skip - len(found)), seen + len(found)
        return SearchPage(ids[:limit], total, {c: n for c, n in counts.items() if n}, capped)

    def tier_sql(self, terms, excludes, tier: int, category: str | None, n: int) -> tuple[str, dict]:
        """The statement of a tier's page query and its parameters."""
        params: dict = {"n": n}
        m = self.match(terms, excludes, tier, params)
        where = m.where
        if category:
            params["category"] = category
            where += f" AND {m.category} = :category"
        return f"SELECT {m.question_id} FROM {m.source} WHERE {where} ORDER BY {m.key} DESC LIMIT :n", params

    def tier_ids(self, session, terms, excludes, tier: int, category: str | None, n: int) -> list[int]:
        """Question ids of tier `tier`, newest first, at most n."""
        sql, params = self.tier_sql(terms, excludes, tier, category, n)
        return [row[0] for row in self.execute(session, sql, params)]

    def count(self, session, terms, excludes, category: str | None) -> dict[str, int]:
        """Matches per category from one scan that stops after COUNT_CAP + 1 matches.

        Below the cap the counts are exact. At the cap only the selected category (if
        any) is counted again, up to the cap; the others are unknown (not in the dict)."""
        params: dict = {"cap": self.count_cap + 1}
        m = self.match(terms, excludes, None, params)
        sql = (f"SELECT category, count(*) FROM (SELECT {m.category} AS category FROM {m.source} "
               f"WHERE {m.where} LIMIT :cap) c GROUP BY category")
        counts = dict(self.execute(session, sql, params))
        if sum(counts.values()) <= self.count_cap:
            return counts
        if not category:
            return {None: self.count_cap + 1}
        params["category"] = category
        sql = (f"SELECT count(*) FROM (SELECT 1 AS one FROM {m.source} WHERE {m.where} "
               f"AND {m.category} = :category LIMIT :cap) c")
        return {None: self.count_cap + 1, category: self.execute(session, sql, params)[0][0]}

    def execute(self, session, sql: str, params: dict):
        return session.execute(sa.text(sql), params).all()

    def bulk_start(self, session) -> None:
        """Settings for a long bulk load on this connection (import, reindex)."""

    def bulk_end(self, session) -> None:
        """Back to the normal settings after bulk_start() (outside a transaction)."""

    def suspend(self, session) -> None:
        """Stop maintaining structures that rebuild() can make in bulk."""

    def clear(self, session) -> None:
        """Empty search_documents and the engine's index before a full rebuild."""
        session.execute(sa.text("DELETE FROM search_documents"))

    def rebuild(self, session) -> None:
        """Rebuild engine-side structures after search_documents was refilled."""

    def write(self, session, docs) -> None:
        """Index these (just inserted or updated) search documents, if triggers do not."""

    def index_data(self, document: dict):
        """What the engine indexes for a search_documents row, computed without a database
        (import workers compute it in parallel; see add_documents)."""
        raise NotImplementedError

    def add_documents(self, session, rows: list[dict], index_data: list | None = None) -> None:
        """Bulk-insert new search_documents rows and their index rows (import, reindex);
        `index_data` holds each row's index_data() when it is already computed."""
        raise NotImplementedError

    def explain(self, session, query: ParsedQuery) -> str:
        """The engine's plans for the first tier's page query (for tests and the benchmark)."""
        terms, _ = self.planned_terms(query)
        return self.plan(session, *self.tier_sql(terms, [], 0, None, 20))

    def plan(self, session, sql: str, params: dict) -> str:
        raise NotImplementedError
