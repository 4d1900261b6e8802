"""The app survives its database: killed connections and a PostgreSQL restart under load."""
import re
import threading
import time
import uuid

import pytest
import sqlalchemy as sa

from forum.extensions import db
from forum.models import Question
from tests.conftest import create_pg_database, migrate_database
from tests.factories import PASSWORD as MEMBER_PASSWORD
from tests.factories import make_user
from tests.infra.conftest import needs_postgresql_pass
from tests.infra.servers import Gunicorn, ThrowawayCluster, Visitor

pytestmark = [needs_postgresql_pass, pytest.mark.postgres_only]
PASSWORD = "fault-tolerant-42"


def question(title: str) -> dict:
    return {"category": "in_trouble", "asker_type": "lancer", "title": title,
            "body": "障害試験のための質問の本文です。内容に意味はありません。", "tags": ""}


def terminate(url: str, application_name: str) -> int:
    """Kill every connection that application opened; returns how many there were."""
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        killed = conn.execute(sa.text(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE application_name = :name AND pid <> pg_backend_pid()"), {"name": application_name}).scalar()
        for _ in range(100):  # until the backends are gone, as after a restart
            if not conn.execute(sa.text("SELECT 1 FROM pg_stat_activity WHERE application_name = :name"),
                                {"name": application_name}).first():
                break
            time.sleep(0.05)
    engine.dispose()
    return killed


def _app_with_name(make_app, **settings):
    name = f"sodan-fault-{uuid.uuid4().hex[:8]}"
    app = make_app(SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"application_name": name}}, **settings)
    return app, name


def test_killed_connections_are_replaced_before_the_next_request(app, make_app):
    # The liveness check (forum/database/postgres.py), on by default, without pool_pre_ping.
    make_user("asker")
    served, name = _app_with_name(make_app)
    assert not served.config["SQLALCHEMY_ENGINE_OPTIONS"].get("pool_pre_ping")
    client = served.test_client()
    assert client.post("/auth/login", data={"username": "asker", "password": MEMBER_PASSWORD}).status_code == 302
    assert terminate(app.config["SQLALCHEMY_DATABASE_URI"], name) >= 1
    assert client.get("/").status_code == 200
    assert client.post("/questions/new", data=question("接続が切れた後の質問です")).status_code == 302
    assert db.session.scalar(sa.select(Question.title)) == "接続が切れた後の質問です"


def test_without_the_liveness_check_the_failed_request_is_a_japanese_503_and_the_next_succeeds(app, make_app):
    # Shows what the liveness check saves, and that the 503 path itself is sound.
    make_user("asker")
    served, name = _app_with_name(make_app, DATABASE_LIVENESS_CHECK=False)
    client = served.test_client()
    assert client.post("/auth/login", data={"username": "asker", "password": MEMBER_PASSWORD}).status_code == 302
    assert client.post("/questions/new", data=question("最初の質問は保存済みです")).status_code == 302
    assert terminate(app.config["SQLALCHEMY_DATABASE_URI"], name) >= 1
    failed = client.post("/questions/new", data=question("切断中に送った質問です"))
    assert failed.status_code == 503
    assert "データベースに一時的に接続できません" in failed.get_data(as_text=True)
    assert client.post("/questions/new", data=question("再接続後の質問です")).status_code == 302
    titles = set(db.session.scalars(sa.select(Question.title)))
    assert titles == {"最初の質問は保存済みです", "再接続後の質問です"}


def test_connection_lost_after_the_page_was_built_is_not_a_500(app, make_app):
    # The request's transaction is still open when the response is ready; if the server drops
    # the connection now, closing the session at teardown must not raise (that would replace
    # the finished page by the WSGI server's bare 500).
    served = make_app()
    url = app.config["SQLALCHEMY_DATABASE_URI"]

    @served.after_request
    def kill_own_connection(response):
        pid = db.session.connection().exec_driver_sql("SELECT pg_backend_pid()").scalar()
        killer = sa.create_engine(url, isolation_level="AUTOCOMMIT")
        with killer.connect() as conn:
            conn.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            for _ in range(50):  # wait until the backend is really gone
                if not conn.execute(sa.text("SELECT 1 FROM pg_stat_activity WHERE pid = :pid"), {"pid": pid}).first():
                    break
                time.sleep(0.05)
        killer.dispose()
        return response

    response = served.test_client().get("/questions")
    assert response.status_code == 200
    served.after_request_funcs[None].remove(kill_own_connection)
    assert served.test_client().get("/questions").status_code == 200


def _post_until(stop: threading.Event, visitor: Visitor, base: str, token: str, label: str, results: list):
    n = 0
    while not stop.is_set():
        n += 1
        title = f"負荷試験の質問 {label}-{n}"
        try:
            reply = visitor.request(base, "/questions/new", {**question(title), "csrf_token": token})
            results.append((title, reply.status, reply.location, reply.text if reply.status != 302 else ""))
        except OSError as error:  # the connection itself failed: not acknowledged
            results.append((title, None, "", str(error)))
        time.sleep(0.02)


def test_postgresql_restart_under_load_loses_no_acknowledged_post(tmp_path):
    with ThrowawayCluster() as cluster:
        url = create_pg_database(cluster.url, "sodan")
        migrate_database(url)
        env = {"DATABASE_URL": url, "SECRET_KEY": "fault-test", "RATELIMIT_ENABLED": "0"}
        with Gunicorn(env, tmp_path, workers=2) as server:
            visitors, tokens = [], []
            for n in range(3):
                visitor = Visitor()
                reply = visitor.submit(server.base, "/auth/register", {
                    "username": f"loader{n}", "email": f"loader{n}@example.com",
                    "password": PASSWORD, "password_confirm": PASSWORD})
                assert reply.status == 302, reply.text[:500]
                visitors.append(visitor)
                tokens.append(visitor.csrf_token(server.base, "/questions/new"))

            # Between requests: every app connection killed; the next requests still succeed.
            assert terminate(url, "sodan") >= 1
            for visitor, token in zip(visitors, tokens, strict=False):
                assert visitor.get(server.base, "/").status == 200
                reply = visitor.request(server.base, "/questions/new", {**question("切断直後の質問"), "csrf_token": token})
                assert reply.status == 302, reply.text[:500]

            # Under load: the server crashes and recovers.
            stop = threading.Event()
            results: list[tuple[str, int | None, str, str]] = []
            threads = [threading.Thread(target=_post_until, args=(stop, v, server.base, t, str(i), results))
                       for i, (v, t) in enumerate(zip(visitors, tokens, strict=False))]
            for thread in threads:
                thread.start()
            try:
                time.sleep(1.5)
                cluster.restart()
                time.sleep(1.5)
            finally:
                stop.set()
                for thread in threads:
                    thread.join(timeout=30)

            acknowledged = {title: int(re.search(r"/questions/(\d+)", location).group(1))
                            for title, status, location, _ in results if status == 302}
            refused = [(status, "データベースに一時的に接続できません" in text, text[-300:])
                       for _, status, _, text in results if status != 302]
            assert len(acknowledged) >= 10, (len(results), refused[:3])
            # Whatever failed during the outage failed honestly: a Japanese 503, never a 500.
            assert all(status == 503 and japanese for status, japanese, _ in refused), refused[:3]

            # Afterwards: new requests succeed, and every acknowledged post is in the database.
            for visitor, token in zip(visitors, tokens, strict=False):
                reply = visitor.request(server.base, "/questions/new", {**question("復旧後の質問"), "csrf_token": token})
                assert reply.status == 302, reply.text[:500]
            assert Visitor().get(server.base, "/healthz").status == 200

        engine = sa.create_engine(url)
        with engine.connect() as conn:
            stored: dict[str, int] = dict(conn.execute(sa.text("SELECT title, id FROM questions")).all())
        engine.dispose()
        missing = {title for title in acknowledged if stored.get(title) != acknowledged[title]}
        assert not missing, f"acknowledged but lost: {sorted(missing)[:5]}"
        print(f"\nrestart under load: {len(results)} posts sent, {len(acknowledged)} acknowledged, "
              f"{len(refused)} refused with 503, none lost")
