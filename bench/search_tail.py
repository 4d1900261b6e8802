"""The search page's slow tail over HTTP: bench/pages.py's 200 search queries, one at a time,
through gunicorn (its settings) on a kept database, each query's time and whether the page
cache answered it (X-Page-Cache), the slowest first.

    .venv/bin/python bench/search_tail.py --db-url URL [--redis redis://127.0.0.1:6379/13] [--rounds 3]

--rounds N serves the queries N times, each round on a fresh server (and, for PostgreSQL, a
Redis database emptied first), and prints each round's p50/p95 as bench/pages.py does.
"""
import argparse
import http.client
import statistics
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

import redis as redis_client

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import PageCorpus  # noqa: E402
from pages import app_env, percentile  # noqa: E402
from serving import Gunicorn  # noqa: E402


def timed_queries(port: int, queries: list[str]) -> list[tuple[str, float, str]]:
    """(query, ms, X-Page-Cache) of each query after the same 20 warm-up requests as pages.py."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def one(query: str) -> str:
        conn.request("GET", "/search?q=" + urllib.parse.quote(query))
        resp = conn.getresponse()
        resp.read()
        assert resp.status == 200, (query, resp.status)
        return resp.getheader("X-Page-Cache") or "-"

    try:
        for query in queries[:20]:
            one(query)
        out = []
        for query in queries:
            t0 = time.perf_counter()
            cache = one(query)
            out.append((query, (time.perf_counter() - t0) * 1000, cache))
    finally:
        conn.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db-url", required=True)
    parser.add_argument("--redis", default="", help="REDIS_URL (PostgreSQL runs); emptied before each round")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("-k", type=int, default=15, help="slowest queries to list")
    args = parser.parse_args()
    queries = PageCorpus().search_queries(200)
    env = app_env(args.db_url, args.redis or None)
    for round_no in range(args.rounds):
        if args.redis:
            redis_client.Redis.from_url(args.redis).flushdb()
        with tempfile.TemporaryDirectory(prefix="sodan-bench-") as tmp, \
                Gunicorn("app:app", env, Path(tmp) / "forum.log") as forum:
            forum.wait_ready("/healthz")
            rows = timed_queries(forum.port, queries)
        ms = [r[1] for r in rows]
        print(f"round {round_no + 1}: p50 {statistics.median(ms):.1f} ms, p95 {percentile(ms, 95):.1f} ms, "
              f"max {max(ms):.1f} ms; page cache: "
              + ", ".join(f"{c} x{sum(r[2] == c for r in rows)}" for c in sorted({r[2] for r in rows})))
        for query, took, cache in sorted(rows, key=lambda r: -r[1])[:args.k]:
            print(f"  {took:6.1f} ms  {cache:5}  {query}")


if __name__ == "__main__":
    main()
