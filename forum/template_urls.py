"""`url_for` as templates call it, built faster where the answer cannot differ from Flask's.

A thread page builds fifty to a hundred URLs (authors, edit and revision links, each post's
forms), and Flask's `url_for` costs 15-20 µs in a template: the proxies to the app and the
request, then Werkzeug trying the endpoint's rules. Two shortcuts, and Flask's own `url_for`
for everything else:

- a route whose variables are plain integers or plain strings (`/questions/<int:question_id>`,
  `/users/<username>`) is a format string: given those variables, ints as ints and strings as
  non-empty strs, the URL is the format filled in with what each variable's own converter
  writes (its `to_url`, as Werkzeug does), any other values of plain strings or integers as
  Werkzeug writes a query string (the links that carry `next=`, different on every page), and
  `_anchor` quoted as Flask quotes it;
- any other URL a process has built (query strings) is kept (a bounded memo, emptied when
  full), keyed by the script name it was built under, the endpoint and the values in order.

Only relative URLs take a shortcut: `_external`, `_scheme`, `_method` and relative endpoints
(".name") always go to Flask. Applications with URL-default functions or host matching are
not shortened at all (this one has neither; `install` checks).
"""
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, urlencode

from flask import Flask, current_app
from flask.globals import _cv_request
from werkzeug.routing import IntegerConverter, UnicodeConverter

_MEMO_ENTRIES = 4096
_VARIABLE = re.compile(r"<(?:[^>:]+:)?(\w+)>")
_SAFE_STATIC = re.compile(r"[A-Za-z0-9/_.~-]*")  # static parts Werkzeug writes unchanged
_ANCHOR_SAFE = "%!#$&'()*+,/:;=?@"  # what Flask's url_for leaves unquoted in an anchor
_QUERY_SAFE = "!$'()*,/:;?@"  # what Werkzeug leaves unquoted in a query string's values


class _Shape:
    """An endpoint's path as a format, and how each of its variables is written."""

    def __init__(self, path: str, writers: dict[str, tuple[type, Callable[[Any], str]]]):
        self.path, self.writers = path, writers

    def build(self, values: dict[str, Any], with_query: bool) -> str | None:
        """The URL for these values, or None when one is not what the format takes: the path's
        variables, and (`with_query`) any others as Werkzeug writes its query string."""
        if len(values) < len(self.writers) or (len(values) > len(self.writers) and not with_query):
            return None
        written = {}
        for name, (kind, to_url) in self.writers.items():
            value = values.get(name)
            if not (type(value) is int and value >= 0 if kind is int else type(value) is str and value):
                return None
            written[name] = to_url(value)
        path = self.path.format_map(written)
        if len(values) == len(self.writers):
            return path
        # Werkzeug leaves out None and encodes the rest in order (werkzeug.urls._urlencode).
        query = [(name, value) for name, value in values.items() if name not in self.writers and value is not None]
        if not all(type(value) in (str, int) for _, value in query):
            return None  # lists, booleans, objects: Flask writes them
        return path + "?" + urlencode(query, safe=_QUERY_SAFE) if query else path


def _plain(converter) -> type | None:
    """int or str when the converter writes a plain integer or string, else None."""
    if type(converter) is IntegerConverter and not converter.fixed_digits and not converter.signed:
        return int
    if type(converter) is UnicodeConverter:
        return str
    return None


def _shapes(app: Flask) -> dict[str, _Shape]:
    """endpoint → its shape, for endpoints with a single route whose variables are plain."""
    rules: dict[str, list] = {}
    for rule in app.url_map.iter_rules():
        rules.setdefault(rule.endpoint, []).append(rule)
    shapes = {}
    for endpoint, (rule, *others) in rules.items():
        path = rule.rule
        if others or rule.defaults or rule.host or rule.subdomain or "{" in path or "}" in path:
            continue
        names = _VARIABLE.findall(path)
        kinds = {name: _plain(rule._converters.get(name)) for name in names}
        if set(names) != set(rule.arguments) or None in kinds.values() \
                or not _SAFE_STATIC.fullmatch(_VARIABLE.sub("", path)):
            continue
        writers = {name: (kind, rule._converters[name].to_url) for name, kind in kinds.items()}
        shapes[endpoint] = _Shape(_VARIABLE.sub(r"{\1}", path), writers)  # type: ignore[arg-type]
    return shapes


class TemplateUrls:
    """The `url_for` global of the app's templates."""

    def __init__(self, app: Flask):
        self.app = app
        self.formats = _shapes(app)
        # A query string is written here unless Werkzeug would sort its parameters.
        self.with_query = not app.url_map.sort_parameters
        self.memo: dict[tuple, str] = {}

    def __call__(self, endpoint: str, **values: Any) -> str:
        context = _cv_request.get(None)
        if context is None or context.url_adapter is None or endpoint[:1] == "." \
                or any(k[:1] == "_" and k != "_anchor" for k in values):
            return self.app.url_for(endpoint, **values)  # mail (no request), or options
        root = context.url_adapter.script_name.rstrip("/")  # as Werkzeug joins it
        shape = self.formats.get(endpoint)
        if shape is not None:
            anchor = values.pop("_anchor", None)
            path = shape.build(values, self.with_query)
            if anchor is not None:
                values["_anchor"] = anchor
            if path is not None and (anchor is None or type(anchor) is str):
                return root + path + ("" if anchor is None else "#" + quote(anchor, safe=_ANCHOR_SAFE))
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


def url_for(endpoint: str, **values: Any) -> str:
    """Flask's url_for through the app's TemplateUrls, for code that builds many URLs per page
    (a thread page's schema.org data names every answer and author)."""
    urls = current_app.extensions.get(_EXTENSION)
    return urls(endpoint, **values) if urls is not None else current_app.url_for(endpoint, **values)


_EXTENSION = "sodan_template_urls"


def install(app: Flask) -> None:
    """Make templates build URLs with TemplateUrls (after every blueprint is registered)."""
    if app.url_default_functions or app.url_map.host_matching:
        return
    app.jinja_env.globals["url_for"] = app.extensions[_EXTENSION] = TemplateUrls(app)
