"""Settings read from the environment, with safe embedded defaults."""
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _sqlite_default() -> str:
    return f"sqlite:///{ROOT / 'instance' / 'sodan.db'}"


class Config:
    """Defaults for `make run`: SQLite in instance/, memory rate limits."""

    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-change-me")
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or _sqlite_default()
    # pool_pre_ping: after the database restarts or kills our connections, the
    # next checkout notices and reconnects instead of failing the request.
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    REDIS_URL = os.environ.get("REDIS_URL") or None
    RATELIMIT_ENABLED = os.environ.get("RATELIMIT_ENABLED", "1") != "0"
    BABEL_DEFAULT_LOCALE = "ja"
    BABEL_DEFAULT_TIMEZONE = "Asia/Tokyo"
    LANGUAGES = ("ja", "en")
    WTF_CSRF_TIME_LIMIT = None
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "0") == "1"
    QUESTIONS_PER_PAGE = 20
    SEARCH_PER_PAGE = 20
    VETERAN_BEST_ANSWERS = int(os.environ.get("VETERAN_BEST_ANSWERS", "3"))
    MAX_CONTENT_LENGTH = 1024 * 1024
