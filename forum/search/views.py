"""Search pages: /search and /search/suggest."""
from flask import Blueprint, current_app, jsonify, render_template, request, url_for

from ..labels import CATEGORY_LABELS
from ..pagecache import guest_cached
from ..urls import page_number
from .forms import SearchForm
from .services import search_threads, suggest

bp = Blueprint("search", __name__)


@bp.get("/search")
@guest_cached
def search():
    form = SearchForm(request.args)
    text = (request.args.get("q") or "")[:200]
    category = request.args.get("category") or None
    if category not in CATEGORY_LABELS:
        category = None
    results = search_threads(text, category, page_number(limit=10_000), current_app.config["SEARCH_PER_PAGE"])
    return render_template("search/results.html", form=form, results=results)


@bp.get("/search/suggest")
@guest_cached
def suggestions():
    text = (request.args.get("q") or "")[:200]
    return jsonify([
        {"id": q.id, "title": q.title, "url": url_for("questions.show", question_id=q.id), "category": q.category,
         "open": is_open}
        for q, is_open in suggest(text)
    ])
