"""Page benchmark: how many pages a second the forum serves under gunicorn, next to a bare
Flask "hello" app served the same way, and what a worker weighs afterwards.

For each engine (SQLite, PostgreSQL) it builds a fresh database, loads N synthetic threads with
`flask forum import` (timed), ranks their related threads with `flask forum relate` (timed: the
sweep does this on a live forum), makes a member with `flask forum create-user`, and serves the
forum (`app:app`) and bench/hello_app.py with `gunicorn -w 2` (sync workers; the settings in
bench/gunicorn_bench.py). Then `wrk -t2 -c10 -dDs --latency` runs against each page, every page
run between two hello runs, so the "x hello" column compares with the machine as it was then:

    home                 /
    thread               a resolved thread with 4 answers, as a guest
    thread-member        the same thread, signed in through the login form
    thread-long          the thread with 50 answers, as a guest
    threads-random       a random one of 2,000 threads per request (bench/wrk/paths.lua)
    resolved-p1/50/500   /questions?status=resolved&page=1, 50, 500

then 200 search queries one at a time over HTTP (p50/p95/max), and the RSS and PSS of each
forum worker (/proc/<pid>/smaps_rollup). It prints figures and checks nothing.

    .venv/bin/python bench/pages.py                        # 20,000 threads, both engines, 10 s runs
    .venv/bin/python bench/pages.py --quick --engines sqlite    # 2,000 threads, 3 s runs
    .venv/bin/python bench/pages.py --db-url URL --pages home,thread   # an existing database

Needs wrk (`apt-get install -y wrk`), and for PostgreSQL a server where --pg-url may CREATE
DATABASE, and Redis (--redis). The corpus is cached in bench/.cache/.
"""
import argparse
import contextlib
import http.client
import os
import random
import secrets
import shutil
import signal
import statistics
import sys
import tempfile
import time
import urllib.parse
from collections import Counter
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import PageCorpus  # noqa: E402
from serving import BENCH, Gunicorn, flask, get, login, pg_database, wrk  # noqa: E402

PAGES = ["home", "thread", "thread-member", "thread-long", "threads-random",
         "resolved-p1", "resolved-p50", "resolved-p500"]
MEMBER, PASSWORD = "bench_member", "bench-member-password"
RANDOM_THREADS = 2000


def corpus_file(n: int) -> Path:
    """The JSON Lines corpus of n threads, generated once and kept in bench/.cache/."""
    path = BENCH / ".cache" / f"pages-v1-{n}.jsonl"
    if not path.exists():
        path.parent.mkdir(exist_ok=True)
        t0 = time.perf_counter()
        PageCorpus().write(path.with_suffix(".tmp"), n)
        os.replace(path.with_suffix(".tmp"), path)
        print(f"corpus: wrote {n} threads to {path} in {time.perf_counter() - t0:.1f} s")
    return path


def app_env(url: str, redis: str | None) -> dict:
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": secrets.token_hex(32),
           "RATELIMIT_ENABLED": "0", "FLASK_APP": "app"}
    env.pop("REDIS_URL", None)
    if redis:
        env["REDIS_URL"] = redis
    return env


def build(engine: str, data: Path, n: int, args, stack: contextlib.ExitStack) -> str:
    """A fresh database of `engine` with the corpus and the member; its URL."""
    if engine == "sqlite":
        tmp = tempfile.mkdtemp(prefix="sodan-bench-")
        if not args.keep:
            stack.callback(shutil.rmtree, tmp, ignore_errors=True)
        url = f"sqlite:///{tmp}/bench.db"
    else:
        url, drop = pg_database(args.pg_url)
        if not args.keep:
            stack.callback(drop)
    env = app_env(url, redis_for(engine, args))
    flask(["db", "upgrade"], env)
    t0 = time.perf_counter()
    out = flask(["forum", "import", str(data)], env)
    took = time.perf_counter() - t0
    print(f"{engine}: import {n} threads in {took:.1f} s = {n / took:.0f} threads/s "
          f"({out.strip().splitlines()[-1]})")
    t0 = time.perf_counter()  # what the sweep does on a live forum: rank each thread's related threads
    out = flask(["forum", "relate"], env)
    print(f"{engine}: {out.strip().splitlines()[-1]} in {time.perf_counter() - t0:.1f} s")
    flask(["forum", "create-user", MEMBER, "--email", f"{MEMBER}@example.com", "--password", PASSWORD], env)
    if engine == "postgresql":  # what autovacuum would have done by the time pages are read
        db = sa.create_engine(url, isolation_level="AUTOCOMMIT")
        with db.connect() as conn:
            conn.execute(sa.text("ANALYZE"))
        db.dispose()
    if args.keep:
        print(f"{engine}: kept the database {url}")
    return url


def redis_for(engine: str, args) -> str | None:
    return (args.redis or None) if engine == "postgresql" else None


def find_targets(url: str) -> dict:
    """Thread ids read straight from the bench database (not through forum code)."""
    db = sa.create_engine(url)
    try:
        with db.connect() as conn:
            long_id = conn.scalar(sa.text("SELECT id FROM questions WHERE external_id = 'bench-long'")) \
                or conn.scalar(sa.text("SELECT question_id FROM answers GROUP BY question_id "
                                       "ORDER BY count(*) DESC LIMIT 1"))
            thread = conn.scalar(sa.text(
                "SELECT q.id FROM questions q JOIN answers a ON a.question_id = q.id "
                "WHERE q.status = 'resolved' GROUP BY q.id HAVING count(*) = 4 ORDER BY q.id LIMIT 1"))
            ids = conn.scalars(sa.text("SELECT id FROM questions WHERE NOT is_hidden ORDER BY id")).all()
    finally:
        db.dispose()
    return {"long": long_id, "thread": thread or ids[0],
            "random": random.Random(3).sample(ids, min(RANDOM_THREADS, len(ids)))}


def page_paths(targets: dict) -> dict:
    thread = f"/questions/{targets['thread']}"
    return {"home": "/", "thread": thread, "thread-member": thread,
            "thread-long": f"/questions/{targets['long']}", "threads-random": None,
            **{f"resolved-p{p}": f"/questions?status=resolved&page={p}" for p in (1, 50, 500)}}


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def run_wrk_pages(forum: Gunicorn, hello: Gunicorn, pages: list[str], targets: dict,
                  cookie: str | None, paths_file: Path, duration: int) -> list[tuple]:
    """hello, page, hello, page, ..., hello: each page against the mean of its two hello runs."""
    paths = page_paths(targets)
    hello_rps = [wrk(hello.base + "/", duration)["rps"]]
    rows = []
    for name in pages:
        headers = {"Cookie": cookie} if name == "thread-member" else {}
        if name == "threads-random":
            for path in random.Random(5).sample(targets["random"], 20):
                get(forum.port, f"/questions/{path}")
            result = wrk(forum.base, duration, script=BENCH / "wrk" / "paths.lua",
                         script_args=(str(paths_file),))
            shown = f"/questions/<one of {len(targets['random'])}>"
        else:
            for _ in range(4):  # compile the templates, warm the caches in both workers
                get(forum.port, paths[name], headers)
            result = wrk(forum.base + paths[name], duration, headers)
            shown = paths[name]
        hello_rps.append(wrk(hello.base + "/", duration)["rps"])
        ratio = result["rps"] / statistics.mean(hello_rps[-2:])
        rows.append((name, shown, result, ratio))
        print(f"  {name}: {result['rps']:.1f} req/s ({ratio:.2f} x hello)", file=sys.stderr)
    print(f"hello alone: {min(hello_rps):.0f}-{max(hello_rps):.0f} req/s over {len(hello_rps)} runs")
    return rows


def print_pages(rows: list[tuple]) -> None:
    print("| page | path | req/s | × hello | p50 ms | p99 ms | non-2xx | socket errors |")
    print("|---|---|---|---|---|---|---|---|")
    for name, shown, r, ratio in rows:
        print(f"| {name} | `{shown}` | {r['rps']:.1f} | {ratio:.3f} | {r['p50']:.1f} | {r['p99']:.1f} | "
              f"{r['non2xx']} | {r['socket_errors']} |")


def search_latency(port: int, queries: list[str]) -> None:
    """Each query on its own over one HTTP client (it reconnects when gunicorn closes)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def one(query: str) -> int:
        conn.request("GET", "/search?q=" + urllib.parse.quote(query))
        resp = conn.getresponse()
        resp.read()
        return resp.status

    try:
        for query in queries[:20]:
            one(query)
        timings: list[float] = []
        statuses: Counter[int] = Counter()
        for query in queries:
            t0 = time.perf_counter()
            statuses[one(query)] += 1
            timings.append((time.perf_counter() - t0) * 1000)
    finally:
        conn.close()
    print(f"search, {len(queries)} queries one at a time: p50 {statistics.median(timings):.1f} ms, "
          f"p95 {percentile(timings, 95):.1f} ms, max {max(timings):.1f} ms "
          f"(status: {', '.join(f'{s} x{c}' for s, c in sorted(statuses.items()))})")


def print_memory(label: str, server: Gunicorn) -> None:
    for pid, rss, pss in server.memory():
        print(f"{label} worker {pid}: RSS {rss:.1f} MB, PSS {pss:.1f} MB")


def run_pages(engine: str, url: str, args, pages: list[str]) -> None:
    env = app_env(url, redis_for(engine, args))
    targets = find_targets(url)
    with tempfile.TemporaryDirectory(prefix="sodan-bench-") as tmp, contextlib.ExitStack() as stack:
        paths_file = Path(tmp) / "paths.txt"
        paths_file.write_text("".join(f"/questions/{i}\n" for i in targets["random"]))
        hello = stack.enter_context(Gunicorn("hello_app:app", env, Path(tmp) / "hello.log",
                                             ("--pythonpath", str(BENCH))))
        forum = stack.enter_context(Gunicorn("app:app", env, Path(tmp) / "forum.log"))
        hello.wait_ready("/")
        forum.wait_ready("/healthz")
        cookie = None
        if "thread-member" in pages:
            try:
                cookie = login(forum.port, MEMBER, PASSWORD)
            except RuntimeError as exc:
                print(f"warning: thread-member left out: {exc}")
                pages = [p for p in pages if p != "thread-member"]
        if cookie:
            html = get(forum.port, page_paths(targets)["thread-member"], {"Cookie": cookie})[1]
            if MEMBER not in html:
                print(f"warning: the thread page does not show {MEMBER}; is the session signed in?")
        print(f"\n## {engine}: {url.split('@')[-1]}, {args.duration} s per wrk run, "
              f"REDIS_URL={env.get('REDIS_URL', 'none')}")
        wrk_pages = [p for p in pages if p in PAGES]
        if wrk_pages:
            print_pages(run_wrk_pages(forum, hello, wrk_pages, targets, cookie, paths_file, args.duration))
        if "search" in pages:
            search_latency(forum.port, PageCorpus().search_queries(200))
        print_memory(f"{engine} forum", forum)
        print_memory("hello", hello)
        if any("Traceback" in line for line in forum.log.read_text().splitlines()):
            print(f"note: the forum logged errors:\n{forum.log.read_text()[-2000:]}")


def _interrupted(signum, frame):
    raise KeyboardInterrupt


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--threads", type=int, help="threads in the corpus (default 20,000)")
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--duration", type=int, help="seconds per wrk run (default 10)")
    parser.add_argument("--pg-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/14",
                        help="REDIS_URL of the PostgreSQL runs ('' for none); SQLite runs have none")
    parser.add_argument("--keep", action="store_true", help="keep the databases and print their URLs")
    parser.add_argument("--db-url", help="skip building: run the pages against this database")
    parser.add_argument("--pages", default=",".join(PAGES + ["search"]),
                        help=f"comma-separated subset of {','.join(PAGES)},search")
    parser.add_argument("--quick", action="store_true", help="defaults of 2,000 threads, 3 s per wrk run")
    args = parser.parse_args()
    args.threads = args.threads or (2000 if args.quick else 20_000)
    args.duration = args.duration or (3 if args.quick else 10)
    pages = args.pages.split(",")
    unknown = set(pages) - set(PAGES) - {"search"}
    if unknown:
        parser.error(f"unknown pages: {', '.join(sorted(unknown))}")
    for sig in (signal.SIGINT, signal.SIGTERM):  # also when started with SIGINT ignored (nohup, &)
        signal.signal(sig, _interrupted)
    try:
        if args.db_url:
            engine = "sqlite" if args.db_url.startswith("sqlite") else "postgresql"
            try:
                flask(["forum", "create-user", MEMBER, "--email", f"{MEMBER}@example.com",
                       "--password", PASSWORD], app_env(args.db_url, redis_for(engine, args)))
            except RuntimeError as exc:
                print(f"note: {MEMBER} not created ({str(exc).strip().splitlines()[-1]})")
            run_pages(engine, args.db_url, args, pages)
            return
        data = corpus_file(args.threads)
        for engine in args.engines.split(","):
            with contextlib.ExitStack() as stack:
                url = build(engine, data, args.threads, args, stack)
                run_pages(engine, url, args, pages)
    except KeyboardInterrupt:
        print("\ninterrupted: every server stopped, temporary databases removed", file=sys.stderr)
        sys.exit(130)


if __name__ == "__main__":
    main()
