"""Mail as the recipient reads it: their language, plain text and HTML, absolute links."""
import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app, render_template
from flask_babel import force_locale


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def absolute_url(endpoint: str, **values) -> str:
    """A link for a mail: SITE_URL plus the route (no request needed: the worker, the CLI)."""
    site = urlsplit(current_app.config["SITE_URL"])
    adapter = current_app.url_map.bind(site.netloc, script_name=site.path or "/", url_scheme=site.scheme or "http")
    return adapter.build(endpoint, values, force_external=True)


def mail_locale(user) -> str:
    locale = getattr(user, "locale", None)
    if isinstance(locale, str) and locale in current_app.config["LANGUAGES"]:
        return locale
    return str(current_app.config["BABEL_DEFAULT_LOCALE"])


def render_mail(locale: str, subject, template: str, **context) -> Rendered:
    """Render templates/mail/<template>.txt and .html and the (lazy) subject in `locale`."""
    with force_locale(locale):
        context.setdefault("link", absolute_url)
        return Rendered(
            subject=str(subject),
            text=render_template(f"mail/{template}.txt", **context),
            html=render_template(f"mail/{template}.html", **context),
        )


def new_message_id() -> str:
    domain = urlsplit(current_app.config["SITE_URL"]).hostname or "sodan.invalid"
    return f"<{uuid.uuid4().hex}@{domain}>"
