"""Profiles, the FAQ, the health check, error pages, and pages that must never 500."""
import pytest

from forum.extensions import db
from tests.factories import make_answer, make_question, make_user, resolved_thread
from tests.functional.html import text, visible_text


def test_profile_shows_questions_answers_best_answers_and_badges(client):
    alice, bob = make_user("alice"), make_user("bob", veteran=True)
    resolved_thread(alice, bob, "手数料の計算方法", "計算方法を教えてください。", "報酬の20%です。")
    other = make_question(alice, title="修正依頼は何回まで")
    make_answer(other, bob, "契約内容によります。")
    hidden = make_question(bob, title="非表示にされた質問")
    hidden.is_hidden = True
    db.session.commit()
    page = visible_text(client.get("/users/bob"))
    assert "先輩" in page and "ベストアンサー" in page
    assert "手数料の計算方法" in page and "修正依頼は何回まで" in page
    assert "非表示にされた質問" not in page
    page = visible_text(client.get("/users/alice"))
    assert "手数料の計算方法" in page and "修正依頼は何回まで" in page


def test_unknown_profile_is_404(client):
    assert client.get("/users/nobody").status_code == 404


def test_faq_has_the_six_categories(client):
    page = visible_text(client.get("/faq"))
    for title in ("認定ランサー", "直接依頼について", "振り込み依頼〜受け取りまで", "お仕事の依頼について",
                  "依頼の基本知識", "支払いについて"):
        assert title in page
    assert text(client.get("/faq")).count("<h2") == 6


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_error_pages_are_japanese(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404 and "ページが見つかりません" in text(response)
    response = client.post("/faq")
    assert response.status_code == 405 and "この方法ではアクセスできません" in text(response)
    response = client.get("/no/such/page", headers={"Accept": "application/json"})
    assert response.status_code == 404 and response.get_json()["status"] == 404


ODD = [
    "x" * 10_000,
    "nul\x00byte",
    "😀🍣 絵文字",
    "<script>alert(1)</script>",
    "\"'><img src=x onerror=alert(1)>",
    "ﾃｽﾄ　全角スペース",
    "\u202e\u200b制御文字",
    "%00%ff",
    "../../etc/passwd",
    "' OR '1'='1",
]


def _injected(page: str) -> bool:
    """True when the odd input reached the page as markup rather than escaped text."""
    return "<script>alert(1)" in page or "<img src=x" in page


@pytest.mark.parametrize("value", ODD, ids=range(len(ODD)))
def test_odd_input_in_query_parameters_never_500(client, value):
    make_question(make_user("alice"))
    for path in ("/", "/questions", "/search", "/faq", "/auth/login", "/auth/register"):
        for params in ({"q": value}, {"status": value, "category": value, "page": value},
                       {"next": value}, {"page": value, "q": "報酬"}):
            response = client.get(path, query_string=params)
            assert response.status_code < 500, (path, params, response.status_code)
            assert not _injected(text(response))


@pytest.mark.parametrize("value", ODD, ids=range(len(ODD)))
def test_odd_input_in_paths_never_500(client, value):
    from urllib.parse import quote

    for path in (f"/users/{quote(value)}", f"/questions/{quote(value)}", f"/lang/{quote(value)}"):
        assert client.get(path).status_code < 500, path


@pytest.mark.parametrize("page", ["-1", "0", "abc", "1e9", "99999999999999999999", "2147483648", ""])
def test_odd_page_numbers(client, page):
    make_question(make_user("alice"))
    for path in ("/questions", "/search?q=仮払い&", "/questions?status=open&"):
        sep = "&" if "?" in path else "?"
        assert client.get(f"{path}{sep}page={page}").status_code == 200


@pytest.mark.parametrize("value", ODD, ids=range(len(ODD)))
def test_odd_input_in_forms_never_500(client, auth, value):
    alice = make_user("alice")
    q = make_question(alice)
    for data in ({"username": value, "password": value}, {"username": value, "email": value,
                                                          "password": value, "password_confirm": value}):
        for path in ("/auth/login", "/auth/register"):
            assert client.post(path, data=data).status_code < 500, (path, data)
    auth.login("alice")
    response = client.post("/questions/new", data={"category": value, "asker_type": value, "title": value,
                                                   "body": value, "tags": value})
    assert response.status_code < 500
    assert client.post(f"/questions/{q.id}/answers", data={"body": value}).status_code < 500
    assert client.post(f"/questions/{q.id}/resolve", data={"best_answer_id": value}).status_code < 500
    # A valid post that merely contains the odd text is stored and shown escaped.
    response = client.post("/questions/new", data={"category": "urgent", "asker_type": "lancer",
                                                   "title": ("題名 " + value)[:100], "body": "本文です。" + value,
                                                   "tags": ""})
    assert response.status_code in (302, 400, 422)  # 400: a NUL byte is refused outright
    if response.status_code == 302:
        page = client.get(response.headers["Location"])
        assert page.status_code == 200
        assert not _injected(text(page))


@pytest.mark.parametrize("number", ["0", "2147483648", "9223372036854775808", "99999999999999999999"])
def test_ids_beyond_the_database_range_are_404(client, auth, number):
    make_user("mod", role="moderator")
    auth.login("mod")
    assert client.get(f"/questions/{number}").status_code == 404
    for action in ("answers", "resolve", "close", "reopen"):
        response = client.post(f"/questions/{number}/{action}", data={"body": "回答です", "reason": "spam"})
        assert response.status_code == 404, action
