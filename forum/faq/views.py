"""よくある質問: the FAQ page."""
from flask import Blueprint, render_template

from ..pagecache import guest_cached
from .content import FAQ_SECTIONS

bp = Blueprint("faq", __name__)


@bp.get("/faq")
@guest_cached
def index():
    return render_template("faq/index.html", sections=FAQ_SECTIONS)
