"""Search benchmark: N synthetic threads loaded with `flask forum import`, then timed queries
on SQLite and PostgreSQL against the same queries as a plain LIKE scan.

    .venv/bin/python bench/search.py                      # 100,000 threads, both engines
    .venv/bin/python bench/search.py -n 20000 --engines sqlite
    BENCH_PG_URL=postgresql+psycopg://postgres@127.0.0.1:5432/postgres (the default server)
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

from corpus import CATEGORIES, Corpus  # noqa: E402
from serving import engine_databases  # noqa: E402

from forum import create_app  # noqa: E402
from forum.extensions import db  # noqa: E402
from forum.search.backends import backend_for  # noqa: E402
from forum.search.backends.base import NORM_COLUMNS  # noqa: E402
from forum.search.query import parse_query  # noqa: E402
from forum.search.services import search_threads  # noqa: E402

CONFIG = {"TESTING": False, "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False,
          "RATELIMIT_STORAGE_URI": "memory://", "REDIS_URL": None}


def like_scan(session, text: str, limit: int = 20) -> int:
    """The same query as a plain LIKE '%term%' scan over search_documents."""
    query = parse_query(text)
    conds, params = [], {}
    for i, term in enumerate(query.terms):
        params[f"t{i}"] = f"%{term}%"
        conds.append("(" + " OR ".join(f"{c} LIKE :t{i}" for c in NORM_COLUMNS) + ")")
    where = " AND ".join(conds)
    session.execute(sa.text(f"SELECT category, count(*) FROM search_documents WHERE {where} GROUP BY category"),
                    params).all()
    session.execute(sa.text(f"SELECT question_id FROM search_documents WHERE {where} "
                            f"ORDER BY created_at DESC LIMIT {limit}"), params).all()
    return 0


def index_size(session) -> int:
    if session.get_bind().dialect.name == "postgresql":
        return session.scalar(sa.text("SELECT pg_total_relation_size('search_fts')"))
    return session.scalar(sa.text("SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'search_fts%'"))


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def run_engine(engine: str, url: str, data: Path, queries: list[str], like_n: int) -> dict:
    from flask_migrate import upgrade

    app = create_app({**CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
    runner = app.test_cli_runner()
    t0 = time.perf_counter()
    with app.app_context():  # as `flask forum import` runs it
        result = runner.invoke(args=["forum", "import", str(data)])
    import_s = time.perf_counter() - t0
    if result.exception:
        raise result.exception
    t0 = time.perf_counter()
    with app.app_context():
        result = runner.invoke(args=["forum", "reindex"])
    reindex_s = time.perf_counter() - t0
    if result.exception:
        raise result.exception
    with app.app_context():
        session = db.session
        rows = session.scalar(sa.text("SELECT count(*) FROM search_documents"))
        if engine == "postgresql":
            session.execute(sa.text("VACUUM ANALYZE") if False else sa.text("ANALYZE"))
            session.commit()
        backend = backend_for(session)
        for q in queries[:20]:  # warm the caches
            backend.search(session, parse_query(q), None, 20, 0)
        timings, page_timings, totals = [], [], []
        for q in queries:
            t0 = time.perf_counter()
            found = backend.search(session, parse_query(q), None, 20, 0)
            timings.append((time.perf_counter() - t0) * 1000)
            totals.append(found.total)
            t0 = time.perf_counter()
            search_threads(q, None, 1, 20)
            page_timings.append((time.perf_counter() - t0) * 1000)
        # A category tab on the same queries: the selected category is counted on its own.
        category_timings = []
        for q in queries[:like_n]:
            for category in CATEGORIES:
                t0 = time.perf_counter()
                found = backend.search(session, parse_query(q), category, 20, 0)
                category_timings.append((time.perf_counter() - t0) * 1000)
                totals.append(found.total)
        like = []
        for q in queries[:like_n]:
            t0 = time.perf_counter()
            like_scan(session, q)
            like.append((time.perf_counter() - t0) * 1000)
        plan = backend.explain(session, parse_query(queries[0]))
        size = index_size(session)
    return {
        "engine": engine, "rows": rows, "p50": statistics.median(timings), "p95": percentile(timings, 95),
        "max": max(timings), "page_p95": percentile(page_timings, 95),
        "category_p95": percentile(category_timings, 95),
        "speedup": statistics.median(like) / statistics.median(timings[:like_n]),
        "like_p50": statistics.median(like), "size_mb": (size or 0) / 1e6,
        "import_s": import_s, "reindex_s": reindex_s, "totals": totals, "plan": plan,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--threads", type=int, default=100_000)
    parser.add_argument("-q", "--queries", type=int, default=240)
    parser.add_argument("--like", type=int, default=24, help="queries also run as a LIKE scan")
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--pg-url", default=os.environ.get(
        "BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"))
    args = parser.parse_args()
    corpus = Corpus()
    queries = corpus.queries(args.queries)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "threads.jsonl"
        corpus.write(data, args.threads)
        for engine, url in engine_databases(args.engines, tmp, args.pg_url):
            results.append(run_engine(engine, url, data, queries, args.like))
    print(f"\n{args.threads} threads, {len(queries)} queries (LIKE scan: first {args.like})")
    print("| backend | rows | p50 ms | p95 ms | max ms | page p95 ms | category p95 ms | LIKE p50 ms | speed-up "
          "| index MB | import s | reindex s |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        print(f"| {r['engine']} | {r['rows']} | {r['p50']:.1f} | {r['p95']:.1f} | {r['max']:.1f} | "
              f"{r['page_p95']:.1f} | {r['category_p95']:.1f} | {r['like_p50']:.0f} | {r['speedup']:.0f}x | "
              f"{r['size_mb']:.0f} | "
              f"{r['import_s']:.1f} | {r['reindex_s']:.1f} |")
    if len(results) == 2:
        same = results[0]["totals"] == results[1]["totals"]
        print(f"same match counts on both engines for every query: {same}")
    for r in results:
        print(f"\n{r['engine']} plan for {queries[0]!r}:\n{r['plan']}")


if __name__ == "__main__":
    main()
