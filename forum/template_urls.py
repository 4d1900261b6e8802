"""`url_for` as templates call it, built faster where the answer cannot differ from Flask's.

A thread page builds fifty to a hundred URLs (authors, edit and revision links, each post's
forms), and Flask's `url_for` costs 15-20 µs in a template: the proxies to the app and the
request, then Werkzeug trying the endpoint's rules. Two shortcuts, and Flask's own `url_for`
for everything else:

- a route whose only variables are integers (`/questions/<int:question_id>/answers`) is a
  format string: given exactly those variables, as ints, the URL is the format filled in
  (Werkzeug's integer converter writes `str(int)` too);
- any other URL a process has built is kept (a bounded memo, emptied when full), keyed by the
  script name it was built under, the endpoint and the values in the order given.

Only relative URLs take a shortcut: `_external`, `_scheme`, `_method` and relative endpoints
(".name") always go to Flask. Applications with URL-default functions or host matching are
not shortened at all (this one has neither; `install` checks).
"""
import re
from typing import Any

from flask import Flask
from flask.globals import _cv_request

_MEMO_ENTRIES = 4096
_INT_VARIABLE = re.compile(r"<int:(\w+)>")
_ANY_VARIABLE = re.compile(r"<[^>]*>")


def _int_formats(app: Flask) -> dict[str, tuple[frozenset[str], str]]:
    """endpoint → (its variables, a format of its path) for endpoints with a single route
    whose variables are all plain integers."""
    rules: dict[str, list] = {}
    for rule in app.url_map.iter_rules():
        rules.setdefault(rule.endpoint, []).append(rule)
    formats = {}
    for endpoint, (rule, *others) in rules.items():
        path = rule.rule
        if others or rule.defaults or rule.host or rule.subdomain or "{" in path or "}" in path:
            continue
        variables = _INT_VARIABLE.findall(path)
        if len(variables) != len(_ANY_VARIABLE.findall(path)) or set(variables) != set(rule.arguments):
            continue
        formats[endpoint] = (frozenset(variables), _INT_VARIABLE.sub(r"{\1}", path))
    return formats


class TemplateUrls:
    """The `url_for` global of the app's templates."""

    def __init__(self, app: Flask):
        self.app = app
        self.formats = _int_formats(app)
        self.memo: dict[tuple, str] = {}

    def __call__(self, endpoint: str, **values: Any) -> str:
        context = _cv_request.get(None)
        anchor = values.get("_anchor")
        if context is None or context.url_adapter is None or endpoint[:1] == "." \
                or any(k[:1] == "_" and k != "_anchor" for k in values):
            return self.app.url_for(endpoint, **values)  # mail (no request), or options
        root = context.url_adapter.script_name.rstrip("/")  # as Werkzeug joins it
        shape = self.formats.get(endpoint)
        if shape is not None and anchor is None and len(values) == len(shape[0]) \
                and all(type(values.get(name)) is int and values[name] >= 0 for name in shape[0]):
            return root + shape[1].format_map(values)
        key = (root, endpoint, *values.items())
        try:
            url = self.memo.get(key)
        except TypeError:  # an unhashable value (a list): Flask builds it
            return self.app.url_for(endpoint, **values)
        if url is None:
            url = self.app.url_for(endpoint, **values)
            if len(self.memo) >= _MEMO_ENTRIES:
                self.memo.clear()
            self.memo[key] = url
        return url


def install(app: Flask) -> None:
    """Make templates build URLs with TemplateUrls (after every blueprint is registered)."""
    if app.url_default_functions or app.url_map.host_matching:
        return
    app.jinja_env.globals["url_for"] = TemplateUrls(app)
