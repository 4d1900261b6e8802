"""Error pages in Japanese (JSON for API clients); the session is rolled back on errors."""
from flask import jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException

from .exceptions import ForumError
from .extensions import db

_TITLES = {
    400: "リクエストが正しくありません",
    403: "この操作は許可されていません",
    404: "ページが見つかりません",
    405: "この方法ではアクセスできません",
    409: "いまはこの操作ができません",
    413: "送信された内容が大きすぎます",
    422: "入力内容を確認してください",
    429: "操作が多すぎます",
    500: "サーバーでエラーが発生しました",
    503: "ただいま混み合っています",
}


def _wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return request.path.startswith("/api/") or (
        best == "application/json"
        and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


def render_error(status: int, message: str = ""):
    title = _(_TITLES.get(status, _TITLES[500]))
    if _wants_json():
        return jsonify(error=title, message=message, status=status), status
    template = f"errors/{status}.html" if status in (403, 404, 429, 500, 503) else "errors/generic.html"
    return render_template(template, status=status, title=title, message=message), status


def _rollback() -> None:
    """Roll back, even when the connection under the session is already gone."""
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - a dead connection must not mask the first error
        db.session.close()


def register_error_handlers(app) -> None:
    @app.errorhandler(ForumError)
    def forum_error(error: ForumError):
        _rollback()
        return render_error(error.status_code, error.message)

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return render_error(400, _("フォームの有効期限が切れたか、送信元を確認できませんでした。ページを再読み込みしてもう一度お試しください。"))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code and error.code >= 500:
            _rollback()
        return render_error(error.code or 500)

    @app.errorhandler(OperationalError)
    @app.errorhandler(DBAPIError)
    def database_unavailable(error):
        # The database went away (restart, killed connection). Nothing half-done is kept;
        # pool_pre_ping makes the next request reconnect.
        _rollback()
        app.logger.warning("database error: %s", error)
        return render_error(503, _("データベースに一時的に接続できません。少し待ってからもう一度お試しください。"))

    @app.errorhandler(Exception)
    def server_error(error: Exception):
        _rollback()
        app.logger.exception("unhandled error")
        return render_error(500)
