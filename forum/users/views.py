"""Public profiles."""
from flask import Blueprint, abort, render_template

from . import services

bp = Blueprint("users", __name__, url_prefix="/users")


@bp.get("/<username>")
def profile(username: str):
    user = services.get_user_by_name(username)
    if user is None:
        abort(404)
    return render_template("users/profile.html", profile=services.load_profile(user))
