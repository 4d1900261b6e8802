"""The Jinja environment the app renders with, and the template globals it makes faster."""
import types
from collections.abc import Iterator

from babel import support
from flask import Flask
from flask.globals import _cv_app
from flask.templating import Environment
from flask_wtf.csrf import generate_csrf
from jinja2.ext import Extension
from jinja2.lexer import Token, TokenStream
from jinja2.runtime import Context
from jinja2.utils import _PassArg

from .i18n import request_translations

_TEMPLATE_CACHE = 400  # Jinja's default number of compiled templates kept per environment


class ConstantTranslations(Extension):
    """`{{ _('literal') }}` compiled as its translation, on a language's environment.

    A page shows forty to a hundred fixed strings, and each `_()` call costs 4-8 µs when the
    page renders (Jinja's call protocol, then the catalogue). A language's environment
    (ForumEnvironment.for_language) compiles its templates once with the translations in
    place, as the page's own text: what the call would have written, since a translation is
    trusted markup (not escaped) either way. Calls with variables, and translations holding
    "%" (which `_()` formats), stay calls.
    """

    def filter_stream(self, stream: TokenStream) -> Iterator[Token]:
        catalogue = getattr(self.environment, "catalogue", None)
        if catalogue is None:
            yield from stream
            return
        held: list[Token] = []  # an expression's first tokens, until it is known not to fold
        for token in stream:
            if not held and token.type != "variable_begin":
                yield token
                continue
            held.append(token)
            if token.type == "variable_end" or len(held) == 6:
                yield from self._folded(held, catalogue)
                held = []
        yield from held

    @staticmethod
    def _folded(held: list[Token], catalogue) -> list[Token]:
        types = [token.type for token in held]
        if types != ["variable_begin", "name", "lparen", "string", "rparen", "variable_end"] \
                or held[1].value != "_":
            return held
        text = catalogue.ugettext(held[3].value)
        return held if "%" in text else [Token(held[0].lineno, "data", text)]


# How DirectCallContext calls an object of a given type: (whether to call it as Jinja does,
# whether the object's own attributes may still ask for that, what to pass before the arguments).
_JINJA: tuple[bool, bool, str | None] = (True, False, None)
_ways: dict[type, tuple[bool, bool, str | None]] = {}
# Built-in callables (`{}.get`, a str method): no attributes of their own, none to forward.
_ATTRIBUTELESS = frozenset((types.BuiltinFunctionType, types.MethodWrapperType, types.MethodDescriptorType,
                            types.WrapperDescriptorType))


def _way_for(kind: type) -> tuple[bool, bool, str | None]:
    """Worked out once per type: Jinja's protocol when the type itself asks for the template's
    context, or when its objects may carry the question somewhere this cannot see (a bound
    method answers with its function's attributes, a proxy with its target's); else what its
    __call__ asks for (the eval context, the environment, or nothing), and whether its objects
    have a `__dict__` of their own that could ask otherwise (functions, macros)."""
    passes = _PassArg.from_obj(kind.__call__)
    passed = passes.name if passes is not None else None
    plain_lookup = kind.__getattribute__ is object.__getattribute__ and not hasattr(kind, "__getattr__")
    if passes is _PassArg.context or hasattr(kind, "jinja_pass_arg"):
        way = _JINJA
    elif kind in _ATTRIBUTELESS:
        way = (False, False, passed)
    elif plain_lookup and kind.__dictoffset__:
        way = (False, True, passed)
    else:
        way = _JINJA
    _ways[kind] = way
    return way


class DirectCallContext(Context):
    """Jinja's context, calling what templates call without asking each object, on each call,
    whether it wants the context passed.

    Every call in a template goes through Context.call, which looks for `jinja_pass_arg` on
    the object and on its `__call__` (four attribute lookups, most of them failing) before it
    calls: about 1 µs a call, and a thread page makes some eighty (links, macros, checks). The
    answer depends on the object's type (a macro takes the eval context), and for objects with
    attributes of their own (functions, macros) on two names in their `__dict__`: it is worked
    out once per type, and objects that ask for the template's context (`pass_context`) still
    go through Jinja's own call, which gives them the variables of the loop or block."""

    def call(__self, __obj, *args, **kwargs):  # noqa: N805 - Jinja's own signature
        jinja, marked, passes = _ways.get(type(__obj)) or _way_for(type(__obj))
        if jinja or (marked and ("jinja_pass_arg" in __obj.__dict__ or "__call__" in __obj.__dict__)):
            return super().call(__obj, *args, **kwargs)
        kwargs.pop("_block_vars", None)
        kwargs.pop("_loop_vars", None)
        if passes is not None:
            args = (__self.eval_ctx if passes == "eval_context" else __self.environment, *args)
        try:
            return __obj(*args, **kwargs)
        except StopIteration:
            return __self.environment.undefined(
                "value was undefined because a callable raised a StopIteration exception")


class ForumEnvironment(Environment):
    """Flask's environment, with each template reading the environment's globals directly,
    and compiled once per language with its fixed strings translated.

    Jinja gives every template a ChainMap over the globals (so that a template's own globals
    never leak into the environment's). Ours have none of their own, and the ChainMap is
    slow where it counts: every `{% from "…" import … %}` compares the page's globals with
    the macro file's, testing some eighty names one by one in Python (about a tenth of a
    thread page's rendering). A plain dict makes that a set operation in C.

    Templates are looked up in the environment of the language being rendered (an overlay
    per catalogue, sharing the loader, the globals and the filters), whose ConstantTranslations
    compiled them with that catalogue's strings. Without a catalogue (no app context) they
    come from this environment, where `_()` translates as the page renders.
    """

    context_class = DirectCallContext
    catalogue: support.Translations | None = None  # a language's environment: its translations
    folds_translations = True  # False: every environment translates as pages render

    def make_globals(self, d):
        return self.globals if not d else super().make_globals(d)

    def for_language(self) -> "ForumEnvironment":
        """The environment whose templates carry the current language's fixed strings."""
        if self.linked_to is not None or not self.folds_translations:
            return self
        catalogue = request_translations()
        if not isinstance(catalogue, support.Translations):
            return self
        languages = self.__dict__.setdefault("languages", {})
        kept = languages.get(id(catalogue))
        if kept is None or kept.catalogue is not catalogue:
            kept = languages[id(catalogue)] = self.overlay(cache_size=_TEMPLATE_CACHE)
            kept.catalogue = catalogue
        return kept

    def get_template(self, name, parent=None, globals=None):
        env = self.for_language()
        if env is not self:
            return env.get_template(name, parent, globals)
        return super().get_template(name, parent, globals)

    def select_template(self, names, parent=None, globals=None):
        env = self.for_language()
        if env is not self:
            return env.select_template(names, parent, globals)
        return super().select_template(names, parent, globals)


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
