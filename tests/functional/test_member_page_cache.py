"""A signed-in member's thread page is kept for that member alone, and every change shows at once.

The page is kept under the content version, the language, the member, their follow of the
thread, their unread count and the URL (forum.pagecache.member_page). Each test has the member
load the page twice (the second time kept: X-Page-Cache says "member hit"), then makes a
change the way people do, through the real forms, and loads it again.
"""
import re

import pytest
import sqlalchemy as sa

from forum import notify
from forum.extensions import db
from forum.models import Answer, Notification
from tests.factories import PASSWORD, make_answer, make_question, make_user
from tests.functional.html import form, text

TOKEN = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"|value="([^"]+)" name="csrf_token"')


@pytest.fixture
def thread(app):
    asker, answerer = make_user("asker"), make_user("answerer")
    make_user("reader")
    question = make_question(asker, title="仮払い前に作業していいですか", body="初めての契約で不安です。")
    make_answer(question, answerer, "仮払いを確認してから始めましょう。")
    return question


def _signed_in(app, username: str):
    """Another browser, signed in as `username`."""
    browser = app.test_client()
    assert browser.post("/auth/login", data={"username": username, "password": PASSWORD},
                        follow_redirects=True).status_code == 200
    return browser


def _tokens(page) -> set[str]:
    return {a or b for a, b in TOKEN.findall(page.get_data(as_text=True))}


def _kept(client, path: str):
    """Load a page twice as the signed-in member; the second answer must be the kept page."""
    first = client.get(path)
    assert first.status_code == 200, path
    assert first.headers.get("X-Page-Cache") == "member miss"
    again = client.get(path)
    assert again.headers.get("X-Page-Cache") == "member hit", again.headers
    return first, again


def _fresh(client, path: str) -> str:
    page = client.get(path)
    assert page.status_code == 200
    assert page.headers.get("X-Page-Cache") == "member miss", "the change must move the page out"
    return text(page)


def _without_tokens(page) -> str:
    return TOKEN.sub("TOKEN", page.get_data(as_text=True))


def test_the_kept_page_is_the_rendered_page_with_this_requests_token(client, auth, thread):
    path = f"/questions/{thread.id}"
    auth.login("reader", follow=True)
    first, again = _kept(client, path)
    assert again.headers["Cache-Control"] == "private, no-cache"
    assert "ETag" not in again.headers
    assert _without_tokens(again) == _without_tokens(first)
    tokens = _tokens(again)
    assert len(tokens) == 1 and "\x00" not in again.get_data(as_text=True)
    assert "reader" in text(again) and "ログアウト" in text(again)


def test_the_token_of_a_kept_page_is_accepted(make_app, thread):
    app = make_app(WTF_CSRF_ENABLED=True)
    browsers = [app.test_client(), app.test_client()]  # the same member in two browsers
    for browser in browsers:
        login = browser.get("/auth/login")
        assert browser.post("/auth/login", data=form(login, "/auth/login").data(
            username="reader", password=PASSWORD), follow_redirects=True).status_code == 200
    path = f"/questions/{thread.id}"
    browsers[0].get(path)
    kept = browsers[1].get(path)  # kept by the first browser, served to the second
    assert kept.headers.get("X-Page-Cache") == "member hit"
    follow = form(kept, f"{path}/follow")
    assert browsers[1].post(f"{path}/follow", data=follow.data()).status_code == 303
    assert "フォローを解除する" in text(browsers[1].get(path))


def test_another_member_never_gets_it(client, auth, thread):
    path = f"/questions/{thread.id}"
    auth.login("reader", follow=True)
    _kept(client, path)
    client.post("/auth/logout", follow_redirects=True)
    auth.login("answerer", follow=True)
    page = client.get(path)
    assert page.headers.get("X-Page-Cache") == "member miss"
    assert 'href="/users/answerer">answerer</a></li>' in page.get_data(as_text=True)
    assert "/users/reader" not in page.get_data(as_text=True)
    client.post("/auth/logout", follow_redirects=True)
    assert client.get(path).headers.get("X-Page-Cache") == "miss"  # a guest gets the guests' page
    assert "ログアウト" not in text(client.get(path))


def test_a_new_answer_and_a_helpful_mark_show_at_once(app, client, auth, thread):
    path = f"/questions/{thread.id}"
    other = _signed_in(app, "answerer")
    auth.login("reader", follow=True)
    _kept(client, path)
    page = other.get(path)
    assert other.post(f"{path}/answers", data=form(page, f"{path}/answers").data(
        body="別の回答者からの回答です。")).status_code == 302
    assert "別の回答者からの回答です" in _fresh(client, path)
    assert client.get(path).headers.get("X-Page-Cache") == "member hit"
    answer = db.session.scalar(sa.select(Answer).where(Answer.question_id == thread.id).order_by(Answer.id))
    assert client.post(f"/answers/{answer.id}/helpful", follow_redirects=True).status_code == 200
    page = client.get(path)
    assert page.headers.get("X-Page-Cache") == "member miss"
    assert 'aria-pressed="true"' in page.get_data(as_text=True)


def test_a_follow_changes_the_page_though_it_leaves_the_version_alone(client, auth, thread):
    path = f"/questions/{thread.id}"
    auth.login("reader", follow=True)
    kept = _kept(client, path)[1]
    assert "この質問をフォローする" in text(kept)
    assert client.post(f"{path}/follow", follow_redirects=True).status_code == 200  # its flash shown
    assert "フォローを解除する" in _fresh(client, path)
    assert client.post(f"{path}/follow", follow_redirects=True).status_code == 200
    page = client.get(path)
    assert page.headers.get("X-Page-Cache") == "member hit"  # kept when they last did not follow
    assert "この質問をフォローする" in text(page)


def test_the_unread_count_is_the_current_one(client, auth, thread):
    """A notification leaves the content version alone: the header's count is in the key."""
    other = make_question(make_user("carol"), title="別の質問です", body="本文です。")
    path = f"/questions/{thread.id}"
    auth.login("asker", follow=True)
    _kept(client, path)
    notify.notify(thread.author_id, "comment", other.author_id, other)
    db.session.commit()
    page = client.get(path)
    assert page.headers.get("X-Page-Cache") == "member miss"
    assert 'data-unread="1"' in page.get_data(as_text=True)
    assert client.post("/notifications/read").status_code in (302, 303)
    assert 'data-unread="0"' in client.get(path).get_data(as_text=True)


def test_opening_a_kept_page_still_reads_its_notifications(client, auth, thread):
    path = f"/questions/{thread.id}"
    carol = make_user("carol")
    auth.login("asker", follow=True)
    _kept(client, path)
    notify.notify(thread.author_id, "comment", carol, thread)
    db.session.commit()
    page = client.get(path)
    assert page.headers.get("X-Page-Cache") == "member hit"  # the page as it is once read
    assert 'data-unread="0"' in page.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification)
                             .where(Notification.read_at.is_(None))) == 0


def test_a_suspension_shows_at_once(app, client, auth, thread):
    path = f"/questions/{thread.id}"
    make_user("mod", role="moderator")
    auth.login("reader", follow=True)
    _kept(client, path)
    moderator = _signed_in(app, "mod")
    assert moderator.post("/moderation/users/reader/suspend",
                          data={"days": "3", "reason": "宣伝の繰り返し"}).status_code == 303
    page = _fresh(client, path)
    assert "利用停止中です" in page


def test_a_flash_is_shown_once_on_a_fresh_page(client, auth, thread):
    path = f"/questions/{thread.id}"
    auth.login("reader", follow=True)
    _kept(client, path)
    page = client.get(path)
    assert client.post(f"{path}/answers", data=form(page, f"{path}/answers").data(
        body="読者からの回答です。")).status_code == 302
    shown = client.get(path)
    assert "回答を投稿しました" in text(shown)
    assert shown.headers.get("X-Page-Cache") is None  # a page with a flash is not kept
    again = client.get(path)
    assert "回答を投稿しました" not in text(again)


def test_each_language_is_kept_apart(client, auth, thread):
    path = f"/questions/{thread.id}"
    auth.login("reader", follow=True)
    _kept(client, path)
    client.get(f"/lang/en?next={path}")
    english = client.get(path)
    assert english.headers.get("X-Page-Cache") == "member miss"
    assert "Log out" in text(english) or "Sign out" in text(english)
