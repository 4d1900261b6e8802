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
    # pool_recycle: drop connections before a firewall or PgBouncer silently does.
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_recycle": 1800}
    # After PostgreSQL restarts or kills our connections, the next checkout notices (the idle
    # connection's socket has something to read) and reconnects instead of failing the
    # request: what pool_pre_ping does, without its round trip (forum/database/postgres.py).
    DATABASE_LIVENESS_CHECK = True
    # Shared by every process when set: rate-limit counters (and any cache) live there.
    REDIS_URL = os.environ.get("REDIS_URL") or None
    RATELIMIT_ENABLED = os.environ.get("RATELIMIT_ENABLED", "1") != "0"
    # Empty means: REDIS_URL when set, else memory:// (per process; fine for one process).
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI") or None
    RATELIMIT_KEY_PREFIX = os.environ.get("RATELIMIT_KEY_PREFIX", "sodan")
    # If Redis goes away, serve without limits (and /healthz says so) rather than fail pages.
    RATELIMIT_SWALLOW_ERRORS = True
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_LOGIN_PER_ACCOUNT = os.environ.get("RATELIMIT_LOGIN_PER_ACCOUNT", "10 per 15 minutes")
    RATELIMIT_LOGIN_PER_ADDRESS = os.environ.get("RATELIMIT_LOGIN_PER_ADDRESS", "30 per 15 minutes")
    RATELIMIT_SIGNUP_PER_ADDRESS = os.environ.get("RATELIMIT_SIGNUP_PER_ADDRESS", "5 per hour")
    RATELIMIT_QUESTION = os.environ.get("RATELIMIT_QUESTION", "10 per hour")
    RATELIMIT_QUESTION_NEW_ACCOUNT = os.environ.get("RATELIMIT_QUESTION_NEW_ACCOUNT", "3 per hour")
    RATELIMIT_ANSWER = os.environ.get("RATELIMIT_ANSWER", "30 per hour")
    RATELIMIT_ANSWER_NEW_ACCOUNT = os.environ.get("RATELIMIT_ANSWER_NEW_ACCOUNT", "10 per hour")
    RATELIMIT_COMMENT = os.environ.get("RATELIMIT_COMMENT", "40 per hour")
    RATELIMIT_COMMENT_NEW_ACCOUNT = os.environ.get("RATELIMIT_COMMENT_NEW_ACCOUNT", "10 per hour")
    RATELIMIT_SUPPLEMENT = os.environ.get("RATELIMIT_SUPPLEMENT", "20 per hour")
    RATELIMIT_SUPPLEMENT_NEW_ACCOUNT = os.environ.get("RATELIMIT_SUPPLEMENT_NEW_ACCOUNT", "5 per hour")
    RATELIMIT_REPORT = os.environ.get("RATELIMIT_REPORT", "10 per hour;30 per day")
    RATELIMIT_CONTACT = os.environ.get("RATELIMIT_CONTACT", "5 per hour")
    # Number of reverse proxies in front of the app whose X-Forwarded-For / -Proto to trust;
    # without it every visitor shares the proxy's address for per-address limits.
    PROXY_FIX_X_FOR = int(os.environ.get("PROXY_FIX_X_FOR", "0"))
    PASSWORD_HASH_METHOD = "scrypt"
    BABEL_DEFAULT_LOCALE = "ja"
    BABEL_DEFAULT_TIMEZONE = "Asia/Tokyo"
    BABEL_TRANSLATION_DIRECTORIES = str(ROOT / "translations")
    LANGUAGES = ("ja", "en")
    WTF_CSRF_TIME_LIMIT = None
    # HTTPS=1: the site is served over TLS (directly or behind a proxy): HSTS on every response
    # and cookies marked Secure (forum/security.py).
    HTTPS = os.environ.get("HTTPS", "0") == "1"
    HSTS_SECONDS = int(os.environ.get("HSTS_SECONDS", str(365 * 24 * 3600)))
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "1" if HTTPS else "0") == "1"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    # Guest pages (forum/pagecache.py): in Redis when REDIS_URL is set, else this many per process.
    PAGE_CACHE_ENABLED = os.environ.get("PAGE_CACHE_ENABLED", "1") != "0"
    PAGE_CACHE_ENTRIES = int(os.environ.get("PAGE_CACHE_ENTRIES", "300"))
    PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "600"))
    # A signed-in member's thread pages, each kept for them alone (without Redis, per process).
    MEMBER_PAGE_CACHE_ENTRIES = int(os.environ.get("MEMBER_PAGE_CACHE_ENTRIES", "100"))
    # Thread pages show each thread's related threads as `flask forum relate` (and the sweep)
    # ranked them; a list is ranked again once it is this old, when newer threads may belong.
    RELATED_REFRESH_HOURS = int(os.environ.get("RELATED_REFRESH_HOURS", "24"))
    RELATED_SWEEP_LIMIT = int(os.environ.get("RELATED_SWEEP_LIMIT", "5000"))
    PAGE_CACHE_PREFIX = os.environ.get("PAGE_CACHE_PREFIX", "sodan:page:")
    QUESTIONS_PER_PAGE = 20
    SEARCH_PER_PAGE = 20
    VETERAN_BEST_ANSWERS = int(os.environ.get("VETERAN_BEST_ANSWERS", "3"))
    # 1: veterans (先輩) may close a thread as a duplicate of another, as moderators do.
    VETERANS_CLOSE_DUPLICATES = os.environ.get("VETERANS_CLOSE_DUPLICATES", "0") == "1"
    API_PER_PAGE = 20
    RATELIMIT_API = os.environ.get("RATELIMIT_API", "300 per minute")
    MAX_CONTENT_LENGTH = 1024 * 1024
    # Mail (forum/mail/). No MAIL_SERVER: mail is written to the log instead of sent.
    MAIL_SERVER = os.environ.get("MAIL_SERVER") or None
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "0") == "1"
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "相談室 <no-reply@sodan.example>")
    MAIL_TIMEOUT_SECONDS = int(os.environ.get("MAIL_TIMEOUT_SECONDS", "20"))
    MAIL_BATCH_SIZE = int(os.environ.get("MAIL_BATCH_SIZE", "20"))
    MAIL_CLAIM_SECONDS = int(os.environ.get("MAIL_CLAIM_SECONDS", "600"))  # a batch's lease
    MAIL_RETRY_BASE_SECONDS = int(os.environ.get("MAIL_RETRY_BASE_SECONDS", "60"))
    MAIL_RETRY_MAX_SECONDS = int(os.environ.get("MAIL_RETRY_MAX_SECONDS", "21600"))
    MAIL_MAX_ATTEMPTS = int(os.environ.get("MAIL_MAX_ATTEMPTS", "12"))
    MAIL_POLL_SECONDS = float(os.environ.get("MAIL_POLL_SECONDS", "5"))
    # Absolute links in mail (no request to take the host from).
    SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:5000")
    DIGEST_HOUR = int(os.environ.get("DIGEST_HOUR", "8"))  # Tokyo time; the daily digest goes from then
    PASSWORD_RESET_SECONDS = int(os.environ.get("PASSWORD_RESET_SECONDS", "3600"))
    RATELIMIT_PASSWORD_RESET = os.environ.get("RATELIMIT_PASSWORD_RESET", "5 per hour")
    # Stale-thread care (`flask forum sweep`).
    STALE_REMIND_DAYS = float(os.environ.get("STALE_REMIND_DAYS", "3"))
    STALE_EXPIRE_DAYS = float(os.environ.get("STALE_EXPIRE_DAYS", "14"))
    URGENT_ALERT_HOURS = float(os.environ.get("URGENT_ALERT_HOURS", "6"))
