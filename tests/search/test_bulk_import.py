"""A large import prepares lines in worker processes and writes the index in bulk; what it
stores must be exactly what the one-thread-at-a-time path (reindex) stores (both engines)."""
import json
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from forum.extensions import db
from forum.models import Question
from forum.models.counters import first_answers_statement
from forum.search.index import reindex
from forum.search.ngrams import fts_token_stream, fts_tokens
from forum.search.services import search_threads
from forum.transfer import jsonl as transfer
from forum.transfer import records as import_records
from forum.transfer.records import prepared
from tests.factories import make_user

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from corpus import Corpus  # noqa: E402

QUERIES = ["契約", "納品", "確定申告", "請求書 手数料", "サーバー", "仮払い -キャンセル", "税", "ロゴ"]


def _lines(n: int = 60) -> list[str]:
    lines = [json.dumps(t, ensure_ascii=False) for t in Corpus(seed=3).thread_list(n)]
    # Edge cases: two answers flagged best (the first counts), answers at the same time (kept
    # in file order), a closed thread (not searchable), a bad line and a blank one.
    lines.append(json.dumps({
        "external_id": "edge-1", "category": "urgent", "title": "請求書の宛名について", "body": "宛名は？",
        "author": "edge_asker", "status": "resolved", "created_at": "2024-01-01T09:00:00+09:00",
        "tags": ["請求書", "宛名"],
        "answers": [
            {"author": "a1", "body": "二番目の回答", "created_at": "2024-01-01T10:00:00+09:00"},
            {"author": "a2", "body": "最初のベスト", "created_at": "2024-01-01T10:00:00+09:00", "best": True},
            {"author": "a3", "body": "もう一つのベスト", "created_at": "2024-01-01T09:30:00+09:00", "best": True},
            {"author": "a4", "body": "四番目の回答", "created_at": "2024-01-01T10:00:00+09:00"},
        ],
    }, ensure_ascii=False))
    lines.append(json.dumps({"external_id": "edge-2", "category": "in_trouble", "title": "閉じた質問",
                             "body": "連絡先の交換", "author": "edge_asker", "status": "closed",
                             "created_at": "2024-02-01T09:00:00+00:00"},
                            ensure_ascii=False))
    lines.append("{not json")
    lines.append("")
    return lines


def _documents() -> list[tuple]:
    return [tuple(r) for r in db.session.execute(sa.text("SELECT * FROM search_documents ORDER BY question_id"))]


def _index_rows() -> list[tuple]:
    if db.session.get_bind().dialect.name == "sqlite":
        sql = "SELECT sort_key, question_id, category FROM search_fts_meta ORDER BY sort_key"
    else:  # tokens as text: the server sorts and deduplicates the lexemes
        sql = "SELECT question_id, sort_key, category, tokens::text FROM search_fts ORDER BY question_id"
    return [tuple(r) for r in db.session.execute(sa.text(sql))]


def _results() -> dict:
    out = {}
    for query in QUERIES:
        page = search_threads(query, None, 1, 50)
        out[query] = ([item.question.id for item in page.items], page.total)
    return out


def test_workers_prepare_the_same_records_as_one_process(app, monkeypatch):
    monkeypatch.setattr(import_records, "CHUNK", 7)
    submitted = []

    class CountingPool(import_records.ProcessPoolExecutor):
        def submit(self, fn, /, *args, **kwargs):
            start, stop = args  # a span of the lines, which the workers inherit
            submitted.append(stop - start)
            return super().submit(fn, *args, **kwargs)

    monkeypatch.setattr(import_records, "ProcessPoolExecutor", CountingPool)
    engine = db.session.get_bind().dialect.name
    lines = _lines()
    serial = list(prepared(lines, engine, workers=1))
    assert submitted == []
    parallel = list(prepared(lines, engine, workers=2))
    assert sum(submitted) == len(lines) and len(submitted) > 2
    assert parallel == serial
    # A writer's batch ahead: 40 lines are 6 chunks of 7 (2 workers x AHEAD would be 4),
    # asked for at once, and a 7th as the caller takes the first one's records.
    submitted.clear()
    batch_ahead = prepared(lines, engine, workers=2, ahead=40)
    first = next(batch_ahead)
    assert len(submitted) == 7
    assert [first, *batch_ahead] == serial
    assert [n for n, r in serial if isinstance(r, str)] == [len(lines) - 1]  # the bad line, by number


def _schema() -> list[tuple]:
    """The loaded tables' indexes and foreign keys, as the engine describes them."""
    if db.session.get_bind().dialect.name == "sqlite":
        sql = ("SELECT name, sql FROM sqlite_master WHERE type = 'index' "
               "AND tbl_name IN ('questions', 'answers', 'question_tags', 'search_documents', 'search_fts_meta')")
    else:
        sql = ("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
               "UNION ALL SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
               "WHERE connamespace = current_schema()::regnamespace")
    return sorted(tuple(r) for r in db.session.execute(sa.text(sql)))


def _first_answer_times() -> list[tuple]:
    return [tuple(r) for r in db.session.execute(
        sa.select(Question.id, Question.first_answer_at, Question.first_veteran_answer_at).order_by(Question.id))]


def test_bulk_token_stream_gives_the_triggers_tokens():
    for text in ["", "仮払い、ok", "a", "ab_cd  e", "、、", "x😀y", "１２ ３", "請求書の宛名\n二番目"]:
        assert fts_token_stream(text).split() == fts_tokens(text).split()


def test_bulk_parallel_import_stores_what_reindex_stores(app, monkeypatch):
    monkeypatch.setattr(import_records, "CHUNK", 9)
    monkeypatch.setattr(transfer, "BATCH", 16)
    monkeypatch.setattr(transfer, "SQLITE_BATCH", 16)
    # The GIN index is dropped and rebuilt; on PostgreSQL (an empty forum) the import is one
    # transaction that builds the tables' other indexes and foreign keys at the end.
    monkeypatch.setattr(transfer, "BULK_LINES", 10)
    make_user("a2", veteran=True)  # answers edge-1 after a3: its first veteran answer
    schema = _schema()
    report = transfer.import_lines(_lines(), workers=2)
    db.session.commit()
    assert (report.imported, report.skipped, len(report.errors)) == (62, 0, 1)
    assert _schema() == schema

    # The insight's first-answer times, as the statement that keeps them dates them.
    times = _first_answer_times()
    edge = db.session.scalar(sa.select(Question).where(Question.external_id == "edge-1"))
    assert edge.first_veteran_answer_at is not None and edge.first_veteran_answer_at > edge.first_answer_at
    assert sum(1 for _, first, _ in times if first is not None) == 61  # the closed thread has no answer
    db.session.execute(first_answers_statement())
    db.session.commit()
    assert _first_answer_times() == times

    documents, rows, results = _documents(), _index_rows(), _results()
    assert len(documents) == len(rows) == 61  # every resolved thread, not the closed one
    assert results["契約"][1] > 0 and results["請求書 手数料"][1] > 0
    edge = next(d for d in documents if "請求書の宛名について" in d)
    assert "最初のベスト" in edge and "もう一つのベスト\n二番目の回答\n四番目の回答" in edge

    reindex()
    db.session.expire_all()
    assert _documents() == documents
    assert _index_rows() == rows
    assert _results() == results

    again = transfer.import_lines(_lines(), workers=2)  # idempotent on external_id
    assert (again.imported, again.skipped) == (0, 62)


def test_bulk_import_into_a_forum_with_threads_commits_batch_by_batch(app, monkeypatch):
    """Not empty: each batch is committed (nothing set aside); the same stored data."""
    monkeypatch.setattr(transfer, "BATCH", 16)
    monkeypatch.setattr(transfer, "SQLITE_BATCH", 16)
    monkeypatch.setattr(transfer, "BULK_LINES", 10)
    lines = _lines()
    transfer.import_lines(lines[:1], workers=1)
    db.session.commit()
    commits = []
    real_commit = db.session.commit

    def counted_commit():
        commits.append(1)
        real_commit()

    monkeypatch.setattr(db.session, "commit", counted_commit)
    report = transfer.import_lines(lines, workers=1)
    assert (report.imported, report.skipped) == (61, 1)
    assert len(commits) > 62 // 16
    times = _first_answer_times()
    db.session.execute(first_answers_statement())
    db.session.expire_all()
    assert _first_answer_times() == times
    assert _results()["契約"][1] > 0


def _last_analyzed() -> dict[str, object]:
    db.session.execute(sa.text("SELECT pg_stat_clear_snapshot()"))
    return dict(db.session.execute(sa.text("SELECT relname, last_analyze FROM pg_stat_user_tables")).all())


def test_a_fresh_postgresql_load_leaves_the_planner_statistics_of_what_it_loaded(app, monkeypatch):
    """Until autovacuum gets to them (if it runs), tables filled in one transaction would be read
    with plans made blind: the load analyses them before it commits."""
    if db.session.get_bind().dialect.name != "postgresql":
        pytest.skip("PostgreSQL's statistics (SQLite plans without any unless ANALYZE ran)")
    monkeypatch.setattr(transfer, "BULK_LINES", 10)
    started = db.session.scalar(sa.text("SELECT clock_timestamp()"))
    db.session.commit()
    transfer.import_lines(_lines(), workers=1)
    db.session.commit()
    analyzed = _last_analyzed()
    for table in ("questions", "answers", "question_tags", "users", "tags", "search_documents", "search_fts"):
        assert analyzed[table] is not None and analyzed[table] > started, table
    columns = set(db.session.scalars(sa.text(
        "SELECT attname FROM pg_stats WHERE tablename = 'search_documents'")))
    assert {"question_id", "category", "created_at"} <= columns


def test_an_imported_thread_keeps_its_last_activity_time(app):
    """updated_at is the thread's last activity in the file (its newest answer), also for a
    thread whose best answer is set after its rows are written, on both engines."""
    transfer.import_lines(_lines(), workers=1)
    db.session.commit()
    edge = db.session.scalar(sa.select(Question).where(Question.external_id == "edge-1"))
    assert edge.best_answer_id is not None
    assert edge.updated_at.isoformat() == "2024-01-01T01:00:00+00:00"  # 10:00 JST, its last answer
    closed = db.session.scalar(sa.select(Question).where(Question.external_id == "edge-2"))
    assert closed.updated_at.isoformat() == "2024-02-01T09:00:00+00:00"


def _expected_rows(lines: list[str]) -> tuple[dict, dict]:
    """What each imported thread's questions and answers rows hold, from the file alone (the
    rule the writer follows, spelled out once here): by external id, and by (external id,
    position of the answer)."""
    from datetime import UTC, datetime

    from forum.text import stored_html

    def when(value: str) -> datetime:
        parsed = datetime.fromisoformat(value)
        return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)

    questions, answers = {}, {}
    for line in lines:
        try:
            r = json.loads(line)
        except ValueError:
            continue
        created = when(r["created_at"])
        found = r.get("answers") or []
        last = max([created] + [when(a["created_at"]) for a in found])
        best = next((i for i, a in enumerate(found) if a.get("best")), None)
        status = r.get("status", "open")
        questions[r["external_id"]] = {
            "author": r["author"], "category": r["category"], "asker_type": r.get("asker_type", "lancer"),
            "title": r["title"], "body": r["body"], "body_html": stored_html(r["body"]), "status": status,
            "created_at": created, "updated_at": last, "is_hidden": False, "answer_count": len(found),
            "resolved_at": last if status == "resolved" else None,
            "closed_at": last if status == "closed" else None,
            "close_reason": (r.get("close_reason") or "other") if status == "closed" else None,
            "close_note": (r.get("close_note") or "") if status == "closed" else None,
            "status_before_close": ("resolved" if best is not None else "open") if status == "closed" else None,
            "best": best,
        }
        for i, a in enumerate(found):
            answers[(r["external_id"], i)] = {
                "author": a["author"], "body": a["body"], "body_html": stored_html(a["body"]),
                "created_at": when(a["created_at"]), "updated_at": when(a["created_at"]), "is_hidden": False,
            }
    return questions, answers


def _stored_rows() -> tuple[dict, dict]:
    from forum.models import Answer, User

    names = dict(db.session.execute(sa.select(User.id, User.username)).all())
    questions, answers = {}, {}
    for q in db.session.scalars(sa.select(Question).order_by(Question.id)):
        mine = db.session.scalars(sa.select(Answer).where(Answer.question_id == q.id).order_by(Answer.id)).all()
        questions[q.external_id] = {
            "author": names[q.author_id], "category": q.category, "asker_type": q.asker_type, "title": q.title,
            "body": q.body, "body_html": q.body_html, "status": q.status, "created_at": q.created_at,
            "updated_at": q.updated_at, "is_hidden": q.is_hidden, "answer_count": q.answer_count,
            "resolved_at": q.resolved_at, "closed_at": q.closed_at, "close_reason": q.close_reason,
            "close_note": q.close_note, "status_before_close": q.status_before_close,
            "best": next((i for i, a in enumerate(mine) if a.id == q.best_answer_id), None),
        }
        for i, a in enumerate(mine):
            answers[(q.external_id, i)] = {
                "author": names[a.author_id], "body": a.body, "body_html": a.body_html, "created_at": a.created_at,
                "updated_at": a.updated_at, "is_hidden": a.is_hidden,
            }
    return questions, answers


def _new_members() -> list[tuple]:
    """Every column of the members an import made but their id, name and creation time."""
    from forum.models import User

    skip = {"id", "username", "created_at"}
    columns = [c for c in User.__table__.c if c.name not in skip]
    return sorted(set(db.session.execute(sa.select(*columns)).all()))


def test_the_rows_workers_prepare_are_what_the_file_says(app, monkeypatch):
    """The workers prepare each thread's rows (records._with_rows) and the writer adds ids:
    the stored questions and answers hold what the file says, serial or parallel, in
    batches or in one load, and the members it makes are what User(username=...) is."""
    from forum.models import User

    monkeypatch.setattr(import_records, "CHUNK", 9)
    monkeypatch.setattr(transfer, "BATCH", 16)
    monkeypatch.setattr(transfer, "SQLITE_BATCH", 16)
    monkeypatch.setattr(transfer, "BULK_LINES", 10)  # a fresh bulk load (one transaction on PostgreSQL)
    lines = _lines()
    report = transfer.import_lines(lines, workers=2)
    db.session.commit()
    assert (report.imported, len(report.errors)) == (62, 1)
    assert _stored_rows() == _expected_rows(lines)
    assert _stored_rows()[0]["edge-1"]["best"] == 1  # the first of the two flagged best
    made = _new_members()
    db.session.add(User(username="made_by_the_orm"))
    db.session.commit()
    assert made == _new_members()  # the ORM's member has the same columns as every imported one

    # Batch by batch into a forum that has threads (the UPDATE that sets best answers).
    monkeypatch.setattr(transfer, "BULK_LINES", 10_000)
    more = [line.replace('"bench-', '"more-') for line in lines[:30]]
    transfer.import_lines(more, workers=1)
    db.session.commit()
    questions, answers = _stored_rows()
    expected_q, expected_a = _expected_rows(lines + more)
    assert questions == expected_q and answers == expected_a


def test_the_bulk_index_is_what_the_per_thread_path_writes(app, monkeypatch):
    """A large import writes the engine's index rows in bulk (SQLite: FTS5 tokens as UTF-8
    cast back to text; PostgreSQL: tsvectors in COPY's binary form); a thread written on the
    site is indexed by index.refresh (SQLite's triggers; PostgreSQL's INSERT of an array).
    Both must give the same index rows and search results."""
    from forum.search import index
    from forum.search.backends import backend_for

    monkeypatch.setattr(import_records, "CHUNK", 9)
    monkeypatch.setattr(transfer, "BATCH", 16)
    monkeypatch.setattr(transfer, "SQLITE_BATCH", 16)
    monkeypatch.setattr(transfer, "BULK_LINES", 10)
    transfer.import_lines(_lines(), workers=2)
    db.session.commit()
    documents, rows, results = _documents(), _index_rows(), _results()
    assert len(rows) == 61 and all(hits for _, hits in results.values())

    backend = backend_for(db.session)
    backend.clear(db.session)
    db.session.commit()
    assert _index_rows() == []
    for question in db.session.scalars(sa.select(Question).order_by(Question.id)):
        index.refresh(question)
    backend.rebuild(db.session)  # PostgreSQL: clear() dropped the GIN index
    db.session.commit()
    db.session.expire_all()
    assert _documents() == documents
    assert _index_rows() == rows
    assert _results() == results


def test_a_sqlite_bulk_load_leaves_checkpoints_to_its_end(app, monkeypatch):
    """SQLite: the load's commits are not synced (synchronous OFF), so its connection must
    copy nothing from the WAL into the database file until bulk_end has synced it (no
    checkpoints of its own; a thread's connection, which syncs first, checkpoints meanwhile
    and is stopped at the end); afterwards the connection is as engine.py made it."""
    import threading

    import pytest

    if db.session.get_bind().dialect.name != "sqlite":
        pytest.skip("SQLite's WAL settings")
    pragmas = ("synchronous", "wal_autocheckpoint", "cache_size")

    def settings() -> tuple:
        return tuple(db.session.execute(sa.text(f"PRAGMA {p}")).scalar() for p in pragmas)

    before = settings()
    during = []
    real_write = transfer._Importer.write_batch

    def checkpointing() -> bool:
        return any(t.name == "sodan-wal-checkpoints" and t.is_alive() for t in threading.enumerate())

    def write_batch(self, records):
        during.append((*settings(), checkpointing()))
        return real_write(self, records)

    monkeypatch.setattr(transfer._Importer, "write_batch", write_batch)
    monkeypatch.setattr(transfer, "BATCH", 16)
    monkeypatch.setattr(transfer, "SQLITE_BATCH", 16)
    monkeypatch.setattr(transfer, "BULK_LINES", 10)
    transfer.import_lines(_lines(), workers=1)
    assert during and set(during) == {(0, 0, -65536, True)}
    assert settings() == before == (1, 1000, -2000)
    assert not checkpointing()


def test_a_bulk_load_s_wal_reaches_the_database_file_as_it_goes(tmp_path):
    """The checkpoint thread copies what a writer that checkpoints nothing itself commits
    into the database file while the writer's connection stays open."""
    import sqlite3
    import time

    from forum.database.checkpoints import WalCheckpointer

    path = tmp_path / "load.db"
    writer = sqlite3.connect(path, isolation_level=None)
    for pragma in ("journal_mode = WAL", "wal_autocheckpoint = 0", "synchronous = OFF"):
        writer.execute(f"PRAGMA {pragma}")
    writer.execute("CREATE TABLE t (x TEXT)")
    checkpoints = WalCheckpointer(str(path), interval=0.01)
    checkpoints.start()
    try:
        writer.execute("BEGIN")
        writer.executemany("INSERT INTO t VALUES (?)", [("x" * 1000,) for _ in range(1000)])
        writer.execute("COMMIT")
        deadline = time.monotonic() + 30
        while path.stat().st_size < 1_000_000 and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        checkpoints.stop()
    assert path.stat().st_size >= 1_000_000  # the rows are in the file, not only in the WAL
    assert writer.execute("SELECT count(*) FROM t").fetchone() == (1000,)
    writer.close()


def test_a_bulk_load_that_never_ended_leaves_no_checkpoint_thread_behind(app):
    """SQLite: a load that failed before bulk_end (its thread still running) is stopped by
    the next bulk_start, and that load's bulk_end stops the thread it started."""
    import threading

    import pytest

    from forum.search.backends import backend_for

    if db.session.get_bind().dialect.name != "sqlite":
        pytest.skip("SQLite's WAL checkpoints")

    def threads() -> int:
        return sum(1 for t in threading.enumerate() if t.name == "sodan-wal-checkpoints")

    backend = backend_for(db.session)
    backend.bulk_start(db.session)
    backend.bulk_start(db.session)  # the first load never reached bulk_end
    assert threads() == 1
    backend.bulk_end(db.session)
    assert threads() == 0
