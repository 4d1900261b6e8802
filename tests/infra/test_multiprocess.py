"""Two gunicorn servers, one PostgreSQL database, one Redis: they behave as one forum."""
import re

import pytest

from tests.infra.conftest import needs_postgresql_pass
from tests.infra.servers import Gunicorn, Visitor

pytestmark = [needs_postgresql_pass, pytest.mark.postgres_only]
PASSWORD = "multi-process-42"


def register(visitor: Visitor, base: str, name: str) -> None:
    reply = visitor.submit(base, "/auth/register", {
        "username": name, "email": f"{name}@example.com", "password": PASSWORD, "password_confirm": PASSWORD})
    assert reply.status == 302, reply.text[:1000]


def test_two_servers_share_data_sessions_and_rate_limits(shared_database, redis_url, tmp_path):
    redis, prefix = redis_url
    env = {"DATABASE_URL": shared_database, "REDIS_URL": redis, "RATELIMIT_KEY_PREFIX": prefix,
           "SECRET_KEY": "one-secret-for-every-app-machine", "RATELIMIT_LOGIN_PER_ACCOUNT": "3 per hour"}
    with Gunicorn(env, tmp_path) as one, Gunicorn(env, tmp_path) as two:
        for server in (one, two):
            assert Visitor().get(server.base, "/healthz").text.count('"ok"') == 3  # status, database, redis

        # A session made on one server is valid on the other (same SECRET_KEY, nothing kept locally).
        alice = Visitor()
        register(alice, one.base, "alice")
        form = alice.get(two.base, "/questions/new")
        assert form.status == 200 and "alice" in form.text

        # A question asked through one server is answerable through the other.
        asked = alice.submit(one.base, "/questions/new", {
            "category": "want_to_know", "asker_type": "lancer", "title": "源泉徴収はどう扱いますか",
            "body": "報酬から源泉徴収される場合の確定申告の書き方を知りたいです。", "tags": "確定申告"})
        assert asked.status == 302, asked.text[:1000]
        thread = re.search(r"/questions/\d+", asked.location).group(0)
        bob = Visitor()
        register(bob, two.base, "bob")
        answered = bob.submit(two.base, thread, {"body": "支払調書と照らし合わせて源泉徴収税額を記入します。"},
                              action=f"{thread}/answers")
        assert answered.status == 302, answered.text[:1000]
        page = alice.get(one.base, thread).text
        assert "源泉徴収はどう扱いますか" in page and "支払調書と照らし合わせて" in page

        # A rate limit counted on one server is enforced on the other: failed sign-ins for
        # alice, alternating servers (and their workers), share one counter in Redis.
        guesser = Visitor()
        for server in (one, two, one):
            reply = guesser.submit(server.base, "/auth/login", {"username": "alice", "password": "guess"})
            assert reply.status == 422, reply.status
        refused = guesser.submit(two.base, "/auth/login", {"username": "alice", "password": PASSWORD})
        assert refused.status == 429
        assert "ログインの試行が多すぎます" in refused.text
        # bob is a different account: not limited.
        assert Visitor().submit(one.base, "/auth/login", {"username": "bob", "password": PASSWORD}).status == 302


def test_guest_pages_cached_in_redis_follow_a_write_made_on_the_other_server(shared_database, redis_url, tmp_path):
    redis, prefix = redis_url
    env = {"DATABASE_URL": shared_database, "REDIS_URL": redis, "RATELIMIT_KEY_PREFIX": prefix,
           "PAGE_CACHE_PREFIX": f"{prefix}:page:", "SECRET_KEY": "one-secret-for-every-app-machine"}
    with Gunicorn(env, tmp_path) as one, Gunicorn(env, tmp_path) as two:
        alice = Visitor()
        register(alice, one.base, "alice")
        asked = alice.submit(one.base, "/questions/new", {
            "category": "urgent", "asker_type": "lancer", "title": "納品後に連絡が途絶えました",
            "body": "検収の連絡が一週間ありません。どうすればいいですか。"})
        thread = re.search(r"/questions/\d+", asked.location).group(0)

        # A guest reads the thread on both servers: rendered once, then served from Redis.
        guest = Visitor()
        seen = [guest.get(server.base, thread) for server in (one, two, one, two)]
        assert [r.headers.get("X-Page-Cache") for r in seen] == ["miss", "hit", "hit", "hit"]
        assert "まだ回答はありません" in seen[-1].text
        # So does its asker, whose page is kept for her alone, with each request's own token.
        alice.get(one.base, thread)  # the page after asking shows its flash once
        mine = [alice.get(server.base, thread) for server in (one, two)]
        assert [r.headers.get("X-Page-Cache") for r in mine] == ["member miss", "member hit"]
        assert "alice" in mine[1].text and "\x00" not in mine[1].text

        # An answer through server two shows at once to the guest on server one (any worker).
        bob = Visitor()
        register(bob, two.base, "bob")
        answered = bob.submit(two.base, thread, {"body": "まずは取引メッセージで催促しましょう。"},
                              action=f"{thread}/answers")
        assert answered.status == 302
        for server in (one, one, two):
            page = guest.get(server.base, thread)
            assert "まずは取引メッセージで催促しましょう" in page.text
        assert page.headers.get("X-Page-Cache") == "hit"
        mine = [alice.get(server.base, thread) for server in (one, two)]
        assert all("まずは取引メッセージで催促しましょう" in r.text for r in mine)
        assert [r.headers.get("X-Page-Cache") for r in mine] == ["member miss", "member hit"]
