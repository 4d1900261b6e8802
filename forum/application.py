"""The Flask application class: Flask, with two answers kept that it works out per request.

- Flask asks whether each before- and after-request hook, teardown and view is a coroutine
  function on every request (`ensure_sync`, a dozen `inspect.iscoroutinefunction` calls). The
  functions never change kind, so the plain ones are remembered; Flask's documentation names
  `ensure_sync` as the method to override.
- The session cookie's signing serializer is built anew for every request from the secret
  keys; it is kept while the keys are the same (`KeptSerializerSessions`).
"""
from collections.abc import Callable
from typing import Any

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer

_REMEMBERED = 4096  # hooks, views and their bound methods: a few hundred at most


class ForumFlask(Flask):
    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._plain_callables: set[Callable[..., Any]] = set()
        self.session_interface = KeptSerializerSessions()

    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        try:
            if func in self._plain_callables:
                return func
        except TypeError:  # an unhashable callable: asked each time
            return super().ensure_sync(func)
        made = super().ensure_sync(func)
        if made is func and len(self._plain_callables) < _REMEMBERED:
            self._plain_callables.add(func)
        return made


class KeptSerializerSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, the serializer kept per secret keys (and fallbacks)."""

    def __init__(self) -> None:
        self._kept: tuple[tuple, URLSafeTimedSerializer | None] | None = None

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        kept = self._kept
        if kept is None or kept[0] != keys:
            kept = self._kept = (keys, super().get_signing_serializer(app))
        return kept[1]
