"""Searching the knowledge base as a guest, with Japanese text."""
import pytest

from forum.extensions import db
from forum.search import index
from tests.factories import make_question, make_user, resolved_thread
from tests.functional.html import forms, text


@pytest.fixture
def threads(app):
    asker, veteran = make_user("asker"), make_user("veteran", veteran=True)
    found = {
        "fee": resolved_thread(asker, veteran, "システム利用料はいつ引かれますか",
                               "受け取る金額が思ったより少ないです。", "報酬から自動で差し引かれます。",
                               category="want_to_know"),
        "delivery": resolved_thread(asker, veteran, "検収が終わらないときの対応",
                                    "納品から一週間たっても連絡がありません。", "期限を過ぎると自動で検収されます。",
                                    category="in_trouble"),
        "answer_only": resolved_thread(asker, veteran, "出金申請の締め日について",
                                       "いつまでに申請すれば今月受け取れますか。",
                                       "毎月15日締めで、振込予約は翌営業日に確定します。",
                                       category="urgent"),
    }
    found["open"] = make_question(asker, title="報酬の相場が知りたいです", body="納品物の単価の相場は？")
    closed = resolved_thread(asker, veteran, "報酬を直接受け取りたい", "納品後に口座を教えたい。", "規約違反です。")
    closed.status, closed.close_reason, closed.status_before_close = "closed", "rule_violation", "resolved"
    index.refresh(closed)
    hidden = resolved_thread(asker, veteran, "非表示の報酬の質問", "納品と報酬の話", "非表示です")
    hidden.is_hidden = True
    index.refresh(hidden)
    db.session.commit()
    found["closed"], found["hidden"] = closed, hidden
    return found


@pytest.mark.parametrize("term, expected", [
    ("報酬", {"fee"}),  # 2 characters: below the trigram minimum
    ("納品", {"delivery"}),
    ("利用料", {"fee"}),
    ("振込予約", {"answer_only"}),  # appears only in an answer
    ("検収　自動", {"delivery"}),  # full-width space: every word must match
    ("検収 出金", set()),
])
def test_guest_finds_resolved_threads(client, threads, term, expected):
    page = text(client.get("/search", query_string={"q": term}))
    # Threads with only some of the words follow, after the label (tests/search/test_any_word.py).
    page = page.split("一部の語に一致")[0]
    shown = {key for key, q in threads.items() if f'href="/questions/{q.id}"' in page}
    assert shown == expected


def test_open_closed_and_hidden_threads_never_appear(client, threads):
    page = text(client.get("/search", query_string={"q": "報酬"}))
    for key in ("open", "closed", "hidden"):
        assert f'href="/questions/{threads[key].id}"' not in page


def test_snippet_is_highlighted_and_escaped(client, threads):
    page = text(client.get("/search", query_string={"q": "振込予約"}))
    assert "<mark>振込予約</mark>" in page
    asker, veteran = make_user("x1"), make_user("x2")
    resolved_thread(asker, veteran, "タグの書き方", "本文に <b>危険</b> なタグ", "危険 <script>alert(1)</script>")
    page = text(client.get("/search", query_string={"q": "危険"}))
    assert "<mark>危険</mark>" in page and "<script>alert(1)" not in page and "<b>" not in page


def test_category_filter(client, threads):
    page = text(client.get("/search", query_string={"q": "申請", "category": "urgent"}))
    assert f'href="/questions/{threads["answer_only"].id}"' in page
    page = text(client.get("/search", query_string={"q": "申請", "category": "in_trouble"}))
    assert f'href="/questions/{threads["answer_only"].id}"' not in page


def test_search_form_is_a_get_form_for_guests(client, threads):
    # The page's own form (the header has a second, smaller one).
    search = next(f for f in forms(client.get("/search")) if "category" in f.names)
    assert search.method == "get"
    assert "q" in search.names and "csrf_token" not in search.names
    response = client.get(search.action, query_string=search.data(q="利用料"))
    assert f'href="/questions/{threads["fee"].id}"' in text(response)


@pytest.mark.parametrize("query", [
    {"q": ""}, {"q": "a"}, {"q": "\"unterminated"}, {"q": "-"}, {"q": "x" * 5000},
    {"q": "報酬", "category": "bogus"}, {"q": "報酬", "page": "-1"}, {"q": "報酬", "page": "abc"},
    {"q": "報酬", "page": "99999999999999999999"}, {"q": "' OR 1=1 --"}, {"q": "%_"},
    {"q": "😀絵文字"}, {"q": "<script>alert(1)</script>"},
])
def test_odd_queries_do_not_fail(client, threads, query):
    response = client.get("/search", query_string=query)
    assert response.status_code == 200
    assert "<script>alert(1)" not in text(response)
