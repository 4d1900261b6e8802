"""GET /robots.txt, /sitemap.xml (an index) with /sitemaps/<n>.xml, /feeds/resolved.atom and
/feeds/questions/<id>.atom."""
from flask import Blueprint, Response, current_app, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from ..exceptions import NotFound
from ..labels import CATEGORY_LABELS
from ..lookups import get_question
from ..models import utcnow
from ..pagecache import guest_cached
from ..seo import site_url
from . import services

bp = Blueprint("syndication", __name__)

ATOM = "application/atom+xml"
# Kept out of search engines: moderation, members' settings and pages, searches, the FAQ editor.
DISALLOWED = ("/moderation", "/settings", "/notifications", "/search", "/api/v1/search", "/auth/",
              "/faq/manage", "/faq/entries/", "/contact/inbox")


@bp.get("/robots.txt")
def robots():
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in DISALLOWED), "",
             f"Sitemap: {site_url()}/sitemap.xml", ""]
    return Response("\n".join(lines), mimetype="text/plain")


def _per_page() -> int:
    return current_app.config.get("SITEMAP_URLS", services.SITEMAP_URLS)


@bp.get("/sitemap.xml")
@guest_cached
def sitemap_index():
    pages = services.sitemap_pages(_per_page())
    body = render_template("syndication/sitemap_index.xml", pages=range(1, pages + 1))
    return Response(body, mimetype="application/xml")


@bp.get("/sitemaps/<int:page>.xml")
@guest_cached
def sitemap(page: int):
    if not 1 <= page <= services.sitemap_pages(_per_page()):
        raise NotFound(_("このサイトマップはありません。"))
    body = render_template("syndication/sitemap.xml", threads=services.sitemap_page(page, _per_page()))
    return Response(body, mimetype="application/xml")


@bp.get("/feeds/resolved.atom")
@guest_cached
def resolved_feed():
    category = request.args.get("category") or None
    tag = request.args.get("tag") or None
    if category is not None and category not in CATEGORY_LABELS:
        raise NotFound(_("カテゴリ「%(key)s」はありません。", key=category))
    threads = services.resolved_threads(category, tag)
    updated = max((q.resolved_at or q.updated_at for q in threads), default=None) or utcnow()
    if tag:
        title = _("相談室：タグ「%(name)s」の解決済みの質問", name=tag)
    elif category:
        title = _("相談室：%(category)sの解決済みの質問", category=CATEGORY_LABELS[category])
    else:
        title = _("相談室：解決済みの質問")
    body = render_template("syndication/resolved.xml", threads=threads, updated=updated, title=title,
                           category=category, tag=tag)
    return Response(body, mimetype=ATOM)


@bp.get("/feeds/questions/<int:question_id>.atom")
@guest_cached
def thread_feed(question_id: int):
    question = get_question(current_user, question_id)
    answers = services.new_answers(question)
    updated = max([question.updated_at] + [a.created_at for a in answers])
    body = render_template("syndication/thread.xml", question=question, answers=answers, updated=updated)
    return Response(body, mimetype=ATOM)
