"""Sodan (相談室): create_app() builds the application."""
import os

from flask import Flask, abort, request
from flask_babel import format_datetime, get_locale
from flask_babel import lazy_gettext as _l
from werkzeug.middleware.proxy_fix import ProxyFix

from . import (
    compression,
    formatting,
    labels,
    notices,
    notify,
    pagecache,
    pagedoor,
    permissions,
    security,
    site,
    template_urls,
    usage,
)
from .api import views as api_views
from .application import ForumFlask
from .auth import views as auth_views
from .cli import register_commands as register_cli
from .comments import views as comments_views
from .config import ROOT, Config
from .contact import views as contact_views
from .database.engine import configure_engine, prepare_engine_options
from .edits import views as edits_views
from .errors import register_error_handlers
from .extensions import babel, csrf, db, limiter, login_manager, migrate
from .faq import views as faq_views
from .i18n import install_template_gettext, select_locale
from .inputs import FormRequest
from .lookups import signed_in_member
from .mail import notifications as mail_notifications
from .moderation import insight_views
from .moderation import views as moderation_views
from .notifications import views as notifications_views
from .questions import views as questions_views
from .reports import views as reports_views
from .search import views as search_views
from .seo import register_template_helpers as register_seo_helpers
from .settings import views as settings_views
from .syndication import views as syndication_views
from .templating import ConstantTranslations, ForumEnvironment, install_csrf_token
from .text import render_markdown
from .users import views as users_views

FEATURES = (questions_views, auth_views, search_views, moderation_views, users_views, faq_views,
            reports_views, edits_views, contact_views, insight_views,
            settings_views, comments_views, notifications_views)


def create_app(config: dict | None = None) -> Flask:
    """Application factory: config, extensions, blueprints, CLI, error pages, template globals."""
    app = ForumFlask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(ROOT / "instance"),
    )
    app.jinja_environment = ForumEnvironment  # before anything builds app.jinja_env
    # A line that holds only a block tag ({% if %}, {% for %}) leaves nothing in the page:
    # a tenth of a thread page's HTML was the indentation and line breaks of such lines.
    app.jinja_options = {**app.jinja_options, "trim_blocks": True, "lstrip_blocks": True,
                         "extensions": [*app.jinja_options.get("extensions", ()), ConstantTranslations]}
    app.request_class = FormRequest  # form values: one kind of line break, no control characters
    # JSON (the API, the pages' JSON-LD) carries Japanese as UTF-8, not as \uXXXX escapes
    # that take six bytes a character instead of three: the JSON-LD of a thread page is half
    # its weight. Templates' `tojson` still escapes <, >, & and ' for HTML.
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.config.from_object(Config)
    if config:
        app.config.update(config)
    os.makedirs(app.instance_path, exist_ok=True)
    register_extensions(app)
    register_blueprints(app)
    register_commands(app)
    register_error_pages(app)
    register_template_globals(app)
    template_urls.install(app)  # after the blueprints: it reads their routes
    usage.init_app(app)
    notices.init_app(app)
    return app


def register_extensions(app: Flask) -> None:
    pagecache.init_app(app)  # first: its before-request hook answers cache hits before the others run
    pagedoor.install(app)  # before trust_proxies: the proxy fixer must wrap it
    compression.init_app(app)  # early: its after-request hook must run last, on the final body
    prepare_engine_options(app)
    db.init_app(app)
    configure_engine(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    install_csrf_token(app)
    security.init_app(app)  # headers in an after-request hook: cache hits get them too
    trust_proxies(app)
    configure_rate_limit_storage(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    install_template_gettext(app)
    login_manager.init_app(app)
    mail_notifications.connect()
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("この操作にはログインが必要です。")
    login_manager.login_message_category = "info"

    login_manager.user_loader(signed_in_member)


def configure_rate_limit_storage(app: Flask) -> None:
    """Counters live in Redis when REDIS_URL is set (shared by every process), else in memory."""
    uri = app.config.get("RATELIMIT_STORAGE_URI") or app.config.get("REDIS_URL") or "memory://"
    app.config["RATELIMIT_STORAGE_URI"] = uri
    if uri.startswith(("redis://", "rediss://", "redis+unix://")):
        # A Redis that stops answering must cost a request one second, not a worker's timeout.
        options = {"socket_connect_timeout": 1, "socket_timeout": 1}
        app.config["RATELIMIT_STORAGE_OPTIONS"] = {**options, **app.config.get("RATELIMIT_STORAGE_OPTIONS", {})}


def trust_proxies(app: Flask) -> None:
    """Behind N reverse proxies, take the visitor's address from X-Forwarded-For (per-address
    rate limits) and the scheme from X-Forwarded-Proto (secure cookies, redirects)."""
    if app.config.get("PROXY_FIX_X_FOR"):
        hops = app.config["PROXY_FIX_X_FOR"]
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]  # Flask's documented way to add WSGI middleware
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def register_blueprints(app: Flask) -> None:
    for feature in FEATURES:
        app.register_blueprint(feature.bp)
    app.register_blueprint(site.bp)
    for outward in (syndication_views, api_views):  # what search engines, feed readers and clients read
        app.register_blueprint(outward.bp)


def register_commands(app: Flask) -> None:
    register_cli(app, create_app)


def register_error_pages(app: Flask) -> None:
    register_error_handlers(app)
    app.before_request(refuse_nul_bytes)


def refuse_nul_bytes():
    """Nobody types a NUL byte and PostgreSQL cannot store one: a URL with one is refused as a
    bad request (400) before it reaches a query. (Form values arrive without them, so a form
    comes back with the member's text: forum/inputs.py.)"""
    pairs = [(key, value) for key, values in request.args.lists() for value in values]
    if "\x00" in request.path or any("\x00" in k or "\x00" in v for k, v in pairs):
        abort(400)


def register_template_globals(app: Flask) -> None:
    app.jinja_env.globals.update(permissions.TEMPLATE_HELPERS)
    register_seo_helpers(app)
    app.jinja_env.globals.update(
        CATEGORY_LABELS=labels.CATEGORY_LABELS, CATEGORY_HELP=labels.CATEGORY_HELP,
        STATUS_LABELS=labels.STATUS_LABELS, ASKER_TYPE_LABELS=labels.ASKER_TYPE_LABELS,
        CLOSE_REASON_LABELS=labels.CLOSE_REASON_LABELS, REPORT_REASON_LABELS=labels.REPORT_REASON_LABELS,
        ROLE_LABELS=labels.ROLE_LABELS, ACTION_LABELS=labels.ACTION_LABELS,
        SORT_LABELS=labels.SORT_LABELS, FAQ_CATEGORY_LABELS=labels.FAQ_CATEGORY_LABELS,
    )
    app.jinja_env.globals.update(format_datetime=format_datetime, get_locale=get_locale)
    app.jinja_env.globals.update(unread_notifications=notify.unread_count,
                                 NOTIFICATION_LABELS=labels.NOTIFICATION_LABELS,
                                 APPEALABLE_NOTIFICATIONS=labels.APPEALABLE_NOTIFICATIONS)
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.filters.update(local_time=formatting.local_time, html_datetime=formatting.html_datetime)
    app.jinja_env.policies["ext.i18n.trimmed"] = True
