"""Ranking, snippets, counts and pages on a small fixed corpus (both engines)."""
import pytest

from forum.extensions import db
from forum.search import ranking
from forum.search.backends import candidates, postgres_sql
from forum.search.backends.base import SearchBackend
from forum.search.services import search_threads
from tests.factories import make_answer, resolved_thread
from tests.search.conftest import dated


def titles(results):
    """The threads with every word (the any-word tail is tested on its own)."""
    return [item.question.title for item in results.items if not item.partial]


def test_title_above_body_above_best_above_other_answers_newer_first(app, people):
    asker, answerer = people
    other = resolved_thread(asker, answerer, "回答だけ", "本文です", "無関係", best=True)
    make_answer(other, answerer, "請求書は別の回答に")
    dated(other, 1)
    dated(resolved_thread(asker, answerer, "ベスト", "本文です", "請求書の書き方"), 2)
    dated(resolved_thread(asker, answerer, "本文の古い", "請求書の件", "はい"), 9)
    dated(resolved_thread(asker, answerer, "本文の新しい", "請求書の件", "はい"), 3)
    dated(resolved_thread(asker, answerer, "請求書のタイトル", "本文", "はい"), 30)
    dated(resolved_thread(asker, answerer, "関係ない", "見積もり", "はい"), 0)
    results = search_threads("請求書", None, 1, 20)
    assert titles(results) == ["請求書のタイトル", "本文の新しい", "本文の古い", "ベスト", "回答だけ"]
    assert results.total == 5


def test_a_word_in_other_answers_is_found_when_its_pieces_are_elsewhere_too(app, people):
    # PostgreSQL stores a gram of the other answers only when no other field has it
    # (document_lexemes): 請求 and 求 here live under the title, 求書 and 書 under the answers.
    asker, answerer = people
    thread = resolved_thread(asker, answerer, "請求の件", "本文です", "はい", best=True)
    make_answer(thread, answerer, "請求書を送りましょう")
    make_answer(thread, answerer, "書類も")
    assert titles(search_threads("請求書", None, 1, 20)) == ["請求の件"]
    assert titles(search_threads("求書", None, 1, 20)) == ["請求の件"]
    assert titles(search_threads("書", None, 1, 20)) == ["請求の件"]
    assert titles(search_threads("請求 -書類", None, 1, 20)) == []
    assert titles(search_threads("請求書を -求", None, 1, 20)) == []


def test_two_character_and_one_character_terms(app, people):
    asker, answerer = people
    resolved_thread(asker, answerer, "源泉徴収の質問", "税について", "はい")
    resolved_thread(asker, answerer, "別件", "泉のそば", "はい")
    assert titles(search_threads("源泉", None, 1, 20)) == ["源泉徴収の質問"]
    assert sorted(titles(search_threads("泉", None, 1, 20))) == ["別件", "源泉徴収の質問"]
    assert titles(search_threads("税", None, 1, 20)) == ["源泉徴収の質問"]


def test_kana_and_long_vowel_variants_find_each_other(app, people):
    asker, answerer = people
    resolved_thread(asker, answerer, "ランサーズのサーバー設定", "本文", "はい")
    assert titles(search_threads("らんさーず", None, 1, 20)) == ["ランサーズのサーバー設定"]
    assert titles(search_threads("サーバ", None, 1, 20)) == ["ランサーズのサーバー設定"]
    assert titles(search_threads("ｻｰﾊﾞｰ", None, 1, 20)) == ["ランサーズのサーバー設定"]
    resolved_thread(asker, answerer, "サーバーサイドの設定", "本文", "はい")
    item = search_threads("サーバサイド", None, 1, 20).items[0]
    assert item.question.title == "サーバーサイドの設定" and "<mark>サーバーサイド</mark>" in item.title


def test_all_terms_must_match_phrases_and_excludes(app, people):
    asker, answerer = people
    resolved_thread(asker, answerer, "ロゴ デザイン 料金", "本文", "はい")
    resolved_thread(asker, answerer, "ウェブ デザイン", "本文", "はい")
    resolved_thread(asker, answerer, "デザインとロゴ", "本文", "はい")
    assert sorted(titles(search_threads("デザイン ロゴ", None, 1, 20))) == ["デザインとロゴ", "ロゴ デザイン 料金"]
    assert titles(search_threads('"ロゴ デザイン"', None, 1, 20)) == ["ロゴ デザイン 料金"]
    assert titles(search_threads("デザイン -ロゴ", None, 1, 20)) == ["ウェブ デザイン"]
    assert titles(search_threads("デザイン -ロゴ -ウェブ", None, 1, 20)) == []


def test_snippet_comes_from_the_matching_part_and_is_escaped(app, people):
    asker, answerer = people
    resolved_thread(asker, answerer, "表示が崩れる", "本文です",
                    "<script>alert(1)</script> の代わりに仮払いを確認")
    item = search_threads("仮払い", None, 1, 20).items[0]
    assert item.part == "best_answer"
    assert "<mark>仮払い</mark>" in item.snippet
    assert "</script>" not in item.snippet and "&lt;/script&gt;" in item.snippet


def test_category_counts_filter_and_pages(app, people):
    asker, answerer = people
    for i in range(5):
        dated(resolved_thread(asker, answerer, f"納期の相談{i}", "本文", "はい",
                              category="urgent" if i < 2 else "want_to_know"), i)
    first = search_threads("納期", None, 1, 2)
    assert first.total == 5 and first.pages == 3
    assert first.category_counts == {"urgent": 2, "want_to_know": 3}
    assert titles(first) == ["納期の相談0", "納期の相談1"]
    assert titles(search_threads("納期", None, 3, 2)) == ["納期の相談4"]
    urgent = search_threads("納期", "urgent", 1, 20)
    assert urgent.total == 2 and titles(urgent) == ["納期の相談0", "納期の相談1"]


def test_no_results_page_offers_a_new_question(client, app, people):
    r = client.get("/search?q=存在しない言葉")
    page = r.data.decode()
    assert r.status_code == 200
    assert "見つかりませんでした" in page and "/questions/new?title=" in page and "/faq" in page


def test_symbol_queries_do_not_fail(client, app, people):
    for q in ['"', "-", "!!", "%", "'; DROP TABLE x; --", "a" * 500]:
        assert client.get("/search", query_string={"q": q}).status_code == 200
    db.session.rollback()


@pytest.mark.parametrize("dense", [0.0, 2.0], ids=["walked", "bitmap"])
def test_counts_stop_at_the_cap_the_same_way_on_both_engines(client, app, people, monkeypatch, dense):
    # PostgreSQL counts by a walk or by the GIN bitmap, as the probe finds; both must agree.
    monkeypatch.setattr(postgres_sql, "DENSE", dense)
    monkeypatch.setattr(SearchBackend, "count_cap", 3)
    asker, answerer = people
    for i in range(5):
        dated(resolved_thread(asker, answerer, f"納期の相談{i}", "本文", "はい",
                              category="urgent" if i < 2 else "want_to_know"), i)
    first = search_threads("納期", None, 1, 2)
    assert first.capped and first.total == 4 and first.category_counts == {}
    assert titles(first) == ["納期の相談0", "納期の相談1"]
    assert titles(search_threads("納期", None, 2, 2)) == ["納期の相談2", "納期の相談3"]
    urgent = search_threads("納期", "urgent", 1, 20)  # the selected category is counted
    assert urgent.total == 2 and urgent.category_counts == {"urgent": 2}
    assert titles(search_threads("納期", "want_to_know", 1, 20)) == ["納期の相談2", "納期の相談3", "納期の相談4"]
    page = client.get("/search", query_string={"q": "納期"}).data.decode()
    assert "解決済みの質問 3件以上" in page and "(3+)" in page
    page = client.get("/search", query_string={"q": "納期", "category": "urgent"}).data.decode()
    assert "解決済みの質問 2件" in page and "(2)" in page


@pytest.mark.parametrize("dense", [0.0, 2.0], ids=["walked", "bitmap"])
@pytest.mark.parametrize("word", ["納期", "請求書"])
def test_an_older_title_match_leads_a_capped_page(app, people, monkeypatch, dense, word):
    # Above the cap PostgreSQL answers from the newest matches it counted when those hold a
    # page of title matches; here they are all body matches, and an older title match must
    # still come first.
    monkeypatch.setattr(postgres_sql, "DENSE", dense)
    monkeypatch.setattr(SearchBackend, "count_cap", 3)
    asker, answerer = people
    dated(resolved_thread(asker, answerer, f"{word}について", "本文", "はい", category="urgent"), 10)
    for i in range(4):
        dated(resolved_thread(asker, answerer, f"相談{i}", f"{word}の件です", "はい"), i)
    first = search_threads(word, None, 1, 2)
    assert first.capped and titles(first) == [f"{word}について", "相談0"]
    assert titles(search_threads(word, None, 2, 2)) == ["相談1", "相談2"]
    urgent = search_threads(word, "urgent", 1, 20)
    assert urgent.total == 1 and titles(urgent) == [f"{word}について"]


@pytest.mark.parametrize("walk", [True, False], ids=["walk-then-bitmap", "bitmap"])
@pytest.mark.parametrize("word", ["納期", "請求書"])
def test_a_short_walk_takes_older_matches_from_the_bitmap(app, people, monkeypatch, walk, word):
    # When matches look dense PostgreSQL walks only the newest rows (candidates.walk_rows);
    # older matches come from the GIN bitmap, sorted by key and checked on the text in that
    # order. The same threads and counts as the bitmap alone (and as SQLite), decoys holding
    # the word's bigrams apart left out on both sides of the walk.
    monkeypatch.setattr(candidates, "DENSE", 0.0 if walk else 2.0)
    monkeypatch.setattr(candidates, "MIN_WALK", 2)
    monkeypatch.setattr(candidates, "WALK_DENSITY", 1.0)  # walks `limit` rows: 4 here
    monkeypatch.setattr(SearchBackend, "count_cap", 3)
    asker, answerer = people
    bodies = {0: f"{word}の件です", 5: f"{word}の件です", 6: f"{word}の件です", 1: "請求のあと求書", 7: "請求のあと求書"}
    for i in range(8):
        dated(resolved_thread(asker, answerer, f"相談{i}", bodies.get(i, "別の話"), "はい"), i)
    results = search_threads(word, None, 1, 20)
    assert not results.capped and results.total == 3
    assert titles(results) == ["相談0", "相談5", "相談6"]


def test_pages_stop_at_the_threads_ranked(app, people, monkeypatch):
    # More matches are counted than ranking scores (POOL newest, TITLE_POOL newest in the
    # title): the pager offers the ranked ones only, so no page it offers is empty.
    monkeypatch.setattr(ranking, "POOL", 3)
    monkeypatch.setattr(ranking, "TITLE_POOL", 1)
    monkeypatch.setattr(ranking, "TAIL_BELOW", 0)
    asker, answerer = people
    for i in range(6):
        dated(resolved_thread(asker, answerer, f"納期の相談{i}", "本文", "はい"), i)
    first = search_threads("納期", None, 1, 2)
    assert first.total == 6 and first.pages == 2
    assert titles(search_threads("納期", None, 2, 2)) == ["納期の相談2"]
