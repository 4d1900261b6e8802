"""Statements sent together give what they give one by one: a batch of candidate calls
(PostgreSQL: one pipeline) and a frequent word's title candidates sent with its head."""
import pytest

from forum.extensions import db
from forum.search import kept_fields, ranking
from forum.search.backends import backend_for, term_stats
from forum.search.query import parse_query
from tests.factories import resolved_thread
from tests.search.conftest import dated
from tests.statements import count_statements

TITLES = ["見積書の書き方", "請求書と見積書", "相談", "見積書テンプレート", "別件", "見積書の保存"]


@pytest.fixture
def threads(app, people):
    asker, answerer = people
    for days, title in enumerate(TITLES):
        body = "見積書を出すときの質問です" if title in ("相談", "別件") else "本文です"
        dated(resolved_thread(asker, answerer, title, body, "はい", category="urgent" if days % 2 else "other"), days)


def test_a_batch_of_candidate_calls_gives_each_call_s_rows(threads):
    backend = backend_for(db.session)
    calls = [
        {"groups": [("見積書",)], "excludes": (), "mode": "all", "limit": 201},
        {"groups": [("見積書",)], "excludes": (), "mode": "all", "title_only": True, "limit": 2},
        {"groups": [("見積書",), ("保存",)], "excludes": (), "mode": "any", "category": "urgent", "limit": 50},
        {"groups": [("書",)], "excludes": ("テンプレート",), "mode": "all", "limit": 3},
        {"groups": [()], "excludes": (), "mode": "all", "limit": 3},  # no term: no statement, no rows
    ]
    one_by_one = [backend.candidates(db.session, **call) for call in calls]
    assert backend.candidates_batch(db.session, calls) == one_by_one
    assert [len(rows) for rows in one_by_one] == [6, 2, 3, 3, 0]


def test_a_frequent_word_s_title_candidates_come_with_its_head(threads, monkeypatch):
    if db.session.get_bind().dialect.name != "postgresql":
        pytest.skip("PostgreSQL's statistics tell a frequent word")
    monkeypatch.setattr(ranking, "POOL", 2)  # more head matches than are scored: titles are read
    query = parse_query("見積書")
    monkeypatch.setattr(term_stats, "common_lexemes", lambda session: frozenset())
    ranking.rank(db.session, query)  # the document count read once
    kept_fields.forget()
    with count_statements() as apart:
        expected = ranking.rank(db.session, query).ids
    kept_fields.forget()
    common = frozenset(p + g for p in "tbao" for g in ("見積", "積書"))
    monkeypatch.setattr(term_stats, "common_lexemes", lambda session: common)
    with count_statements() as together:
        assert ranking.rank(db.session, query).ids == expected
    # The planner settings once for both candidate statements, not before each.
    assert len(together) == len(apart) - 1
    candidates = [sum(s.startswith("WITH probe") for s in sent) for sent in (apart, together)]
    assert candidates[0] == candidates[1] >= 2
