"""`flask forum copy --to URL`: SQLite → PostgreSQL → SQLite with nothing lost.

Each database here is the test's own (SQLite files in tmp_path, PostgreSQL databases created on
the TEST_DATABASE_URL server and dropped after), migrated the way production is.
"""
import os
import uuid
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from forum import create_app
from forum.extensions import db
from forum.models import AuditLog, ContactMessage, ContentVersion, HelpfulMark, Question, Report, User
from forum.search.services import search_threads
from forum.transfer.checksums import table_sums
from tests.conftest import (
    BASE_CONFIG,
    TEST_PASS,
    IsolatedClient,
    create_pg_database,
    drop_pg_database,
    migrate_database,
)
from tests.factories import PASSWORD, make_answer, make_question, make_user, resolved_thread

MOD_PASSWORD = "moderator-pass-77"
SUSPENDED_UNTIL = datetime(2031, 4, 1, 3, 4, 5, 678901, tzinfo=UTC)


def _app(url: str):
    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    app.test_client_class = IsolatedClient
    return app


def _dispose(app) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def pg_databases():
    """Fresh PostgreSQL databases on the TEST_DATABASE_URL server, dropped after the test."""
    server = os.environ.get("TEST_DATABASE_URL")
    if not server:
        if os.environ.get("SODAN_REQUIRE_PG"):
            pytest.fail("TEST_DATABASE_URL is not set; CI (.ci/run) must provide PostgreSQL")
        pytest.skip("TEST_DATABASE_URL is not set (see DEVELOPERS.md)")
    names: list[str] = []

    def make() -> str:
        names.append(f"sodan_copy_{uuid.uuid4().hex[:10]}")
        return create_pg_database(server, names[-1])

    yield make
    for name in names:
        drop_pg_database(server, name)


def _fill(url: str) -> None:
    """A forum with a row in every table the core models have: accounts (one moderator, one
    suspended member, one imported account without a password), threads with best answers,
    tags, helpful marks, reports, the audit log, contact messages."""
    migrate_database(url)
    app = _app(url)
    with app.app_context():
        mod = make_user("kanri", role="moderator", password=MOD_PASSWORD)
        asker, veteran = make_user("hanako"), make_user("senpai", veteran=True)
        asker.suspended_until, asker.suspension_reason = SUSPENDED_UNTIL, "連絡先の交換"
        db.session.add(User(username="imported_only", email=None, password_hash=None))
        thread = resolved_thread(asker, veteran, "仮払いの仕組みを教えてください", "初めての受注です。",
                                 "仮払いはクライアントが先に報酬を預ける仕組みです。")
        for n in range(3):
            open_thread = make_question(asker, title=f"納期に間に合いません その{n}", category="in_trouble",
                                        tags=("納期", f"タグ{n}"))
            make_answer(open_thread, veteran, f"まず連絡しましょう。{n}")
        best = thread.best_answer_id
        db.session.add(HelpfulMark(user_id=asker.id, answer_id=best))
        db.session.add(Report(reporter_id=veteran.id, target_type="question", target_id=thread.id,
                              reason="spam", detail="宣伝です", status="dismissed", handled_by_id=mod.id,
                              handled_at=datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC), resolution="dismissed"))
        db.session.add(AuditLog(actor_id=mod.id, action="suspend", target_type="user", target_id=asker.id,
                                reason="contact_exchange", note="一週間"))
        db.session.add(ContactMessage(kind="bug", user_id=asker.id, email="hanako@example.com",
                                      subject="表示が崩れます", body="スマホで見ると崩れます。", is_done=True))
        db.session.commit()
    _dispose(app)


def _sums(url: str) -> dict:
    app = _app(url)
    with app.app_context(), db.engine.connect() as conn:
        sums = table_sums(conn, list(db.metadata.tables.values()))
    _dispose(app)
    return sums


def _copy(source_url: str, target_url: str, *extra: str):
    app = _app(source_url)
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["forum", "copy", "--to", target_url, *extra])
    _dispose(app)
    return result


def _content_version(url: str) -> tuple[int, str]:
    app = _app(url)
    with app.app_context():
        row = db.session.scalars(sa.select(ContentVersion)).one()
        version = (row.version, row.epoch)
    _dispose(app)
    return version


def _signs_in(url: str, username: str, password: str) -> bool:
    app = _app(url)
    client = app.test_client()
    response = client.post("/auth/login", data={"username": username, "password": password})
    _dispose(app)
    return response.status_code == 302


def _compared(sums: dict) -> dict:
    # The copy gets a content-version epoch of its own (guest pages cached from the source must
    # never be served for it): that one row is compared by its version, below.
    return {name: value for name, value in sums.items() if name != "content_version"}


@pytest.mark.skipif(TEST_PASS != "postgresql", reason="SQLite → PostgreSQL → SQLite: runs in the PostgreSQL pass")
def test_sqlite_to_postgresql_to_sqlite_loses_nothing(tmp_path, pg_databases):
    source = f"sqlite:///{tmp_path / 'source.db'}"
    middle = pg_databases()
    back = f"sqlite:///{tmp_path / 'back.db'}"
    _fill(source)
    before = _sums(source)
    assert all(before[name].rows > 0 for name in
               ("users", "questions", "answers", "tags", "question_tags", "helpful_marks", "reports",
                "audit_log", "contact_messages", "search_documents", "content_version"))

    for frm, to in ((source, middle), (middle, back)):
        result = _copy(frm, to)
        assert result.exit_code == 0, result.output
        assert "counts and checksums equal" in result.output
        assert _compared(_sums(to)) == _compared(before)  # every table: same rows, same checksum
        assert _content_version(to)[0] == _content_version(source)[0]
        assert _content_version(to)[1] != _content_version(frm)[1]

    for url in (middle, back):
        # Accounts sign in with the passwords they had; the moderator can still moderate.
        assert _signs_in(url, "kanri", MOD_PASSWORD)
        assert _signs_in(url, "senpai", PASSWORD)
        assert not _signs_in(url, "senpai", "wrong-password-1")
        app = _app(url)
        with app.app_context():
            hanako = User.by_name("hanako")
            assert hanako.suspended_until == SUSPENDED_UNTIL and hanako.email == "hanako@example.com"
            assert hanako.check_password(PASSWORD)
            assert User.by_name("imported_only").password_hash is None
            audit = db.session.scalars(sa.select(AuditLog)).one()
            assert (audit.action, audit.actor.username, audit.note) == ("suspend", "kanri", "一週間")
            report = db.session.scalars(sa.select(Report)).one()
            assert (report.status, report.detail, report.reporter.username) == ("dismissed", "宣伝です", "senpai")
            thread = db.session.scalar(sa.select(Question).where(Question.status == "resolved"))
            assert thread.best_answer_id is not None
            # New rows get fresh ids after the copied ones (PostgreSQL sequences were moved on).
            newcomer = make_user("newcomer")
            assert newcomer.id == db.session.scalar(sa.select(sa.func.max(User.id)))
            assert newcomer.id > audit.actor_id
            # The search index was rebuilt on the copy.
            found = [item.question.title for item in search_threads("仮払い", None, 1, 20).items]
            assert found == ["仮払いの仕組みを教えてください"]
        _dispose(app)


def _target(tmp_path, pg_databases) -> str:
    """A target on this pass's engine: a SQLite file, or a PostgreSQL database."""
    return pg_databases() if TEST_PASS == "postgresql" else f"sqlite:///{tmp_path / 'target.db'}"


def test_a_target_that_holds_data_is_refused_unless_forced(tmp_path, pg_databases):
    source = f"sqlite:///{tmp_path / 'source.db'}"
    target = _target(tmp_path, pg_databases)
    _fill(source)
    migrate_database(target)  # a migrated but unused target is empty: the copy goes ahead
    assert _copy(source, target).exit_code == 0

    app = _app(target)
    with app.app_context():
        make_user("only_on_the_target")
    _dispose(app)
    refused = _copy(source, target)
    assert refused.exit_code != 0
    assert "already holds data" in refused.output and "--force" in refused.output
    assert _signs_in(target, "only_on_the_target", PASSWORD)  # untouched

    forced = _copy(source, target, "--force")
    assert forced.exit_code == 0, forced.output
    assert _compared(_sums(target)) == _compared(_sums(source))
    assert not _signs_in(target, "only_on_the_target", PASSWORD)


def test_copy_onto_itself_or_from_an_older_schema_is_refused(tmp_path):
    source = f"sqlite:///{tmp_path / 'source.db'}"
    _fill(source)
    itself = _copy(source, f"sqlite:///{tmp_path / '.' / 'source.db'}")
    assert itself.exit_code != 0 and "is the source" in itself.output

    app = _app(source)
    with app.app_context(), db.engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '0001'"))
    _dispose(app)
    behind = _copy(source, f"sqlite:///{tmp_path / 'target.db'}")
    assert behind.exit_code != 0 and "flask db upgrade" in behind.output


def test_the_copy_applies_the_badge_rule_on_the_target(tmp_path, request):
    """Best answers that arrived past the rule (here: written straight into the source) earn the
    先輩 badge on the target; a badge a moderator revoked stays revoked; the threads the new
    veteran answered get their first veteran answer time."""
    source = f"sqlite:///{tmp_path / 'source.db'}"
    target = (request.getfixturevalue("pg_databases")() if TEST_PASS == "postgresql"
              else f"sqlite:///{tmp_path / 'target.db'}")
    _fill(source)
    app = _app(source)
    with app.app_context():
        n = app.config["VETERAN_BEST_ANSWERS"]
        asker, mod = User.by_name("hanako"), User.by_name("kanri")
        earned, revoked, few = make_user("earned"), make_user("revoked"), make_user("few")
        for member, count in ((earned, n), (revoked, n + 1), (few, n - 1)):
            for i in range(count):
                resolved_thread(asker, member, f"{member.username} の質問 その{i}", "教えてください。", "こうします。")
        db.session.add(AuditLog(actor_id=mod.id, action="revoke_veteran", target_type="user", target_id=revoked.id))
        db.session.commit()
        assert not any(u.is_veteran for u in (earned, revoked, few))  # the factories bypass the rule
        earned_thread = db.session.scalar(sa.select(Question.id).where(Question.title == "earned の質問 その0"))
        first_answer = db.session.get(Question, earned_thread).first_answer_at
        assert first_answer is not None and db.session.get(Question, earned_thread).first_veteran_answer_at is None
    _dispose(app)

    result = _copy(source, target)
    assert result.exit_code == 0, result.output
    assert "先輩 badge rule applied on the target: 1 granted" in result.output
    app = _app(target)
    with app.app_context():
        veterans = set(db.session.scalars(sa.select(User.username).where(User.is_veteran)))
        assert veterans == {"senpai", "earned"}
        copied = db.session.get(Question, earned_thread)
        assert copied.first_answer_at == first_answer and copied.first_veteran_answer_at == first_answer
    _dispose(app)
