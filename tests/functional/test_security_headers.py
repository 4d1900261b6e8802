"""Security headers on every response (cached pages, errors, files, JSON, redirects) and the
cookie flags: HttpOnly and SameSite=Lax always, Secure and HSTS when the site is served over TLS."""
import re

import pytest
from flask import Response
from flask_talisman import Talisman
from werkzeug.datastructures import Headers

from tests.factories import PASSWORD, make_answer, make_question, make_user
from tests.functional.html import text

REQUIRED = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}


def _policy(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.request.path}"
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def assert_secure_headers(response) -> None:
    for name, value in REQUIRED.items():
        assert response.headers.get(name) == value, (response.request.path, name, response.headers.get(name))
    policy = _policy(response)
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["script-src"] == ["'self'"], "scripts come from our own files only"
    assert not any("unsafe" in value for values in policy.values() for value in values)
    assert "camera=()" in response.headers.get("Permissions-Policy", "")


@pytest.fixture
def thread(app):
    asker, answerer = make_user("asker"), make_user("answerer")
    question = make_question(asker)
    make_answer(question, answerer)
    return question


def test_every_kind_of_response_carries_the_headers(client, thread, auth):
    pages = ["/", "/questions", f"/questions/{thread.id}", "/search?q=仮払い", "/faq", "/auth/login",
             "/auth/register", "/users/asker", "/no-such-page", "/static/css/site.css",
             "/static/js/suggest.js", "/healthz", "/favicon.ico"]
    for path in pages:
        assert_secure_headers(client.get(path))
    # A guest page served from the page cache (by the first before-request hook) too.
    client.get(f"/questions/{thread.id}")
    hit = client.get(f"/questions/{thread.id}")
    assert hit.headers.get("X-Page-Cache") == "hit"
    assert_secure_headers(hit)
    # Redirects, refused posts and pages for members.
    assert_secure_headers(auth.login("answerer"))
    assert_secure_headers(client.post(f"/questions/{thread.id}/answers", data={"body": ""}))
    assert_secure_headers(client.get("/questions/new"))
    assert_secure_headers(client.get("/api/v1/nothing-here", headers={"Accept": "application/json"}))


def test_no_inline_script_or_style_on_any_page(client, thread, auth):
    """The policy forbids inline code, so the pages must not rely on any."""
    moderator = make_user("mod", role="admin")
    assert moderator
    auth.login("mod")
    for path in ["/", "/questions", f"/questions/{thread.id}", "/questions/new", "/search?q=仮払い",
                 "/faq", "/users/asker", "/moderation"]:
        page = text(client.get(path))
        # Data blocks (JSON-LD) are never run, so the policy leaves them alone; code must be a file.
        assert not re.search(r'<script(?![^>]*\b(?:src=|type="application/ld\+json"))[^>]*>', page), path
        assert not re.search(r"\sstyle=", page), path
        assert not re.search(r"\son[a-z]+=", page), path
        assert "javascript:" not in page, path


def test_no_hsts_over_plain_http(client):
    assert "Strict-Transport-Security" not in client.get("/").headers


def test_hsts_and_secure_cookies_when_served_over_https(make_app):
    app = make_app(HTTPS=True)
    with app.app_context():
        make_user("member")
    client = app.test_client()
    page = client.get("/", base_url="https://sodan.example")
    assert page.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert_secure_headers(page)
    # Behind a proxy that terminates TLS (X-Forwarded-Proto) as well.
    proxied = client.get("/faq", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" in proxied.headers
    signed_in = client.post("/auth/login", data={"username": "member", "password": PASSWORD},
                            base_url="https://sodan.example")
    assert signed_in.status_code in (302, 303)
    cookie = signed_in.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    lang = client.get("/lang/en", base_url="https://sodan.example").headers["Set-Cookie"]
    assert "Secure" in lang and "HttpOnly" in lang and "SameSite=Lax" in lang


def test_cookies_are_httponly_and_lax_without_tls(client, auth):
    make_user("member")
    cookie = auth.login("member").headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain-HTTP development still signs in
    lang = client.get("/lang/en").headers["Set-Cookie"]
    assert "HttpOnly" in lang and "SameSite=Lax" in lang


@pytest.mark.parametrize("https", [False, True])
def test_kept_headers_are_what_talisman_writes_for_each_request(make_app, https):
    """The headers worked out once (security.KeptHeadersTalisman) are Talisman's own, over
    plain HTTP and over TLS in turn, for pages, cache hits, errors and files alike."""
    app = make_app(HTTPS=https)
    talisman = app.extensions["talisman"]
    client = app.test_client()
    with app.app_context():
        path = f"/questions/{make_question(make_user('asker')).id}"
    for url in ("/", path, path, "/no-such-page", "/static/css/site.css", "/api/v1/tags", "/auth/login"):
        for proto in ({}, {"X-Forwarded-Proto": "https"}):
            response = client.get(url, headers=proto)
            with app.test_request_context(url, headers=proto):
                expected = Response()
                expected.headers = Headers()
                Talisman._set_response_headers(talisman, expected)
            assert expected.headers, url
            for name, value in expected.headers.items():
                assert response.headers.get(name) == value, (url, proto, name)
            assert ("Strict-Transport-Security" in response.headers) == (https and bool(proto)), (url, proto)
