"""Guest pages come from the cache, and every write a reader can see shows at once.

Each test first has a guest load the page twice (the second time from the cache: the
X-Page-Cache header says so), then makes the change the way a member or a moderator does,
through the real forms, and loads the page again as the same guest.
"""
import pytest
import sqlalchemy as sa

from forum import pagecache
from forum.extensions import db
from forum.models import Answer, ContentVersion, Question
from tests.factories import make_answer, make_question, make_user, resolved_thread
from tests.functional.html import form, text


@pytest.fixture
def guest(app):
    """A second browser: never signs in, keeps its own cookies."""
    return app.test_client()


def _cached(guest, path: str) -> str:
    """Load a page twice as a guest; the second answer must come from the cache."""
    first = guest.get(path)
    assert first.status_code == 200, path
    again = guest.get(path)
    assert again.headers.get("X-Page-Cache") == "hit", (path, again.headers)
    assert again.get_data() == first.get_data()
    return text(again)


def _fresh(guest, path: str) -> str:
    page = guest.get(path)
    assert page.status_code == 200
    assert page.headers.get("X-Page-Cache") == "miss", "a write must move the page out of the cache"
    return text(page)


def _main(page: str) -> str:
    """What the reader sees, without the head (whose JSON-LD carries the answers' text too)."""
    return page[page.index("<main"):]


@pytest.fixture
def thread(app):
    asker, answerer = make_user("asker"), make_user("answerer")
    question = make_question(asker, title="仮払い前に作業していいですか", body="初めての契約で不安です。")
    make_answer(question, answerer, "仮払いを確認してから始めましょう。")
    return question


def test_a_new_answer_shows_at_once(client, auth, guest, thread):
    path = f"/questions/{thread.id}"
    assert "キャッシュ後の回答" not in _cached(guest, path)
    make_user("bob")
    auth.login("bob")
    page = client.get(path)
    assert client.post(f"{path}/answers", data=form(page, f"{path}/answers").data(body="キャッシュ後の回答です。")).status_code == 302
    assert "キャッシュ後の回答" in _fresh(guest, path)
    assert "回答 2件" in _cached(guest, "/")  # the home page's count moved too


def test_an_edit_shows_at_once(client, auth, guest, thread):
    path = f"/questions/{thread.id}"
    _cached(guest, path)
    auth.login("asker")
    page = client.get(f"{path}/edit")
    data = form(page, "/edit").data(title="仮払い前に作業を始めてもいいですか（編集）")
    assert client.post(f"{path}/edit", data=data).status_code == 303
    assert "（編集）" in _fresh(guest, path)
    answer = db.session.scalar(sa.select(Answer).where(Answer.question_id == thread.id))
    auth.logout()
    auth.login("answerer")
    page = client.get(f"/answers/{answer.id}/edit")
    assert client.post(f"/answers/{answer.id}/edit",
                       data=form(page, "/edit").data(body="編集した回答本文です。")).status_code == 303
    assert "編集した回答本文です" in _fresh(guest, path)


def test_resolve_and_a_new_best_answer_show_at_once(client, auth, guest, thread):
    path = f"/questions/{thread.id}"
    second = make_answer(thread, make_user("carol"), "別の視点の回答です。")
    assert "ベストアンサー" not in _cached(guest, path)
    auth.login("asker")
    first = db.session.scalar(sa.select(Answer).where(Answer.question_id == thread.id).order_by(Answer.id))
    assert client.post(f"{path}/resolve", data={"best_answer_id": first.id}).status_code == 302
    page = _main(_fresh(guest, path))
    assert "解決済み" in page and page.index("ベストアンサー") < page.index("仮払いを確認してから")
    _cached(guest, path)
    assert client.post(f"{path}/resolve", data={"best_answer_id": second.id}).status_code == 302
    page = _main(_fresh(guest, path))
    assert page.index("別の視点の回答です") < page.index("仮払いを確認してから")


def test_close_and_reopen_show_at_once(client, auth, guest, thread):
    path = f"/questions/{thread.id}"
    make_user("mod", role="moderator")
    _cached(guest, path)
    auth.login("mod")
    assert client.post(f"{path}/close", data={"reason": "off_topic", "note": "趣旨と異なります"}).status_code == 302
    assert "このスレッドはクローズされました" in _fresh(guest, path)
    _cached(guest, path)
    assert client.post(f"{path}/reopen").status_code == 302
    assert "このスレッドはクローズされました" not in _fresh(guest, path)


def test_hide_and_restore_show_at_once(client, auth, guest, thread):
    path = f"/questions/{thread.id}"
    make_user("mod", role="moderator")
    answer = db.session.scalar(sa.select(Answer).where(Answer.question_id == thread.id))
    assert "仮払いを確認してから" in _cached(guest, path)
    auth.login("mod")
    assert client.post(f"/moderation/posts/answer/{answer.id}/hide", data={"note": "宣伝"}).status_code == 303
    assert "仮払いを確認してから" not in _fresh(guest, path)
    _cached(guest, path)
    assert client.post(f"/moderation/posts/answer/{answer.id}/restore", data={"note": ""}).status_code == 303
    assert "仮払いを確認してから" in _fresh(guest, path)
    assert client.post(f"/moderation/posts/question/{thread.id}/hide", data={"note": "規則違反"}).status_code == 303
    assert guest.get(path).status_code == 404


def test_a_helpful_mark_shows_at_once(client, auth, guest, thread):
    path = f"/questions/{thread.id}"
    assert "参考になった 1" not in _cached(guest, path)
    make_user("dave")
    auth.login("dave")
    answer = db.session.scalar(sa.select(Answer).where(Answer.question_id == thread.id))
    assert client.post(f"/answers/{answer.id}/helpful").status_code == 302
    assert "参考になった 1" in _fresh(guest, path)


def test_a_badge_and_a_suspension_show_at_once(client, auth, guest, thread):
    path = f"/questions/{thread.id}"
    make_user("mod", role="moderator")
    _cached(guest, path)
    assert 'class="badge veteran"' not in guest.get(path).get_data(as_text=True)
    auth.login("mod")
    assert client.post("/moderation/users/answerer/veteran/grant", data={"note": ""}).status_code == 303
    _fresh(guest, path)
    assert 'class="badge veteran"' in guest.get(path).get_data(as_text=True)
    _cached(guest, "/users/answerer")
    assert client.post("/moderation/users/answerer/suspend", data={"days": "3", "reason": "宣伝の繰り返し"}).status_code == 303
    _fresh(guest, "/users/answerer")  # what guests see of a profile does not show it, but it moved
    assert "利用停止中" in text(client.get("/users/answerer"))  # the moderators' panel says so


def test_the_language_switch_is_never_served_from_the_other_language(guest, thread):
    path = f"/questions/{thread.id}"
    assert "回答する" in _cached(guest, path)
    guest.get(f"/lang/en?next={path}")
    english = guest.get(path)
    assert english.headers.get("X-Page-Cache") == "miss"
    assert "Answer" in text(english) and "回答する" not in text(english)
    assert guest.get(path).headers.get("X-Page-Cache") == "hit"  # kept per language
    guest.get(f"/lang/ja?next={path}")
    assert "回答する" in text(guest.get(path))


def test_a_search_page_follows_a_resolve(client, auth, guest, app):
    asker = make_user("asker")
    question = make_question(asker, title="源泉徴収の計算方法を教えてください", body="報酬から引かれる額がわかりません。")
    make_answer(question, make_user("answerer"), "10.21%です。")
    assert "の計算方法を教えて" not in _cached(guest, "/search?q=源泉徴収")
    auth.login("asker")
    assert client.post(f"/questions/{question.id}/resolve", data={"note": "自分で解決しました"}).status_code == 302
    assert "の計算方法を教えて" in _fresh(guest, "/search?q=源泉徴収")


def test_members_never_get_the_guests_page(client, auth, guest, thread):
    """(Their own kept pages: test_member_page_cache.py.)"""
    path = f"/questions/{thread.id}"
    _cached(guest, path)
    auth.login("answerer")
    for _ in range(2):
        page = client.get(path)
        assert page.headers.get("X-Page-Cache") in (None, "member miss", "member hit")
        assert page.headers["Cache-Control"] == "private, no-cache"
        assert "ログアウト" in text(page)  # their own header, not the guest's
    assert client.get("/").headers.get("X-Page-Cache") is None  # other pages are rendered afresh


def test_a_cached_page_carries_no_cookie_token_or_flash(client, auth, guest, thread):
    path = f"/questions/{thread.id}"
    cached = guest.get(path)
    cached = guest.get(path)
    assert cached.headers.get("X-Page-Cache") == "hit"
    assert "Set-Cookie" not in cached.headers
    assert "csrf_token" not in cached.get_data(as_text=True)
    assert cached.headers["Cache-Control"] == "public, no-cache"
    assert "Cookie" in cached.headers["Vary"]
    # A guest with a message waiting (signed out just now) gets the message, not the cached page.
    auth.login("answerer")
    auth.logout()
    page = client.get(path)
    assert "X-Page-Cache" not in page.headers
    assert "ログアウトしました" in text(page)
    assert client.get(path).headers.get("X-Page-Cache") == "hit"  # the message was shown once


def test_a_guest_page_that_makes_a_csrf_token_is_not_kept(guest):
    guest.get("/auth/login")
    assert "X-Page-Cache" not in guest.get("/auth/login").headers  # not a cached view at all
    guest.get("/faq")
    assert guest.get("/faq").headers.get("X-Page-Cache") == "hit"


def test_etag_revalidation_until_the_next_write(guest, thread):
    path = f"/questions/{thread.id}"
    etag = guest.get(path).headers["ETag"]
    assert guest.get(path, headers={"If-None-Match": etag}).status_code == 304
    resolved_thread(thread.author, make_user("erin"), "別スレッド", "本文です本文です", "回答です")
    changed = guest.get(path, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


def test_bulk_writes_count_too(app, runner, guest, tmp_path):
    assert "一括で入った質問" not in _cached(guest, "/")
    lines = tmp_path / "threads.jsonl"
    lines.write_text('{"external_id": "bulk-1", "category": "want_to_know", "title": "一括で入った質問です",'
                     ' "body": "本文です本文です", "author": "importer", "status": "open", "answers": []}\n',
                     encoding="utf-8")
    assert runner.invoke(args=["forum", "import", str(lines)]).exit_code == 0
    assert "一括で入った質問" in _fresh(guest, "/")


def test_the_version_row_comes_back_if_the_table_was_emptied(app):
    epoch = pagecache.current_version().split(".")[0]
    db.session.execute(sa.delete(ContentVersion))
    db.session.commit()
    assert pagecache.current_version() == "none"
    make_user("asker")
    again = pagecache.current_version()
    assert again.split(".")[1] == "1" and again.split(".")[0] != epoch  # a new epoch: old pages never match


def test_a_read_moves_nothing(app, client, thread):
    before = pagecache.current_version()
    client.get(f"/questions/{thread.id}")
    client.get("/search?q=仮払い")
    db.session.expire_all()
    assert pagecache.current_version() == before
    assert db.session.get(Question, thread.id) is not None


def test_every_guest_page_is_kept_with_csrf_on(make_app):
    """With CSRF protection on, as in production: a guest's page makes no token, so it is kept."""
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        asker, answerer = make_user("asker"), make_user("answerer")
        thread_id = resolved_thread(asker, answerer, "インボイス登録は必要ですか", "本文です本文です", "取引先次第です。").id
    guest = app.test_client()
    for path in ("/", "/questions", "/questions?status=resolved&page=2", f"/questions/{thread_id}",
                 "/search?q=インボイス", "/search/suggest?q=インボイス", "/faq", "/users/answerer"):
        first = guest.get(path)
        assert first.status_code == 200 and "Set-Cookie" not in first.headers, path
        assert guest.get(path).headers.get("X-Page-Cache") == "hit", path
