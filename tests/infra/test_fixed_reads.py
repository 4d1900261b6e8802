"""Fixed reads on the driver's cursor (forum/database/reads.py, FixedRead): the same rows, of
the same types, as SQLAlchemy's own execution of the statement, on both engines; reported to
the statement listeners; failing as SQLAlchemy fails; and the thread page reads through them."""
import pytest
import sqlalchemy as sa

from forum.database.reads import FixedRead, rows
from forum.extensions import db
from forum.models import Comment, Question, RelatedList
from forum.models.base import utcnow
from forum.questions import services
from forum.search import related
from tests.factories import make_answer, make_question, make_user, resolved_thread
from tests.statements import count_statements


@pytest.fixture
def thread(app):
    """A resolved thread with tags, a hidden answer, a comment and a stored related list."""
    asker, bob = make_user("asker"), make_user("bob", veteran=True)
    other = resolved_thread(asker, bob, "源泉徴収の計算", "請求書に書くべきですか", "書きます")
    question = make_question(asker, "仮払いはいつ戻りますか", "キャンセルした仮払いについて", tags=("仮払い", "手数料"))
    first = make_answer(question, bob, "数日で戻ります")
    hidden = make_answer(question, make_user("carol"), "わかりません")
    hidden.is_hidden = True
    question.status, question.best_answer_id = "resolved", first.id
    db.session.add(Comment(question_id=question.id, answer_id=first.id, author_id=asker.id, body="ありがとう"))
    db.session.add(RelatedList(question_id=question.id, related_ids=f"{other.id}", computed_at=utcnow()))
    db.session.commit()
    return question, other


def _statements(question: Question, other: Question):
    stored = {**{name: 0 for name in related._STORED_IDS}, "id0": other.id, "me": question.id}
    return [(services._QUESTION_AND_PARTS, {"question": question.id}),
            (services._ANSWERS, {"question": question.id}),
            (related._STORED_LINKS, stored)]


def test_rows_and_their_types_are_sqlalchemy_s(thread):
    question, other = thread
    for read, params in _statements(question, other):
        expected = [tuple(row) for row in rows(read.statement, params)]
        found = read.all(params)
        assert found == expected and found
        assert [[type(v) for v in row] for row in found] == [[type(v) for v in row] for row in expected]
    row = services._QUESTION_AND_PARTS.one_or_none({"question": question.id})
    assert row is not None and row[0] == question.id
    assert services._QUESTION_AND_PARTS.one_or_none({"question": 0}) is None


def test_dates_and_flags_come_back_as_python_values(thread):
    question, _ = thread
    answers = services._ANSWERS.all({"question": question.id})
    columns = [c.key for c in services._ANSWERS.statement.selected_columns]
    hidden = [row[columns.index("is_hidden")] for row in answers]
    assert hidden == [False, True]
    created = answers[0][columns.index("created_at")]
    assert created.tzinfo is not None and created.utcoffset().total_seconds() == 0


def test_the_statement_listeners_see_each_read(thread):
    statements = _statements(*thread)
    with count_statements() as sent:
        for read, params in statements:
            read.all(params)
    assert len(sent) == 3 and all(s.lstrip().upper().startswith("SELECT") for s in sent)


def test_the_thread_page_reads_through_them(thread, client):
    question, other = thread
    with count_statements() as sent:
        page = client.get(f"/questions/{question.id}").get_data(as_text=True)
    assert "仮払いはいつ戻りますか" in page and "数日で戻ります" in page and other.title in page
    assert "わかりません" not in page  # the hidden answer stays hidden for a guest
    texts = [read.statement.compile(dialect=db.engine.dialect).string for read, _ in _statements(question, other)]
    assert all(text in sent for text in texts)


def test_failures_are_sqlalchemy_s(app):
    missing = FixedRead(sa.select(sa.column("x")).select_from(sa.table("no_such_table")))
    with pytest.raises(sa.exc.DBAPIError) as failure:
        missing.all({})
    assert "no_such_table" in str(failure.value)
    db.session.rollback()


def test_in_lists_are_refused(app):
    read = FixedRead(sa.select(Question.id).where(Question.id.in_(sa.bindparam("ids", expanding=True))))
    with pytest.raises(ValueError, match="IN lists"):
        read.all({"ids": [1, 2]})
