"""Relevance: better threads before newer ones, the any-word tail, spelling variants and
synonyms both ways, strict phrases and excludes, the page's labels, related threads, the
similar-questions box and the blind graded set (both engines)."""
from concurrent.futures import ThreadPoolExecutor

import pytest

from forum.extensions import db
from forum.models import Question
from forum.search import index, variants
from forum.search.query import parse_query
from forum.search.ranking import rank
from forum.search.related import related_threads
from forum.search.services import search_threads, suggest
from forum.transfer.jsonl import import_lines
from tests.factories import make_question, resolved_thread
from tests.search import graded_eval
from tests.search.conftest import dated


def head(results):
    return [i.question.title for i in results.items if not i.partial]


def tail(results):
    return [i.question.title for i in results.items if i.partial]


def test_a_better_thread_outranks_a_newer_one(app, people):
    asker, answerer = people
    dated(resolved_thread(asker, answerer, "請求書の書き方を教えて", "請求書の宛名と請求書番号は？",
                          "請求書はテンプレートで"), 30)
    dated(resolved_thread(asker, answerer, "今日の雑談", "ついでに請求書も送った", "はい"), 1)
    assert head(search_threads("請求書", None, 1, 20)) == ["請求書の書き方を教えて", "今日の雑談"]


def test_the_any_word_tail_follows_the_all_word_head(app, people, client):
    asker, answerer = people
    dated(resolved_thread(asker, answerer, "源泉徴収と確定申告", "本文", "はい"), 5)
    dated(resolved_thread(asker, answerer, "確定申告の期限", "本文", "はい"), 1)
    dated(resolved_thread(asker, answerer, "関係ない話", "本文", "はい"), 0)
    results = search_threads("源泉徴収 確定申告", None, 1, 20)
    assert head(results) == ["源泉徴収と確定申告"]
    assert tail(results) == ["確定申告の期限"]
    assert results.total == 1 and results.tail == 1
    page = client.get("/search", query_string={"q": "源泉徴収 確定申告"}).get_data(as_text=True)
    assert "すべての語を含む質問は 1 件でした。一部の語を含む質問も表示しています" in page
    first, second = (search_threads("源泉徴収 確定申告", None, 1, 20).items[i].question.id for i in (0, 1))
    assert page.index(f'href="/questions/{first}"') < page.index(f'href="/questions/{second}"')


@pytest.mark.parametrize("written, other", [
    ("申込", "申し込み"), ("受付", "受け付け"), ("取引", "取り引き"), ("売上", "売り上げ"), ("サーバ", "サーバー"),
])
def test_spelling_variants_find_each_other_both_ways(app, people, client, written, other):
    asker, answerer = people
    resolved_thread(asker, answerer, f"{written}について", "本文", "はい")
    resolved_thread(asker, answerer, f"{other}の件", "本文", "はい")
    for query in (written, other):
        assert sorted(head(search_threads(query, None, 1, 20))) == sorted([f"{written}について", f"{other}の件"])
    if written == "申込":
        page = client.get("/search", query_string={"q": "申込"}).get_data(as_text=True)
        assert "「申し込み」も含めて検索しました" in page


def test_synonyms_find_each_other_both_ways(app, people):
    asker, answerer = people
    resolved_thread(asker, answerer, "フォトショで書き出し", "本文", "はい")
    resolved_thread(asker, answerer, "Photoshopの使い方", "本文", "はい")
    both = ["Photoshopの使い方", "フォトショで書き出し"]
    assert sorted(t for t in [i.question.title for i in search_threads("フォトショ", None, 1, 20).items]) == both
    assert sorted(i.question.title for i in search_threads("photoshop", None, 1, 20).items) == both


def test_phrases_and_excludes_keep_their_meaning(app, people):
    asker, answerer = people
    resolved_thread(asker, answerer, "申込の取り消し", "本文", "はい")
    resolved_thread(asker, answerer, "申し込みの方法", "本文", "はい")
    # A quoted phrase is matched as written: no spellings, no synonyms, no tail.
    assert [i.question.title for i in search_threads('"申込"', None, 1, 20).items] == ["申込の取り消し"]
    assert [i.question.title for i in search_threads("申し込み -取り消し", None, 1, 20).items] == ["申し込みの方法"]


def test_results_show_answers_best_answer_and_tag_links(app, people, client):
    asker, answerer = people
    thread = resolved_thread(asker, answerer, "インボイスの登録", "本文", "登録しましょう")
    page = client.get("/search", query_string={"q": "インボイス"}).get_data(as_text=True)
    assert "回答 1件" in page and "ベストアンサーあり" in page and "参考になった 0" in page
    for tag in thread.tags:
        assert f'href="/tags/{tag.name}"' in page


def test_no_open_closed_or_hidden_thread_is_ranked(app, people):
    asker, answerer = people
    make_question(asker, title="請求書の相談（受付中）", body="請求書")
    hidden = resolved_thread(asker, answerer, "請求書の非表示", "本文", "はい")
    hidden.is_hidden = True
    index.refresh(hidden)
    db.session.commit()
    shown = resolved_thread(asker, answerer, "請求書の出し方", "本文", "はい")
    assert rank(db.session, parse_query("請求書 出し方")).ids == [shown.id]


def test_related_threads_and_the_similar_questions_box(app, people):
    asker, answerer = people
    me = resolved_thread(asker, answerer, "確定申告の経費について", "本文", "はい")
    near = resolved_thread(asker, answerer, "確定申告で経費にできるもの", "本文", "はい")
    far = resolved_thread(asker, answerer, "確定申告のやり方", "本文", "はい")
    resolved_thread(asker, answerer, "ロゴの納品", "本文", "はい")
    assert [q.id for q in related_threads(me)] == [near.id, far.id]
    waiting = make_question(asker, title="経費の相談です", body="本文")
    found = suggest("確定申告の経費")
    assert [(q.id, is_open) for q, is_open in found][:2] == [(me.id, False), (near.id, False)]
    assert (waiting.id, True) in [(q.id, is_open) for q, is_open in found]


# Reached on the graded set (0.780 / 1.000, both engines); a small margin below.
GRADED_NDCG = 0.77
GRADED_RECALL = 1.0


def test_graded_set(app):
    import_lines(graded_eval.corpus_lines())
    external = {q.id: q.external_id for q in db.session.scalars(db.select(Question))}

    def search(text):
        return [external[i.question.id] for i in search_threads(text, None, 1, 10).items]

    figures = graded_eval.evaluate(search)
    assert figures["ndcg@10"] >= GRADED_NDCG
    assert figures["recall@10 substring"] >= GRADED_RECALL


def test_spelling_variants_from_many_threads_at_once():
    """A threaded server tokenises queries in several threads at once: each needs its own
    Sudachi tokenizer (a shared one raised "Tokenizer is already in use" and a 500)."""
    words = ["申込", "受付", "取引", "売上", "サーバ", "連絡こない", "納品物", "見積書"] * 25

    def tokenize(word: str) -> int:
        return len(variants._tokens(word))

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert all(n >= 1 for n in pool.map(tokenize, words))
