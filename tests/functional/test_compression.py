"""Responses are compressed as the browser accepts, except those that carry a secret.

Guest pages, feeds, the API and static files come compressed (zstd, Brotli or gzip) and read
back to the very bytes of the uncompressed page; a kept guest page is compressed once, and a
write shows through its compressed copy at once. A page with a CSRF token (every signed-in
member's page) is never compressed (BREACH)."""
import gzip

import brotli
import pytest
from backports import zstd
from flask_compress import flask_compress

from tests.factories import PASSWORD, make_answer, make_question, make_user
from tests.functional.html import form, submit

BROWSER = "gzip, deflate, br, zstd"  # what Chromium sends
DECODE = {"zstd": zstd.decompress, "br": brotli.decompress, "gzip": gzip.decompress}


def _long_body(seed: str) -> str:
    return (seed + "仮払いの流れと、納品のあとに検収を待つ期間について説明します。") * 8


@pytest.fixture
def thread(app):
    question = make_question(make_user("asker"), title="検収が終わらないときはどうすればよいですか",
                             body=_long_body("質問です。"))
    make_answer(question, make_user("bob"), _long_body("回答です。"))
    return question


@pytest.mark.parametrize("encoding", ["zstd", "br", "gzip"])
def test_a_guest_page_comes_compressed_as_the_browser_accepts(app, thread, encoding):
    guest = app.test_client()
    path = f"/questions/{thread.id}"
    plain = guest.get(path, headers={"Accept-Encoding": "identity"})
    packed = guest.get(path, headers={"Accept-Encoding": encoding})
    assert plain.headers.get("Content-Encoding") is None
    assert packed.headers["Content-Encoding"] == encoding
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert len(packed.get_data()) < len(plain.get_data()) / 3
    assert DECODE[encoding](packed.get_data()) == plain.get_data()


def test_a_kept_page_is_compressed_once_and_revalidates(app, thread, monkeypatch):
    compressed: list[str] = []
    real = flask_compress._compress_data

    def counted(app, data: bytes, algorithm: str) -> bytes:
        compressed.append(algorithm)
        return real(app, data, algorithm)

    monkeypatch.setattr(flask_compress, "_compress_data", counted)
    guest = app.test_client()
    path = f"/questions/{thread.id}"
    first = guest.get(path, headers={"Accept-Encoding": BROWSER})
    again = guest.get(path, headers={"Accept-Encoding": BROWSER})
    assert (first.headers["X-Page-Cache"], again.headers["X-Page-Cache"]) == ("miss", "hit")
    assert compressed == ["zstd"] and again.get_data() == first.get_data()
    unchanged = guest.get(path, headers={"Accept-Encoding": BROWSER, "If-None-Match": again.headers["ETag"]})
    assert unchanged.status_code == 304 and compressed == ["zstd"]


def test_a_write_shows_through_the_compressed_copy_at_once(app, client, auth, thread):
    guest = app.test_client()
    path = f"/questions/{thread.id}"

    def page() -> str:
        return zstd.decompress(guest.get(path, headers={"Accept-Encoding": "zstd"}).get_data()).decode()

    assert "新しく書いた回答です" not in page() + page()
    make_user("carol")
    auth.login("carol")
    posted = client.post(f"{path}/answers", data=form(client.get(path), f"/questions/{thread.id}/answers").data(
        body="新しく書いた回答です。検収の期限を確認しましょう。"))
    assert posted.status_code == 302
    assert "新しく書いた回答です" in page()


def test_pages_with_a_csrf_token_are_never_compressed(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        path = f"/questions/{make_question(make_user('asker'), body=_long_body('質問です。')).id}"
        make_user("carol")
    browser = app.test_client()
    login = browser.get("/auth/login", headers={"Accept-Encoding": BROWSER})
    assert b'name="csrf_token"' in login.get_data() and "Content-Encoding" not in login.headers
    signed_in = submit(browser, login, "/auth/login", username="carol", password=PASSWORD)
    assert signed_in.status_code == 302
    page = browser.get(path, headers={"Accept-Encoding": BROWSER})
    assert page.status_code == 200 and b'name="csrf_token"' in page.get_data()
    assert "Content-Encoding" not in page.headers and "Accept-Encoding" in page.headers["Vary"]
    # The same page for a guest carries no token, and is compressed.
    guest = app.test_client().get(path, headers={"Accept-Encoding": BROWSER})
    assert guest.headers["Content-Encoding"] == "zstd"
    assert b"csrf_token" not in zstd.decompress(guest.get_data())


def test_static_files_feeds_and_the_api_come_compressed(app, thread):
    guest = app.test_client()
    for path in ("/static/css/site.css", "/feeds/resolved.atom", "/api/v1/questions", "/sitemap.xml"):
        response = guest.get(path, headers={"Accept-Encoding": "br"})
        plain = guest.get(path)
        if len(plain.get_data()) >= 1024:
            assert response.headers.get("Content-Encoding") == "br", path
            assert brotli.decompress(response.get_data()) == plain.get_data(), path
        else:  # too small to be worth it
            assert "Content-Encoding" not in response.headers, path


def test_compressed_copies_do_not_crowd_out_the_pages(make_app):
    """Browsers read a kept page's compressed copy, other clients the page: each page keeps
    its one place among PAGE_CACHE_ENTRIES (its copy is kept apart)."""
    app = make_app(PAGE_CACHE_ENTRIES=2)
    with app.app_context():
        paths = [f"/questions/{make_question(make_user(f'asker{i}'), body=_long_body(str(i))).id}" for i in range(2)]
    plain, browser = app.test_client(), app.test_client()
    for path in paths:
        assert plain.get(path).headers["X-Page-Cache"] == "miss"
        assert browser.get(path, headers={"Accept-Encoding": BROWSER}).headers["Content-Encoding"] == "zstd"
    assert [plain.get(path).headers["X-Page-Cache"] for path in paths] == ["hit", "hit"]
