"""The search backend contract: what forum.search asks of an engine and the types it gets back.

A thread matches when every term is a substring of the normalised text of one of its fields
(title, body, best answer, other answers) and no excluded term is. Its tier is the smallest
k such that every term is found within the first k+1 fields, so title matches rank above
body matches above best-answer matches above other answers; newer threads first within a
tier (the recency key, forum/search/ngrams.py:sort_key). Counting stops after COUNT_CAP + 1
matches (see docs/search.md).

How each engine does it lives beside this module: sqlite.py and sqlite_tiers.py,
postgres.py and postgres_sql.py; matching.py holds the pieces both share.
"""
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, scoped_session

from ...models import Question, SearchDocument, Tag, User, question_tags
from ..query import ParsedQuery

# search_documents columns in the order bulk loads write them, and the normalised ones in
# ranking order.
DOCUMENT_COLUMNS = ("question_id", "category", "created_at", "title", "body", "best_answer", "answers",
                    "norm_title", "norm_body", "norm_best_answer", "norm_answers")
NORM_COLUMNS = ("norm_title", "norm_body", "norm_best_answer", "norm_answers")
TIERS = len(NORM_COLUMNS)
# Counting stops after this many matches + 1: a count above it means "at least COUNT_CAP".
# 200: what the results pages offer (ranking scores the newest 150 matches and the newest 50
# title matches, forum/search/ranking.py), so every page counted can be opened. Counting on
# to 1,000 read five times the rows for a number no page could show (docs/search.md).
COUNT_CAP = 200

# What backends are handed: a Session, or Flask-SQLAlchemy's scoped db.session.
DbSession = Session | scoped_session[Any]

# What a results page shows of each of its threads (SearchBackend.result_rows): the thread,
# its author, then its search document's text, in this order.
RESULT_THREAD = (Question.id, Question.title, Question.category, Question.status, Question.best_answer_id,
                 Question.created_at, User.username, User.is_veteran, Question.answer_count, Question.helpful_count)
RESULT_TEXT = ("title", "body", "best_answer", "answers", "norm_title", "norm_body", "norm_best_answer", "norm_answers")
# Built once (building and keying a statement per search cost ~0.3 ms each).
_RESULT_ROWS = (sa.select(*RESULT_THREAD, *(getattr(SearchDocument, c) for c in RESULT_TEXT))
                .join(User, User.id == Question.author_id)
                .join(SearchDocument, SearchDocument.question_id == Question.id)
                .where(Question.id.in_(sa.bindparam("ids", expanding=True))))
_RESULT_TAGS = (sa.select(question_tags.c.question_id, Tag.name).join(Tag, Tag.id == question_tags.c.tag_id)
                .where(question_tags.c.question_id.in_(sa.bindparam("ids", expanding=True))).order_by(Tag.name))

# SearchBackend.scoring_rows' statements, built once (building and keying them per search
# cost more than running them on SQLite).
_HELPFUL = sa.select(Question.id, Question.helpful_count).where(Question.id.in_(sa.bindparam("ids", expanding=True)))
_SCORED_FIELDS = sa.select(
    SearchDocument.question_id, SearchDocument.created_at,
    *(sa.func.substr(getattr(SearchDocument, c), 1, sa.bindparam("chars")) for c in NORM_COLUMNS),
).where(SearchDocument.question_id.in_(sa.bindparam("ids", expanding=True)))


@dataclass(frozen=True)
class Counts:
    """Matches of a query, counted up to a cap.

    Not capped: `total` and `by_category` are exact. Capped (more than the cap matched):
    `total` is cap + 1 and `by_category` holds only the selected category, counted again up
    to cap + 1, if one was selected; the other categories are unknown."""

    total: int
    by_category: dict[str, int] = field(default_factory=dict)
    capped: bool = False

    @classmethod
    def over(cls, cap: int, by_category: dict[str, int] | None = None) -> "Counts":
        """More than `cap` matches (also what an uncounted search reports)."""
        return cls(cap + 1, by_category or {}, capped=True)

    def total_for(self, category: str | None) -> int:
        """The total a page shows: the selected category's count (0 when it is unknown),
        else all matches."""
        return self.by_category.get(category, 0) if category else self.total


@dataclass(frozen=True)
class SearchPage:
    question_ids: list[int]
    total: int
    category_counts: dict[str, int]
    # True when the query matches more than COUNT_CAP threads: `total` (without a category)
    # is then COUNT_CAP + 1, and category_counts holds only the selected category, if any.
    capped: bool = False

    @classmethod
    def of(cls, question_ids: list[int], counts: Counts, category: str | None) -> "SearchPage":
        """A page with the counts as the results page shows them (categories with matches)."""
        return cls(question_ids, counts.total_for(category),
                   {c: n for c, n in counts.by_category.items() if n}, counts.capped)


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


class SearchBackend(ABC):
    """One implementation per database engine; `search_documents` is shared and kept by
    forum.search.index, each backend adds its own index structures and queries."""

    name: str  # the SQLAlchemy dialect name
    # Read from the instance on every search, so tests can lower it on this class.
    count_cap = COUNT_CAP

    # --- searching ----------------------------------------------------------------------

    @abstractmethod
    def search(self, session: DbSession, query: ParsedQuery, category: str | None, limit: int,
               offset: int, count: bool = True) -> SearchPage:
        """One page of matching question ids, newest first within each tier, and the counts
        (stopped at count_cap); `count=False` skips counting (title suggestions): the page
        is then reported as capped."""

    @abstractmethod
    def candidates(self, session: DbSession, groups: Sequence[Sequence[str]], excludes: Sequence[str],
                   mode: str = "all", title_only: bool = False, category: str | None = None,
                   limit: int = 100, expired: bool = False) -> list[tuple[int, str]]:
        """(question_id, category) of ranked search's candidates, newest first, at most
        `limit` (see candidates.py): every group ("all") or some group ("any") has one of its
        alternatives as a substring of a field (the title only: `title_only`), and no
        exclude is in any field; 回答受付終了 threads only with `expired`."""

    def candidates_batch(self, session: DbSession, calls: Sequence[dict]) -> list[list[tuple[int, str]]]:
        """candidates() for each of `calls` (its keyword arguments), in order; an engine may
        send them together."""
        return [self.candidates(session, **call) for call in calls]

    def likely_frequent(self, session: DbSession, groups: Sequence[Sequence[str]]) -> bool:
        """Whether every group looks frequent by the engine's statistics (so that a search
        will need the title candidates too); False when the engine cannot tell."""
        return False

    def scoring_rows(self, session: DbSession, ids: Sequence[int], chars: int) -> list[tuple]:
        """(question_id, created_at, norm_title, norm_body, norm_best_answer, norm_answers,
        helpful marks) of these threads, each field cut to its first `chars` characters
        (what ranking scores). Two statements: joined, SQLite reads each question's whole
        row (its body and stored HTML come before the counters)."""
        helpful = dict(session.execute(_HELPFUL, {"ids": list(ids)}).all())
        return [(*row, helpful.get(row[0]) or 0)
                for row in session.execute(_SCORED_FIELDS, {"ids": list(ids), "chars": chars})]

    def result_rows(self, session: DbSession, ids: Sequence[int]) -> tuple[list[tuple], list[tuple[int, str]]]:
        """The rows of a results page's threads (RESULT_THREAD's columns, then RESULT_TEXT's),
        and (question_id, tag name) of their tags in name order; an engine may send both
        statements together."""
        return ([tuple(r) for r in session.execute(_RESULT_ROWS, {"ids": list(ids)})],
                [(r[0], r[1]) for r in session.execute(_RESULT_TAGS, {"ids": list(ids)})])

    @abstractmethod
    def explain(self, session: DbSession, query: ParsedQuery) -> str:
        """The engine's plans of the statements a search runs (for tests and the bench)."""

    # --- keeping the index --------------------------------------------------------------

    @abstractmethod
    def write(self, session: DbSession, docs: list[Any]) -> None:
        """Index these (just inserted or updated) SearchDocument rows, in the caller's
        transaction, unless the engine's triggers already do."""

    @abstractmethod
    def index_data(self, document: dict) -> Any:
        """What the engine indexes for a search_documents row, computed without a database
        (import workers compute it in parallel; see add_documents)."""

    @abstractmethod
    def add_documents(self, session: DbSession, rows: list[dict], index_data: list | None = None,
                      tails: list | None = None) -> None:
        """Bulk-insert new search_documents rows and their index rows (import, reindex);
        `index_data` holds each row's index_data() when it is already computed; `tails`,
        each row's values after question_id as the engine takes them (DOCUMENT_COLUMNS,
        forum/transfer/rows.py's row_tail), prepared by import workers: `rows` then need
        only question_id, category and created_at."""

    @abstractmethod
    def clear(self, session: DbSession) -> None:
        """Empty search_documents and the engine's index before a full rebuild."""

    @abstractmethod
    def suspend(self, session: DbSession) -> None:
        """Stop maintaining structures that rebuild() can make in bulk."""

    @abstractmethod
    def rebuild(self, session: DbSession) -> None:
        """Rebuild engine-side structures after search_documents was refilled."""

    @abstractmethod
    def bulk_start(self, session: DbSession) -> None:
        """Settings for a long bulk load on this connection (import, reindex)."""

    @abstractmethod
    def bulk_end(self, session: DbSession) -> None:
        """Back to the normal settings after bulk_start() (outside a transaction)."""
