"""Load with faults, nothing lost: simulated members on gunicorn + PostgreSQL + Redis while
PostgreSQL crash-restarts once and Redis restarts once.

    .venv/bin/python bench/load.py                       # 100 users, 60 s, faults at 20 s and 40 s
    .venv/bin/python bench/load.py --users 20 --seconds 20 --pg-at 7 --redis-at 14   # quick

Everything runs on this machine and is the run's own: a throwaway PostgreSQL cluster (initdb
into a temporary folder, tests/infra/servers.py), a Redis on a free port (no persistence),
gunicorn (gunicorn.conf.py) on both. Every simulated member signs in, then reads (home, lists,
threads), searches, asks, answers, resolves its own threads with a best answer and marks others'
answers helpful, with a short pause between requests. Rate limits stay on (counted in Redis)
with ceilings no member reaches, so the Redis restart hits their path as well as the page cache.

It prints req/s, p50/p99 per kind, the 5xx count inside and outside the restart windows, the
time from each restart to the first successful request after it, and then checks in the
database that every acknowledged write (a redirect naming the new row) is there, and that the
mail outbox holds no mail twice and none missing for the acknowledged answers. The exit status
is 1 when a target is missed: an acknowledged write lost, a 5xx outside a restart window, a
recovery slower than 5 s, mail lost or doubled.
"""
import argparse
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa

from forum import create_app
from forum.extensions import db
from forum.models import User
from forum.transfer import import_lines
from tests.conftest import create_pg_database, migrate_database
from tests.infra.servers import Gunicorn, ThrowawayCluster, Visitor, free_port, wait_until

DEMO = ROOT / "forum" / "demo" / "threads.jsonl"
PASSWORD = "load-test-pass-42"
RECOVERY_TARGET = 5.0
# Pause between one member's requests (seconds): 100 members make ~100 requests a second.
THINK = (0.3, 1.2)
KINDS = ("read", "search", "ask", "answer", "resolve", "helpful")
WEIGHTS = (45, 20, 10, 13, 5, 7)
WORDS = ("仮払い", "手数料", "納期", "出金", "直接取引", "修正", "評価", "契約", "見積", "源泉")
HIGH = "100000 per minute"
QUESTION_ID = re.compile(r"/questions/(\d+)")
ANSWER_ID = re.compile(r"/questions/(\d+)#answer-(\d+)")


@dataclass
class Call:
    kind: str
    start: float
    end: float
    status: int | None  # None: the connection itself failed


@dataclass
class Shared:
    """What every simulated member knows: acknowledged writes, in the order they were made."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    calls: list[Call] = field(default_factory=list)
    thread_ids: list[int] = field(default_factory=list)
    open_threads: set[int] = field(default_factory=set)
    questions: dict[int, tuple[str, str]] = field(default_factory=dict)  # id -> (asker, title)
    answers: dict[int, tuple[int, str, str]] = field(default_factory=dict)  # id -> (question, author, body)
    answers_of: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    resolved: dict[int, int] = field(default_factory=dict)  # question -> best answer
    helpful: set[tuple[str, int]] = field(default_factory=set)  # (member, answer)


class Redis:
    """redis-server of the run's own on a free port, no persistence; restart = kill -9 + start."""

    def __init__(self, folder: Path):
        self.port = free_port()
        self.folder = folder
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        log = (self.folder / "redis.log").open("ab")
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--daemonize", "no"], stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        wait_until(self._ping, 10, "redis")

    def _ping(self) -> bool:
        result = subprocess.run(["redis-cli", "-p", str(self.port), "ping"], capture_output=True, text=True)
        return result.stdout.strip() == "PONG"

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def restart(self) -> None:
        self.kill()
        self.start()


class Member(threading.Thread):
    def __init__(self, name: str, base: str, shared: Shared, deadline: float, seed: int):
        super().__init__(daemon=True)
        self.name_, self.base, self.shared, self.deadline = name, base, shared, deadline
        self.rng = random.Random(seed)
        self.visitor = Visitor()
        self.token = ""
        self.mine: list[int] = []
        self.count = 0

    # --- one request, timed and recorded ---
    def call(self, kind: str, path: str, data: dict | None = None):
        start = time.monotonic()
        try:
            reply = self.visitor.request(self.base, path, data)
        except OSError:
            self.record(kind, start, None)
            return None
        self.record(kind, start, reply.status)
        return reply

    def record(self, kind: str, start: float, status: int | None) -> None:
        with self.shared.lock:
            self.shared.calls.append(Call(kind, start, time.monotonic(), status))

    def post(self, kind: str, path: str, data: dict):
        return self.call(kind, path, {**data, "csrf_token": self.token})

    # --- the member ---
    def sign_in(self) -> None:
        while time.monotonic() < self.deadline:
            try:
                token = self.visitor.csrf_token(self.base, "/auth/login")
                reply = self.visitor.request(self.base, "/auth/login",
                                             {"username": self.name_, "password": PASSWORD, "csrf_token": token})
                if reply.status == 302:
                    self.token = self.visitor.csrf_token(self.base, "/questions/new")
                    return
            except (OSError, AssertionError):
                pass
            time.sleep(0.5)

    def run(self) -> None:
        self.sign_in()
        while time.monotonic() < self.deadline:
            kind = self.rng.choices(KINDS, WEIGHTS)[0]
            getattr(self, kind)()
            time.sleep(self.rng.uniform(*THINK))

    def read(self) -> None:
        with self.shared.lock:
            ids = self.shared.thread_ids[-200:]
        path = self.rng.choice(["/", "/questions", "/questions?status=resolved"] +
                               [f"/questions/{self.rng.choice(ids)}"] * 4)
        self.call("read", path)

    def search(self) -> None:
        self.call("search", "/search?q=" + quote(self.rng.choice(WORDS)))

    def ask(self) -> None:
        self.count += 1
        title = f"負荷試験の質問 {self.name_}-{self.count}"
        reply = self.post("ask", "/questions/new", {
            "category": self.rng.choice(["want_to_know", "urgent", "in_trouble"]), "asker_type": "lancer",
            "title": title, "body": "負荷試験のための質問の本文です。内容に意味はありません。", "tags": ""})
        match = QUESTION_ID.search(reply.location) if reply is not None and reply.status == 302 else None
        if match:
            qid = int(match.group(1))
            self.mine.append(qid)
            with self.shared.lock:
                self.shared.questions[qid] = (self.name_, title)
                self.shared.thread_ids.append(qid)
                self.shared.open_threads.add(qid)

    def answer(self) -> None:
        with self.shared.lock:
            candidates = [q for q in self.shared.open_threads if self.shared.questions.get(q, ("",))[0] != self.name_]
        if not candidates:
            return self.read()
        qid = self.rng.choice(candidates[-50:])
        self.count += 1
        body = f"負荷試験の回答です。{self.name_} の {self.count} 件目の回答です。"
        reply = self.post("answer", f"/questions/{qid}/answers", {"body": body})
        match = ANSWER_ID.search(reply.location) if reply is not None and reply.status == 302 else None
        if match:
            aid = int(match.group(2))
            with self.shared.lock:
                self.shared.answers[aid] = (qid, self.name_, body)
                self.shared.answers_of[qid].append(aid)

    def resolve(self) -> None:
        with self.shared.lock:
            ready = [q for q in self.mine if q in self.shared.open_threads and self.shared.answers_of.get(q)]
            if ready:
                qid = self.rng.choice(ready)
                best = self.rng.choice(self.shared.answers_of[qid])
                self.shared.open_threads.discard(qid)  # tried once, whatever the outcome
        if not ready:
            return self.search()
        reply = self.post("resolve", f"/questions/{qid}/resolve", {"best_answer_id": str(best), "thanks": ""})
        if reply is not None and reply.status == 302:
            with self.shared.lock:
                self.shared.resolved[qid] = best

    def helpful(self) -> None:
        with self.shared.lock:
            candidates = [a for a, (_, author, _) in list(self.shared.answers.items())[-100:]
                          if author != self.name_ and (self.name_, a) not in self.shared.helpful]
        if not candidates:
            return self.read()
        aid = self.rng.choice(candidates)
        with self.shared.lock:
            self.shared.helpful.add((self.name_, aid))  # tried once: a second try would take it back
        reply = self.post("helpful", f"/answers/{aid}/helpful", {})
        if reply is None or reply.status != 302:
            with self.shared.lock:
                self.shared.helpful.discard((self.name_, aid))
                self.shared.helpful.add(("?" + self.name_, aid))  # unknown outcome: not checked


def seed(url: str, users: int) -> list[int]:
    """Members (cheap password hashes: sign-in is not what is measured) and the demo threads."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
                      "REDIS_URL": None, "RATELIMIT_STORAGE_URI": "memory://"})
    with app.app_context():
        for n in range(users):
            User.create(f"member{n:03d}", f"member{n:03d}@example.com", PASSWORD)
        db.session.commit()
        import_lines(DEMO.read_text(encoding="utf-8").splitlines())
        ids = list(db.session.scalars(sa.text("SELECT id FROM questions WHERE status <> 'closed' ORDER BY id")))
        db.session.remove()
        db.engine.dispose()
    return ids


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


@dataclass
class Fault:
    name: str
    start: float
    end: float = 0.0
    recovered: float | None = None  # first success of a request started after `end`


def report(shared: Shared, faults: list[Fault], started: float, seconds: float) -> list[str]:
    failures: list[str] = []
    calls = shared.calls
    for fault in faults:
        after = [c.end for c in calls if c.start >= fault.end and c.status is not None and c.status < 500]
        fault.recovered = min(after) if after else None

    def in_window(call: Call) -> bool:
        return any(f.start <= call.end and call.start <= (f.recovered or float("inf")) for f in faults)

    print(f"\n{len(calls)} requests in {seconds:.0f} s: {len(calls) / seconds:.1f} req/s")
    print(f"{'kind':<9}{'count':>7}{'p50 ms':>9}{'p99 ms':>9}{'5xx':>6}{'conn err':>10}{'other 4xx':>10}")
    for kind in KINDS:
        mine = [c for c in calls if c.kind == kind]
        ok = [(c.end - c.start) * 1000 for c in mine if c.status is not None and c.status < 500]
        bad = sum(1 for c in mine if c.status is not None and c.status >= 500)
        lost = sum(1 for c in mine if c.status is None)
        other = sum(1 for c in mine if c.status is not None and 400 <= c.status < 500)
        p50, p99 = percentile(ok, 50), percentile(ok, 99)
        print(f"{kind:<9}{len(mine):>7}{p50:>9.1f}{p99:>9.1f}{bad:>6}{lost:>10}{other:>10}")
    errors = [c for c in calls if c.status is None or c.status >= 500]
    outside = [c for c in errors if not in_window(c)]
    statuses: dict[int | None, int] = defaultdict(int)
    for c in errors:
        statuses[c.status] += 1
    print(f"5xx or failed connections: {len(errors)} ({dict(statuses)}), outside the restart windows: {len(outside)}")
    if outside:
        failures.append(f"{len(outside)} errors outside the restart windows, first at "
                        f"{outside[0].start - started:.1f} s ({outside[0].kind}, {outside[0].status})")
    for fault in faults:
        # Recovery: from the moment the server is back to the end of the last failed request
        # (0 when nothing failed after it); a request queued behind others still counts.
        window = [c for c in errors if fault.start <= c.end and c.start <= (fault.recovered or float("inf"))]
        took = max([c.end - fault.end for c in window] + [0.0])
        first = (fault.recovered - fault.end) if fault.recovered else float("inf")
        print(f"{fault.name}: at {fault.start - started:.1f} s, the restart took {fault.end - fault.start:.2f} s; "
              f"{len(window)} errors in its window, the last {took:.2f} s after the server was back; "
              f"first success of a request sent after it was back: {first:.2f} s later")
        if max(took, 0.0) > RECOVERY_TARGET or fault.recovered is None:
            failures.append(f"{fault.name}: recovery took {took:.1f} s")
    return failures


def verify(url: str, shared: Shared) -> list[str]:
    """Every acknowledged write is in the database; the outbox holds no mail twice or missing."""
    failures: list[str] = []
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        questions = {row.id: (row.username, row.title) for row in conn.execute(sa.text(
            "SELECT q.id, u.username, q.title FROM questions q JOIN users u ON u.id = q.author_id"))}
        answers = {row.id: (row.question_id, row.username, row.body) for row in conn.execute(sa.text(
            "SELECT a.id, a.question_id, u.username, a.body FROM answers a JOIN users u ON u.id = a.author_id"))}
        resolved: dict[int, int | None] = dict(conn.execute(sa.text(
            "SELECT id, best_answer_id FROM questions WHERE status = 'resolved'")).all())
        marks = {(row.username, row.answer_id) for row in conn.execute(sa.text(
            "SELECT u.username, h.answer_id FROM helpful_marks h JOIN users u ON u.id = h.user_id"))}
        lost_q = [q for q, v in shared.questions.items() if questions.get(q) != v]
        lost_a = [a for a, v in shared.answers.items() if answers.get(a) != v]
        lost_r = [q for q, best in shared.resolved.items() if resolved.get(q) != best]
        acked_marks = {m for m in shared.helpful if not m[0].startswith("?")}
        lost_h = acked_marks - marks
        print(f"\nacknowledged writes: {len(shared.questions)} questions, {len(shared.answers)} answers, "
              f"{len(shared.resolved)} resolutions, {len(acked_marks)} helpful marks")
        print(f"missing from the database: {len(lost_q)} questions, {len(lost_a)} answers, "
              f"{len(lost_r)} resolutions, {len(lost_h)} helpful marks")
        if lost_q or lost_a or lost_r or lost_h:
            failures.append(f"acknowledged writes lost: q={lost_q[:5]} a={lost_a[:5]} r={lost_r[:5]} "
                            f"h={sorted(lost_h)[:5]}")
        failures += _check_outbox(conn, shared)
    engine.dispose()
    return failures


def _check_outbox(conn: sa.Connection, shared: Shared) -> list[str]:
    if not sa.inspect(conn).has_table("outbox_mails"):
        print("mail: no outbox_mails table in this schema; nothing to check")
        return []
    rows = conn.execute(sa.text("SELECT kind, user_id, to_address, subject, body_text, dedupe_key, message_id "
                                "FROM outbox_mails")).all()
    by_kind: dict[str, int] = defaultdict(int)
    for row in rows:
        by_kind[row.kind] += 1
    doubled_ids = len(rows) - len({r.message_id for r in rows})
    doubled_bodies = len(rows) - len({(r.kind, r.to_address, r.subject, r.body_text) for r in rows})
    print(f"mail: {len(rows)} in the outbox {dict(by_kind)}; the same Message-ID twice: {doubled_ids}; "
          f"the same mail twice: {doubled_bodies}")
    failures = []
    if doubled_ids or doubled_bodies:
        failures.append(f"mail doubled: {doubled_ids} Message-IDs, {doubled_bodies} identical mails")
    # Each acknowledged answer tells the asker: one "answer" mail per answer unless the asker
    # chose a digest or no mail (nobody here changes the default), counted per answer link.
    answer_mails = [r for r in rows if r.kind == "answer"]
    if answer_mails or by_kind:
        missing = [a for a in shared.answers
                   if not any(f"answer-{a}" in (r.body_text or "") for r in answer_mails)]
        print(f"mail: acknowledged answers without their 'answer' mail: {len(missing)} of {len(shared.answers)}")
        if missing and answer_mails:
            failures.append(f"answer mail missing for {len(missing)} acknowledged answers, e.g. {missing[:5]}")
    else:
        print("mail: the outbox exists but no event in this code writes to it yet; loss and doubling not checkable")
    return failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--pg-at", type=float, default=20, help="PostgreSQL crash-restart, seconds into the run")
    parser.add_argument("--redis-at", type=float, default=40, help="Redis restart, seconds into the run")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="sodan-load-"))
    redis = Redis(folder)
    with ThrowawayCluster() as cluster:
        redis.start()
        try:
            url = create_pg_database(cluster.url, "sodan")
            migrate_database(url)
            thread_ids = seed(url, args.users)
            env = {"DATABASE_URL": url, "REDIS_URL": f"redis://127.0.0.1:{redis.port}/0",
                   "SECRET_KEY": "load-test", "RATELIMIT_ENABLED": "1",
                   "GUNICORN_ACCESS_LOG": "/dev/null", "PAGE_CACHE_PREFIX": "sodan-load:page:",
                   **{name: HIGH for name in ("RATELIMIT_LOGIN_PER_ACCOUNT", "RATELIMIT_LOGIN_PER_ADDRESS",
                                              "RATELIMIT_QUESTION", "RATELIMIT_QUESTION_NEW_ACCOUNT",
                                              "RATELIMIT_ANSWER", "RATELIMIT_ANSWER_NEW_ACCOUNT",
                                              "RATELIMIT_REPORT", "RATELIMIT_API")}}
            with Gunicorn(env, folder, workers=args.workers) as server:
                print(f"gunicorn {server.base} ({args.workers} workers), PostgreSQL :{cluster.port}, "
                      f"Redis :{redis.port}; {args.users} members for {args.seconds:.0f} s")
                shared = Shared(thread_ids=list(thread_ids), open_threads=set())
                started = time.monotonic()
                deadline = started + args.seconds
                members = [Member(f"member{n:03d}", server.base, shared, deadline, seed=n) for n in range(args.users)]
                for member in members:
                    member.start()
                    time.sleep(0.02)  # sign-ins spread over the first two seconds
                faults = [Fault("PostgreSQL restart (pg_ctl restart -m immediate)", 0.0),
                          Fault("Redis restart (kill -9, start)", 0.0)]
                for fault, at, action in ((faults[0], args.pg_at, cluster.restart),
                                          (faults[1], args.redis_at, redis.restart)):
                    time.sleep(max(0.0, started + at - time.monotonic()))
                    fault.start = time.monotonic()
                    action()
                    fault.end = time.monotonic()
                for member in members:
                    member.join(timeout=args.seconds + 60)
                seconds = time.monotonic() - started
                failures = report(shared, faults, started, seconds)
                log = server.log()
            failures += verify(url, shared)
            if "Traceback" in log:
                print("\ngunicorn log (tail):\n" + log[-2000:])
        finally:
            redis.kill()
    print("\n" + ("targets met" if not failures else "TARGETS MISSED:\n- " + "\n- ".join(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main())
