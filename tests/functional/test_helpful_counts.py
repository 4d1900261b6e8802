"""The thread page counts its answers' 参考になった marks through an index on the answer, on
both engines, and the counts are right."""
import sqlalchemy as sa

from forum.extensions import db
from forum.models import HelpfulMark
from forum.questions import services
from tests.factories import make_answer, make_question, make_user


def _plan(statement: sa.Select, params: dict) -> str:
    connection = db.session.connection()
    sql = str(statement.params(**params).compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True}))
    if connection.dialect.name == "sqlite":
        return " ".join(str(row[-1]) for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}").all())
    connection.exec_driver_sql("SET LOCAL enable_seqscan = off")  # a test's few rows would be scanned anyway
    return " ".join(row[0] for row in connection.exec_driver_sql(f"EXPLAIN {sql}").all())


def test_an_answers_marks_are_counted_through_the_answer_index(app, client):
    asker, answerer = make_user("asker"), make_user("answerer")
    markers = [make_user(f"marker{n}") for n in range(3)]
    question = make_question(asker)
    first, second = make_answer(question, answerer, "一つ目の回答です。"), make_answer(question, answerer, "二つ目の回答です。")
    db.session.add_all([HelpfulMark(user_id=m.id, answer_id=first.id) for m in markers]
                       + [HelpfulMark(user_id=markers[0].id, answer_id=second.id)])
    db.session.commit()
    assert services.helpful_counts([first.id, second.id]) == {first.id: 3, second.id: 1}
    plan = _plan(services._HELPFUL_COUNTS, {"answers": [first.id, second.id]})
    assert "ix_helpful_marks_answer_id" in plan, plan
    page = client.get(f"/questions/{question.id}").get_data(as_text=True)
    assert "参考になった 3" in page and "参考になった 1" in page
