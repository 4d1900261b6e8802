"""Kept guest pages served at the door: before Flask builds a request at all.

A kept guest page (forum.pagecache) still cost a full trip through Flask on every hit: a
request context, the session, URL matching, the after-request hooks that add the security
headers and compress, the response object. That is most of a hit's time, and all of it ends in
the same bytes until the next write. So the door (WSGI middleware around the app) keeps each
such response exactly as it left the app (status, headers, body: compressed or not, security
headers and all), and serves it again to the next request that would get the same bytes:

- a GET without a conditional or range header, from a reader who carries no cookie but the
  language switch's (a session or remember-me cookie may mean someone signed in, or a flash
  waiting: Flask decides those);
- the same page key as the page cache's (code, content version, language, URL), so a write
  moves it out the same instant, read the same way (one primary-key read);
- the same Accept-Encoding header (the compressed copy the app chose for it) and the same
  scheme (the security headers differ over TLS).

Anything else goes to the app as before, whose kept pages and hooks answer it. Only responses
the app marked as a kept page (`pagecache.served_key`) that set no cookie are kept here, and
none of the views that must reach the app each time (`pagecache.reach_app_each_time`:
forum.usage's counted pages).
"""
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask
from werkzeug.exceptions import HTTPException
from werkzeug.routing import MapAdapter
from werkzeug.wrappers import Request

from . import pagecache
from .i18n import locale_for

_COOKIES_ALLOWED = frozenset(("lang",))  # the language switch's: part of the key


class PageDoor:
    """WSGI middleware around the Flask app: kept responses out, everything else through."""

    def __init__(self, app: Flask, wsgi_app: Callable):
        self.app, self.wsgi_app = app, wsgi_app
        self._adapters: dict[tuple[str, str], MapAdapter] = {}

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        store = pagecache.door_store(self.app)
        page_key = self._page_key(environ) if store is not None else None
        if store is None or page_key is None:
            return self.wsgi_app(environ, start_response)
        scheme = f"{environ.get('wsgi.url_scheme')},{environ.get('HTTP_X_FORWARDED_PROTO', '')}"
        door_key = f"door:{page_key}|{environ.get('HTTP_ACCEPT_ENCODING', '')}|{scheme}"
        kept = store.get(door_key)
        if kept is not None:
            status, headers, body = kept
            start_response(status, headers)
            return [body]
        environ[pagecache.DOOR_MISSED] = page_key
        return self._through_app(environ, start_response, page_key, door_key)

    def _page_key(self, environ: dict) -> str | None:
        """The page cache's key of this request's page, or None when the app must answer it."""
        if environ.get("REQUEST_METHOD") != "GET":
            return None
        if any(name in environ for name in (
                "HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_RANGE", "HTTP_AUTHORIZATION")):
            return None
        request_ = Request(environ, populate_request=False)  # Flask builds its own
        if not _COOKIES_ALLOWED.issuperset(request_.cookies.keys()) or not self._kept_view(request_):
            return None
        try:
            return pagecache.page_key_for(self.app, locale_for(self.app.config, request_.cookies.get("lang")),
                                          request_.full_path)
        except Exception:  # noqa: BLE001 - the database is down: the app answers (503) as it does
            return None

    def _kept_view(self, request_: Request) -> bool:
        """Whether the URL is a view whose guest pages are kept here (the rest never read the
        version). Matched on the path alone by an adapter kept per script root and scheme (the
        app matches neither hosts nor subdomains: forum.template_urls checks)."""
        key = (request_.script_root, request_.scheme)
        adapter = self._adapters.get(key)
        if adapter is None:
            adapter = self._adapters[key] = self.app.url_map.bind(
                "localhost", script_name=request_.script_root or "/", url_scheme=request_.scheme)
        try:
            endpoint, _ = adapter.match(path_info=request_.path, method="GET")
        except HTTPException:  # not found, a redirect, another method: the app answers
            return False
        return pagecache.reaches_door(self.app.view_functions.get(endpoint))

    def _through_app(self, environ: dict, start_response: Callable, page_key: str,
                     door_key: str) -> Iterable[bytes]:
        """The app's answer, kept when it is a kept page's that set no cookie."""
        started: list[Any] = []

        def remember(status: str, headers: list, exc_info=None):
            started[:] = [status, headers]
            return start_response(status, headers, exc_info)

        body = self.wsgi_app(environ, remember)
        kept_as = environ.get(pagecache.KEPT_PAGE)
        if kept_as != page_key or not started or not started[0].startswith("200") \
                or any(name.lower() == "set-cookie" for name, _ in started[1]):
            pagecache.keep_missed(self.app, environ, None)
            return body
        try:
            content = b"".join(body)
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()
        kept_headers = [(name, "hit" if name == "X-Page-Cache" else value) for name, value in started[1]]
        pagecache.keep_missed(self.app, environ, (door_key, (started[0], kept_headers, content)))
        return [content]


def install(app: Flask) -> None:
    """Innermost middleware: a proxy fixer installed later wraps it, so it sees the fixed scheme."""
    app.wsgi_app = PageDoor(app, app.wsgi_app)  # type: ignore[method-assign]
