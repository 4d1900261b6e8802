"""Locale choice: Japanese by default, English with the `lang=en` cookie, `<html lang>` to match."""
import pytest

from forum.config import ROOT
from tests.factories import PASSWORD, make_user

# forum.config sets this too; passing it keeps the test explicit about which catalogue it reads.
TRANSLATIONS = {"BABEL_TRANSLATION_DIRECTORIES": str(ROOT / "translations")}


@pytest.fixture
def site(make_app):
    app = make_app(**TRANSLATIONS)
    with app.app_context():
        make_user("taro")
    return app.test_client()


def login(client):
    response = client.post("/auth/login", data={"username": "taro", "password": PASSWORD})
    assert response.status_code == 302


def test_home_is_japanese_by_default(site):
    html = site.get("/").get_data(as_text=True)
    assert '<html lang="ja">' in html
    assert "フリーランスの相談室" in html
    assert "解決済みの質問を検索" in html
    assert "Search resolved questions" not in html


def test_home_in_english_with_cookie(site):
    site.set_cookie("lang", "en")
    html = site.get("/").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "Questions and answers for freelancers" in html
    assert "Search resolved questions" in html
    assert "Ask a question" in html
    # Category labels come from lazy strings in forum/labels.py.
    assert "Want to know" in html and "Urgent" in html and "In trouble" in html
    assert "フリーランスの相談室" not in html


def test_unknown_language_falls_back_to_japanese(site):
    site.set_cookie("lang", "fr")
    html = site.get("/").get_data(as_text=True)
    assert '<html lang="ja">' in html
    assert "フリーランスの相談室" in html


def test_ask_form_is_japanese_by_default(site):
    login(site)
    html = site.get("/questions/new").get_data(as_text=True)
    assert '<html lang="ja">' in html
    assert "よい質問のためのチェックリスト" in html
    assert "タイトル" in html


def test_ask_form_in_english_with_cookie(site):
    login(site)
    site.set_cookie("lang", "en")
    html = site.get("/questions/new").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "Checklist for a good question" in html
    assert "Post your question" in html
    # Form labels and radio choices are lazy strings, resolved per request.
    assert ">Title</label>" in html
    assert "Freelancer" in html and "Client" in html
    assert "よい質問のためのチェックリスト" not in html


def test_refused_ask_form_explains_in_english(site):
    login(site)
    site.set_cookie("lang", "en")
    response = site.post("/questions/new", data={"category": "urgent", "asker_type": "lancer",
                                                 "title": "", "body": "help me please, quickly"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Please enter a title." in html
    assert "help me please, quickly" in html


def test_language_link_sets_the_cookie(site):
    response = site.get("/lang/en?next=/questions/new")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/questions/new")
    assert "lang=en" in response.headers["Set-Cookie"]
    assert '<html lang="en">' in site.get("/").get_data(as_text=True)
    site.get("/lang/ja")
    assert '<html lang="ja">' in site.get("/").get_data(as_text=True)


def test_rate_limit_and_error_pages_follow_the_language(make_app):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_LOGIN_PER_ADDRESS="1 per hour", **TRANSLATIONS)
    client = app.test_client()
    client.set_cookie("lang", "en")
    wrong = {"username": "nobody", "password": "wrong-password"}
    assert client.post("/auth/login", data=wrong).status_code == 422
    refused = client.post("/auth/login", data=wrong)
    assert refused.status_code == 429
    html = refused.get_data(as_text=True)
    assert "Too many sign-in attempts" in html and "Too many requests" in html
    missing = client.get("/questions/999999").get_data(as_text=True)
    assert "Page not found" in missing and "ページが見つかりません" not in missing
