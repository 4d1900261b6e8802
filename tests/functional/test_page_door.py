"""Kept guest pages are served at the door (forum.pagedoor), before Flask builds a request.

The app counts the requests it handles (a before-request hook added here); a response served
at the door never reaches it. Each test checks what the reader gets: the same bytes and
headers as from the app, and every write, cookie and header that changes the answer honoured.
"""
import gzip
import os
import uuid

import pytest
import sqlalchemy as sa

from forum import pagecache
from forum.extensions import db
from forum.models.operators import DailyCounter
from tests.factories import make_answer, make_question, make_user


@pytest.fixture
def reached(app):
    """How many requests reached the app (past the door)."""
    return _counting(app)


def _counting(app) -> list[str]:
    seen: list[str] = []

    def count() -> None:
        seen.append("app")

    app.before_request_funcs.setdefault(None, []).insert(0, count)
    return seen


@pytest.fixture
def thread(app):
    question = make_question(make_user("asker"), title="仮払い前に作業していいですか", body="初めての契約で不安です。")
    make_answer(question, make_user("answerer"), "仮払いを確認してから始めましょう。")
    return question


def _at_door(guest, reached, path: str, **headers):
    """The first request for a page renders it (the door keeps the whole response), the
    second is served at the door."""
    before = len(reached)
    first = guest.get(path, headers=headers)
    assert len(reached) == before + 1
    second = guest.get(path, headers=headers)
    assert len(reached) == before + 1, "served at the door, without the app"
    return first, second


def test_the_door_serves_the_apps_response_byte_for_byte(app, reached, thread):
    guest = app.test_client()
    first, third = _at_door(guest, reached, f"/questions/{thread.id}")
    assert third.status_code == 200 and third.get_data() == first.get_data()
    assert third.headers["X-Page-Cache"] == "hit"
    for name in ("Content-Type", "Content-Security-Policy", "X-Content-Type-Options", "Cache-Control", "ETag", "Vary"):
        assert third.headers.get(name) == first.headers.get(name), name
    assert "Set-Cookie" not in third.headers


def test_a_write_moves_the_page_out_at_once(app, reached, thread):
    guest = app.test_client()
    path = f"/questions/{thread.id}"
    _at_door(guest, reached, path)
    make_answer(thread, make_user("carol"), "後から来た回答です。")
    before = len(reached)
    page = guest.get(path)
    assert len(reached) == before + 1
    assert "後から来た回答です" in page.get_data(as_text=True)


def test_each_encoding_gets_its_own_copy(app, reached, thread):
    guest = app.test_client()
    path = f"/questions/{thread.id}"
    plain = _at_door(guest, reached, path)[1]
    _, zipped = _at_door(guest, reached, path, **{"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.get_data()) == plain.get_data()
    assert "Content-Encoding" not in guest.get(path).headers


def test_a_language_cookie_has_its_own_page(app, reached, thread):
    guest = app.test_client()
    path = f"/questions/{thread.id}"
    japanese = _at_door(guest, reached, path)[1]
    guest.get(f"/lang/en?next={path}")
    english = _at_door(guest, reached, path)[1]
    assert "回答する" in japanese.get_data(as_text=True)
    assert "回答する" not in english.get_data(as_text=True)


def test_a_session_a_condition_or_a_head_goes_to_the_app(app, client, auth, reached, thread):
    guest = app.test_client()
    path = f"/questions/{thread.id}"
    first = _at_door(guest, reached, path)[1]
    for request in (lambda: guest.get(path, headers={"If-None-Match": first.headers["ETag"]}),
                    lambda: guest.head(path)):
        before = len(reached)
        response = request()
        assert len(reached) == before + 1
    assert response.status_code == 200
    make_user("reader")
    auth.login("reader", follow=True)
    before = len(reached)
    page = client.get(path)
    assert len(reached) == before + 1 and "ログアウト" in page.get_data(as_text=True)


def test_counted_pages_reach_the_app_every_time(app, reached):
    guest = app.test_client()
    for _ in range(3):
        assert guest.get("/faq").status_code == 200
    assert db.session.scalar(sa.select(DailyCounter.count).where(DailyCounter.kind == "faq_view")) == 3


def test_off_with_the_page_cache(make_app, thread):
    app = make_app(PAGE_CACHE_ENABLED=False)
    seen = _counting(app)
    guest = app.test_client()
    for _ in range(3):
        guest.get(f"/questions/{thread.id}")
    assert len(seen) == 3


def test_a_database_down_reaches_the_app_which_says_so(make_app):
    app = make_app(SQLALCHEMY_DATABASE_URI="sqlite:////nonexistent-folder/sodan.db")
    page = app.test_client().get("/")
    assert page.status_code == 503
    assert "Set-Cookie" not in page.headers


def test_pages_that_are_never_kept_never_read_the_version(app, reached, monkeypatch):
    """/healthz and a 404 answer without the door reading the content version."""
    reads: list[str] = []
    read = pagecache.current_version

    def counted(*engine) -> str:
        reads.append("read")
        return read(*engine)

    monkeypatch.setattr(pagecache, "current_version", counted)
    guest = app.test_client()
    for path, status in (("/healthz", 200), ("/no-such-page", 404), ("/healthz", 200)):
        before = len(reached)
        assert guest.get(path).status_code == status
        assert len(reached) == before + 1
    assert reads == []
    guest.get("/")
    assert reads, "a kept page's URL does read it"


def _cold_read(app, path: str, monkeypatch) -> tuple[int, list[str]]:
    """Read a page nobody read yet: how often the version is read, and the app's own lookups."""
    reads, lookups = [], []
    read = pagecache.current_version

    def counted(*engine) -> str:
        reads.append("read")
        return read(*engine)

    pages = app.extensions["sodan_page_store"]
    get = pages.get

    def looked(key):
        lookups.append(key)
        return get(key)

    monkeypatch.setattr(pagecache, "current_version", counted)
    monkeypatch.setattr(pages, "get", looked)
    assert app.test_client().get(path).headers["X-Page-Cache"] == "miss"
    return len(reads), [key for key in lookups if not key.startswith("door:")]


def test_a_page_missed_at_the_door_reads_the_version_once(app, thread, monkeypatch):
    reads, lookups = _cold_read(app, f"/questions/{thread.id}", monkeypatch)
    assert reads == 1
    assert len(lookups) == 1  # per process the app looks too: the LRUs drop different pages


@pytest.mark.skipif(not os.environ.get("TEST_REDIS_URL"), reason="TEST_REDIS_URL not set (.ci/run sets it)")
def test_with_redis_a_page_missed_at_the_door_is_looked_for_once(make_app, thread, monkeypatch):
    prefix = f"door-test-{uuid.uuid4().hex}:"
    app = make_app(REDIS_URL=os.environ["TEST_REDIS_URL"], PAGE_CACHE_PREFIX=prefix)
    store = pagecache.door_store(app)
    try:
        with app.app_context():
            path = f"/questions/{thread.id}"
            written: list[list[str]] = []
            original_set_many = store.set_many

            def set_many(entries):
                written.append(sorted(entries))
                original_set_many(entries)

            monkeypatch.setattr(store, "set", lambda key, value: written.append([key]))
            monkeypatch.setattr(store, "set_many", set_many)
            assert _cold_read(app, path, monkeypatch) == (1, [])  # Redis: one round trip, the door's
            # ... and one to keep the page and the door's response to it, together.
            assert len(written) == 1 and sorted(key.startswith("door:") for key in written[0]) == [False, True]
            browser = app.test_client().get(path, headers={"Accept-Encoding": "gzip"})
            assert browser.headers["X-Page-Cache"] == "hit"  # another encoding: the app finds the page
    finally:
        for key in store.client.scan_iter(f"{prefix}*"):
            store.client.delete(key)
