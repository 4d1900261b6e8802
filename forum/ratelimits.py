"""Rate limits for sign-in, sign-up and posting (questions, answers, comments, 補足); limit strings come from config."""
import math
import time
from datetime import timedelta

from flask import current_app, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_limiter.util import get_remote_address
from flask_login import current_user

from .extensions import limiter
from .models import User
from .models.base import utcnow

NEW_ACCOUNT_AGE = timedelta(days=1)


def _config(name: str):
    """A callable limit value, so tests and deployments can change it per app."""
    return lambda: current_app.config[name]


def _account_name_key() -> str:
    """Sign-in attempts are counted per account: the user id when the name or e-mail
    belongs to one (so both spellings share a counter), else the typed name itself."""
    typed = (request.form.get("username") or "").strip()
    if not typed:
        return "anonymous"
    user = User.for_login(typed)
    return f"user:{user.id}" if user is not None else f"name:{typed.casefold()}"


def _poster_key() -> str:
    return f"user:{current_user.get_id()}" if current_user.is_authenticated else get_remote_address()


def _is_new_account() -> bool:
    created = getattr(current_user, "created_at", None)
    return created is not None and utcnow() - created < NEW_ACCOUNT_AGE


def _posting_limit(normal: str, newcomer: str):
    """Stricter for accounts younger than a day, when throwaway spam is most likely."""
    return lambda: current_app.config[newcomer if _is_new_account() else normal]


def _failed(response) -> bool:
    """A sign-in that did not redirect (wrong password, empty field) is a failed attempt."""
    return response.status_code not in (302, 303)


def _succeeded(response) -> bool:
    """Only what was really created (answered with a redirect) counts as a post or sign-up."""
    return response.status_code in (302, 303)


def _message(text):
    """Flask-Limiter wants a callable; the lazy string is translated when the 429 is shown."""
    return lambda: str(text)


# Only failed sign-ins count: signing in again from a second device must never lock anyone out,
# while guessing passwords for one account (or from one address) soon meets a 429.
login_per_account = limiter.limit(
    _config("RATELIMIT_LOGIN_PER_ACCOUNT"), key_func=_account_name_key, methods=["POST"],
    scope="login-account", deduct_when=_failed,
    error_message=_message(_l("このアカウントへのログインの試行が多すぎます。しばらく待ってからもう一度お試しください。")),
)
login_per_address = limiter.limit(
    _config("RATELIMIT_LOGIN_PER_ADDRESS"), key_func=get_remote_address, methods=["POST"],
    scope="login-address", deduct_when=_failed,
    error_message=_message(_l("ログインの試行が多すぎます。しばらく待ってからもう一度お試しください。")),
)
signup_per_address = limiter.limit(
    _config("RATELIMIT_SIGNUP_PER_ADDRESS"), key_func=get_remote_address, methods=["POST"],
    scope="signup-address", deduct_when=_succeeded,
    error_message=_message(_l("この接続元からの新規登録が多すぎます。時間をおいてからもう一度お試しください。")),
)
question_per_account = limiter.limit(
    _posting_limit("RATELIMIT_QUESTION", "RATELIMIT_QUESTION_NEW_ACCOUNT"), key_func=_poster_key,
    methods=["POST"], scope="question", deduct_when=_succeeded,
    error_message=_message(_l("短い時間に質問を投稿しすぎています。しばらく待ってからもう一度お試しください。")),
)
answer_per_account = limiter.limit(
    _posting_limit("RATELIMIT_ANSWER", "RATELIMIT_ANSWER_NEW_ACCOUNT"), key_func=_poster_key,
    methods=["POST"], scope="answer", deduct_when=_succeeded,
    error_message=_message(_l("短い時間に回答を投稿しすぎています。しばらく待ってからもう一度お試しください。")),
)
# Shared: comments under questions and under answers are one count (two routes, one limit).
comment_per_account = limiter.shared_limit(
    _posting_limit("RATELIMIT_COMMENT", "RATELIMIT_COMMENT_NEW_ACCOUNT"), scope="comment",
    key_func=_poster_key, methods=["POST"], deduct_when=_succeeded,
    error_message=_message(_l("短い時間にコメントを投稿しすぎています。しばらく待ってからもう一度お試しください。")),
)
# The asker's 補足 is a post like the others: without a limit it was the one way left to flood
# a thread (and its followers' notifications) from one account.
supplement_per_account = limiter.limit(
    _posting_limit("RATELIMIT_SUPPLEMENT", "RATELIMIT_SUPPLEMENT_NEW_ACCOUNT"), key_func=_poster_key,
    methods=["POST"], scope="supplement", deduct_when=_succeeded,
    error_message=_message(_l("短い時間に補足を追加しすぎています。しばらく待ってからもう一度お試しください。")),
)
# Reports are counted per member, so one person cannot flood the queue from several addresses.
report_per_account = limiter.limit(
    _config("RATELIMIT_REPORT"), key_func=_poster_key, methods=["POST"], scope="report",
    error_message=_message(_l("短い時間に通報しすぎています。しばらく待ってからもう一度お試しください。")),
)
# The read API: per address, so one client cannot take the site's capacity (RATELIMIT_API).
api_per_address = limiter.limit(
    _config("RATELIMIT_API"), key_func=get_remote_address, scope="api",
    error_message=_message(_l("APIへのリクエストが多すぎます。しばらく待ってからもう一度お試しください。")),
)
contact_per_address = limiter.limit(
    _config("RATELIMIT_CONTACT"), key_func=get_remote_address, methods=["POST"], scope="contact",
    error_message=_message(_l("短い時間にお問い合わせを送りすぎています。しばらく待ってからもう一度お試しください。")),
)


def _reset_email_key() -> str:
    return "reset:" + (request.form.get("email") or "").strip().casefold()


# Every request counts (mail is sent whether the address exists or not, from the outside alike),
# per address and per typed e-mail, so nobody floods an inbox or probes many addresses.
password_reset_per_address = limiter.limit(
    _config("RATELIMIT_PASSWORD_RESET"), key_func=get_remote_address, methods=["POST"], scope="reset-address",
    error_message=_message(_l("パスワード再設定の依頼が多すぎます。しばらく待ってからもう一度お試しください。")),
)
password_reset_per_email = limiter.limit(
    _config("RATELIMIT_PASSWORD_RESET"), key_func=_reset_email_key, methods=["POST"], scope="reset-email",
    error_message=_message(_l("パスワード再設定の依頼が多すぎます。しばらく待ってからもう一度お試しください。")),
)


def retry_after_seconds() -> int:
    """Seconds until the limit this request ran into lets the next try through (at least 1)."""
    current = limiter.current_limit
    if current is None:
        return 60
    return max(1, math.ceil(current.reset_at - time.time()))


def wait_text(seconds: int) -> str:
    """How long to wait, as a member reads it: 「あと約15分で…」."""
    if seconds < 60:
        return _("あと約%(n)d秒で、もう一度投稿できます。", n=seconds)
    minutes = math.ceil(seconds / 60)
    if minutes < 120:
        return _("あと約%(n)d分で、もう一度投稿できます。", n=minutes)
    return _("あと約%(n)d時間で、もう一度投稿できます。", n=math.ceil(minutes / 60))
