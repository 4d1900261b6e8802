"""The outbox against a real SMTP server (aiosmtpd): delivery, the server down then up, a
worker killed mid-batch (SIGKILL, a real process), and two workers at once on PostgreSQL."""
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest

from forum.extensions import db
from forum.mail.outbox import queue_mail
from forum.mail.worker import deliver_due
from forum.models import utcnow
from tests.conftest import TEST_PASS
from tests.factories import make_user
from tests.mail.helpers import outbox
from tests.mail.smtp import Recorder, free_port, smtp_server

ROOT = Path(__file__).resolve().parents[2]


def _queue(n: int, prefix: str = "u") -> None:
    for i in range(n):
        user = make_user(f"{prefix}{i}")
        queue_mail(user, "password_reset", f"subject {i}", "password_reset", url=f"http://x/{i}", minutes=60)
    db.session.commit()


@pytest.fixture
def port():
    return free_port()


@pytest.fixture
def smtp_app(make_app, port):
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_RETRY_BASE_SECONDS=60)
    with app.app_context():
        yield app


def test_delivers_each_mail_once_as_text_and_html(smtp_app, port):
    user = make_user("hanako")
    queue_mail(user, "answer", "件名", "notification", line="「質問」に回答がつきました", url="http://s/q/1",
               event="answer", question=None, answer=None, by=None, note="")
    db.session.commit()
    recorder = Recorder()
    with smtp_server(recorder, port):
        assert deliver_due()["sent"] == 1
        assert deliver_due()["sent"] == 0
    [message] = recorder.messages
    assert message["To"] == "hanako@example.com" and message["Subject"] == "件名"
    assert message["List-Unsubscribe"].startswith("<http") and "/mail/unsubscribe/" in message["List-Unsubscribe"]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.get_body(("plain",)).get_content().count("回答がつきました") == 1
    assert "<a href=\"http://s/q/1\">" in message.get_body(("html",)).get_content()
    [row] = outbox()
    assert (row.status, row.attempts, row.sent_at is not None, row.message_id) == ("sent", 1, True, message["Message-ID"])


def test_password_reset_mail_has_no_unsubscribe(smtp_app, port):
    _queue(1)
    recorder = Recorder()
    with smtp_server(recorder, port):
        deliver_due()
    assert recorder.messages[0]["List-Unsubscribe"] is None


def test_server_down_then_up_retries_with_backoff(smtp_app, port):
    _queue(3)
    now = utcnow()
    assert deliver_due(now) == {"sent": 0, "retried": 3, "failed": 0}  # nothing listens on the port
    rows = outbox()
    assert {(r.status, r.attempts) for r in rows} == {("pending", 1)}
    assert all(r.next_attempt_at >= now + timedelta(seconds=59) and r.claimed_by is None for r in rows)
    assert "connect" in rows[0].last_error
    assert deliver_due(now + timedelta(seconds=61)) == {"sent": 0, "retried": 3, "failed": 0}  # still down
    assert {r.attempts for r in outbox()} == {2}
    recorder = Recorder()
    with smtp_server(recorder, port):
        later = now + timedelta(seconds=62)
        assert deliver_due(later)["sent"] == 0  # the second failure doubled the wait (120 s)
        assert deliver_due(now + timedelta(seconds=200))["sent"] == 3
        assert deliver_due(now + timedelta(days=1))["sent"] == 0
    assert sorted(recorder.message_ids()) == sorted(r.message_id for r in outbox())
    assert {r.status for r in outbox()} == {"sent"}


def test_gives_up_after_max_attempts(make_app, port):
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_MAX_ATTEMPTS=2)
    with app.app_context():
        _queue(1)
        now = utcnow()
        deliver_due(now)
        deliver_due(now + timedelta(hours=1))
        [row] = outbox()
        assert (row.status, row.attempts) == ("failed", 2)
        assert deliver_due(now + timedelta(days=1)) == {"sent": 0, "retried": 0, "failed": 0}


def test_without_mail_server_mail_goes_to_the_log(app, caplog):
    _queue(1)
    with caplog.at_level("INFO", logger="forum.mail"):
        assert deliver_due()["sent"] == 1
    assert "subject 0" in caplog.text and "u0@example.com" in caplog.text


# --- real worker processes ----------------------------------------------------------------

def _worker(database_url: str, port: int, *args: str, **env) -> subprocess.Popen:
    environment = {**os.environ, "DATABASE_URL": database_url, "MAIL_SERVER": "127.0.0.1",
                   "MAIL_PORT": str(port), "SECRET_KEY": "test-secret", "RATELIMIT_ENABLED": "0",
                   "MAIL_POLL_SECONDS": "0.1", "REDIS_URL": "", **env}
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "forum", "worker", *args],
                            cwd=ROOT, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_worker_killed_mid_batch_loses_and_doubles_nothing(smtp_app, port, database_url):
    _queue(8)
    recorder = Recorder(pause_after=3)
    with smtp_server(recorder, port):
        worker = _worker(database_url, port, MAIL_CLAIM_SECONDS="3")
        try:
            assert recorder.paused.wait(60), worker.stderr.read() if worker.poll() is not None else "no pause"
            os.kill(worker.pid, signal.SIGKILL)  # in the middle of the 4th mail of its batch
            worker.wait(10)
        finally:
            if worker.poll() is None:
                worker.kill()
        recorder.release.set()
        rows = outbox()
        assert Counter(r.status for r in rows) == {"sent": 3, "pending": 5}
        assert all(r.claimed_by for r in rows if r.status == "pending")  # still leased by the dead worker
        time.sleep(3.2)  # the lease runs out
        again = _worker(database_url, port, "--once", MAIL_CLAIM_SECONDS="3")
        out, err = again.communicate(timeout=60)
        assert again.returncode == 0, err
        assert "sent 5" in out
    ids = recorder.message_ids()
    assert len(ids) == len(set(ids)) == 8
    assert sorted(ids) == sorted(r.message_id for r in outbox())
    assert {r.status for r in outbox()} == {"sent"}


@pytest.mark.skipif(TEST_PASS != "postgresql", reason="concurrent claims are tested on PostgreSQL (SKIP LOCKED)")
def test_two_workers_at_once_never_take_the_same_mail(smtp_app, port, database_url):
    recorder = Recorder(delay=0.05)  # a slow server: both workers are busy at once
    with smtp_server(recorder, port):
        workers = [_worker(database_url, port, MAIL_BATCH_SIZE="4") for _ in range(2)]
        try:
            for worker in workers:  # both are up and polling before any mail is queued
                assert worker.stdout.readline().startswith("worker started"), worker.stderr.read()
            _queue(60)
            deadline = time.monotonic() + 60
            while len(recorder.message_ids()) < 60 and time.monotonic() < deadline:
                time.sleep(0.1)
            time.sleep(0.5)  # anything sent twice would arrive now
        finally:
            for worker in workers:
                worker.send_signal(signal.SIGTERM)
        outputs = [w.communicate(timeout=30) for w in workers]
    assert all(w.returncode == 0 for w in workers), [e for _, e in outputs]
    sent = [int(out.split("sent ")[1].split(",")[0]) for out, _ in outputs]
    assert sum(sent) == 60 and all(n > 0 for n in sent), sent  # both worked, neither sent twice
    ids = recorder.message_ids()
    assert len(ids) == len(set(ids)) == 60
    assert {r.status for r in outbox()} == {"sent"}
