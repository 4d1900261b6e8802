"""Insight benchmark: a year of a 100,000-thread forum (bench/corpus.py, one thread every five
minutes, 2-6 answers each, a fifth left unanswered), loaded with `flask forum import`, then
/moderation/insights' figures computed for the whole year, timed on SQLite and PostgreSQL, with
each statement's median share (from its start to the next one's: its rows and the Python that
adds them up included).

    .venv/bin/python bench/insights.py                      # 100,000 threads, both engines
    .venv/bin/python bench/insights.py -n 20000 --engines sqlite
    BENCH_PG_URL=postgresql+psycopg://postgres@127.0.0.1:5432/postgres (the default server)
"""
import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import Corpus  # noqa: E402
from search import CONFIG  # noqa: E402
from serving import engine_databases  # noqa: E402

from forum import create_app  # noqa: E402
from forum.extensions import db  # noqa: E402
from forum.moderation import insights  # noqa: E402


def write_forum(path: Path, n: int) -> None:
    """Corpus threads, with a fifth unanswered and open and a tenth open with answers."""
    corpus, start = Corpus(), datetime(2024, 1, 1, tzinfo=UTC)
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            thread = corpus.thread(i, start)
            kind = corpus.rng.random()
            if kind < 0.2:
                thread["status"], thread["answers"] = "open", []
            elif kind < 0.3:
                thread["status"] = "open"
                for answer in thread["answers"]:
                    answer["best"] = False
            fh.write(json.dumps(thread, ensure_ascii=False) + "\n")


def run_engine(engine: str, url: str, data: Path, repeat: int) -> dict:
    from flask_migrate import upgrade

    app = create_app({**CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        t0 = time.perf_counter()
        result = app.test_cli_runner().invoke(args=["forum", "import", str(data)])
        if result.exception:
            raise result.exception
        import_s = time.perf_counter() - t0
        if engine == "postgresql":
            db.session.execute(sa.text("ANALYZE"))
            db.session.commit()
        veterans = db.session.scalar(sa.text("SELECT count(*) FROM users WHERE is_veteran"))
        # [first words of the statement, when it started]: a statement's share is the time
        # until the next one starts (its rows fetched and added up included).
        statements: list[tuple[str, float]] = []

        def before(conn, cursor, statement, *args):
            statements.append((" ".join(statement.split())[:70], time.perf_counter()))

        event.listen(db.engine, "before_cursor_execute", before)
        times, per_statement = [], []
        for _ in range(repeat):
            statements.clear()
            db.session.expire_all()
            t0 = time.perf_counter()
            data_ = insights.compute(date(2024, 1, 1), date(2024, 12, 31))
            t1 = time.perf_counter()
            times.append((t1 - t0) * 1000)
            starts = [at for _, at in statements] + [t1]
            per_statement.append([(starts[i + 1] - starts[i]) * 1000 for i in range(len(statements))])
        event.remove(db.engine, "before_cursor_execute", before)
        db.engine.dispose()
    # The median time of each statement over the runs, to show where the time goes.
    breakdown = [(text, statistics.median(run[i] for run in per_statement))
                 for i, (text, _) in enumerate(statements)]
    total = data_.total
    return {"engine": engine, "import_s": import_s, "asked": total.asked, "answered": total.answered,
            "resolved": total.resolved, "median_first": total.median_first, "veterans": veterans,
            "statements": len(statements), "ms_median": statistics.median(times), "ms_max": max(times),
            "breakdown": breakdown}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--engines", default="sqlite,postgresql")
    args = parser.parse_args()
    server = os.environ.get("BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "forum.jsonl"
        write_forum(data, args.n)
        rows = []
        for engine, url in engine_databases(args.engines, tmp, server):
            rows.append(run_engine(engine, url, data, args.repeat))
    print(f"{args.n:,} threads over a year; insight for the whole year, {args.repeat} runs")
    print("| engine | statements | median ms | max ms | asked | answered | resolved | median first answer min "
          "| veterans after import | import s |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for r in rows:
        print(f"| {r['engine']} | {r['statements']} | {r['ms_median']:.0f} | {r['ms_max']:.0f} "
              f"| {r['asked']:,} | {r['answered']:,} | {r['resolved']:,} | {r['median_first']} "
              f"| {r['veterans']:,} | {r['import_s']:.1f} |")
    for r in rows:
        print(f"\n{r['engine']}: median ms per statement")
        for text, ms in r["breakdown"]:
            print(f"  {ms:8.1f}  {text}")


if __name__ == "__main__":
    main()
