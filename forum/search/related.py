"""Related threads of a thread, ranked like search (engine level: the questions feature may
import this).

related_threads: the whole search ranking (title keywords and tags, head and tail) in a
bounded number of statements: the candidates (at most three queries), the scored text and
helpful marks, then the threads themselves.

related_links: what every thread page shows: the newest CANDIDATES threads with one of the
title's keywords in their title, then their titles, counters and status in one statement,
scored by the search's BM25F on the title alone; or the thread's stored list (ranked the
same way by `relate`, which `flask forum relate` and the sweep run), read in one statement.
"""
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from .. import pagecache
from ..database.reads import FixedRead
from ..extensions import db
from ..models import Question, RelatedList, SearchDocument
from .backends import backend_for
from .ngrams import sort_key
from .query import parse_query
from .ranking import _documents, _scores, plan, rank

# Words worth matching in a title: runs of kanji, of katakana, of Latin letters and digits.
# Hiragana (particles, endings) is left out: it would make every title similar.
KEYWORD = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff々〆ヶ]{2,}"
                     r"|[\u30a1-\u30fa\u30fc]{2,}|[^\W_\u3040-\u30ff\u3400-\u9fff]{2,}")


def keywords(text: str, limit: int = 6) -> list[str]:
    """The longest distinct keywords of a title, in the order they appear."""
    found = list(dict.fromkeys(KEYWORD.findall(unicodedata.normalize("NFKC", text or ""))))
    keep = set(sorted(found, key=len, reverse=True)[:limit])
    return [w for w in found if w in keep]


def related_threads(question: Question, limit: int = 5) -> list[Question]:
    """Up to `limit` resolved, visible threads most like this one (its title's keywords
    and its tags), best first; never the thread itself."""
    words = keywords(question.title) + [t.name for t in question.tags]
    query = parse_query(" ".join(dict.fromkeys(words)))
    if query.is_empty:
        return []
    ranked = rank(db.session, query, count=False, without=[question.id])
    ids = ranked.ids[:limit]
    if not ids:
        return []
    found = {q.id: q for q in db.session.scalars(sa.select(Question).where(Question.id.in_(ids)))}
    return [found[i] for i in ids if i in found]


# The newest title matches scored for a thread page's related links, paid on every uncached
# page view: reading the candidates and scoring them in Python both grow with their number
# (50 took 2.0 ms of CPU a page on a 20,000-thread forum on SQLite, 24 take 1.3 ms).
CANDIDATES = 24

# The candidates that may be listed, with what the page shows and the ranking reads; built
# once (building the expression took half the statement's time).
_LINKS = (
    sa.select(Question.id, Question.title, Question.status, Question.answer_count, Question.helpful_count,
              SearchDocument.created_at, SearchDocument.norm_title)
    .join(SearchDocument, SearchDocument.question_id == Question.id)
    .where(Question.id.in_(sa.bindparam("ids", expanding=True)), Question.id != sa.bindparam("me"),
           Question.status == "resolved", Question.is_hidden.is_(False), Question.is_held.is_(False))
)

# A stored list's threads as they are now: what the page shows, without the ranking's columns
# (their search document is not read). A list holds at most STORED ids, each in a parameter of
# its own (0, which no row has, fills the rest): one SQL text whatever the list's length, where
# an expanding parameter was rewritten into the statement on every view (a third of its time).
STORED = 10
_STORED_IDS = tuple(f"id{n}" for n in range(STORED))
_STORED_LINKS = FixedRead(
    sa.select(Question.id, Question.title, Question.status, Question.answer_count)
    .where(Question.id.in_([sa.bindparam(name, type_=sa.Integer) for name in _STORED_IDS]),
           Question.id != sa.bindparam("me"),
           Question.status == "resolved", Question.is_hidden.is_(False), Question.is_held.is_(False))
)


@dataclass(frozen=True)
class RelatedLink:
    """What a thread page lists of a related thread (no per-result loads)."""

    id: int
    title: str
    status: str
    answer_count: int  # visible answers (the thread's counter)


def related_links(question_id: int, title: str, stored: str | None = None, limit: int = 5) -> list[RelatedLink]:
    """Up to `limit` resolved threads whose titles share the most with this one's keywords
    (their spellings and synonyms too), best first: the search's ranking on the title alone.
    Never the thread itself, nor an open, closed, expired, hidden or held thread.

    `stored`: the thread's stored list (RelatedList.related_ids), when it has one: shown in
    its order, each thread as it is now, in one statement. Without one, ranked here, in two
    statements whatever the thread's answers and comments (one when no other title shares a
    keyword, none without keywords; on PostgreSQL the search's planner settings come first);
    the ranking's document count, shared with search, adds one at most every few minutes."""
    if stored is not None:
        ids = [int(i) for i in stored.split(",") if i][:STORED]
        if not ids:
            return []
        params = dict(zip(_STORED_IDS, ids + [0] * (STORED - len(ids)), strict=True))
        links = {row[0]: RelatedLink(row[0], row[1], row[2], row[3] or 0)
                 for row in _STORED_LINKS.all({**params, "me": question_id})}
        return [links[i] for i in ids if i in links][:limit]
    return _ranked(question_id, title, limit)


def _ranked(question_id: int, title: str, limit: int) -> list[RelatedLink]:
    query = parse_query(" ".join(keywords(title)))
    if query.is_empty:
        return []
    p = plan(query)
    session = db.session
    groups = list(p.synonyms) + [(w,) for w in p.parts]
    found = backend_for(session).candidates(session, groups, (), "any", title_only=True, limit=CANDIDATES + 1)
    ids = [i for i, _ in found if i != question_id][:CANDIDATES]
    if not ids:
        return []
    links, docs = {}, {}
    for qid, title_, status, answers, helpful, created_at, norm_title in session.execute(
            _LINKS, {"ids": ids, "me": question_id}):
        links[qid] = RelatedLink(qid, title_, status, answers or 0)
        docs[qid] = ((norm_title or "", "", "", ""), sort_key(created_at, qid), helpful or 0)
    scores = _scores(docs, p.features, _documents(session, len(docs)), set())
    best = sorted((i for i in docs if scores.get(i)), key=lambda i: (-round(scores[i], 9), -docs[i][1]))
    return [links[i] for i in best[:limit]]


# --- stored lists ------------------------------------------------------------------------------
# Ranking a thread's related threads reads the title index (most of a thread page's database
# time); a list ranked ahead of the views serves every view until it is ranked again. Kept:
# more ids than a page shows (STORED, above), so that threads hidden or reopened since still
# leave five.
RELATE_BATCH = 500


def relate(now: datetime, *, refresh_after: timedelta, limit: int | None = None) -> int:
    """Rank and store the related lists of threads that have none, or one ranked before
    `now - refresh_after` (newer threads resolved since may belong in it), newest threads
    first, at most `limit`; commits each batch, moving the content version (cached pages
    show the new lists). Returns how many lists were stored."""
    session = db.session
    todo = session.execute(
        sa.select(Question.id, Question.title).outerjoin(RelatedList, RelatedList.question_id == Question.id)
        .where(sa.or_(RelatedList.question_id.is_(None), RelatedList.computed_at < now - refresh_after))
        .order_by(Question.id.desc()).limit(limit)).all()
    for start in range(0, len(todo), RELATE_BATCH):
        batch = todo[start:start + RELATE_BATCH]
        rows = [{"question_id": qid, "computed_at": now,
                 "related_ids": ",".join(str(link.id) for link in _ranked(qid, title, STORED))}
                for qid, title in batch]
        session.execute(sa.delete(RelatedList).where(RelatedList.question_id.in_([qid for qid, _ in batch])))
        session.execute(sa.insert(RelatedList), rows)
        pagecache.bump(session.connection())
        session.commit()
    return len(todo)


def forget_related(question: Question) -> None:
    """Drop the thread's stored list (its title changed): its page ranks again until the next
    `relate` (no commit)."""
    db.session.execute(sa.delete(RelatedList).where(RelatedList.question_id == question.id))
