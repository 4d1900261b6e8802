"""Import benchmark: `flask forum import` of the page benchmark's corpus into a fresh database,
timed from outside the process (start-up included, as bench/pages.py times it), on SQLite and
PostgreSQL, alternating engines so both see the machine as it was.

    .venv/bin/python bench/import.py                          # 20,000 threads, both engines, 1 run each
    .venv/bin/python bench/import.py --runs 3 --engines sqlite
    .venv/bin/python bench/import.py --threads 2000           # a smaller corpus (cached too)

The corpus is bench/pages.py's (bench/corpus.py PageCorpus, cached in bench/.cache/). It prints
threads/s per run, the load average before each and the CPU time of the command and its
workers (steadier than the rate on a busy machine); it checks nothing.
"""
import argparse
import contextlib
import os
import resource
import secrets
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pages import corpus_file  # noqa: E402
from serving import flask, pg_database  # noqa: E402


def fresh_database(engine: str, pg_url: str, stack: contextlib.ExitStack) -> str:
    """A new SQLite file in /tmp/imp_*/ or PostgreSQL database imp_<random> (UTF-8, C.UTF-8),
    removed when `stack` closes (the imp_ prefix tells the benchmark's leftovers apart)."""
    if engine == "sqlite":
        tmp = tempfile.mkdtemp(prefix="imp_")
        stack.callback(shutil.rmtree, tmp, ignore_errors=True)
        return f"sqlite:///{tmp}/bench.db"
    url, drop = pg_database(pg_url, prefix="imp_")
    stack.callback(drop)
    return url


def _children_cpu() -> float:
    """User + system CPU seconds of the processes this one waited for (the command, with its
    worker processes, which it waited for), not the database server's."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def one_run(engine: str, data: Path, n: int, pg_url: str) -> float:
    with contextlib.ExitStack() as stack:
        url = fresh_database(engine, pg_url, stack)
        env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": secrets.token_hex(32), "FLASK_APP": "app"}
        env.pop("REDIS_URL", None)
        flask(["db", "upgrade"], env)
        load = os.getloadavg()[0]
        cpu0 = _children_cpu()
        t0 = time.perf_counter()
        out = flask(["forum", "import", str(data)], env)
        took = time.perf_counter() - t0
        rate = n / took
        print(f"{engine:10s} import {n} threads in {took:5.1f} s = {rate:5.0f} threads/s  "
              f"(load {load:.2f}; CPU of the command and its workers {_children_cpu() - cpu0:.1f} s; "
              f"{out.strip().splitlines()[-1]})", flush=True)
        return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--pg-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    data = corpus_file(args.threads)
    engines = args.engines.split(",")
    rates: dict[str, list[float]] = {e: [] for e in engines}
    for _ in range(args.runs):
        for engine in engines:
            rates[engine].append(one_run(engine, data, args.threads, args.pg_url))
    for engine, values in rates.items():
        print(f"{engine:10s} best {max(values):5.0f} threads/s over {len(values)} run(s)")


if __name__ == "__main__":
    main()
