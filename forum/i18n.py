"""Which language a request is answered in: one rule for Flask-Babel and the page cache."""
from flask import current_app, has_request_context, request


def select_locale() -> str:
    """The reader's choice from the `lang` cookie (the footer's switch), else Japanese.
    Services also run from the CLI (no request): they speak the default language."""
    chosen = request.cookies.get("lang") if has_request_context() else None
    if chosen is not None and chosen in current_app.config["LANGUAGES"]:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]
