"""PostgreSQL: a reading request's plain SELECTs run outside a transaction; anything else opens
one and keeps it until the request ends (forum/database/postgres.py).

Each test adds its own route to a fresh app and asks the server what it did: inside one
transaction, transaction_timestamp() stays the same from statement to statement; outside, each
statement is a transaction of its own and the time moves."""
import time

import pytest
import sqlalchemy as sa
from flask import jsonify

from forum.database.reads import FixedRead
from forum.extensions import db
from forum.models import User
from tests.factories import make_user

pytestmark = pytest.mark.postgres_only

_NOW = sa.select(sa.func.transaction_timestamp())


@pytest.fixture
def served(app, make_app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's connections alone read outside a transaction")
    return make_app()


def _two_reads() -> bool:
    """Whether two plain reads, 5 ms apart, ran in one transaction."""
    first = db.session.scalar(_NOW)
    time.sleep(0.005)
    return db.session.scalar(_NOW) == first


def test_a_get_request_reads_outside_a_transaction_and_a_post_inside_one(served):
    served.add_url_rule("/t/reads", "reads", lambda: jsonify(one_transaction=_two_reads()), methods=["GET", "POST"])
    client = served.test_client()
    for _ in range(2):  # and the same pooled connection goes back and forth between the modes
        assert client.get("/t/reads").json == {"one_transaction": False}
        assert client.post("/t/reads").json == {"one_transaction": True}


def test_a_write_in_a_get_request_opens_a_transaction_that_a_failure_rolls_back(served):
    def write_twice_then_fail():
        db.session.add(User.create("first_writer", None, None))
        db.session.flush()
        in_transaction = _two_reads()
        db.session.add(User.create("second_writer", None, None))
        db.session.flush()
        if request_fails:
            raise RuntimeError("after both writes")
        db.session.commit()
        return jsonify(one_transaction=in_transaction)

    served.add_url_rule("/t/write", "write", write_twice_then_fail)
    served.config["PROPAGATE_EXCEPTIONS"] = False
    client = served.test_client()
    request_fails = True
    assert client.get("/t/write").status_code == 500
    assert db.session.scalars(sa.select(User.username).where(User.username.like("%_writer"))).all() == []
    request_fails = False
    assert client.get("/t/write").json == {"one_transaction": True}
    assert sorted(db.session.scalars(sa.select(User.username).where(User.username.like("%_writer")))) \
        == ["first_writer", "second_writer"]


def test_a_locking_read_or_text_sql_in_a_get_request_runs_in_a_transaction(served):
    make_user("locked")

    def locking_read():
        db.session.scalar(sa.select(User).where(User.username == "locked").with_for_update())
        return jsonify(one_transaction=_two_reads())

    def local_setting():
        db.session.execute(sa.text("SET LOCAL statement_timeout = '4321ms'"))
        return jsonify(setting=db.session.scalar(sa.text("SHOW statement_timeout")))

    served.add_url_rule("/t/lock", "lock", locking_read)
    served.add_url_rule("/t/setting", "setting", local_setting)
    client = served.test_client()
    assert client.get("/t/lock").json == {"one_transaction": True}
    assert client.get("/t/setting").json == {"setting": "4321ms"}


def test_work_outside_a_request_keeps_its_transactions(served):
    with served.app_context():
        assert _two_reads() is True
        db.session.rollback()


def test_fixed_reads_on_the_driver_also_run_outside_a_transaction_in_a_get(served):
    """forum/database/reads.py FixedRead passes its compiled statement to the listeners as
    SQLAlchemy's execution context does: it is a plain read."""
    now = FixedRead(_NOW)

    def fixed_reads():
        first = now.all({})[0][0]
        time.sleep(0.005)
        return jsonify(one_transaction=now.all({})[0][0] == first)

    served.add_url_rule("/t/fixed", "fixed", fixed_reads, methods=["GET", "POST"])
    client = served.test_client()
    assert client.get("/t/fixed").json == {"one_transaction": False}
    assert client.post("/t/fixed").json == {"one_transaction": True}
