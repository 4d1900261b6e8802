"""Error pages in Japanese (JSON for API clients); the session is rolled back on errors."""
from flask import g, jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_limiter.errors import RateLimitExceeded
from flask_login import AnonymousUserMixin
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import (
    DataError,
    DBAPIError,
    IntegrityError,
    InterfaceError,
    OperationalError,
)
from werkzeug.exceptions import HTTPException

from .exceptions import ForumError
from .extensions import db

_TITLES = {
    400: _l("リクエストが正しくありません"),
    403: _l("この操作は許可されていません"),
    404: _l("ページが見つかりません"),
    405: _l("この方法ではアクセスできません"),
    409: _l("いまはこの操作ができません"),
    413: _l("送信された内容が大きすぎます"),
    422: _l("入力内容を確認してください"),
    429: _l("操作が多すぎます"),
    500: _l("サーバーでエラーが発生しました"),
    503: _l("ただいま混み合っています"),
}
# What the reader can do next, for the errors where there is something to say.
_ADVICE = {
    403: _l("ログインしているアカウントを確認してください。"),
    404: _l("お探しのページは削除されたか、URLが間違っている可能性があります。"),
    429: _l("短い時間に操作が集中しました。少し時間をおいてからもう一度お試しください。"),
    500: _l("ご不便をおかけしています。時間をおいてもう一度お試しください。"
            "入力した内容はブラウザの「戻る」で取り戻せることがあります。"),
    503: _l("ご不便をおかけしています。時間をおいてもう一度お試しください。"
            "入力した内容はブラウザの「戻る」で取り戻せることがあります。"),
}


# Machine-readable codes of the JSON errors (the read API's contract, forum/api/openapi.py).
ERROR_CODES = {400: "bad_request", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
               409: "conflict", 413: "too_large", 422: "invalid", 429: "rate_limited",
               500: "server_error", 503: "unavailable"}


def _wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return request.path.startswith("/api/") or (
        best == "application/json"
        and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


def render_error(status: int, message: str = ""):
    title = str(_TITLES.get(status, _TITLES[500]))
    if _wants_json():
        return jsonify(error=title, code=ERROR_CODES.get(status, "error"), message=message or title,
                       status=status), status
    return render_template("errors/error.html", status=status, title=title, message=message,
                           advice=_ADVICE.get(status)), status


# When the database is down even the page layout cannot ask who is signed in, so the last
# resort is plain HTML that needs nothing but this module.
_BARE_503 = """<!doctype html><html lang="ja"><head><meta charset="utf-8">
<title>ただいま混み合っています</title></head><body><h1>ただいま混み合っています</h1>
<p>データベースに一時的に接続できません。少し待ってからもう一度お試しください。</p>
<p><a href="/">トップページへ戻る</a></p></body></html>"""


def render_unavailable(message: str):
    """The 503 page without touching the database: shown as to a signed-out visitor."""
    g._login_user = AnonymousUserMixin()
    try:
        body, status = render_error(503, message)
        return body, status, {"Retry-After": "5"}
    except Exception:  # noqa: BLE001 - anything the layout needs may be what failed
        return _BARE_503, 503, {"Retry-After": "5", "Content-Type": "text/html; charset=utf-8"}


def _rollback() -> None:
    """Roll back, even when the connection under the session is already gone."""
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - a dead connection must not mask the first error
        db.session().invalidate()


def register_error_handlers(app) -> None:
    @app.errorhandler(ForumError)
    def forum_error(error: ForumError):
        _rollback()
        return render_error(error.status_code, error.message)

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return render_error(400, _("フォームの有効期限が切れたか、送信元を確認できませんでした。"
                                   "ページを再読み込みしてもう一度お試しください。"))

    @app.errorhandler(RateLimitExceeded)
    def rate_limited(error: RateLimitExceeded):
        # Flask-Limiter adds Retry-After to this response (RATELIMIT_HEADERS_ENABLED).
        return render_error(429, error.description or "")

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code and error.code >= 500:
            _rollback()
        return render_error(error.code or 500)

    @app.errorhandler(OperationalError)
    @app.errorhandler(DBAPIError)
    def database_unavailable(error: DBAPIError):
        # The database went away (restart, killed connection). Nothing half-done is kept;
        # pool_pre_ping makes the next request reconnect.
        _rollback()
        if isinstance(error, IntegrityError):
            # Two requests raced for the same unique value; the loser may simply retry.
            return render_error(409, _("同時に行われた別の操作と重なりました。もう一度お試しください。"))
        if isinstance(error, DataError):
            # Input the database cannot store (e.g. a NUL character in PostgreSQL text).
            return render_error(400, _("入力に使えない文字や値が含まれています。内容を確認してください。"))
        if not (isinstance(error, (OperationalError, InterfaceError)) or error.connection_invalidated):
            app.logger.exception("database error")
            return render_error(500)
        app.logger.warning("database unavailable: %s", error)
        return render_unavailable(_("データベースに一時的に接続できません。少し待ってからもう一度お試しください。"))

    @app.errorhandler(Exception)
    def server_error(error: Exception):
        _rollback()
        app.logger.exception("unhandled error")
        return render_error(500)
