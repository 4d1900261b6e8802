"""What the expired filter and the zero-result fallback cost the search page, measured A/B in
one process on one database (the machine's load then weighs on both sides alike).

For each engine: N synthetic threads (bench/corpus.py), then the ranked search (rank) of the
corpus' queries, alternating query by query (each side first half the time: the second run
of a query finds the pages the first one read), with the filter that keeps 回答受付終了 threads
out (the default) and without it (what search ran before). Then the same after a tenth of
the threads were expired (indexed, filtered). Last, the nearest threads of zero-result
queries (nearest.py) and the synonym table's refresh when the content version moved.

    .venv/bin/python bench/search_expired.py -n 20000 [--engines sqlite,postgresql]
"""
import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import Corpus  # noqa: E402
from serving import engine_databases  # noqa: E402

from forum import create_app  # noqa: E402
from forum.extensions import db  # noqa: E402
from forum.search import synonyms  # noqa: E402
from forum.search.nearest import nearest  # noqa: E402
from forum.search.query import parse_query  # noqa: E402
from forum.search.ranking import rank  # noqa: E402

CONFIG = {"TESTING": False, "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False,
          "RATELIMIT_STORAGE_URI": "memory://", "REDIS_URL": None}
ZERO = ["ぽーとふぉりを", "ミーアキャット探し", "zzqqxx", "確定申告ぐぐ", "xyz請求", "ゑびす案件"]


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def ab(session, queries: list[str]) -> tuple[list[float], list[float]]:
    filtered: list[float] = []
    unfiltered: list[float] = []
    for i, q in enumerate(queries):
        parsed = parse_query(q)
        sides = ((False, filtered), (True, unfiltered))
        for expired, out in sides if i % 2 else sides[::-1]:  # each side goes first half the time
            t0 = time.perf_counter()
            rank(session, parsed, expired=expired)
            out.append((time.perf_counter() - t0) * 1000)
    return filtered, unfiltered


def run_engine(engine: str, url: str, data: Path, queries: list[str]) -> list[str]:
    from flask_migrate import upgrade

    app = create_app({**CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        result = app.test_cli_runner().invoke(args=["forum", "import", str(data)])
        if result.exception:
            raise result.exception
        session = db.session
        if engine == "postgresql":
            session.execute(sa.text("ANALYZE"))
            session.commit()
        ab(session, queries[:20])  # warm up
        lines = []
        f, u = ab(session, queries)
        lines.append(f"| {engine} | none expired | {statistics.median(f):.1f} | {pct(f, 95):.1f} | "
                     f"{statistics.median(u):.1f} | {pct(u, 95):.1f} |")
        # A tenth of the threads expired: their index rows stay, the filter leaves them out.
        session.execute(sa.text("UPDATE questions SET status = 'expired' WHERE id % 10 = 0 AND status = 'resolved'"))
        session.commit()
        if engine == "postgresql":
            session.execute(sa.text("ANALYZE"))
            session.commit()
        f, u = ab(session, queries)
        lines.append(f"| {engine} | 10% expired | {statistics.median(f):.1f} | {pct(f, 95):.1f} | "
                     f"{statistics.median(u):.1f} | {pct(u, 95):.1f} |")
        near = []
        for q in ZERO * 5:
            parsed = parse_query(q)
            t0 = time.perf_counter()
            if not rank(session, parsed).ids:
                nearest(session, parsed)
            near.append((time.perf_counter() - t0) * 1000)
        refresh = []
        for _ in range(20):
            synonyms._kept.clear()
            t0 = time.perf_counter()
            synonyms.refresh()
            refresh.append((time.perf_counter() - t0) * 1000)
        lines.append(f"| {engine} | zero-result page's ranking + nearest: p50 {statistics.median(near):.1f} ms, "
                     f"p95 {pct(near, 95):.1f} ms | synonym table reload p50 {statistics.median(refresh):.1f} ms | | |")
        db.session.remove()
        db.engine.dispose()
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--threads", type=int, default=20_000)
    parser.add_argument("-q", "--queries", type=int, default=120)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--pg-url", default=os.environ.get(
        "BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"))
    args = parser.parse_args()
    corpus = Corpus()
    queries = corpus.queries(args.queries)
    lines = []
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "threads.jsonl"
        corpus.write(data, args.threads)
        for engine, url in engine_databases(args.engines, tmp, args.pg_url):
            lines += run_engine(engine, url, data, queries)
    print(f"\n{args.threads} threads, {len(queries)} queries, ranked search (rank) in ms, alternating")
    print("| engine | index | filtered p50 | filtered p95 | unfiltered p50 | unfiltered p95 |")
    print("|---|---|---|---|---|---|")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
