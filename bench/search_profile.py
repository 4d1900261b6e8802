"""Where the search page's time goes, query by query, in one process (no HTTP, no page cache).

Runs bench/pages.py's 200 search queries (in its order, after the same 20 warm-up queries)
against a kept database through the Flask test client with PAGE_CACHE_ENABLED off, and
times the pieces of each request: the backend's candidates statements, the scoring read
(kept_fields: what was not kept), BM25 in Python, the results' rows, snippets, FAQ, the
nearest threads, rendering; and counts the statements. Prints p50/p95 of each piece, the
slowest queries with their breakdown, and the pieces' share of the slow tail.

    .venv/bin/python bench/search_profile.py --db-url sqlite:////tmp/sodan-bench-x/bench.db
    .venv/bin/python bench/search_profile.py --db-url URL --redis redis://127.0.0.1:6379/13 -k 15
"""
import argparse
import cProfile
import os
import statistics
import sys
import time
import urllib.parse
from collections import defaultdict
from functools import wraps
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import PageCorpus  # noqa: E402

PIECES = ("request", "search_threads", "rank", "plan", "candidates", "load", "scores", "documents",
          "faq", "nearest", "rows", "snippets", "render")


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


class Timer:
    """Accumulates milliseconds per piece for the current request."""

    def __init__(self, clock):
        self.clock = clock
        self.now: dict[str, float] = defaultdict(float)
        self.statements = 0

    def wrap(self, owner, name: str, piece: str) -> None:
        original = getattr(owner, name)

        @wraps(original)
        def timed(*args, **kwargs):
            t0 = self.clock()
            try:
                return original(*args, **kwargs)
            finally:
                self.now[piece] += (self.clock() - t0) * 1000

        setattr(owner, name, timed)


def instrument(timer: Timer) -> None:
    from forum.search import ranking, services, views
    from forum.search.backends import postgres, sqlite

    timer.wrap(views, "search_threads", "search_threads")
    timer.wrap(views, "render_template", "render")
    timer.wrap(services, "rank", "rank")
    timer.wrap(services, "search_faq", "faq")
    timer.wrap(services, "nearest", "nearest")
    timer.wrap(services, "snippet_for", "snippets")
    timer.wrap(services, "highlight", "snippets")
    timer.wrap(ranking, "plan", "plan")
    timer.wrap(ranking, "_read", "load")
    timer.wrap(ranking, "_scores", "scores")
    timer.wrap(ranking, "_documents", "documents")
    for cls in (sqlite.SQLiteBackend, postgres.PostgresBackend):
        for name in ("candidates", "candidates_batch"):
            if name in vars(cls):
                timer.wrap(cls, name, "candidates")
    # The results' rows: the statements search_threads runs itself (the session's execute
    # from services), timed as `rows` (what is left of search_threads minus the rest).


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db-url", required=True)
    parser.add_argument("--redis", default="", help="REDIS_URL (as the PostgreSQL page runs have it)")
    parser.add_argument("-k", type=int, default=12, help="slowest queries to show")
    parser.add_argument("--rounds", type=int, default=1, help="run the 200 queries this many times")
    parser.add_argument("--cpu", action="store_true",
                        help="this thread's CPU time instead of wall time (steadier on a busy machine; "
                             "leaves out the database server's time on PostgreSQL)")
    parser.add_argument("--cprofile", metavar="FILE", help="also write cProfile stats of the timed requests")
    args = parser.parse_args()
    os.environ.pop("REDIS_URL", None)
    if args.redis:
        os.environ["REDIS_URL"] = args.redis
    from forum import create_app
    from forum.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": args.db_url, "PAGE_CACHE_ENABLED": False,
                      "RATELIMIT_ENABLED": False, "SECRET_KEY": "profile"})
    timer = Timer(time.thread_time if args.cpu else time.perf_counter)
    instrument(timer)
    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute",
                        lambda *a, **k: setattr(timer, "statements", timer.statements + 1))
    from forum.prefork import prepare
    prepare(app)
    client = app.test_client()
    queries = PageCorpus().search_queries(200)
    for q in queries[:20]:
        client.get("/search?q=" + urllib.parse.quote(q))
    rows = []
    profiler = cProfile.Profile() if args.cprofile else None
    if profiler:
        profiler.enable()
    for _ in range(args.rounds):
        for q in queries:
            timer.now.clear()
            timer.statements = 0
            t0 = timer.clock()
            resp = client.get("/search?q=" + urllib.parse.quote(q))
            took = (timer.clock() - t0) * 1000
            assert resp.status_code == 200, (q, resp.status_code)
            piece = dict(timer.now)
            piece["request"] = took
            piece["rows"] = piece.get("search_threads", 0) - sum(
                piece.get(k, 0) for k in ("rank", "faq", "nearest", "snippets"))
            rows.append((q, piece, timer.statements))
    if profiler:
        profiler.disable()
        profiler.dump_stats(args.cprofile)
    print(f"{len(rows)} requests, {args.db_url.split('@')[-1]}")
    print("| piece | p50 ms | p95 ms | mean ms | share of the slowest 5 % |")
    print("|---|---|---|---|---|")
    slow = sorted(rows, key=lambda r: -r[1]["request"])[:max(1, len(rows) // 20)]
    slow_total = sum(r[1]["request"] for r in slow)
    for name in PIECES:
        values = [r[1].get(name, 0.0) for r in rows]
        share = sum(r[1].get(name, 0.0) for r in slow) / slow_total
        print(f"| {name} | {statistics.median(values):.1f} | {percentile(values, 95):.1f} | "
              f"{statistics.mean(values):.1f} | {share:.0%} |")
    print(f"statements per request: p50 {statistics.median(r[2] for r in rows)}, max {max(r[2] for r in rows)}")
    print(f"\nslowest {args.k}:")
    for q, piece, n in sorted(rows, key=lambda r: -r[1]["request"])[:args.k]:
        parts = " ".join(f"{k}={piece.get(k, 0):.1f}" for k in PIECES[1:] if piece.get(k, 0) >= 0.5)
        print(f"  {piece['request']:6.1f} ms  {q!r:28} stmts={n}  {parts}")


if __name__ == "__main__":
    main()
