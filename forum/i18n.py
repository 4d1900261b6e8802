"""Which language a request is answered in: one rule for Flask-Babel and the page cache."""
from collections.abc import Mapping

from flask import Flask, current_app, has_request_context, request
from flask.globals import _cv_app
from flask_babel import get_translations
from flask_babel.speaklater import LazyString
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup


def select_locale() -> str:
    """The reader's choice from the `lang` cookie (the footer's switch), else Japanese.
    Services also run from the CLI (no request): they speak the default language."""
    return locale_for(current_app.config, request.cookies.get("lang") if has_request_context() else None)


def locale_for(config: Mapping, chosen: str | None) -> str:
    """The language of a `lang` cookie's value (None: no cookie)."""
    if chosen is not None and chosen in config["LANGUAGES"]:
        return chosen
    return config["BABEL_DEFAULT_LOCALE"]


# --- translations in templates ----------------------------------------------------------------
# Flask-Babel's template callables look the translations up again for every string: a dozen
# context lookups and a locale-to-text conversion each time, ~20 µs, and a thread or search
# page translates about a hundred strings (2-3 ms a page). These keep the translations on
# Flask-Babel's own per-request context beside the locale they are for, and look again only
# when that locale object changes (force_locale, used for mail in a member's language, sets
# a new one and puts the old one back).
_KEPT = "sodan_translations"


def _babel_context():
    """Flask-Babel's per-request context, read from the app context directly: through the `g`
    proxy, its lookups cost more than the translation."""
    app_context = _cv_app.get(None)
    return getattr(app_context.g, "_flask_babel", None) if app_context is not None else None


def _translations():
    """The request's translations (Flask-Babel's), kept beside the locale they are for."""
    ctx = _babel_context()
    locale = getattr(ctx, "babel_locale", None)
    if locale is not None:
        kept = getattr(ctx, _KEPT, None)
        if kept is not None and kept[0] is locale:
            return kept[1]
    translations = get_translations()  # finds the locale first, when this request has none yet
    ctx = _babel_context()  # made by get_translations when this request had none
    if ctx is not None:
        setattr(ctx, _KEPT, (getattr(ctx, "babel_locale", None), translations))
    return translations


def request_translations():
    """The catalogue `_()` translates with here and now (Flask-Babel's: a NullTranslations
    outside an app context)."""
    return _translations()


def translate(string: str) -> str:
    """Flask-Babel's gettext without variables, through the kept translations: what the
    labels' lazy strings call each time a page shows one."""
    return _translations().ugettext(string)


def lazy_translation(string: str) -> LazyString:
    """A label translated when shown (Flask-Babel's lazy_gettext, through translate)."""
    return LazyString(translate, string)


@pass_context
def _template_gettext(context: Context, string: str, **variables) -> str:
    """`_()` and `gettext()` in templates: what Jinja's new-style gettext does (escape the
    translation when the template autoescapes, then fill in the variables), in one call
    instead of three. Jinja formats even without variables, so "%%" reads "%" there too."""
    text = _translations().ugettext(string)
    if context.eval_ctx.autoescape:
        text = Markup(text)  # nosec B704 # a translation from our catalogue, trusted as Jinja trusts it
    return text % variables if variables or "%" in text else text


def install_template_gettext(app: Flask) -> None:
    """After babel.init_app: the same callables as Flask-Babel's, with the translations kept."""
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined] # the i18n extension adds it
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
        newstyle=True,
    )
    # A thread page translates about a hundred strings: `_` is Jinja's alias that looks
    # `gettext` up and calls it, which calls the callable above; both go straight here.
    app.jinja_env.globals.update(_=_template_gettext, gettext=_template_gettext)
