"""Reports: members flag posts; one open report per member and post; rate-limited; CSRF."""
import sqlalchemy as sa

from forum.extensions import db
from forum.models import Report
from tests.factories import PASSWORD, make_answer, make_question, make_user
from tests.functional.html import submit, text
from tests.trust.helpers import report_form


def _reports():
    return db.session.scalars(sa.select(Report).order_by(Report.id)).all()


def test_member_reports_an_answer_through_its_link_on_the_thread(client, auth):
    q = make_question(make_user("alice"))
    a = make_answer(q, make_user("spammer"), "格安で代行します")
    make_user("carol")
    auth.login("carol")
    page = client.get(f"/questions/{q.id}")
    report = report_form(client, page, "answer", a.id)
    assert set(report.options["reason"]) == {"spam", "rule_violation", "contact_exchange", "harassment", "other"}
    response = client.post(report.action, data=report.data(reason="spam", detail="宣伝です"))
    assert response.status_code == 303 and response.headers["Location"].endswith(f"#answer-{a.id}")
    [saved] = _reports()
    assert (saved.target_type, saved.target_id, saved.reason, saved.detail, saved.status) == \
        ("answer", a.id, "spam", "宣伝です", "open")
    assert "通報を受け付けました" in text(client.get(f"/questions/{q.id}"))


def test_one_open_report_per_member_and_post(client, auth):
    q = make_question(make_user("alice"))
    make_user("carol")
    auth.login("carol")
    data = {"target_type": "question", "target_id": q.id, "reason": "spam", "detail": ""}
    client.post("/reports", data=data)
    response = client.post("/reports", data={**data, "reason": "other"}, follow_redirects=True)
    assert "すでに通報済み" in text(response)
    assert len(_reports()) == 1
    make_user("dave")
    auth.logout()
    auth.login("dave")
    client.post("/reports", data=data)
    assert len(_reports()) == 2


def test_bad_reports_are_refused(client, auth):
    alice = make_user("alice")
    q = make_question(alice)
    hidden = make_question(alice, title="非表示の質問です")
    hidden.is_hidden = True
    db.session.commit()
    auth.login("alice")
    own = client.post("/reports", data={"target_type": "question", "target_id": q.id, "reason": "spam"})
    assert own.status_code == 403
    auth.logout()
    make_user("carol")
    auth.login("carol")
    assert client.post("/reports", data={"target_type": "question", "target_id": hidden.id, "reason": "spam"}).status_code == 404
    assert client.post("/reports", data={"target_type": "answer", "target_id": 999, "reason": "spam"}).status_code == 404
    assert client.post("/reports", data={"target_type": "user", "target_id": q.id, "reason": "spam"}).status_code == 404
    response = client.post("/reports", data={"target_type": "question", "target_id": q.id, "reason": "nope",
                                             "detail": "詳しくはこちら"})
    assert response.status_code == 422
    assert "通報の理由を選んでください" in text(response) and "詳しくはこちら" in text(response)
    assert _reports() == []


def test_guests_are_sent_to_sign_in(client):
    q = make_question(make_user("alice"))
    response = client.post("/reports", data={"target_type": "question", "target_id": q.id, "reason": "spam"})
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    assert "通報する" not in text(client.get(f"/questions/{q.id}"))


def test_reporting_is_rate_limited(make_app):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_REPORT="2 per hour")
    with app.app_context():
        alice = make_user("alice")
        questions = [make_question(alice, title=f"質問その{i}です") for i in range(3)]
        make_user("carol")
        ids = [q.id for q in questions]
    client = app.test_client()
    client.post("/auth/login", data={"username": "carol", "password": "correct-horse-42"})
    codes = [client.post("/reports", data={"target_type": "question", "target_id": i, "reason": "spam"}).status_code
             for i in ids]
    assert codes == [303, 303, 429]


def test_report_without_csrf_token_is_400_and_the_real_form_works(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    with app.app_context():
        q = make_question(make_user("alice"))
        make_user("carol")
        submit(client, client.get("/auth/login"), "/auth/login", username="carol", password=PASSWORD)
        response = client.post("/reports", data={"target_type": "question", "target_id": q.id, "reason": "spam"})
        assert response.status_code == 400
        report = report_form(client, client.get(f"/questions/{q.id}"), "question", q.id)
        assert client.post(report.action, data=report.data(reason="spam")).status_code == 303
        assert len(_reports()) == 1
