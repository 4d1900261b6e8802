"""URL helpers every feature's views share: the local `next` target and the page number."""
from urllib.parse import urlsplit

from flask import request

MAX_PAGE = 100_000


def safe_next(target: str | None) -> str | None:
    """Only a local path is followed after sign-in or an action; anything else is dropped."""
    if not target:
        return None
    target = target.strip().replace("\\", "/")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def page_number(limit: int = MAX_PAGE) -> int:
    """`?page=N` clamped to 1..limit: a typed 0, -3, "abc" or 10**30 is a page, never an error."""
    return max(1, min(request.args.get("page", 1, type=int) or 1, limit))
