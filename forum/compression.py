"""Compressed responses: zstd, Brotli or gzip, as the browser accepts (Flask-Compress).

A thread page's HTML is five to ten times smaller compressed. Only responses that carry no
secret are compressed: a page with a CSRF token (every signed-in member's page) goes as it is,
because compressing a secret beside text an attacker can put in the same page (the query
string is echoed in the language links) lets them guess the secret from the sizes (BREACH).
Guest pages, feeds, the API and static files carry none.

A kept guest page (forum.pagecache) is compressed once per encoding: the compressed copy is
kept beside the page (pagecache.copies_store), under the page's key, so a cache hit does not
compress again.
"""
from flask import Flask, Response, g
from flask_compress import Compress

from . import pagecache

compress = Compress()

_COPY_READ = "compressed_copy_read"  # flask.g: the compressed copy this request read from the store


class _CompressedCopies:
    """Flask-Compress's cache of compressed bodies, for kept guest pages only, where the page
    cache keeps copies: a key without a page's key ("zstd;") is never read or written."""

    def get(self, key: str) -> bytes | None:
        store = pagecache.copies_store()
        if store is None or key.endswith(";"):
            return None
        copy = store.get(key)
        if copy is not None:
            g.setdefault(_COPY_READ, key)
        return copy

    def set(self, key: str, value: bytes) -> None:
        # Flask-Compress writes back what it has just read; the store has it already.
        store = pagecache.copies_store()
        if store is not None and not key.endswith(";") and g.get(_COPY_READ) != key:
            store.set(key, value)


def _page_key(_request) -> str:
    return pagecache.served_key() or ""


def init_app(app: Flask) -> None:
    """Call early: after-request hooks run last to first, and compression must come last."""
    app.config.setdefault("COMPRESS_ALGORITHM", ["zstd", "br", "gzip"])
    app.config.setdefault("COMPRESS_BR_LEVEL", 5)
    app.config.setdefault("COMPRESS_MIN_SIZE", 1024)
    app.config["COMPRESS_REGISTER"] = False  # ours decides which responses may be compressed
    app.config["COMPRESS_CACHE_BACKEND"] = _CompressedCopies
    app.config["COMPRESS_CACHE_KEY"] = _page_key
    compress.init_app(app)
    app.after_request(_compress_without_secrets)


def _compress_without_secrets(response: Response) -> Response:
    if app_made_csrf_token():
        response.vary.add("Accept-Encoding")
        return response
    return compress.after_request(response)


def app_made_csrf_token() -> bool:
    """Whether this response may carry a CSRF token (Flask-WTF keeps the one it made in g)."""
    return "csrf_token" in g
