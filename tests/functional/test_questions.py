"""Home, lists, asking, a thread page, answering and resolving, through the real forms."""
import html
import re
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import pytest
import sqlalchemy as sa

from forum.extensions import db
from forum.models import Question
from tests.factories import make_answer, make_question, make_user
from tests.functional.html import answer_ids, form, forms, submit, text

VALID_QUESTION = {
    "category": "in_trouble",
    "asker_type": "client",
    "title": "納品したのに検収されません",
    "body": "先週納品しましたが、クライアントから返事がありません。どうすればよいですか。",
    "tags": "検収, 納品",
}


def _dated(author, title, category, minutes_ago, status="open"):
    q = make_question(author, title=title, category=category, status=status)
    q.created_at = datetime(2025, 3, 1, tzinfo=UTC) - timedelta(minutes=minutes_ago)
    q.resolved_at = q.created_at if status == "resolved" else None
    db.session.commit()
    return q


def _positions(page: str, *titles: str) -> list[int]:
    positions = [page.find(t) for t in titles]
    assert all(p >= 0 for p in positions), positions
    return positions


# --- home and lists -----------------------------------------------------------------------

def test_home_lists_urgent_first_then_newest_and_recent_resolved(client):
    alice = make_user("alice")
    _dated(alice, "一番新しい困った", "in_trouble", 1)
    _dated(alice, "古い急募の質問", "urgent", 500)
    _dated(alice, "最近解決した質問", "want_to_know", 5, status="resolved")
    page = text(client.get("/"))
    urgent, trouble = _positions(page, "古い急募の質問", "一番新しい困った")
    assert urgent < trouble
    assert "最近解決した質問" in page
    for label in ("知りたい", "急募", "困った"):
        assert label in page


def test_open_list_by_status_and_category_with_pages(client, app):
    app.config["QUESTIONS_PER_PAGE"] = 2
    alice = make_user("alice")
    for n in range(3):
        _dated(alice, f"知りたい質問{n}", "want_to_know", 10 + n)
    _dated(alice, "急募の質問です", "urgent", 100)
    _dated(alice, "解決済みの質問です", "want_to_know", 1, status="resolved")
    first = text(client.get("/questions?status=open"))
    assert first.index("急募の質問です") < first.index("知りたい質問0")
    assert "知りたい質問1" not in first and "解決済みの質問です" not in first
    assert 'rel="next"' in first
    second = text(client.get("/questions?status=open&page=2"))
    assert "知りたい質問1" in second and "知りたい質問2" in second and "急募の質問です" not in second
    only_urgent = text(client.get("/questions?status=open&category=urgent"))
    assert "急募の質問です" in only_urgent and "知りたい質問0" not in only_urgent
    resolved = text(client.get("/questions?status=resolved"))
    assert "解決済みの質問です" in resolved and "急募の質問です" not in resolved


@pytest.mark.parametrize("query", [
    "status=bogus", "category=nope", "page=abc", "page=-1", "page=0", "page=99999999999999999999",
    "status=closed&category=urgent&page=3", "status=&category=&page=", "status=%E6%80%A5",
])
def test_lists_tolerate_bad_parameters(client, query):
    make_question(make_user("alice"), title="ふつうの質問です")
    response = client.get(f"/questions?{query}")
    assert response.status_code == 200


# --- asking -------------------------------------------------------------------------------

def test_ask_page_explains_categories_and_links_faq(client, auth):
    make_user("alice")
    auth.login("alice")
    page = text(client.get("/questions/new"))
    for words in ("知りたい", "急募", "困った", "一覧で先頭に表示", "チェックリスト", "具体的に", 'href="/faq"'):
        assert words in page
    ask = form(page, "/questions/new")
    assert {"category", "title", "body", "asker_type", "tags"} <= ask.names
    assert ask.data()["asker_type"] == "lancer"  # ランサー is the default 立場


def test_ask_through_the_form_redirects_to_the_thread(client, auth):
    make_user("alice")
    auth.login("alice")
    page = client.get("/questions/new")
    response = submit(client, page, "/questions/new", **VALID_QUESTION)
    assert response.status_code == 302
    question = db.session.scalar(sa.select(Question))
    assert response.headers["Location"].endswith(f"/questions/{question.id}")
    assert (question.category, question.asker_type, question.status) == ("in_trouble", "client", "open")
    thread = text(client.get(response.headers["Location"]))
    assert "納品したのに検収されません" in thread and "#検収" in thread and "クライアント" in thread


@pytest.mark.parametrize("field, value, message", [
    ("title", "", "タイトルを入力してください。"),
    ("title", "短い", "タイトルは5〜120文字で入力してください。"),
    ("title", "長" * 121, "タイトルは5〜120文字で入力してください。"),
    ("body", "", "質問の内容を入力してください。"),
    ("body", "短すぎる", "質問の内容は10〜10000文字で入力してください。"),
    ("category", "", "カテゴリを選んでください。"),
    ("category", "bogus", "選択肢が正しくありません。"),
    ("asker_type", "robot", "選択肢が正しくありません。"),
    ("tags", "a,b,c,d,e,f", "タグは5個までです。"),
    ("tags", "長" * 21, "タグは1つ20文字までです。"),
])
def test_refused_question_keeps_the_text_and_explains(client, auth, field, value, message):
    make_user("alice")
    auth.login("alice")
    data = {**VALID_QUESTION, field: value}
    response = submit(client, client.get("/questions/new"), "/questions/new", **data)
    assert response.status_code == 422
    page = text(response)
    assert message in page
    assert 'class="errors"' in page
    # What the user typed comes back (the fields that were fine, and the one that was not).
    kept = form(page, "/questions/new").data()
    for name in ("title", "body", "tags"):
        assert kept[name] == data[name].strip()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Question)) == 0


def test_ask_from_an_empty_search_starts_with_the_searched_words(client, auth):
    make_user("alice")
    auth.login("alice")
    results = text(client.get("/search", query_string={"q": "源泉徴収の書き方"}))
    assert "/questions/new?title=" in results
    page = client.get("/questions/new", query_string={"title": "源泉徴収の書き方"})
    assert form(page, "/questions/new").data()["title"] == "源泉徴収の書き方"


def test_guest_asking_is_sent_to_login(client):
    response = client.get("/questions/new")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    response = client.post("/questions/new", data=VALID_QUESTION)
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Question)) == 0


# --- one thread, answering ----------------------------------------------------------------

def test_unknown_thread_is_404_in_japanese(client):
    response = client.get("/questions/424242")
    assert response.status_code == 404 and "ページが見つかりません" in text(response)


def test_hidden_thread_is_404_for_members(client, auth):
    q = make_question(make_user("alice"))
    q.is_hidden = True
    db.session.commit()
    make_user("bob")
    auth.login("bob")
    assert client.get(f"/questions/{q.id}").status_code == 404


def test_answer_through_the_form(client, auth):
    q = make_question(make_user("alice"))
    make_user("bob")
    auth.login("bob")
    page = client.get(f"/questions/{q.id}")
    response = submit(client, page, f"/questions/{q.id}/answers", body="**仮払い**は契約時に行われます。")
    assert response.status_code == 302
    assert f"/questions/{q.id}#answer-" in response.headers["Location"]
    thread = text(client.get(f"/questions/{q.id}"))
    assert len(answer_ids(thread)) == 1 and "<strong>仮払い</strong>" in thread


def test_empty_answer_comes_back_with_a_message(client, auth):
    q = make_question(make_user("alice"))
    make_user("bob")
    auth.login("bob")
    response = submit(client, client.get(f"/questions/{q.id}"), f"/questions/{q.id}/answers", body="   ")
    assert response.status_code == 422 and "回答を入力してください。" in text(response)


def test_too_long_answer_comes_back_with_the_text(client, auth):
    q = make_question(make_user("alice"))
    make_user("bob")
    auth.login("bob")
    body = "長い回答。" * 2001
    response = submit(client, client.get(f"/questions/{q.id}"), f"/questions/{q.id}/answers", body=body)
    assert response.status_code == 422 and "回答は10000文字以内で入力してください。" in text(response)
    assert form(response, f"/questions/{q.id}/answers").data()["body"] == body


def test_suspended_member_sees_why_they_cannot_answer(client, auth):
    from datetime import timedelta

    from forum.models import utcnow

    q = make_question(make_user("alice"))
    bob = make_user("bob")
    bob.suspended_until = utcnow() + timedelta(days=1)
    db.session.commit()
    auth.login("bob")
    page = text(client.get(f"/questions/{q.id}"))
    assert "利用停止中のため回答できません（" in page and "/contact" in page and f"/questions/{q.id}/answers" not in page
    assert client.post(f"/questions/{q.id}/answers", data={"body": "停止中の回答"}).status_code == 403


def test_answering_a_closed_thread_is_409(client, auth):
    q = make_question(make_user("alice"), status="closed")
    q.close_reason = "spam"
    db.session.commit()
    make_user("bob")
    auth.login("bob")
    page = text(client.get(f"/questions/{q.id}"))
    assert "回答できません" in page and f"/questions/{q.id}/answers" not in page
    response = client.post(f"/questions/{q.id}/answers", data={"body": "それでも回答します"})
    assert response.status_code == 409
    assert "クローズされているため回答できません" in text(response)


def test_guest_answering_is_sent_to_login(client):
    q = make_question(make_user("alice"))
    page = text(client.get(f"/questions/{q.id}"))
    assert "ログイン" in page and f"/questions/{q.id}/answers" not in page
    response = client.post(f"/questions/{q.id}/answers", data={"body": "ゲストの回答"})
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


# --- resolving ----------------------------------------------------------------------------

def test_asker_resolves_with_best_answer_shown_first(client, auth):
    alice, bob, carol = make_user("alice"), make_user("bob"), make_user("carol")
    q = make_question(alice)
    first = make_answer(q, bob, "最初の回答です。")
    best = make_answer(q, carol, "こちらが役に立つ回答です。")
    auth.login("alice")
    page = client.get(f"/questions/{q.id}")
    assert answer_ids(page) == [first.id, best.id]
    choose = [f for f in forms(page)
              if f.action.endswith("/resolve") and f.data().get("best_answer_id") == str(best.id)]
    assert len(choose) == 1
    response = client.post(choose[0].action, data=choose[0].data())
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/questions/{q.id}")
    thread = text(client.get(f"/questions/{q.id}"))
    assert answer_ids(thread) == [best.id, first.id]
    assert "ベストアンサー" in thread and "解決済み" in thread
    assert thread.index("best-mark") < thread.index(f'id="answer-{first.id}"')


def test_asker_changes_best_answer_on_a_resolved_thread(client, auth):
    alice, bob, carol = make_user("alice"), make_user("bob"), make_user("carol")
    q = make_question(alice)
    first, second = make_answer(q, bob), make_answer(q, carol, "後から来たよい回答")
    auth.login("alice")
    client.post(f"/questions/{q.id}/resolve", data={"best_answer_id": first.id})
    response = client.post(f"/questions/{q.id}/resolve", data={"best_answer_id": second.id})
    assert response.status_code == 302
    assert answer_ids(client.get(f"/questions/{q.id}")) == [second.id, first.id]


def test_resolve_without_best_answer_through_the_form(client, auth):
    alice = make_user("alice")
    q = make_question(alice)
    auth.login("alice")
    page = client.get(f"/questions/{q.id}")
    step = form(page, f"/questions/{q.id}/resolve", method="get")  # the confirmation step
    confirm = client.get(step.action, query_string=step.data())
    response = submit(client, confirm, f"/questions/{q.id}/resolve", note="規約を読み直して解決しました。")
    assert response.status_code == 302
    assert db.session.get(Question, q.id).status == "resolved"


def test_non_asker_resolving_is_403(client, auth):
    alice, bob = make_user("alice"), make_user("bob")
    q = make_question(alice)
    a = make_answer(q, bob)
    auth.login("bob")
    assert f"/questions/{q.id}/resolve" not in text(client.get(f"/questions/{q.id}"))
    response = client.post(f"/questions/{q.id}/resolve", data={"best_answer_id": a.id})
    assert response.status_code == 403 and "質問者だけ" in text(response)
    assert db.session.get(Question, q.id).status == "open"


@pytest.mark.parametrize("value", ["abc", "-1", "1.5", "９", "²", "2147483648", "99999999999999999999"])
def test_bad_best_answer_id_is_refused_without_500(client, auth, value):
    alice = make_user("alice")
    q = make_question(alice)
    auth.login("alice")
    response = client.post(f"/questions/{q.id}/resolve", data={"best_answer_id": value})
    assert response.status_code in (400, 404, 422)
    assert db.session.get(Question, q.id).status == "open"


def test_guest_resolving_is_sent_to_login(client):
    q = make_question(make_user("alice"))
    response = client.post(f"/questions/{q.id}/resolve", data={})
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


@pytest.mark.parametrize("signed_in", [False, True])
def test_a_thread_shows_its_tags_in_order_each_linking_to_its_list(client, auth, signed_in):
    asker = make_user("tagger")
    question = make_question(asker, tags=("手数料", "仮払い", "C# 入門"))
    make_question(asker, title="別の質問のタイトルです", tags=("出金",))
    if signed_in:
        auth.login("tagger")
    page = client.get(f"/questions/{question.id}").get_data(as_text=True)
    shown = re.findall(r'<a class="tag" href="([^"]+)">#([^<]+)</a>', page)
    assert shown == [(f"/tags/{quote(name)}", html.escape(name)) for name in sorted(("手数料", "仮払い", "C# 入門"))]
    assert client.get(shown[0][0]).status_code == 200
    untagged = make_question(asker, title="タグのない質問です")
    assert 'class="tags"' not in client.get(f"/questions/{untagged.id}").get_data(as_text=True)
