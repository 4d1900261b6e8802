"""The Flask application class: Flask, with one answer kept.

Flask asks whether each before- and after-request hook, teardown and view is a coroutine
function on every request (`ensure_sync`, a dozen `inspect.iscoroutinefunction` calls a
request, ~25 µs of a page's CPU). The functions never change kind, so the plain ones are
remembered; Flask's documentation names `ensure_sync` as the method to override.
"""
from collections.abc import Callable
from typing import Any

from flask import Flask

_REMEMBERED = 4096  # hooks, views and their bound methods: a few hundred at most


class ForumFlask(Flask):
    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._plain_callables: set[Callable[..., Any]] = set()

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
