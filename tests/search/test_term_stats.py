"""Rare terms read from the GIN index, common ones checked on rows (PostgreSQL)."""
import pytest
import sqlalchemy as sa

from forum.extensions import db
from forum.search.backends import backend_for, postgres_sql, term_stats
from forum.search.backends.base import SearchBackend
from forum.search.backends.matching import planned_terms
from forum.search.backends.postgres import PostgresBackend
from forum.search.ngrams import plan_term
from forum.search.query import parse_query
from forum.search.services import search_threads
from tests.factories import make_answer, resolved_thread
from tests.search.conftest import dated


def terms(*words):
    return [plan_term(w) for w in words]


def test_a_term_is_common_when_each_of_its_bigrams_is_common_in_some_field():
    common = frozenset({"b納期", "o納期", "t請求", "a求書"})
    assert term_stats.is_common(plan_term("納期"), common)
    assert term_stats.is_common(plan_term("請求書"), common)  # 請求 in titles, 求書 in best answers
    assert not term_stats.is_common(plan_term("請求額"), common)  # 求額 is not common
    assert term_stats.is_common(plan_term("納"), common)  # one character: a prefix of many lexemes


def test_the_index_reads_the_rare_terms_only_beside_common_ones():
    common = frozenset({"b納期", "b請求", "b求書"})
    assert term_stats.index_terms(terms("納期", "発修計"), common) == terms("発修計")
    assert term_stats.index_terms(terms("発修計", "請求書", "記録"), common) == terms("発修計", "記録")
    assert term_stats.index_terms(terms("納期", "請求書"), common) is None  # all common
    assert term_stats.index_terms(terms("発修計", "記録"), common) is None  # all rare
    assert term_stats.index_terms(terms("納期", "発修計"), frozenset()) is None  # no statistics
    assert term_stats.index_terms(terms("発修計"), common) is None


@pytest.fixture
def postgres_only(app):
    if db.session.get_bind().dialect.name != "postgresql":
        pytest.skip("PostgreSQL's statistics")
    term_stats.forget()
    yield
    term_stats.forget()


def test_analyze_tells_a_rare_word_from_a_common_one(app, people, postgres_only):
    asker, answerer = people
    for i in range(30):
        resolved_thread(asker, answerer, f"相談{i}", "納期の件です", "はい")
    resolved_thread(asker, answerer, "発修計について", "納期の件です", "はい")
    # A table this small has fewer distinct lexemes than ANALYZE keeps (1,000), so every
    # one is "most common"; keeping ten stands in for a forum of many threads.
    db.session.execute(sa.text("ALTER TABLE search_fts ALTER COLUMN tokens SET STATISTICS 1"))
    try:
        db.session.execute(sa.text("ANALYZE search_fts"))
        common = term_stats.common_lexemes(db.session)
    finally:
        db.session.execute(sa.text("ALTER TABLE search_fts ALTER COLUMN tokens SET STATISTICS -1"))
    assert "b納期" in common and "t発修" not in common
    assert term_stats.index_terms(terms("納期", "発修計"), common) == terms("発修計")
    # Only one thread holds both words; the rest of the page is the any-word tail (納期 alone).
    found = search_threads("納期 発修計", None, 1, 20)
    assert [i.question.title for i in found.items if not i.partial] == ["発修計について"]
    backend = backend_for(db.session)
    assert isinstance(backend, PostgresBackend)  # postgres_only
    query, excludes = planned_terms(parse_query("納期 発修計"))
    rare = PostgresBackend._index_terms(db.session, query)
    sql, params = postgres_sql.matches_sql(query, excludes, None, 20, backend.count_cap, rare)
    plan = "\n".join(r[0] for r in backend._fetch(db.session, "EXPLAIN " + sql, params, settings=True))
    index_conditions = [line for line in plan.splitlines() if "Index Cond: (tokens @@" in line]
    assert index_conditions and all("発修" in c and "納期" not in c for c in index_conditions)
    assert "ts_match_vq(tokens, '(" in plan and "納期" in plan  # the whole query, on the rows


def snapshot(queries, category=None, pages=(1, 2)):
    out = []
    for q in queries:
        for page in pages:
            found = search_threads(q, category, page, 2)
            out.append((q, page, found.total, found.capped, found.category_counts,
                        [i.question.title for i in found.items]))
    return out


@pytest.mark.parametrize("dense", [0.0, 2.0], ids=["walked", "bitmap"])
@pytest.mark.parametrize("cap", [3, 1000], ids=["capped", "counted"])
def test_reading_only_the_rare_terms_finds_the_same_threads(app, people, postgres_only, monkeypatch, dense, cap):
    monkeypatch.setattr(postgres_sql, "DENSE", dense)
    monkeypatch.setattr(SearchBackend, "count_cap", cap)
    asker, answerer = people
    dated(resolved_thread(asker, answerer, "発修計の納期", "本文", "はい"), 1)
    dated(resolved_thread(asker, answerer, "発修計", "納期の件", "はい", category="urgent"), 2)
    dated(resolved_thread(asker, answerer, "別件", "発修計と納期", "はい", category="urgent"), 3)
    other = resolved_thread(asker, answerer, "回答に", "本文", "発修計です", best=True)
    make_answer(other, answerer, "納期は来週")
    dated(other, 4)
    dated(resolved_thread(asker, answerer, "発修計だけ", "本文", "はい"), 5)
    dated(resolved_thread(asker, answerer, "納期だけ", "本文", "はい"), 6)
    dated(resolved_thread(asker, answerer, "発修計 納期 請求書", "本文", "はい"), 7)
    queries = ["納期 発修計", "発修計 納期 -請求書", "納 発修計", '"発修計の納期" 納期', "納期 発修", "発修 納期 -請求"]
    monkeypatch.setattr(term_stats, "common_lexemes", lambda session: frozenset())
    expected = snapshot(queries) + snapshot(queries, "urgent")
    monkeypatch.setattr(term_stats, "common_lexemes", lambda session: frozenset({"b納期", "t納期", "o納期"}))
    assert term_stats.index_terms(terms("納期", "発修計"), term_stats.common_lexemes(None)) == terms("発修計")
    assert snapshot(queries) + snapshot(queries, "urgent") == expected
    assert expected[0][5] == ["発修計の納期", "発修計 納期 請求書"]  # both words in the title first
