"""Search use cases: the results page and title suggestions while asking."""
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from markupsafe import Markup

from ..extensions import db
from ..models import Question
from ..text import normalize
from .backends import backend_for
from .backends.base import RESULT_THREAD
from .faq_source import faq_entries
from .nearest import nearest
from .query import ParsedQuery, parse_query
from .ranking import rank
from .related import keywords
from .snippets import highlight, snippet_for
from .synonyms import refresh as refresh_synonyms


@dataclass(frozen=True)
class Author:
    username: str
    is_veteran: bool


@dataclass(frozen=True)
class ResultThread:
    """What a result shows of its thread (read as plain columns: loading the ORM's Question
    and User for 20 rows cost more than the rest of the page's reading)."""

    id: int
    title: str
    category: str
    status: str
    best_answer_id: int | None
    created_at: datetime
    author: Author


@dataclass
class SearchResult:
    question: ResultThread
    part: str
    snippet: Markup
    title: Markup
    answers: int = 0
    helpful: int = 0
    partial: bool = False  # matches only some of the words (the tail)
    open: bool = False
    expired: bool = False  # 回答受付終了 (shown only when the filter asks for them)
    tags: list[str] = field(default_factory=list)  # the thread's tag names, in name order


@dataclass
class SearchResults:
    text: str
    query: ParsedQuery
    category: str | None
    page: int
    per_page: int
    total: int = 0          # threads with every word (counted up to count_cap)
    items: list[SearchResult] = field(default_factory=list)
    category_counts: dict[str, int] = field(default_factory=dict)
    # Counting stops at count_cap matches (see backends/base.py): above it a count means
    # "at least count_cap" and only the selected category is counted.
    capped: bool = False
    count_cap: int = 0
    tail: int = 0           # threads with some of the words, shown after the others
    ranked: int = 0         # threads ranked (head and tail): what the pages hold
    also: list[str] = field(default_factory=list)  # spellings and synonyms searched too
    faq: list[dict] = field(default_factory=list)  # FAQ entries that match, shown first
    expired: bool = False   # 回答受付終了 threads included (the filter)
    nearest: list[Question] = field(default_factory=list)  # nothing matched: threads sharing bigrams

    def is_capped(self, n: int) -> bool:
        return n > self.count_cap

    @property
    def pages(self) -> int:
        # The ranked threads, not the count: a count can be larger than what ranking scores
        # (see ranking.POOL), and a page past them would be empty.
        return max(1, -(-min(self.total + self.tail, self.ranked) // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


class _Parts:
    """A search document with the tags cut off the body (tags are shown as links)."""

    def __init__(self, doc: Sequence[str], tags: list[str]):
        (self.title, self.body, self.best_answer, self.answers,
         self.norm_title, self.norm_body, self.norm_best_answer, self.norm_answers) = doc
        suffix = " ".join(tags)
        if suffix and self.body.endswith("\n" + suffix):
            self.body = self.body[: -len(suffix) - 1]
            # Cut the normalised tags off the stored normalised body (no fold reaches across the
            # line break) rather than normalising the whole body again for every result.
            norm_suffix = normalize("\n" + suffix)
            if self.norm_body.endswith(norm_suffix):
                self.norm_body = self.norm_body[: -len(norm_suffix)]
            else:
                self.norm_body = normalize(self.body)


def search_threads(text: str, category: str | None, page: int, per_page: int,
                   expired: bool = False) -> SearchResults:
    """Resolved threads by relevance: those with every word (or a spelling or synonym of it)
    first, then, when they are few, those with some of the words (see ranking.py); with
    `expired`, 回答受付終了 threads too. When nothing matches, the nearest threads (nearest.py)."""
    query = parse_query(text)
    page = max(1, page)
    results = SearchResults(text=text, query=query, category=category, page=page, per_page=per_page,
                            expired=expired)
    if query.is_empty:
        return results
    session = db.session
    refresh_synonyms()  # an admin's edit applies from the next search on
    results.count_cap = backend_for(session).count_cap
    ranked = rank(session, query, category, expired=expired)
    results.total, results.category_counts, results.capped = ranked.total, ranked.by_category, ranked.capped
    results.tail = len(ranked.ids) - ranked.head
    results.ranked = len(ranked.ids)
    results.also = [w for w in ranked.plan.shown if normalize(w) in ranked.used]
    if page == 1 and not category:
        results.faq = search_faq(ranked.plan.synonyms)
    start = (page - 1) * per_page
    page_ids = ranked.ids[start:start + per_page]
    if not ranked.ids:
        results.nearest = nearest(session, query, category, expired)
    if not page_ids:
        return results
    found, tagged = backend_for(session).result_rows(session, page_ids)
    rows: dict[int, Any] = {row[0]: row for row in found}
    tags: dict[int, list[str]] = {}
    for qid, name in tagged:
        tags.setdefault(qid, []).append(name)
    marks = ranked.plan.marks
    for position, qid in enumerate(page_ids, start):
        if qid not in rows:
            continue
        _, title, in_category, status, best_answer_id, created_at, username, is_veteran, answers, helpful = \
            rows[qid][:len(RESULT_THREAD)]
        thread = ResultThread(qid, title, in_category, status, best_answer_id, created_at,
                              Author(username, is_veteran))
        names = tags.get(qid, [])
        doc = _Parts(rows[qid][len(RESULT_THREAD):], names)
        part, snippet = snippet_for(doc, marks)
        marked = highlight(doc.title, marks, window=200) or Markup.escape(doc.title)
        # The thread's own counters (visible answers, their helpful marks), kept on every write.
        results.items.append(SearchResult(thread, part, snippet, marked, answers, helpful,
                                          partial=position >= ranked.head, expired=status == "expired", tags=names))
    return results


def search_faq(groups: list[tuple[str, ...]], limit: int = 3) -> list[dict]:
    """FAQ entries (question and answer) holding every word, or a spelling or synonym of it."""
    found = []
    for entry in faq_entries():
        text = entry["norm"]
        if all(any(a in text for a in group) for group in groups):
            found.append(entry)
    return found[:limit]


def title_keywords(title: str, limit: int = 4) -> list[str]:
    """The longest distinct keywords of a draft title, in the order they appear."""
    return keywords(title, limit)


def suggest(text: str, limit: int = 5, open_limit: int = 3) -> list[tuple[Question, bool]]:
    """Threads like a draft title, ranked as search ranks them (its keywords, any of them
    matching), then up to `open_limit` open threads with one of the keywords in the title,
    newest first: (question, is_open)."""
    words = title_keywords(text)
    if not words:
        return []
    session = db.session
    refresh_synonyms()
    ranked = rank(session, parse_query(" ".join(words)), count=False)
    ids = ranked.ids[:limit]
    found = {q.id: q for q in session.scalars(sa.select(Question).where(Question.id.in_(ids)))} if ids else {}
    out = [(found[i], False) for i in ids if i in found]
    open_threads = session.scalars(
        sa.select(Question).where(Question.status == "open", Question.is_hidden.is_(False),
                                  sa.or_(*(Question.title.contains(w, autoescape=True) for w in words)))
        .order_by(Question.created_at.desc(), Question.id.desc()).limit(open_limit))
    out.extend((q, True) for q in open_threads)
    return out
