"""Hostile or odd input loses nothing and never breaks a page: the cases found by hand.
(The property-based sweep over every form and parameter is tests/functional/test_fuzz_forms.py.)"""
import re

import pytest
import sqlalchemy as sa

from forum.extensions import db
from forum.inputs import clean_text, text_length
from forum.models import Answer, Question
from tests.factories import PASSWORD, make_answer, make_question, make_user
from tests.functional.html import form, text


@pytest.fixture
def member(app, auth):
    make_user("member")
    auth.login("member")


def _ask_form(client):
    return form(client.get("/questions/new"), "/questions/new")


def _body_counter(page) -> int:
    found = re.search(r'id="body-count"[^>]*>\s*<span class="char-count-value">(\d+)</span>', text(page))
    assert found, "the body has a live counter"
    return int(found.group(1))


@pytest.mark.parametrize("value", [" ", "\t", "  12", "１", "²", "-1", "1e3", "99999999999"])
def test_a_bad_best_answer_id_is_a_400_not_a_500(app, client, auth, value):
    asker = make_user("asker")
    question = make_question(asker)
    make_answer(question, make_user("answerer"))
    auth.login("asker")
    assert client.post(f"/questions/{question.id}/resolve", data={"best_answer_id": value}).status_code == 400
    assert db.session.get(Question, question.id).status == "open"


@pytest.mark.parametrize("field", ["title", "body", "tags", "category", "asker_type"])
def test_a_nul_character_in_any_field_keeps_what_was_written(client, member, field):
    ask = _ask_form(client)
    typed = {"category": "want_to_know", "asker_type": "lancer", "title": "支払いのタイミングについて",
             "body": "納品してから支払いまで\r\nどのくらいかかりますか。", "tags": "支払い, 検収"}
    typed[field] = typed[field][:2] + "\x00" + typed[field][2:]
    # With a title that is too short, the form is refused: everything else must come back.
    refused = client.post(ask.action, data=ask.data(**{**typed, "title": "短い\x00" if field == "title" else "短い"}))
    assert refused.status_code == 422
    back = form(refused, "/questions/new").data()
    for name in ("body", "tags", "category", "asker_type"):
        assert back[name] == clean_text(typed[name]), name
    assert "\x00" not in text(refused)
    # And a good form with a NUL in it is posted, without the NUL.
    posted = client.post(ask.action, data=ask.data(**typed))
    assert posted.status_code == 302
    question = db.session.scalars(sa.select(Question)).one()
    assert "\x00" not in question.title + question.body
    assert question.body == "納品してから支払いまで\nどのくらいかかりますか。"


def test_line_breaks_count_as_one_character_as_in_the_browser(client, member):
    ask = _ask_form(client)
    lines = ["あ" * 99] * 99 + ["い" * (9_950 - 99 * 99 - 99)]
    typed = "\n".join(lines)
    assert len(typed) == 9_950 and typed.count("\n") == 99
    sent = typed.replace("\n", "\r\n")  # what a browser submits
    assert len(sent) == 10_049
    posted = client.post(ask.action, data=ask.data(category="want_to_know", title="長い質問を投稿します", body=sent))
    assert posted.status_code == 302
    assert db.session.scalars(sa.select(Question.body)).one() == typed
    # One character over is refused, and the text comes back whole with its count.
    over = typed + "う" * 51
    refused = client.post(ask.action, data=ask.data(category="want_to_know", title="長い質問を投稿します",
                                                     body=over.replace("\n", "\r\n")))
    assert refused.status_code == 422
    assert "10000文字" in text(refused)
    assert form(refused, "/questions/new").data()["body"] == over
    assert _body_counter(refused) == len(over) == text_length(over.replace("\n", "\r\n")) == 10_001


def test_the_ask_form_shows_a_live_counter_served_by_the_app(client, member):
    page = client.get("/questions/new")
    assert _body_counter(page) == 0
    assert re.search(r'<textarea[^>]*aria-describedby="[^"]*body-count', text(page))
    assert '<script src="/static/js/charcount.js" defer></script>' in text(page)
    script = client.get("/static/js/charcount.js")
    assert script.status_code == 200 and b"char-count" in script.data


def test_the_counter_on_the_answer_form(client, member):
    question = make_question(make_user("asker"))
    page = client.get(f"/questions/{question.id}")
    assert _body_counter(page) == 0


def test_clean_text():
    assert clean_text("a\r\nb\rc\nd") == "a\nb\nc\nd"
    assert clean_text("a\x00b\x07c\td\x7f") == "abc\td"
    assert text_length("改行\r\nは1文字") == 7


def test_a_rate_limited_question_comes_back_with_the_text_and_the_wait(make_app):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_QUESTION_NEW_ACCOUNT="1 per hour")
    with app.app_context():
        make_user("newcomer")
    client = app.test_client()
    client.post("/auth/login", data={"username": "newcomer", "password": PASSWORD})
    ask = form(client.get("/questions/new"), "/questions/new")
    first = client.post(ask.action, data=ask.data(category="urgent", title="一つ目の質問です", body="一つ目の質問の本文です。"))
    assert first.status_code == 302
    typed = {"category": "in_trouble", "asker_type": "client", "title": "二つ目の質問です",
             "body": "長く書いた二つ目の質問の本文です。\n消えると困ります。", "tags": "納期, 検収"}
    refused = client.post(ask.action, data=ask.data(**typed))
    assert refused.status_code == 429
    wait = int(refused.headers["Retry-After"])
    assert 0 < wait <= 3600
    page = text(refused)
    assert "短い時間に質問を投稿しすぎています" in page
    assert re.search(r"あと約\d+(秒|分|時間)で、もう一度投稿できます", page)
    assert form(refused, "/questions/new").data() == {**ask.data(), **typed}
    assert 'role="alert"' in page


def test_a_rate_limited_answer_comes_back_with_the_text_and_the_wait(make_app):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_ANSWER_NEW_ACCOUNT="1 per hour")
    with app.app_context():
        question = make_question(make_user("asker"))
        make_user("newcomer")
        question_id = question.id
    client = app.test_client()
    client.post("/auth/login", data={"username": "newcomer", "password": PASSWORD})
    url = f"/questions/{question_id}/answers"
    assert client.post(url, data={"body": "一つ目の回答です。"}).status_code == 302
    refused = client.post(url, data={"body": "二つ目の回答です。\n大事なことを書きました。"})
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    page = text(refused)
    assert "短い時間に回答を投稿しすぎています" in page and "もう一度投稿できます" in page
    assert form(refused, url).data()["body"] == "二つ目の回答です。\n大事なことを書きました。"
    # The limit is checked before the thread is looked up: a missing thread is still a 404.
    assert client.post("/questions/99999/answers", data={"body": "x"}).status_code == 404
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Answer)) == 1
