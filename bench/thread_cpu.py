"""CPU time of an uncached thread page, in process, and where it goes.

Serves random threads of an existing database through the Flask test client with the page
cache off, as a guest or as a signed-in member, and prints the CPU time per page (the best
of several chunks of 50 pages: other work on a shared machine only ever adds time) with the
part spent reading the question, loading the thread (answers, comments, related threads) and
rendering the template. For comparing changes in one sitting; bench/pages.py measures what
users get (gunicorn, wrk, against hello).

    .venv/bin/python bench/thread_cpu.py sqlite:////tmp/bench.db guest
    .venv/bin/python bench/thread_cpu.py URL member --member bench_member --password PW

The database is one bench/pages.py built (--keep), or any forum's; a member needs an account.
"""
import argparse
import random
import re
import secrets
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from forum import create_app  # noqa: E402
from forum.extensions import db  # noqa: E402
from forum.questions import services, views  # noqa: E402

CHUNK = 50


def timed(spent: dict[str, float], name: str, fn: Callable) -> Callable:
    def wrapper(*args, **kwargs):
        start = time.process_time()
        try:
            return fn(*args, **kwargs)
        finally:
            spent[name] += time.process_time() - start
    return wrapper


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", help="DATABASE_URL of the forum to read")
    parser.add_argument("who", choices=("guest", "member"))
    parser.add_argument("-n", type=int, default=300, help="pages per round (default 300)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--member", default="bench_member")
    parser.add_argument("--password", default="bench-member-password")
    args = parser.parse_args()
    app = create_app({"SQLALCHEMY_DATABASE_URI": args.url, "PAGE_CACHE_ENABLED": False,
                      "SECRET_KEY": secrets.token_hex(16), "RATELIMIT_ENABLED": False})
    spent: dict[str, float] = defaultdict(float)
    services.question_for_page = timed(spent, "question", services.question_for_page)
    services.load_thread = timed(spent, "thread", services.load_thread)
    views.render_template = timed(spent, "render", views.render_template)
    with app.app_context():
        ids = db.session.scalars(sa.text("SELECT id FROM questions WHERE NOT is_hidden ORDER BY id")).all()
    paths = [f"/questions/{i}" for i in random.Random(3).sample(ids, min(len(ids), args.n + 50))]
    client = app.test_client()
    if args.who == "member":
        form = client.get("/auth/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]*)"|value="([^"]*)"[^>]*name="csrf_token"', form)
        response = client.post("/auth/login", data={
            "username": args.member, "password": args.password,
            "csrf_token": (token.group(1) or token.group(2)) if token else ""})
        if response.status_code != 302:
            sys.exit(f"sign-in as {args.member} answered {response.status_code}")
    for path in paths[:50]:  # templates compiled, caches warm
        client.get(path)
    best: tuple[float, dict] | None = None
    for _ in range(args.rounds):
        for start in range(50, len(paths) - CHUNK + 1, CHUNK):
            spent.clear()
            began = time.process_time()
            for path in paths[start:start + CHUNK]:
                assert client.get(path).status_code == 200
            per_page = (time.process_time() - began) / CHUNK * 1000
            if best is None or per_page < best[0]:
                best = (per_page, {k: v / CHUNK * 1000 for k, v in spent.items()})
    assert best is not None
    parts = ", ".join(f"{name} {ms:.2f}" for name, ms in best[1].items())
    print(f"{args.who}: {best[0]:.2f} ms CPU a page (best chunk of {CHUNK}); of which {parts} ms")


if __name__ == "__main__":
    main()
