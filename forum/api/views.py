"""GET /api/v1/…: JSON for outside clients, with the pages' visibility rules. Errors are JSON
with a code and a message (forum/errors.py); the contract is /api/v1/openapi.json."""
from flask import Blueprint, current_app, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from ..exceptions import InvalidInput
from ..labels import CATEGORY_LABELS
from ..models import STATUSES
from ..pagecache import guest_cached
from ..ratelimits import api_per_address
from ..urls import MAX_PAGE
from . import services
from .openapi import document

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def _choice(name: str, allowed) -> str | None:
    value = request.args.get(name) or None
    if value is not None and value not in allowed:
        raise InvalidInput(_("%(name)s に使える値は %(values)s です。", name=name, values=", ".join(allowed)))
    return value


def _page() -> int:
    raw = request.args.get("page") or "1"
    if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE:
        raise InvalidInput(_("page は1から%(max)dまでの整数で指定してください。", max=MAX_PAGE))
    return int(raw)


def _per_page() -> int:
    return current_app.config["API_PER_PAGE"]


@bp.get("/openapi.json")
def openapi():
    return jsonify(document())


@bp.get("/questions")
@api_per_address
@guest_cached
def questions():
    status, category = _choice("status", STATUSES), _choice("category", tuple(CATEGORY_LABELS))
    tag = request.args.get("tag") or None
    return jsonify(services.list_questions(status, category, tag, _page(), _per_page()).as_json())


@bp.get("/questions/<int:question_id>")
@api_per_address
@guest_cached
def question(question_id: int):
    return jsonify(services.question_detail(current_user, question_id))


@bp.get("/search")
@api_per_address
@guest_cached
def search():
    category = _choice("category", tuple(CATEGORY_LABELS))
    return jsonify(services.search(request.args.get("q", ""), category, _page(), _per_page()).as_json())


@bp.get("/tags")
@api_per_address
@guest_cached
def tags():
    return jsonify(services.tags(_page(), _per_page()).as_json())
