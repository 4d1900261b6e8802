"""Signed tokens in mail links: one-click unsubscribe (works without signing in)."""
from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

_UNSUBSCRIBE = "sodan-unsubscribe"
DIGEST = "digest"  # the token's kind for the digest mail: it stops every digest kind


def unsubscribe_token(user_id: int, kind: str) -> str:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_UNSUBSCRIBE).dumps([user_id, kind])


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    """(user id, kind), or None for a token this site did not sign."""
    try:
        value = URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_UNSUBSCRIBE).loads(token)
    except BadSignature:
        return None
    if (not isinstance(value, list) or len(value) != 2 or not isinstance(value[0], int)
            or not isinstance(value[1], str)):
        return None
    return value[0], value[1]
