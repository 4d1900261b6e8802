"""The scoring fields of recently ranked threads, kept per process between searches.

A search scores its candidates on their normalised text (ranking.py), and candidates are
mostly the newest matches, so one search after another reads the same threads again. Their
fields are kept here, per database, for as long as the content version stays where it was
(pagecache.py: every write that changes what readers see moves it, so an edited thread is
read again by the next search on every worker), at most MAX_THREADS of them (least recently
used go first; about 3 KB each).

Only scores come from here: which threads match is always asked of the index, and what a
result shows is read fresh, so nothing kept can bring back a hidden or changed thread.
Rows read inside a transaction that wrote are not kept (they may never be committed).
"""
from collections import OrderedDict
from collections.abc import Callable, Sequence
from threading import Lock

from flask import has_app_context

from .. import pagecache
from .backends.base import DbSession

# 500: a search scores about 200 candidates, mostly the newest matches, so the next few
# searches find theirs here. 2,000 held ~5 MB more per worker (PSS after bench/pages.py's load
# 80-86 MB against 77-79) for no search the benchmark could tell apart (p95 28-35 ms both).
MAX_THREADS = 500


class _Kept:
    def __init__(self, version: str):
        self.version = version
        self.rows: OrderedDict[int, tuple] = OrderedDict()


_kept: dict[str, _Kept] = {}
_lock = Lock()  # threaded servers: one search at a time touches the maps


def fields(session: DbSession, ids: Sequence[int], read: Callable[[list[int]], dict[int, tuple]]) -> dict[int, tuple]:
    """`read(ids)` for the threads not kept, the kept rows for the others."""
    if not ids:
        return {}
    version = pagecache.request_version() if has_app_context() else "none"
    if version == "none":  # no version row (an emptied database): nothing to key on
        return read(list(ids))
    database = str(session.get_bind().engine.url)
    found: dict[int, tuple] = {}
    missing: list[int] = []
    with _lock:
        kept = _kept.get(database)
        if kept is None or kept.version != version:
            kept = _kept[database] = _Kept(version)
        for i in ids:
            row = kept.rows.get(i)
            if row is None:
                missing.append(i)
            else:
                kept.rows.move_to_end(i)
                found[i] = row
    if missing:
        fresh = read(missing)
        found.update(fresh)
        if not pagecache.wrote(session):
            with _lock:
                kept.rows.update(fresh)
                while len(kept.rows) > MAX_THREADS:
                    kept.rows.popitem(last=False)
    return found


def forget() -> None:
    """Drop everything kept (tests)."""
    with _lock:
        _kept.clear()
