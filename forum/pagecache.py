"""What a guest sees, stored whole and served again until the next write.

Most readers never sign in, and they all see the same page for the same URL and language.
Such a page is kept under (content version, language, URL). The version is a counter in the
database that every transaction which changes what readers see adds one to, inside that same
transaction (`_bump_on_flush`): once a write commits, no worker can find a page cached before
it. Pages live in Redis when REDIS_URL is set (shared by every worker and machine) and in a
small per-process LRU otherwise; both are correct, because the version is read from the
database on each request.

Only pages that carry nothing personal are stored: no session cookie set, no flash, no CSRF
token (a page that made one modified the session, and is not kept). Responses carry an ETag
made of the version, so a browser or a reverse proxy revalidates with If-None-Match and gets a
304 while nothing changed.

A signed-in member's thread page is kept too, for that member alone (`member_page`): under the
same version and language, the member, whether they are suspended now, what the view says the
page shows beyond the forum's rows (the follow state and the header's unread count, which
writes that leave the version alone change), and the URL. Its CSRF token is kept as a mark and
replaced by the request's own token when served, so a page kept in one browser is right in the
member's other browsers too. Such pages are private: never given to anyone else, never an ETag.
"""
import contextlib
import hashlib
import logging
import os
import pickle  # nosec B403 # only what RedisStore.set wrote is unpickled
import secrets
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from functools import lru_cache, wraps
from pathlib import Path
from threading import Lock
from typing import Any, TypeVar

import redis
import sqlalchemy as sa
from flask import Flask, Response, current_app, g, has_app_context, make_response, request, session
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from psycopg import pq
from sqlalchemy import event, orm

from .extensions import db
from .i18n import select_locale
from .models.engagement import Follow, Notification
from .models.site import ContentVersion

if sys.version_info >= (3, 14):
    from compression import zstd
else:  # the same module, for the Pythons before it
    from backports import zstd

log = logging.getLogger(__name__)
T = TypeVar("T")

_VERSION_ROW = 1
# Rows no guest page shows: writing only these leaves the content version alone.
_UNSEEN_BY_GUESTS = (ContentVersion, Follow, Notification)
_BUMPED = "pagecache_bumped"  # session.info flag: this transaction already counted its write
_STORE = "sodan_page_store"
_COPIES = "sodan_page_copies"
_MEMBERS = "sodan_member_pages"
_DOOR = "sodan_page_door"
_ENGINE = "sodan_page_engine"  # the app's engine, for page_key_for
# The WSGI environ's: the key of the kept page this response is (read by forum.pagedoor), and,
# set by forum.pagedoor, the page key it looked for and did not find.
KEPT_PAGE = "sodan.kept_page"
DOOR_MISSED = "sodan.door_missed"
_TO_KEEP = "sodan.page_to_keep"  # a missed page's entry, kept by the door with its response


# --- the content version ---------------------------------------------------------------------

_VERSION_SQL = f"SELECT epoch, version FROM content_version WHERE id = {_VERSION_ROW}"  # nosec B608 # a constant


# The version as columns of another statement (a member's thread page reads it with their
# follow state and unread count: one round trip fewer); `version_of` makes it a key's part.
VERSION_COLUMNS = (
    sa.select(ContentVersion.epoch).where(ContentVersion.id == _VERSION_ROW).scalar_subquery(),
    sa.select(ContentVersion.version).where(ContentVersion.id == _VERSION_ROW).scalar_subquery(),
)


def version_of(epoch: str | None, version: int | None) -> str:
    return f"{epoch}.{version}" if epoch is not None else "none"


def current_version(engine: sa.Engine | None = None) -> str:
    """The committed content version with the database's epoch (one primary-key read,
    sent as plain SQL: on a cache hit it is the request's only statement), of the app's
    database or `engine`'s."""
    engine = engine or db.engine
    row: Any = _read_version_directly(engine) if _reads_directly(engine) else _NO_ROW
    if row is _NO_ROW:
        with engine.connect() as connection:  # not the ORM session: a hit needs nothing else
            row = connection.exec_driver_sql(_VERSION_SQL).first()
    return version_of(row[0], row[1]) if row is not None else "none"


# A pooled read costs a checkout and a return (and outside a GET, BEGIN and ROLLBACK round
# trips on PostgreSQL), and on SQLite 45 µs where the read alone takes 3 (a cache hit's largest
# cost after the response itself). Each process keeps one connection of its own per database
# for this read instead, in autocommit (psycopg connections may be shared by threads, under
# psycopg's lock; SQLite's are kept per thread). When it fails (the server restarted) it is dropped
# and the read goes through the pool, which reconnects or raises the error the pages answer 503
# to; the next read opens a new one. An in-memory SQLite database lives in its one pooled
# connection: it is always read through the pool.
_NO_ROW = object()
_version_connections: OrderedDict[tuple, object] = OrderedDict()
_version_lock = Lock()
_MAX_VERSION_CONNECTIONS = 8  # a process reads one or two databases; tests make one per test


def _reads_directly(engine: sa.Engine) -> bool:
    if engine.dialect.name == "postgresql":
        return True
    database = engine.url.database or ""
    return engine.dialect.name == "sqlite" and database not in ("", ":memory:") \
        and "mode=memory" not in str(engine.url)


def _read_version_directly(engine: sa.Engine):
    """The version row over this process's own autocommit connection; _NO_ROW when it failed."""
    key: tuple = (os.getpid(), str(engine.url))  # a forked child opens its own
    if engine.dialect.name == "sqlite":
        key += (threading.get_ident(),)
    connection = _version_connections.get(key)
    if connection is None:
        with _version_lock:
            connection = _version_connections.get(key) or _open_direct(engine)
            if connection is None:
                return _NO_ROW
            _version_connections[key] = connection
            while len(_version_connections) > _MAX_VERSION_CONNECTIONS:  # the oldest go
                with contextlib.suppress(Exception):
                    _version_connections.popitem(last=False)[1].close()  # type: ignore[attr-defined]
    try:
        return connection.read()  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001 - any failure of this shortcut falls back to the pool
        _version_connections.pop(key, None)
        with contextlib.suppress(Exception):
            connection.close()  # type: ignore[attr-defined]
        return _NO_ROW


class _SqliteVersion:
    """The version read on a sqlite3 connection of our own, in autocommit."""

    def __init__(self, connection):
        connection.isolation_level = None  # autocommit: each read sees the last commit
        self.connection = connection

    def read(self):
        return self.connection.execute(_VERSION_SQL).fetchone()

    def close(self) -> None:
        self.connection.close()


class _PostgresVersion:
    """The version read on a psycopg connection of our own, through libpq itself: a statement
    prepared once, executed with no cursor. psycopg's cursor (its prepare bookkeeping, the
    result's description) cost ~100 µs of CPU a read, most of a kept page's on PostgreSQL."""

    _NAME = b"sodan_content_version"

    def __init__(self, connection):
        connection.autocommit = True
        self.connection, self.pgconn = connection, connection.pgconn
        prepared = self.pgconn.prepare(self._NAME, _VERSION_SQL.encode())
        if prepared.status != pq.ExecStatus.COMMAND_OK:
            raise RuntimeError(prepared.error_message.decode(errors="replace"))

    def read(self):
        with self.connection.lock:  # psycopg's own: threads of a process share this connection
            result = self.pgconn.exec_prepared(self._NAME, None)
        if result.status != pq.ExecStatus.TUPLES_OK:
            raise RuntimeError(result.error_message.decode(errors="replace"))  # dropped; the pool reads
        if result.ntuples == 0:
            return None
        epoch, version = result.get_value(0, 0), result.get_value(0, 1)
        return (epoch.decode() if epoch is not None else None, int(version) if version is not None else None)

    def close(self) -> None:
        self.connection.close()


def _open_direct(engine: sa.Engine):
    """A connection taken out of the pool for good, in autocommit, with its version read;
    None when it cannot be had."""
    try:
        pooled = engine.raw_connection()
        driver = pooled.driver_connection  # the psycopg or sqlite3 connection itself
        pooled.detach()  # ours now: the pool neither pings nor resets it, nor hands it out
        driver.rollback()  # type: ignore[union-attr]
        return _SqliteVersion(driver) if engine.dialect.name == "sqlite" else _PostgresVersion(driver)
    except Exception:  # noqa: BLE001 - the pooled read then raises what the pages answer
        return None


_REQUEST_VERSION = "pagecache_request_version"  # flask.g: the version this request reads by


def request_version() -> str:
    """The content version this request reads by, for caches kept per process (search's
    synonyms, scoring fields, FAQ entries): the one a guest's page-cache lookup read already,
    else one read, kept until the request commits (a commit may move it)."""
    version = g.get(_REQUEST_VERSION)
    if version is None:
        key = g.get("page_cache_key")  # code:version:locale:path (_lookup)
        version = key.split(":")[1] if key else current_version()
        g.setdefault(_REQUEST_VERSION, version)
    return version


@event.listens_for(orm.Session, "after_commit")
def _forget_request_version(session: orm.Session) -> None:
    if has_app_context():
        g.pop(_REQUEST_VERSION, None)


def kept_until_write(store: dict[str, tuple[str, T]], build: Callable[[], T]) -> T:
    """`build()`, kept in `store` per database until the content version moves: what a process
    may keep of the forum's rows (search's synonyms, the FAQ entries) and still see every
    write at once, on every worker."""
    database, version = str(db.engine.url), request_version()
    kept = store.get(database)
    if kept is None or kept[0] != version:
        kept = store[database] = (version, build())
    return kept[1]


def wrote(session: orm.Session | orm.scoped_session) -> bool:
    """Whether this transaction changed what readers see (rows read in it may never commit)."""
    return bool(session.info.get(_BUMPED))


def bump(connection: sa.Connection) -> None:
    """Count a write; called in the writer's transaction (bulk writers call it themselves).
    The row is made again, under a new epoch, if the table was emptied."""
    moved = connection.execute(sa.update(ContentVersion).where(ContentVersion.id == _VERSION_ROW)
                               .values(version=ContentVersion.version + 1))
    if moved.rowcount == 0:
        connection.execute(sa.insert(ContentVersion).values(id=_VERSION_ROW, version=1, epoch=secrets.token_hex(8)))


@event.listens_for(orm.Session, "after_flush")
def _bump_on_flush(session: orm.Session, flush_context) -> None:
    """Any ORM write to the forum's rows moves the version, once per transaction."""
    if session.info.get(_BUMPED):
        return
    changed = [*session.new, *session.dirty, *session.deleted]
    if not any(not isinstance(obj, _UNSEEN_BY_GUESTS) for obj in changed):
        return
    bump(session.connection())
    session.info[_BUMPED] = True


@event.listens_for(orm.Session, "after_transaction_end")
def _forget_bump(session: orm.Session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_BUMPED, None)


# --- where pages are kept --------------------------------------------------------------------

class _Packed:
    """A kept entry whose body (its last item) is held compressed (LocalStore)."""

    __slots__ = ("head", "body")

    def __init__(self, head: tuple, body: bytes):
        self.head, self.body = head, body

    def unpacked(self) -> tuple:
        return (*self.head, zstd.decompress(self.body))


# Bodies from this size are kept compressed (zstd at level 1) when that saves a tenth (an
# already compressed copy does not shrink, and is kept as it is). A page's HTML shrinks to a
# fifth: the pages and the door's responses held ~9 MB of each worker's memory after
# bench/pages.py's load, ~2 MB packed. Packing costs a miss 25 us (an 18 KB thread page),
# unpacking a hit 15 us (37 us for the 135 KB thread of 50 answers; zlib took 17 and 137).
_PACK_FROM = 1024
_PACK_LEVEL = 1


def _pack(value: Any) -> Any:
    if not (isinstance(value, tuple) and value and isinstance(value[-1], bytes) and len(value[-1]) >= _PACK_FROM):
        return value
    body = value[-1]
    packed = zstd.compress(body, _PACK_LEVEL)
    return _Packed(value[:-1], packed) if len(packed) < len(body) * 0.9 else value


class LocalStore:
    """A bounded LRU of pages in this process (the default without Redis), each kept at most
    `ttl` seconds like Redis keeps them. An entry is a tuple ending in the page's body (status,
    headers...) and comes back equal; its body is held compressed (_pack)."""

    def __init__(self, entries: int, ttl: int):
        self.entries, self.ttl = entries, ttl
        self._pages: OrderedDict[str, tuple[float, Any]] = OrderedDict()
        self._lock = Lock()

    def get(self, key: str) -> Any:
        with self._lock:
            found = self._pages.get(key)
            if found is None:
                return None
            if found[0] < time.monotonic():
                del self._pages[key]
                return None
            self._pages.move_to_end(key)
        value = found[1]
        return value.unpacked() if isinstance(value, _Packed) else value

    def set(self, key: str, value: Any) -> None:
        value = _pack(value)
        with self._lock:
            self._pages[key] = (time.monotonic() + self.ttl, value)
            self._pages.move_to_end(key)
            while len(self._pages) > self.entries:
                self._pages.popitem(last=False)

    def set_many(self, entries: dict[str, Any]) -> None:
        for key, value in entries.items():
            self.set(key, value)

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()


class RedisStore:
    """Pages shared by every process (pickled: only what `set` wrote is read back); a Redis
    that fails is a cache miss, never an error."""

    def __init__(self, url: str, prefix: str, ttl: int):
        self.client = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        self.prefix, self.ttl = prefix, ttl

    def get(self, key: str) -> Any:
        try:
            found = self.client.get(self.prefix + key)
        except redis.RedisError as error:
            log.warning("page cache: %s", error)
            return None
        return pickle.loads(found) if found is not None else None  # type: ignore[arg-type] # nosec B301

    def set(self, key: str, value: Any) -> None:
        try:
            self.client.set(self.prefix + key, pickle.dumps(value), ex=self.ttl)
        except redis.RedisError as error:
            log.warning("page cache: %s", error)

    def set_many(self, entries: dict[str, Any]) -> None:
        """In one round trip (a missed page and the door's response to it)."""
        try:
            pipeline = self.client.pipeline(transaction=False)
            for key, value in entries.items():
                pipeline.set(self.prefix + key, pickle.dumps(value), ex=self.ttl)
            pipeline.execute()
        except redis.RedisError as error:
            log.warning("page cache: %s", error)


@lru_cache(maxsize=4)
def code_stamp(root: Path) -> str:
    """Changes whenever the code, templates, translations or styles change, so a deploy never
    serves pages rendered by the code it replaced. Read once per process (a deploy starts new
    processes): every app the process builds (the test suite builds thousands) shares it."""
    digest = hashlib.blake2b(digest_size=8)
    for folder in ("forum", "templates", "translations", "static"):
        for path in sorted((root / folder).rglob("*")):
            if path.is_file():
                stat = path.stat()
                digest.update(f"{path}:{stat.st_mtime_ns}:{stat.st_size}".encode())
    return digest.hexdigest()


def init_app(app: Flask) -> None:
    """Call before the other extensions: the hit hook must run first."""
    app.config.setdefault("PAGE_CACHE_CODE", code_stamp(Path(app.root_path).parent))
    app.before_request(serve_from_cache)
    if not app.config["PAGE_CACHE_ENABLED"]:
        for name in (_STORE, _COPIES, _MEMBERS, _DOOR):
            app.extensions[name] = None
    elif app.config.get("REDIS_URL"):
        shared = RedisStore(app.config["REDIS_URL"], app.config["PAGE_CACHE_PREFIX"], app.config["PAGE_CACHE_SECONDS"])
        for name in (_STORE, _COPIES, _MEMBERS, _DOOR):
            app.extensions[name] = shared
    else:
        ttl = app.config["PAGE_CACHE_SECONDS"]
        app.extensions[_STORE] = LocalStore(app.config["PAGE_CACHE_ENTRIES"], ttl)
        # Compressed copies in an LRU of their own: in one with the pages, a page read by
        # browsers (its copy) and by other clients (the page) would take two of its places.
        app.extensions[_COPIES] = LocalStore(app.config["PAGE_CACHE_ENTRIES"], ttl)
        # Members' pages in one of their own too: each is one member's, and must not push out
        # the pages every guest reads.
        app.extensions[_MEMBERS] = LocalStore(app.config["MEMBER_PAGE_CACHE_ENTRIES"], ttl)
        # Whole responses at the door (forum.pagedoor): one per page and Accept-Encoding.
        app.extensions[_DOOR] = LocalStore(app.config["PAGE_CACHE_ENTRIES"], ttl)


def forget_kept(app: Flask) -> None:
    """Drop what this process keeps: `app`'s pages (a shared Redis keeps them) and the
    process's own connections for reading the version (of any app). Before a fork
    (forum.prefork): a child must not inherit a connection, nor pages it did not render."""
    for name in (_STORE, _COPIES, _MEMBERS, _DOOR):
        store = app.extensions.get(name)
        if isinstance(store, LocalStore):
            store.clear()
    with _version_lock:
        while _version_connections:
            with contextlib.suppress(Exception):
                _version_connections.popitem()[1].close()  # type: ignore[attr-defined]


# --- serving ---------------------------------------------------------------------------------

def _is_guest_without_state() -> bool:
    """A guest with nothing pending: no sign-in, no flash waiting to be shown."""
    return "_user_id" not in session and "_flashes" not in session


def _etag(key: str) -> str:
    return hashlib.blake2b(key.encode(), digest_size=12).hexdigest()


def _from_cache(entry: tuple, etag: str) -> Response:
    status, mimetype, body = entry
    response = Response(body, status=status, mimetype=mimetype)
    response.set_etag(etag)
    return response


def _storable(response: Response) -> bool:
    return (response.status_code == 200 and not response.is_streamed and not session.modified
            and "Set-Cookie" not in response.headers)


def _public(response: Response) -> Response:
    # Anyone may keep it, but must ask again before reuse: the next write changes the ETag.
    response.headers["Cache-Control"] = "public, no-cache"
    response.vary.add("Cookie")
    response.make_conditional(request)  # turns it into a 304 in place when the ETag matches
    return response


def _lookup() -> tuple[object, str] | None:
    """The store and this request's key when the request may be served from the cache."""
    store = current_app.extensions.get(_STORE)
    if store is None or request.method not in ("GET", "HEAD") or not _is_guest_without_state():
        return None
    view = current_app.view_functions.get(request.endpoint or "")
    if not getattr(view, "guest_cached", False):
        return None
    # The door worked out the same key a moment ago: the version is not read twice.
    return store, request.environ.get(DOOR_MISSED) or page_key(select_locale(), request.full_path)


def page_key(locale: str, full_path: str) -> str:
    """The key of the guest page at this URL in this language, as the forum's rows are now."""
    return page_key_for(current_app._get_current_object(), locale, full_path)  # type: ignore[attr-defined]


def page_key_for(app: Flask, locale: str, full_path: str) -> str:
    """page_key of `app`, also outside an app context (forum.pagedoor's, before Flask builds
    one): the app's engine is looked up once, in a context of its own."""
    engine = app.extensions.get(_ENGINE)
    if engine is None:
        with app.app_context():
            engine = app.extensions[_ENGINE] = db.engine
    return f"{app.config['PAGE_CACHE_CODE']}:{current_version(engine)}:{locale}:{full_path}"


def serve_from_cache() -> Response | None:
    """First before-request hook: a hit is answered here, before rate limits, sign-in or
    locale lookups run (none of them can change a guest's cached page)."""
    found = _lookup()
    if found is None:
        return None
    store, key = found
    g.page_cache_key = key
    # In Redis, a plain response missed at the door is missing here too (both are kept
    # together, for as long): a cold page costs one round trip to Redis, not two. A reader
    # asking for an encoding may find the page kept for another; and per process, the door's
    # LRU (a response per encoding) and the pages' LRU drop different entries.
    if DOOR_MISSED in request.environ and not request.headers.get("Accept-Encoding") \
            and store is current_app.extensions.get(_DOOR):
        return None
    entry = store.get(key)  # type: ignore[attr-defined]
    if entry is None:
        return None
    response = _from_cache(entry, _etag(key))
    response.headers["X-Page-Cache"] = "hit"
    _served(key)
    return _public(response)


def _served(key: str) -> None:
    request.environ.setdefault(KEPT_PAGE, key)


def served_key() -> str | None:
    """The cache key of the page this response is, when it is a kept guest page (a hit, or a
    miss just kept): the same bytes for everyone, until the next write."""
    return request.environ.get(KEPT_PAGE)


def reach_app_each_time(view) -> None:
    """Mark a kept view whose every request must reach the app (e.g. a counter must see it):
    forum.pagedoor leaves it to the app, whose hits still answer it."""
    view.reaches_app = True


def reaches_door(view) -> bool:
    """Whether forum.pagedoor may keep and serve this view's guest pages."""
    return getattr(view, "guest_cached", False) and not getattr(view, "reaches_app", False)


def keep_missed(app: Flask, environ: dict, door_entry: tuple[str, Any] | None) -> None:
    """After the door let a request through: keep the page the app rendered (its entry, left
    in the environ) and the door's response to it when there is one (`door_entry`: key and
    value), in one round trip when both go to the same Redis."""
    pages: LocalStore | RedisStore | None = app.extensions.get(_STORE)
    doors: LocalStore | RedisStore | None = app.extensions.get(_DOOR)
    page_entry = environ.pop(_TO_KEEP, None)
    if pages is not None and doors is pages:
        entries = dict(entry for entry in (page_entry, door_entry) if entry is not None)
        if entries:
            pages.set_many(entries)
        return
    if page_entry is not None and pages is not None:
        pages.set(*page_entry)
    if door_entry is not None and doors is not None:
        doors.set(*door_entry)


def door_store(app: Flask) -> LocalStore | RedisStore | None:
    """Where forum.pagedoor keeps whole responses of kept pages; None when the cache is off."""
    return app.extensions.get(_DOOR)


def copies_store() -> LocalStore | RedisStore | None:
    """Where this app keeps other forms of its kept pages (their compressed copies, under keys
    of their own made from the page's): the pages' Redis, or an LRU of their own in this
    process; None when the page cache is off."""
    return current_app.extensions.get(_COPIES)


def guest_cached(view):
    """Mark a view whose guest page may be kept: hits never reach it (serve_from_cache), a
    miss renders it and keeps the page. Members get it fresh with `Cache-Control: private`."""

    @wraps(view)
    def cached(*args, **kwargs):
        response = make_response(view(*args, **kwargs))
        key = g.pop("page_cache_key", None)
        if key is None:
            response.headers.setdefault("Cache-Control", "private, no-cache")
            return response
        if not _storable(response):
            response.headers["X-Page-Cache"] = "not kept"
            return response
        entry = (response.status_code, response.mimetype, response.get_data())
        if DOOR_MISSED in request.environ:
            request.environ[_TO_KEEP] = (key, entry)  # the door keeps it with its own (keep_missed)
        else:
            current_app.extensions[_STORE].set(key, entry)
        response.set_etag(_etag(key))
        response.headers["X-Page-Cache"] = "miss"
        _served(key)
        return _public(response)

    cached.guest_cached = True  # type: ignore[attr-defined]
    return cached


# --- a member's own pages --------------------------------------------------------------------

# Stands for the request's CSRF token in a kept member page. A NUL never reaches a page from
# what members write (forum.inputs drops control characters), so only the token becomes it.
_TOKEN_MARK = b"\x00csrf-token\x00"


def member_page(state: tuple, render: Callable[[], ResponseReturnValue], version: str | None = None) -> Response:
    """The signed-in member's page rendered by `render()`, or the one kept for them while
    nothing it shows has changed. `state` is what the page shows that a write can change
    without moving the content version (the rows in _UNSEEN_BY_GUESTS: their follow of the
    thread, their unread count), read by the caller; everything else comes from the forum's
    rows (the version), the member's own row (a write to it moves the version too), the time
    (only whether they are suspended) and the URL. A member with a flash waiting gets it on a
    freshly rendered page, which is not kept. `version`: the content version when the caller
    read it already (VERSION_COLUMNS, before the reads that render the page on a miss, so the
    page is never older than its key)."""
    store = current_app.extensions.get(_MEMBERS)
    if store is None or request.method != "GET" or "_flashes" in session:
        return make_response(render())
    key = (f"member:{current_app.config['PAGE_CACHE_CODE']}:{version or current_version()}:{select_locale()}:"
           f"{current_user.id}:{int(current_user.is_suspended())}:{':'.join(map(str, state))}:{request.full_path}")
    entry = store.get(key)
    if entry is not None:
        status, mimetype, body = entry
        response = Response(body.replace(_TOKEN_MARK, generate_csrf().encode()), status=status, mimetype=mimetype)
        response.headers["X-Page-Cache"] = "member hit"
        return response
    response = make_response(render())
    if response.status_code == 200 and not response.is_streamed and "_flashes" not in session:
        body = response.get_data()
        token = g.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"))
        if token:
            body = body.replace(token.encode(), _TOKEN_MARK)
        store.set(key, (response.status_code, response.mimetype, body))
        response.headers["X-Page-Cache"] = "member miss"
    return response
