"""Search and the two kinds of thread it must not lose sight of: 回答受付終了 threads (left out
by default, included with the filter and labelled), and the nearest threads shown, labelled,
when no thread holds any of the words. Both engines (SODAN_TEST_PASS)."""
import re
from datetime import timedelta

import pytest

from forum import stale
from forum.extensions import db
from forum.models import utcnow
from forum.search.nearest import nearest
from forum.search.query import parse_query
from forum.search.services import search_threads
from tests.factories import make_answer, make_question, make_user, resolved_thread
from tests.functional.html import text


def _titles(response) -> list[str]:
    found = re.findall(r'class="card-title"><a href="/questions/\d+">(.*?)</a>', text(response))
    return [re.sub(r"<[^>]+>", "", t) for t in found]


@pytest.fixture
def threads(app):
    asker, answerer = make_user("asker"), make_user("answerer")
    kept = resolved_thread(asker, answerer, "請求書の宛名を変えたい", "請求書の宛名を会社名にできますか？",
                           "設定から変更できます。")
    stale_one = make_question(asker, title="請求書の発行が遅れている", body="請求書がまだ届きません。")
    stale_one.created_at = utcnow() - timedelta(days=30)
    make_answer(stale_one, answerer, "サポートに問い合わせましょう。")
    make_question(asker, title="請求書の再発行（回答待ち）", body="請求書を再発行したいです。")  # open: never shown
    assert stale.expire(utcnow()) == 1  # the sweep's own step: 回答受付終了, indexed as such
    db.session.refresh(stale_one)
    assert stale_one.status == "expired"
    return kept, stale_one


def test_expired_threads_are_left_out_unless_the_filter_asks(client, threads):
    page = client.get("/search?q=請求書")
    assert _titles(page) == ["請求書の宛名を変えたい"]
    assert 'name="expired"' in text(page) and "checked" not in text(page).split('id="search-expired"')[1][:40]
    included = client.get("/search?q=請求書&expired=1")
    assert set(_titles(included)) == {"請求書の宛名を変えたい", "請求書の発行が遅れている"}
    assert "解決済み・回答受付終了の質問 2件" in text(included)
    body = text(included)
    cards = {re.sub(r"<[^>]+>", "", re.search(r'class="card-title">(.*?)</h2>', c, re.S).group(1)): c
             for c in body.split('<li class="card')[1:] if 'class="card-title"' in c}
    assert "回答受付終了" in cards["請求書の発行が遅れている"]  # the label, on the expired thread only
    assert "回答受付終了" not in cards["請求書の宛名を変えたい"]
    assert 'id="search-expired" type="checkbox" name="expired" value="1" checked' in body
    # The category tabs keep the filter.
    assert "expired=1" in re.search(r'<nav class="tabs".*?</nav>', body, re.S).group(0)
    assert _titles(client.get("/search?q=請求書&expired=0")) == ["請求書の宛名を変えたい"]


def test_the_filter_at_the_service_and_the_similar_questions(threads):
    assert [i.question.title for i in search_threads("発行", None, 1, 20).items] == []
    with_expired = search_threads("発行", None, 1, 20, expired=True)
    assert [(i.question.title, i.expired) for i in with_expired.items] == [("請求書の発行が遅れている", True)]


def test_nearest_threads_when_no_word_matches(client, app):
    asker, answerer = make_user("asker"), make_user("answerer")
    resolved_thread(asker, answerer, "ポートフォリオの作り方", "ポートフォリオに何を載せればいいですか？", "実績を載せましょう。")
    resolved_thread(asker, answerer, "ポートレート撮影の相場", "人物撮影の単価を知りたいです。", "1時間1万円からです。")
    resolved_thread(asker, answerer, "確定申告の時期", "いつまでに出せばいいですか？", "3月15日までです。")
    page = client.get("/search?q=ポートフォリヲ")  # a typo: no thread holds the word
    assert page.status_code == 200
    body = text(page)
    assert "見つかりませんでした" in body
    section = re.search(r'<section class="nearest".*?</section>', body, re.S).group(0)
    assert "キーワードに近い質問" in section and "近い質問</span>" in section
    near = [re.sub(r"<[^>]+>", "", t) for t in re.findall(r'<a href="/questions/\d+">(.*?)</a>', section)]
    assert near[0] == "ポートフォリオの作り方"  # shares the most two-letter pieces
    assert "確定申告の時期" not in near
    # Above the ask button, which stays.
    assert body.index('class="nearest"') < body.index("について質問する")


@pytest.mark.parametrize("q", ["zzqqxx", "ゑゑゑ", "-請求書", '"', "ー", "〜〜", "%_\\", "a", "漢"])
def test_a_query_with_no_match_at_all_is_answered_sensibly(client, app, q):
    asker, answerer = make_user("asker"), make_user("answerer")
    resolved_thread(asker, answerer, "請求書の宛名を変えたい", "請求書の宛名を会社名にできますか？", "設定から変更できます。")
    page = client.get("/search", query_string={"q": q})
    assert page.status_code == 200
    body = text(page)
    if 'data-search-empty="1"' in body:
        assert "について質問する" in body
        assert 'data-nearest="' in body  # either the nearest threads or the line saying there are none


def test_nearest_respects_the_expired_filter(client, threads):
    assert "請求書の発行が遅れている" not in _titles(client.get("/search?q=発行遅延"))
    assert "請求書の発行が遅れている" in _titles(client.get("/search?q=発行遅延&expired=1"))
    # Only the expired thread shares a piece (発行) of this query: nearest only with the filter.
    kept, stale_one = threads
    assert nearest(db.session, parse_query("発行xx")) == []
    assert nearest(db.session, parse_query("発行xx"), expired=True) == [stale_one]


def test_the_read_api_lists_resolved_threads_only(client, threads):
    kept, stale_one = threads
    found = client.get("/api/v1/search", query_string={"q": "請求書"}).get_json()
    assert [q["id"] for q in found["items"]] == [kept.id]
    assert (found["total"], found["pages"]) == (1, 1)  # the expired match is not counted either


def test_the_read_api_ranks_and_pages_like_the_search_page(app, client, threads):
    """Every page full until the last, the pages together the search page's order, and the
    total what they hold: no expired thread counted, none left out."""
    kept, stale_one = threads
    asker, answerer = make_user("asker2"), make_user("answerer2")
    more = [resolved_thread(asker, answerer, f"請求書の書き方その{i}", "請求書の書き方を教えてください。",
                            "テンプレートがあります。") for i in range(4)]
    app.config["API_PER_PAGE"] = 2
    pages = [client.get("/api/v1/search", query_string={"q": "請求書", "page": n}).get_json()
             for n in (1, 2, 3)]
    assert [(p["total"], p["pages"], len(p["items"])) for p in pages] == [(5, 3, 2), (5, 3, 2), (5, 3, 1)]
    listed = [q["id"] for p in pages for q in p["items"]]
    assert listed == [i.question.id for i in search_threads("請求書", None, 1, 20).items]
    assert set(listed) == {kept.id, *(q.id for q in more)}
