"""The index follows every state change in the same transaction (both engines)."""
import sqlalchemy as sa

from forum.extensions import db
from forum.moderation.services import (
    close_question,
    hide_post,
    reopen_question,
    restore_post,
)
from forum.questions.services import post_answer, resolve_question
from forum.search.backends import backend_for
from forum.search.index import reindex
from forum.search.query import parse_query
from forum.search.services import search_threads
from tests.factories import make_answer, make_question, make_user


def found(word: str) -> list[int]:
    return [item.question.id for item in search_threads(word, None, 1, 50).items]


def index_rows() -> int:
    """Rows in the engine's own index structure (must equal search_documents)."""
    table = "search_fts_meta" if db.session.get_bind().dialect.name == "sqlite" else "search_fts"
    return db.session.scalar(sa.text(f"SELECT count(*) FROM {table}"))


def test_state_changes_keep_search_in_step(app):
    asker, answerer, mod = make_user("asker"), make_user("answerer"), make_user("mod", role="moderator")
    question = make_question(asker, title="確定申告の締切", body="いつまでですか")
    answer = make_answer(question, answerer, "三月十五日です")
    assert found("確定申告") == []  # open threads are not in the knowledge base

    resolve_question(asker, question, answer.id)
    assert found("確定申告") == [question.id] and found("三月") == [question.id]

    post_answer(answerer, question, "延長もあります")  # answer on a resolved thread
    assert found("延長") == [question.id]

    question.body = "締切はいつまでですか、e-Taxの場合"  # an edit, through refresh
    from forum.search import index
    index.refresh(question)
    db.session.commit()
    assert found("e-tax") == [question.id]

    hide_post(mod, "answer", answer, "宣伝のため")
    assert found("三月") == [] and found("確定申告") == [question.id]
    restore_post(mod, "answer", answer)
    assert found("三月") == [question.id]

    close_question(mod, question, "other", "趣旨と異なるため")
    assert found("確定申告") == [] and index_rows() == 0
    reopen_question(mod, question)
    assert found("確定申告") == [question.id] and index_rows() == 1

    hide_post(mod, "question", question, "規則違反のため")
    assert found("確定申告") == [] and index_rows() == 0


def test_failed_transaction_leaves_index_unchanged(app):
    asker, answerer = make_user("asker"), make_user("answerer")
    question = make_question(asker, title="源泉徴収について")
    answer = make_answer(question, answerer, "はい")
    resolve_question(asker, question, answer.id)
    question.title = "まったく別の題名"
    from forum.search import index
    index.refresh(question)
    db.session.rollback()
    assert found("源泉") == [question.id] and found("題名") == []


def test_reindex_rebuilds_the_same_results(app, runner):
    asker, answerer = make_user("asker"), make_user("answerer")
    ids = []
    for title in ("請求書の書き方", "請求の時期", "見積もり"):
        q = make_question(asker, title=title)
        a = make_answer(q, answerer, "回答")
        resolve_question(asker, q, a.id)
        ids.append(q.id)
    before = {w: found(w) for w in ("請求", "請求書", "見", "回答")}
    result = runner.invoke(args=["forum", "reindex"])
    assert result.exit_code == 0 and "indexed 3 threads" in result.output
    db.session.expire_all()
    assert {w: found(w) for w in before} == before
    assert reindex() == 3 and index_rows() == 3


def test_search_plan_uses_the_index_in_recency_order(app):
    """Pages come from an index read newest first, never a scan and sort of all matches
    (except PostgreSQL's statement for rare terms, a GIN bitmap)."""
    plan = backend_for(db.session).explain(db.session, parse_query("仮払い 源泉"))
    if db.session.get_bind().dialect.name == "postgresql":
        matches, page = plan.split("\n---\n")
        for statement in (matches, page):  # a walk of the key btree, and the GIN bitmap
            assert "Index Scan Backward using search_fts_sort" in statement
            assert "Bitmap Index Scan on search_fts_tokens" in statement
        assert "One-Time Filter" in matches  # the probe runs only one of them
        assert "Sort Key: ((f_1.sort_key + 0)) DESC" in page  # the bitmap's own rows, by key
        assert "Seq Scan" not in plan
    else:
        assert "VIRTUAL TABLE INDEX" in plan
        assert "TEMP B-TREE" not in plan  # FTS5 hands rows over in rowid (recency) order
