"""Search use cases: the results page and title suggestions while asking."""
import re
import unicodedata
from dataclasses import dataclass, field

import sqlalchemy as sa
from markupsafe import Markup

from ..extensions import db
from ..models import Question, SearchDocument
from .backends import backend_for
from .query import ParsedQuery, parse_query
from .snippets import highlight, snippet_for

# Words worth matching in a draft title: runs of kanji, of katakana, of Latin letters and
# digits. Hiragana (particles, endings) is left out: it would make every title similar.
_KEYWORD = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff々〆ヶ]{2,}"
                      r"|[\u30a1-\u30fa\u30fc]{2,}|[^\W_\u3040-\u30ff\u3400-\u9fff]{2,}")


@dataclass
class SearchResult:
    question: Question
    part: str
    snippet: Markup
    title: Markup


@dataclass
class SearchResults:
    text: str
    query: ParsedQuery
    category: str | None
    page: int
    per_page: int
    total: int = 0
    items: list[SearchResult] = field(default_factory=list)
    category_counts: dict[str, int] = field(default_factory=dict)
    # Counting stops at count_cap matches (see backends/base.py): above it a count means
    # "at least count_cap" and only the selected category is counted.
    capped: bool = False
    count_cap: int = 0

    def is_capped(self, n: int) -> bool:
        return n > self.count_cap

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def search_threads(text: str, category: str | None, page: int, per_page: int) -> SearchResults:
    """Find resolved threads matching every term; snippets come from the matching part."""
    query = parse_query(text)
    page = max(1, page)
    results = SearchResults(text=text, query=query, category=category, page=page, per_page=per_page)
    if query.is_empty:
        return results
    session = db.session
    backend = backend_for(session)
    results.count_cap = backend.count_cap
    found = backend.search(session, query, category, per_page, (page - 1) * per_page)
    results.total, results.category_counts, results.capped = found.total, found.category_counts, found.capped
    if not found.question_ids:
        return results
    questions = {
        q.id: q for q in session.scalars(sa.select(Question).where(Question.id.in_(found.question_ids)))
    }
    docs = {
        d.question_id: d
        for d in session.scalars(
            sa.select(SearchDocument).where(SearchDocument.question_id.in_(found.question_ids))
        )
    }
    for qid in found.question_ids:
        question, doc = questions.get(qid), docs.get(qid)
        if question is None or doc is None:
            continue
        part, snippet = snippet_for(doc, query.terms)
        title = highlight(doc.title, query.terms, window=200) or Markup.escape(doc.title)
        results.items.append(SearchResult(question, part, snippet, title))
    return results


def title_keywords(title: str, limit: int = 4) -> list[str]:
    """The longest distinct keywords of a draft title, in the order they appear."""
    found = list(dict.fromkeys(_KEYWORD.findall(unicodedata.normalize("NFKC", title or ""))))
    keep = set(sorted(found, key=len, reverse=True)[:limit])
    return [w for w in found if w in keep]


def suggest(text: str, limit: int = 5) -> list[Question]:
    """Up to `limit` resolved threads similar to a draft title: all its keywords first,
    then fewer (the longest ones) when that finds nothing."""
    words = title_keywords(text)
    attempts = [words, sorted(words, key=len, reverse=True)[:2], sorted(words, key=len, reverse=True)[:1]]
    session = db.session
    backend = backend_for(session)
    found = None
    for attempt in attempts:
        query = parse_query(" ".join(f'"{w}"' for w in attempt))
        if query.is_empty:
            continue
        found = backend.search(session, query, None, limit, 0, count=False)
        if found.question_ids:
            break
    if found is None or not found.question_ids:
        return []
    questions = {
        q.id: q for q in session.scalars(sa.select(Question).where(Question.id.in_(found.question_ids)))
    }
    return [q for q in (questions.get(i) for i in found.question_ids) if q is not None]
