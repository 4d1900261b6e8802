"""Announcing a new question to its subscribers: statements and time of announce_new_question,
the part of the asker's request that grows with the number of subscribers.

    .venv/bin/python bench/announce.py                       # 1,000 subscribers, SQLite
    .venv/bin/python bench/announce.py -n 5000 --engines sqlite postgresql
    BENCH_PG_URL=postgresql+psycopg://postgres@127.0.0.1:5432/postgres (the default server)

The subscribers follow the category, a tag, or both. With --choices default they all keep the
default (the daily digest); with mixed a fifth of them want mail at once (a mail rendered for
each), a tenth none, the rest the digest. Each run announces a new question and rolls back, so
every run does the same work; the figures are the median and the best of the runs.
"""
import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from serving import engine_databases  # noqa: E402

from forum import create_app  # noqa: E402
from forum.extensions import db  # noqa: E402
from forum.models import MailPreference, Question, Subscription, Tag, User, utcnow  # noqa: E402
from forum.subscriptions import announce_new_question  # noqa: E402

CONFIG = {"TESTING": False, "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False,
          "RATELIMIT_STORAGE_URI": "memory://", "REDIS_URL": None, "SITE_URL": "http://sodan.test"}


def populate(n: int, mixed: bool) -> int:
    """The asker, n subscribers and their choices; returns the tag's id."""
    now = utcnow()
    tag = Tag(name="仮払い")
    db.session.add(tag)
    db.session.flush()
    db.session.execute(sa.insert(User), [
        {"username": f"u{i}", "email": f"u{i}@example.com", "password_hash": "x", "role": "member",
         "created_at": now} for i in range(n + 1)])
    ids = list(db.session.scalars(sa.select(User.id).order_by(User.id)))
    subs, prefs = [], []
    for i, uid in enumerate(ids[1:]):
        if i % 3 != 1:
            subs.append({"user_id": uid, "category": "urgent", "tag_id": None, "created_at": now})
        if i % 3 != 0:
            subs.append({"user_id": uid, "category": None, "tag_id": tag.id, "created_at": now})
        if not mixed:
            continue
        if i % 5 == 0:
            prefs.append({"user_id": uid, "kind": "subscription", "delivery": "immediate"})
        elif i % 10 == 1:
            prefs.append({"user_id": uid, "kind": "subscription", "delivery": "never"})
    db.session.execute(sa.insert(Subscription), subs)
    if prefs:
        db.session.execute(sa.insert(MailPreference), prefs)
    db.session.commit()
    return tag.id


def run_engine(engine: str, url: str, n: int, repeat: int, mixed: bool) -> dict:
    from flask_migrate import upgrade

    app = create_app({**CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        tag_id = populate(n, mixed)
        asker = db.session.scalar(sa.select(User).order_by(User.id).limit(1))
        tag = db.session.get_one(Tag, tag_id)
        count = [0]

        def before(*_args):
            count[0] += 1

        event.listen(db.engine, "before_cursor_execute", before)
        times, statements = [], []
        for _ in range(repeat):
            question = Question(author=asker, category="urgent", title="仮払いが届きません",
                                body="三日たっても仮払いされません。", asker_type="lancer", status="open")
            question.tags = [tag]
            db.session.add(question)
            db.session.flush()
            count[0] = 0
            t0 = time.perf_counter()
            announce_new_question(question)
            db.session.flush()  # what the request's commit would write
            times.append(time.perf_counter() - t0)
            statements.append(count[0])
            db.session.rollback()
        event.remove(db.engine, "before_cursor_execute", before)
        db.engine.dispose()
    return {"engine": engine, "ms": statistics.median(times) * 1000, "best_ms": min(times) * 1000,
            "statements": statistics.median(statements)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", "--subscribers", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--choices", default="default", choices=["default", "mixed"])
    parser.add_argument("--engines", nargs="+", default=["sqlite"], choices=["sqlite", "postgresql"])
    parser.add_argument("--pg-url", default=os.environ.get(
        "BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"))
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for engine, url in engine_databases(",".join(args.engines), tmp, args.pg_url):
            results.append(run_engine(engine, url, args.subscribers, args.repeat, args.choices == "mixed"))
    print(f"{args.subscribers} subscribers ({args.choices} choices), {args.repeat} runs")
    print("| engine | statements | median ms | best ms |")
    print("|---|---|---|---|")
    for r in results:
        print(f"| {r['engine']} | {r['statements']:.0f} | {r['ms']:.1f} | {r['best_ms']:.1f} |")


if __name__ == "__main__":
    main()
