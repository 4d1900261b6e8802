"""The Jinja environment the app renders with, and the template globals it makes faster."""
from flask import Flask
from flask.globals import _cv_app
from flask.templating import Environment
from flask_wtf.csrf import generate_csrf


class ForumEnvironment(Environment):
    """Flask's environment, with each template reading the environment's globals directly.

    Jinja gives every template a ChainMap over the globals (so that a template's own globals
    never leak into the environment's). Ours have none of their own, and the ChainMap is
    slow where it counts: every `{% from "…" import … %}` compares the page's globals with
    the macro file's, testing some eighty names one by one in Python (about a tenth of a
    thread page's rendering). A plain dict makes that a set operation in C.
    """

    def make_globals(self, d):
        return self.globals if not d else super().make_globals(d)


def kept_csrf_token() -> str:
    """The `csrf_token()` of templates: Flask-WTF's generate_csrf keeps the request's token in
    `g` but reads two settings and three proxies on every call, and a member's thread page asks
    for it once per form (a dozen and more). The kept token, else generate_csrf."""
    app_context = _cv_app.get(None)
    token = getattr(app_context.g, "csrf_token", None) if app_context is not None else None
    return token if token is not None else generate_csrf()


def install_csrf_token(app: Flask) -> None:
    """After CSRFProtect.init_app, which puts generate_csrf both in the globals and in every
    template's context (a context processor): ours replaces both. Only where Flask-WTF keeps
    the token under its default name."""
    if app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token") == "csrf_token":
        app.jinja_env.globals["csrf_token"] = kept_csrf_token
        app.context_processor(lambda: {"csrf_token": kept_csrf_token})
