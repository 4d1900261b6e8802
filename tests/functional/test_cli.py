"""`flask forum ...`: create-user, demo, import / export and reindex."""
import json
import shutil
import uuid

import pytest
import sqlalchemy as sa

from forum import create_app
from forum.cli import DEMO_MODERATOR
from forum.extensions import db
from forum.models import Answer, Question, SearchDocument, User
from forum.search.services import search_threads
from tests.conftest import (
    BASE_CONFIG,
    TEST_PASS,
    IsolatedClient,
    _migrate,
    create_pg_database,
    drop_pg_database,
    postgres_server_url,
)
from tests.factories import make_answer, make_question, make_user, resolved_thread
from tests.functional.html import submit, text


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _user(name: str) -> User | None:
    db.session.expire_all()
    return db.session.scalar(sa.select(User).where(User.username == name))


def _found(text_: str) -> list[str]:
    return [item.question.title for item in search_threads(text_, None, 1, 20).items]


# --- create-user --------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["member", "moderator", "admin"])
def test_create_user_with_role(runner, client, role):
    result = runner.invoke(args=["forum", "create-user", "kenji", "--email", "kenji@example.com",
                                 "--password", "pass-word-1", "--role", role])
    assert result.exit_code == 0, result.output
    user = _user("kenji")
    assert (user.role, user.is_veteran, user.email) == (role, False, "kenji@example.com")
    response = client.post("/auth/login", data={"username": "kenji", "password": "pass-word-1"})
    assert response.status_code == 302
    assert (client.get("/moderation").status_code == 200) is (role != "member")


def test_create_user_veteran_flag_and_default_role(runner):
    result = runner.invoke(args=["forum", "create-user", "senpai", "--email", "s@example.com",
                                 "--password", "pass-word-1", "--veteran"])
    assert result.exit_code == 0, result.output
    user = _user("senpai")
    assert user.role == "member" and user.is_veteran


def test_create_user_refuses_duplicates_and_bad_roles(runner):
    make_user("kenji")
    result = runner.invoke(args=["forum", "create-user", "kenji", "--email", "other@example.com",
                                 "--password", "pass-word-1"])
    assert result.exit_code != 0 and "already exists" in result.output
    result = runner.invoke(args=["forum", "create-user", "x_user", "--email", "x@example.com",
                                 "--password", "pass-word-1", "--role", "superuser"])
    assert result.exit_code != 0
    assert _count(User) == 1


def test_create_user_refuses_a_taken_email_without_a_traceback(runner):
    make_user("kenji")
    result = runner.invoke(args=["forum", "create-user", "kenji2", "--email", "kenji@example.com",
                                 "--password", "pass-word-1"])
    assert result.exit_code != 0
    assert not isinstance(result.exception, sa.exc.IntegrityError), result.exception
    assert _count(User) == 1


# --- demo ---------------------------------------------------------------------------------

def test_demo_loads_threads_idempotently_and_the_demo_moderator_can_sign_in(runner, client):
    result = runner.invoke(args=["forum", "demo"])
    assert result.exit_code == 0, result.output
    threads, answers = _count(Question), _count(Answer)
    assert threads >= 30
    statuses = dict(db.session.execute(sa.select(Question.status, sa.func.count()).group_by(Question.status)).all())
    assert statuses.get("open", 0) >= 1 and statuses.get("closed", 0) >= 1
    assert statuses.get("resolved", 0) > threads / 2
    with_best = _count(sa.select(Question.id).where(Question.best_answer_id.is_not(None)).subquery())
    assert with_best >= statuses["resolved"] / 2
    assert _count(SearchDocument) == statuses["resolved"]
    for word in ("仮払い", "手数料", "出金", "直接取引", "納期"):
        assert _found(word), word

    result = runner.invoke(args=["forum", "demo"])
    assert result.exit_code == 0, result.output
    assert (_count(Question), _count(Answer)) == (threads, answers)

    name, email, password = DEMO_MODERATOR
    response = submit(client, client.get("/auth/login"), "/auth/login", username=name, password=password)
    assert response.status_code == 302
    assert client.get("/moderation").status_code == 200


# --- import / export ----------------------------------------------------------------------

def _line(external_id, **extra) -> str:
    record = {"external_id": external_id, "category": "want_to_know", "title": f"インポートした質問{external_id}",
              "body": "移行元の掲示板の本文です。", "author": "old_taro", "created_at": "2025-01-05T10:00:00+09:00",
              "status": "resolved", "tags": ["移行"],
              "answers": [{"author": "old_hanako", "body": "移行元の回答で、検収の話をしています。",
                           "created_at": "2025-01-05T12:00:00+09:00", "best": True}]}
    record.update(extra)
    return json.dumps(record, ensure_ascii=False)


def test_import_reports_bad_lines_by_number_and_keeps_going(runner, tmp_path):
    path = tmp_path / "threads.jsonl"
    path.write_text("\n".join([
        _line("q-1"),
        "{not json",
        _line("q-2", category="nonsense"),
        "",
        _line("q-3", status="open", answers=[]),
        _line("q-4", title=""),
        _line("q-5", status="closed", close_reason="spam"),
    ]) + "\n", encoding="utf-8")
    result = runner.invoke(args=["forum", "import", str(path)])
    assert result.exit_code == 0, result.output
    for number in (2, 3, 6):
        assert f"line {number}:" in result.output
    assert "line 1:" not in result.output and "line 5:" not in result.output
    assert "imported 3" in result.output
    db.session.expire_all()
    assert _count(Question) == 3
    assert _found("検収") == ["インポートした質問q-1"]  # the closed and open ones are not searchable

    result = runner.invoke(args=["forum", "import", str(path)])
    assert result.exit_code == 0 and "imported 0" in result.output
    assert _count(Question) == 3


def test_import_keeps_what_the_forms_would_and_refuses_what_no_database_stores(runner, tmp_path):
    """A NUL or other control character is dropped (as the forms drop it), a lone surrogate
    refuses its line, and a thread twice in the file is imported once."""
    path = tmp_path / "threads.jsonl"
    path.write_text("\n".join([
        _line("q-1", body="本文\u0000に制御文字\u0007があります。\r\n二行目"),
        json.dumps(json.loads(_line("q-2")) | {"title": "半分だけの文字\ud800"}),  # ASCII-escaped: \\ud800
        _line("q-1", title="同じ番号の二つ目"),
        _line("q-3", tags=["移行\u0000", "検収"], close_note="メモ\u0001"),
    ]) + "\n", encoding="utf-8")
    result = runner.invoke(args=["forum", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "line 2: title is not valid Unicode" in result.output
    assert "imported 2" in result.output
    db.session.expire_all()
    first = db.session.scalar(sa.select(Question).where(Question.external_id == "q-1"))
    assert first.body == "本文に制御文字があります。\n二行目"
    assert first.title == "インポートした質問q-1"  # the first of the two
    third = db.session.scalar(sa.select(Question).where(Question.external_id == "q-3"))
    assert sorted(t.name for t in third.tags) == ["検収", "移行"]


def test_imported_unknown_authors_cannot_sign_in(runner, client, tmp_path):
    path = tmp_path / "threads.jsonl"
    path.write_text(_line("q-1") + "\n", encoding="utf-8")
    runner.invoke(args=["forum", "import", str(path)])
    for name in ("old_taro", "old_hanako"):
        user = _user(name)
        assert user is not None and user.password_hash is None
        for password in ("", "None", "password"):
            response = client.post("/auth/login", data={"username": name, "password": password})
            assert response.status_code == 422
    assert "action=\"/auth/logout\"" not in text(client.get("/"))


def test_import_keeps_existing_users(runner, tmp_path):
    taro_id = make_user("old_taro").id
    path = tmp_path / "threads.jsonl"
    path.write_text(_line("q-1") + "\n", encoding="utf-8")
    runner.invoke(args=["forum", "import", str(path)])
    assert db.session.scalar(sa.select(Question.author_id)) == taro_id
    assert _user("old_taro").check_password("correct-horse-42")


@pytest.fixture
def other_app(database_template, tmp_path):
    """A second, empty (migrated) database to import into."""
    if TEST_PASS == "postgresql":
        server = postgres_server_url()
        name = f"sodan_other_{uuid.uuid4().hex[:10]}"
        url = create_pg_database(server, name)
        _migrate(url)
    else:
        path = tmp_path / "other.db"
        shutil.copy(database_template, path)
        url = f"sqlite:///{path}"
    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    app.test_client_class = IsolatedClient
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    if TEST_PASS == "postgresql":
        drop_pg_database(server, name)


def _normalised(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_export_then_import_elsewhere_round_trips(runner, app, other_app, tmp_path):
    alice, bob, mod = make_user("alice"), make_user("bob", veteran=True), make_user("mod", role="moderator")
    resolved_thread(alice, bob, "手数料について", "手数料はいくら？", "報酬の一部です。", category="urgent")
    open_q = make_question(bob, title="納期の相談", body="納期を延ばしたいです。")
    make_answer(open_q, alice, "早めに相談しましょう。")
    closed = resolved_thread(bob, alice, "連絡先の交換", "LINEを聞かれた", "断りましょう")
    from forum.moderation.services import close_question

    close_question(mod, closed, "contact_exchange", "連絡先の交換は禁止")
    first = tmp_path / "first.jsonl"
    result = runner.invoke(args=["forum", "export", str(first)])
    assert result.exit_code == 0 and "exported 3" in result.output

    other_runner = other_app.test_cli_runner()
    with other_app.app_context():
        result = other_runner.invoke(args=["forum", "import", str(first)])
        assert result.exit_code == 0 and "imported 3" in result.output, result.output
        assert _found("報酬") == ["手数料について"]
        second = tmp_path / "second.jsonl"
        assert other_runner.invoke(args=["forum", "export", str(second)]).exit_code == 0
        db.session.remove()
    assert _normalised(second) == _normalised(first)
    records = {r["title"]: r for r in _normalised(first)}
    assert records["連絡先の交換"]["status"] == "closed"
    assert records["連絡先の交換"]["close_reason"] == "contact_exchange"
    assert [a["best"] for a in records["手数料について"]["answers"]] == [True]


def test_export_then_reimport_into_the_same_database_adds_nothing(runner, tmp_path):
    """An export fed back to the forum it came from must not duplicate its threads."""
    resolved_thread(make_user("alice"), make_user("bob"), "手数料について", "手数料はいくら？", "報酬の一部です。")
    path = tmp_path / "export.jsonl"
    runner.invoke(args=["forum", "export", str(path)])
    result = runner.invoke(args=["forum", "import", str(path)])
    assert result.exit_code == 0
    assert _count(Question) == 1


# --- reindex ------------------------------------------------------------------------------

def test_reindex_rebuilds_the_search_index(runner):
    alice, bob = make_user("alice"), make_user("bob")
    resolved_thread(alice, bob, "出金の手数料", "出金すると手数料がかかりますか", "振込手数料がかかります。")
    make_question(alice, title="未解決の出金の質問")
    db.session.execute(sa.delete(SearchDocument))
    db.session.commit()
    assert _found("出金") == []
    result = runner.invoke(args=["forum", "reindex"])
    assert result.exit_code == 0 and "indexed 1" in result.output, result.output
    db.session.expire_all()
    assert _found("出金") == ["出金の手数料"]
    assert _found("振込手数料") == ["出金の手数料"]  # the FTS path (3+ characters) too
