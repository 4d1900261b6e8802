"""Site-wide routes: health check, language choice, favicon."""
import sqlalchemy as sa
from flask import (
    Blueprint,
    current_app,
    jsonify,
    redirect,
    request,
    send_from_directory,
    url_for,
)

from .extensions import db
from .urls import safe_next

bp = Blueprint("site", __name__)


_redis_clients: dict = {}


def _redis_ping(url: str) -> None:
    """One client per URL and process (its pool reconnects by itself), short timeouts."""
    import redis

    client = _redis_clients.get(url)
    if client is None:
        client = _redis_clients[url] = redis.Redis.from_url(
            url, socket_timeout=1, socket_connect_timeout=1)
    client.ping()


@bp.get("/healthz")
def healthz():
    """Reports each dependency honestly; 503 when one is down (load balancers act on it)."""
    report, healthy = {"status": "ok"}, True
    try:
        db.session.execute(sa.text("SELECT 1"))
        report["database"] = "ok"
    except Exception:  # noqa: BLE001 - any failure means "down"
        try:
            db.session.rollback()
        except Exception:  # noqa: BLE001 - the connection may be gone entirely
            db.session().invalidate()
        report["database"], healthy = "down", False
    redis_url = current_app.config.get("REDIS_URL")
    if redis_url:
        try:
            _redis_ping(redis_url)
            report["redis"] = "ok"
        except Exception:  # noqa: BLE001
            report["redis"], healthy = "down", False
    if not healthy:
        report["status"] = "unavailable"
    response = jsonify(report)
    response.status_code = 200 if healthy else 503
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/lang/<code>")
def set_language(code: str):
    """Remember the reader's language in a cookie (Japanese unless they pick English)."""
    target = safe_next(request.args.get("next")) or url_for("questions.home")
    response = redirect(target)
    if code in current_app.config["LANGUAGES"]:
        response.set_cookie("lang", code, max_age=365 * 24 * 3600, samesite="Lax", httponly=True,
                            secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


@bp.get("/favicon.ico")
def favicon():
    static = current_app.static_folder
    assert static is not None  # create_app() always names the static folder
    return send_from_directory(static, "favicon.ico", max_age=7 * 24 * 3600)
