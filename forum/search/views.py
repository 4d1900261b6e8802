"""Search pages: /search and /search/suggest."""
from flask import Blueprint, current_app, jsonify, render_template, request

from ..labels import CATEGORY_LABELS
from .forms import SearchForm
from .services import search_threads, suggest

bp = Blueprint("search", __name__)


def _page_arg() -> int:
    return max(1, min(request.args.get("page", 1, type=int) or 1, 10_000))


@bp.get("/search")
def search():
    form = SearchForm(request.args)
    text = (request.args.get("q") or "")[:200]
    category = request.args.get("category") or None
    if category not in CATEGORY_LABELS:
        category = None
    results = search_threads(text, category, _page_arg(), current_app.config["SEARCH_PER_PAGE"])
    return render_template("search/results.html", form=form, results=results)


@bp.get("/search/suggest")
def suggestions():
    text = (request.args.get("q") or "")[:200]
    return jsonify(suggest(text))
