"""The nearest threads when a search finds nothing: neither a thread with every word nor one
with some word (the any-word tail). People type their problem, not the thread's words; a
page with only "見つかりませんでした" leaves them nowhere, so the page goes on with the
threads whose titles share the most two-character pieces (bigrams) with the query, labelled
as such. The index is made of the same bigrams, so the candidates come from it in one
statement (titles first; bodies when no title shares one), and the overlap is counted here.
"""
import sqlalchemy as sa

from ..models import Question, SearchDocument
from .backends import backend_for
from .backends.base import DbSession
from .ngrams import runs
from .query import ParsedQuery

CANDIDATES = 200  # newest candidates scored
MAX_GRAMS = 24    # the bigrams of a long query asked of the index


def query_grams(query: ParsedQuery) -> list[str]:
    """The query's bigrams in order (a one-letter word stands for itself)."""
    grams: list[str] = []
    for term in query.terms:
        for run in runs(term):
            grams.extend([run[i:i + 2] for i in range(len(run) - 1)] if len(run) > 1 else [run])
    return list(dict.fromkeys(grams))[:MAX_GRAMS]


def nearest(session: DbSession, query: ParsedQuery, category: str | None = None, expired: bool = False,
            limit: int = 5) -> list[Question]:
    """Up to `limit` searchable threads sharing the most of the query's bigrams (title first,
    then body), newest first among equals; [] when none shares any."""
    grams = query_grams(query)
    if not grams:
        return []
    backend = backend_for(session)
    groups = [(g,) for g in grams]
    found: list[tuple[int, str]] = []
    for title_only in (True, False):
        found = backend.candidates(session, groups, query.excludes, "any", title_only=title_only,
                                   category=category, limit=CANDIDATES, expired=expired)
        if found:
            break
    if not found:
        return []
    ids = [q for q, _ in found]
    order = {q: i for i, q in enumerate(ids)}  # newest first
    wanted = set(grams)
    scores: dict[int, tuple[int, int]] = {}
    for qid, title, body in session.execute(
            sa.select(SearchDocument.question_id, SearchDocument.norm_title,
                      sa.func.substr(SearchDocument.norm_body, 1, 2000))
            .where(SearchDocument.question_id.in_(ids))):
        in_title = sum(g in (title or "") for g in wanted)
        in_body = sum(g in (body or "") for g in wanted)
        scores[qid] = (in_title, in_body)
    best = sorted((q for q in ids if q in scores and any(scores[q])),
                  key=lambda q: (-scores[q][0], -scores[q][1], order[q]))[:limit]
    if not best:
        return []
    questions = {q.id: q for q in session.scalars(sa.select(Question).where(Question.id.in_(best)))}
    return [questions[q] for q in best if q in questions]
