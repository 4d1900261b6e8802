"""Search quality on the blind graded set (tests/search/graded/): nDCG@10 of the natural
queries and recall@10 of the substring queries, for the forum's search and for a plain
BM25 over character bigrams (the textbook comparison).

    .venv/bin/python bench/search_quality.py            # SQLite in a temporary file
    .venv/bin/python bench/search_quality.py --pg       # also PostgreSQL (BENCH_PG_URL)
    .venv/bin/python bench/search_quality.py -v         # per-query figures
"""
import argparse
import os
import sys
import tempfile
from pathlib import Path

import sqlalchemy as sa
from flask_migrate import upgrade

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from search import CONFIG  # noqa: E402
from serving import pg_database  # noqa: E402

from forum import create_app  # noqa: E402
from forum.extensions import db  # noqa: E402
from forum.models import Question  # noqa: E402
from forum.search.services import search_threads  # noqa: E402
from forum.transfer.jsonl import import_lines  # noqa: E402
from tests.search import graded_eval  # noqa: E402


def forum_search(url: str, verbose: bool) -> dict[str, float]:
    app = create_app({**CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        import_lines(graded_eval.corpus_lines())
        external = dict(db.session.execute(sa.select(Question.id, Question.external_id)).all())

        def search(text: str) -> list[str]:
            results = search_threads(text, None, 1, 10)
            ranked = [str(external[item.question.id]) for item in results.items]
            if verbose:
                print(f"  {text}: {ranked[:5]}")
            return ranked

        figures = graded_eval.evaluate(search)
        db.session.remove()
        db.engine.dispose()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pg", action="store_true", help="also on PostgreSQL")
    parser.add_argument("-v", action="store_true", help="print each query's first results")
    args = parser.parse_args()
    rows = [("plain BM25 (bigrams)", graded_eval.evaluate(graded_eval.plain_bm25()))]
    with tempfile.TemporaryDirectory() as tmp:
        rows.append(("forum search, SQLite", forum_search(f"sqlite:///{tmp}/graded.db", args.v)))
    if args.pg:
        url, drop = pg_database(os.environ.get("BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"))
        try:
            rows.append(("forum search, PostgreSQL", forum_search(url, args.v)))
        finally:
            drop()
    print("| search | nDCG@10 (natural) | recall@10 (substring) |")
    print("|---|---|---|")
    for name, f in rows:
        print(f"| {name} | {f['ndcg@10']:.3f} | {f['recall@10 substring']:.3f} |")


if __name__ == "__main__":
    main()
