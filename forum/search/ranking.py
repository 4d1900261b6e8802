"""Ranked search: what the results page, the ask form's similar questions and a thread's
related threads share (engine level: features may import it).

A query word becomes a group of alternatives: itself, its spellings (variants.py, from
SudachiPy's dictionary) and its synonyms (synonyms.tsv); a quoted phrase stays as written.
Threads where every group matches (the head) are counted as before (up to the cap) and come
first; when they are few, threads matching some of the groups, or only the content words of
a longer word (連絡こない → 連絡), follow as the tail. Both are ordered by a BM25F score
computed here on the candidates' normalised text (the same on both engines), with field
weights, a gentle prior for the thread's helpful marks, and recency breaking ties.

Work is bounded: at most POOL + TITLE_POOL head candidates (the newest matches, and the
newest title matches) and TAIL_POOL + TITLE_POOL tail candidates are scored, each field on
its first FIELD_CHARS characters; the fields of threads a recent search read are kept
(kept_fields.py).

The parameters were set on the blind graded set (tests/search/graded/): a high K1 (a word
found again, or in several fields, keeps adding), light weights for the content words of a
longer query word and for its bigrams (they find natural phrasings, and must not outrank
the words themselves).
"""
import math
import time
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from ..models import SearchDocument
from . import kept_fields
from .backends import backend_for
from .backends.base import DbSession
from .ngrams import runs, sort_key
from .query import ParsedQuery
from .synonyms import synonyms_of
from .variants import content_words, spelling, variants

POOL = 150          # newest head matches scored
TITLE_POOL = 50     # and the newest head matches in the title
TAIL_BELOW = 10     # the tail follows when fewer head matches than this
TAIL_POOL = 150     # newest tail matches scored (and TITLE_POOL in the title)
FIELD_CHARS = 1000  # each field is scored on its first characters (bounded work per thread)
# title, body (with tags), best answer, other answers
WEIGHTS = (3.0, 1.0, 1.2, 0.5)
B = (0.3, 0.75, 0.75, 0.75)
K1 = 5.0            # high: a term repeated, or found in several fields, keeps counting
SYNONYM_WEIGHT = 0.7
PART_WEIGHT = 0.35    # a content word of a longer query word
HELPFUL_PRIOR = 0.08  # × log(1 + helpful marks)
FUZZ = 0.1            # each bigram of a longer query word (natural phrasings)
HEAD_STRICT = True    # synonyms count for the score and the tail, not for the head
N_TTL = 300.0         # seconds the document count is kept


@dataclass(frozen=True)
class Feature:
    """Something the score counts: a query word (group) or a content word of one."""

    alternatives: tuple[str, ...]
    weights: tuple[float, ...]
    weight: float = 1.0


@dataclass
class Plan:
    groups: list[tuple[str, ...]]       # per query word: the word, then its spellings
    synonyms: list[tuple[str, ...]]     # per query word: all alternatives, synonyms too
    features: list[Feature]
    excludes: tuple[str, ...]
    parts: list[str]                    # content words of longer query words
    shown: list[str] = field(default_factory=list)  # spellings and synonyms, as typed

    @property
    def marks(self) -> list[str]:
        """Every string worth highlighting, longest first."""
        found = {a for f in self.features for a in f.alternatives}
        return sorted(found, key=len, reverse=True)


def plan(query: ParsedQuery, synonyms: bool = True) -> Plan:
    groups, features, parts, shown = [], [], [], []
    raws = query.raw or query.terms
    for term, raw in zip(query.terms, raws, strict=False):
        alts, weights = [term], [1.0]
        if term not in query.quoted:
            spelled = spelling(raw)
            if spelled:
                shown.append(spelled)
            for v in variants(raw):
                if v not in alts:
                    alts.append(v)
                    weights.append(1.0)
            strict = len(alts)
            if synonyms:
                for s, written in synonyms_of(term):
                    if s not in alts:
                        alts.append(s)
                        weights.append(SYNONYM_WEIGHT)
                        shown.append(written)
            for w in content_words(raw):
                if w != term and w not in parts:
                    parts.append(w)
        else:
            strict = len(alts)
        groups.append(tuple(alts[:strict] if HEAD_STRICT else alts))
        features.append(Feature(tuple(alts), tuple(weights)))
    features.extend(Feature((w,), (1.0,), PART_WEIGHT) for w in parts if not any(w in g for g in groups))
    features.extend(_fuzzy(query))
    return Plan(groups, [f.alternatives[:len(f.alternatives)] for f in features[:len(groups)]], features,
                query.excludes, parts, list(dict.fromkeys(shown)))


def _fuzzy(query: ParsedQuery) -> list[Feature]:
    """Each bigram of the longer unquoted words, with a small weight (natural phrasings)."""
    grams: list[str] = []
    for term in query.terms:
        if term not in query.quoted:
            for run in runs(term):
                grams.extend(run[i:i + 2] for i in range(len(run) - 1) if len(run) > 2)
    return [Feature((g,), (1.0,), FUZZ) for g in dict.fromkeys(grams)] if FUZZ else []


@dataclass
class Ranked:
    ids: list[int]                  # head, then tail, best first
    head: int                       # how many of `ids` match every group
    total: int                      # head matches (in the category), counted up to the cap
    by_category: dict[str, int]     # head matches per category (see Counts)
    capped: bool
    plan: Plan
    used: set[str] = field(default_factory=set)  # alternatives found in the scored threads


_doc_count: dict[str, tuple[float, int]] = {}


def _documents(session: DbSession, at_least: int) -> int:
    """Searchable threads (for IDF), read again every N_TTL seconds, or when more threads
    were just scored than it says."""
    key = str(session.get_bind().engine.url)
    now = time.monotonic()
    cached = _doc_count.get(key)
    if cached is None or now - cached[0] > N_TTL or cached[1] < at_least:
        n = session.execute(sa.select(sa.func.count()).select_from(SearchDocument)).scalar() or 0
        cached = _doc_count[key] = (now, n)
    return max(cached[1], 1)


def _load(session: DbSession, ids: Sequence[int]) -> dict[int, tuple]:
    """(fields, recency key, helpful marks) of each thread, fields cut to FIELD_CHARS; those
    a recent search read are kept (kept_fields.py)."""
    return kept_fields.fields(session, ids, lambda missing: _read(session, missing))


def _read(session: DbSession, ids: Sequence[int]) -> dict[int, tuple]:
    """_load() from the database (the backend's scoring_rows)."""
    out = {}
    for qid, created_at, *fields, helpful in backend_for(session).scoring_rows(session, ids, FIELD_CHARS):
        out[qid] = (tuple(x or "" for x in fields), sort_key(created_at, qid), helpful or 0)
    return out


def _scores(docs: dict[int, tuple], features: list[Feature], n: int, used: set[str]) -> dict[int, float]:
    if not docs:
        return {}
    lengths = [sum(len(f[0][i]) for f in docs.values()) / len(docs) or 1.0 for i in range(4)]
    # Every non-empty field of every thread in one string (NUL after each: no query word
    # holds one), with where each starts, whose it is, and its weight over its BM25 length
    # normalisation: an alternative is looked for in one C-speed scan, and only the fields
    # where it is are counted (a test per thread and alternative was most of the time).
    texts: list[str] = []
    starts: list[int] = []
    owners: list[int] = []
    norms: list[float] = []
    at = 0
    for d, (fields, _, _) in enumerate(docs.values()):
        for i, text in enumerate(fields):
            if text:
                texts.append(text)
                starts.append(at)
                owners.append(d)
                norms.append(WEIGHTS[i] / (1 - B[i] + B[i] * len(text) / lengths[i]))
                at += len(text) + 1
    starts.append(at)  # past the end: where a scan after the last field starts
    found = _fields_holding(texts, starts, [a for f in features for a in f.alternatives])
    tfs = []
    for feature in features:
        wtf = [0.0] * len(docs)
        for alt, aw in zip(feature.alternatives, feature.weights, strict=True):
            if found[alt]:
                used.add(alt)
            for at_field, count in found[alt]:
                wtf[owners[at_field]] += norms[at_field] * aw * count
        tfs.append(wtf)
    idfs = [math.log(1 + (n - df + 0.5) / (df + 0.5)) for df in (sum(w > 0 for w in wtf) for wtf in tfs)]
    out = {}
    for d, (qid, (_, _, helpful)) in enumerate(docs.items()):
        s = sum(f.weight * idf * wtf[d] * (K1 + 1) / (K1 + wtf[d])
                for f, idf, wtf in zip(features, idfs, tfs, strict=True) if wtf[d])
        out[qid] = s * (1 + HELPFUL_PRIOR * math.log1p(helpful))
    return out


def _fields_holding(texts: list[str], starts: list[int], alternatives: list[str]) -> dict[str, list[tuple[int, int]]]:
    """Per alternative: (field, how many times it is there) for each field holding it, in
    order. Shorter alternatives first: one that holds a shorter one (a query word holds
    its bigrams) is looked for only in the fields holding that one; the others are looked
    for in the fields joined (`starts`: where each field starts in them), once each."""
    whole = "\0".join(texts)
    found: dict[str, list[tuple[int, int]]] = {}
    for alt in sorted(dict.fromkeys(alternatives), key=len):
        inside = [found[a] for a in found if a in alt]
        if inside:
            fields = (f for f, _ in min(inside, key=len))
            found[alt] = [(f, c) for f, c in ((f, texts[f].count(alt)) for f in fields) if c]
            continue
        holding = []
        pos = whole.find(alt)
        while pos >= 0:
            f = bisect_right(starts, pos) - 1
            count = texts[f].count(alt, pos - starts[f])
            if count:
                holding.append((f, count))
            pos = whole.find(alt, starts[f + 1])
        found[alt] = holding
    return found


def _tail(session: DbSession, p: Plan, category: str | None, seen: set[int], expired: bool) -> list[int]:
    """Threads with some of the words (or content words), the newest title matches first,
    none of `seen`."""
    any_groups = list(p.synonyms) + [(w,) for w in p.parts]
    calls = [{"groups": any_groups, "excludes": p.excludes, "mode": "any", "title_only": title_only,
              "category": category, "limit": limit, "expired": expired}
             for title_only, limit in ((True, TITLE_POOL), (False, TAIL_POOL))]
    out: list[int] = []
    for rows in backend_for(session).candidates_batch(session, calls):  # one round trip on PostgreSQL
        for q, _ in rows:
            if q not in seen:
                seen.add(q)
                out.append(q)
    return out


def rank(session: DbSession, query: ParsedQuery, category: str | None = None, tail: bool = True,
         count: bool = True, without: Iterable[int] = (), synonyms: bool = True, expired: bool = False) -> Ranked:
    """The ranked threads of a query (see the module doc); `without`: ids to leave out;
    `expired`: 回答受付終了 threads too."""
    p = plan(query, synonyms)
    backend = backend_for(session)
    cap = backend.count_cap
    skip = set(without)
    if not p.groups:
        return Ranked([], 0, 0, {}, False, p)
    head_call: dict[str, Any] = {"groups": p.groups, "excludes": p.excludes, "mode": "all",
                                 "limit": (cap + 1) if count else POOL, "expired": expired}
    title_call: dict[str, Any] = {"groups": p.groups, "excludes": p.excludes, "mode": "all", "title_only": True,
                                  "category": category, "limit": TITLE_POOL, "expired": expired}
    early_titles = None
    if backend.likely_frequent(session, p.groups):  # the title candidates will be wanted: same round trip
        head_rows, early_titles = backend.candidates_batch(session, [head_call, title_call])
    else:
        head_rows = backend.candidates(session, **head_call)
    by_category: dict[str, int] = {}
    for _, cat in head_rows:
        by_category[cat] = by_category.get(cat, 0) + 1
    capped = len(head_rows) > cap or not count
    if capped:
        by_category = {}
    in_cat = [q for q, c in head_rows if not category or c == category]
    total = len(in_cat)
    if category and capped:
        in_cat = [q for q, _ in backend.candidates(session, p.groups, p.excludes, "all", category=category,
                                                   limit=cap + 1, expired=expired)]
        total = len(in_cat)
        by_category = {category: total}
    if not capped and not category:
        total = len(head_rows)
    head_ids = list(dict.fromkeys(q for q in in_cat[:POOL] if q not in skip))
    if len(in_cat) > min(POOL, cap):  # older title matches are scored too
        titles = early_titles if early_titles is not None else backend.candidates(session, **title_call)
        head_ids.extend(q for q, _ in titles if q not in skip and q not in head_ids)
    tail_ids: list[int] = []
    wider = len(p.groups) > 1 or p.parts or p.synonyms != p.groups
    if tail and len(in_cat) < TAIL_BELOW and wider:
        tail_ids = _tail(session, p, category, set(head_ids) | skip, expired)
    docs = _load(session, head_ids + tail_ids)
    used: set[str] = set()
    features = p.features
    if not tail_ids:  # the light features (content words, bigrams) are there to rank a tail
        features = [f for f in features if f.weight >= 1.0]
    scores = _scores(docs, features, _documents(session, len(docs)), used)

    def order(ids: list[int]) -> list[int]:
        ids = [i for i in ids if i in docs]
        return sorted(ids, key=lambda i: (-round(scores.get(i, 0.0), 9), -docs[i][1]))

    head = order(head_ids)
    return Ranked(head + order(tail_ids), len(head), total, by_category, capped, p, used)
