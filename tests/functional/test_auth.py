"""Signing up, in and out through the real forms; `next` only ever leads to this site."""
import pytest
import sqlalchemy as sa

from forum.extensions import db
from forum.models import User
from tests.factories import PASSWORD, make_user
from tests.functional.html import form, submit, text

NEW_ACCOUNT = {"username": "hanako", "email": "Hanako@Example.com",
               "password": "long-enough-pw", "password_confirm": "long-enough-pw"}


def _signed_in_as(client) -> str | None:
    page = text(client.get("/"))
    return next((name for name in ("hanako", "alice", "demo_mod") if f'href="/users/{name}"' in page), None)


def test_register_through_the_form_signs_in(client):
    page = client.get("/auth/register")
    assert {"username", "email", "password", "password_confirm", "csrf_token"} - form(page, "/auth/register").names <= {"csrf_token"}
    response = submit(client, page, "/auth/register", **NEW_ACCOUNT)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    user = db.session.scalar(sa.select(User).where(User.username == "hanako"))
    assert user.email == "hanako@example.com" and user.role == "member"
    assert user.password_hash != "long-enough-pw" and user.check_password("long-enough-pw")
    assert _signed_in_as(client) == "hanako"


def test_register_returns_to_a_local_next(client):
    response = client.post("/auth/register?next=/faq", data=NEW_ACCOUNT)
    assert response.status_code == 302 and response.headers["Location"] == "/faq"


@pytest.mark.parametrize("change, message", [
    ({"username": "alice"}, "このユーザー名はすでに使われています。"),
    ({"username": "ALICE"}, "このユーザー名はすでに使われています。"),
    ({"email": "ALICE@example.com"}, "このメールアドレスはすでに登録されています。"),
    ({"password_confirm": "something-else"}, "パスワードが一致しません。"),
    ({"password": "short", "password_confirm": "short"}, "パスワードは8〜128文字にしてください。"),
    ({"username": "は な こ"}, "ユーザー名は半角英数字と _ で3〜32文字にしてください。"),
    ({"email": "not-an-address"}, "メールアドレスの形式が正しくありません。"),
    ({"username": ""}, "ユーザー名を入力してください。"),
])
def test_register_refusals_keep_input_and_explain(client, change, message):
    make_user("alice")
    data = {**NEW_ACCOUNT, **change}
    response = submit(client, client.get("/auth/register"), "/auth/register", **data)
    assert response.status_code == 422
    page = text(response)
    assert message in page
    kept = form(page, "/auth/register").data()
    assert kept["username"] == data["username"].strip() and kept["email"] == data["email"]
    assert kept.get("password", "") == ""  # passwords are never echoed back
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1


@pytest.mark.parametrize("login_name", ["alice", "alice@example.com", "ALICE@EXAMPLE.COM"])
def test_login_by_name_or_email(client, login_name):
    make_user("alice")
    response = submit(client, client.get("/auth/login"), "/auth/login", username=login_name, password=PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert _signed_in_as(client) == "alice"


@pytest.mark.parametrize("name, password", [("alice", "wrong-password"), ("nobody", PASSWORD)])
def test_wrong_password_or_unknown_user_gets_the_same_message(client, name, password):
    make_user("alice")
    response = submit(client, client.get("/auth/login"), "/auth/login", username=name, password=password)
    assert response.status_code == 422
    page = text(response)
    assert "ユーザー名（メールアドレス）またはパスワードが違います。" in page
    assert form(page, "/auth/login").data()["username"] == name
    assert _signed_in_as(client) is None


def test_login_next_is_carried_by_the_form_and_followed(client):
    make_user("alice")
    q_response = client.get("/questions/new")
    login_url = q_response.headers["Location"]
    page = client.get(login_url)
    login_form = form(page, "/auth/login")
    assert login_form.data()["next"] == "/questions/new"
    response = client.post(login_form.action, data=login_form.data(username="alice", password=PASSWORD))
    assert response.headers["Location"] == "/questions/new"


@pytest.mark.parametrize("target", [
    "//evil.example", "https://evil.example", "http://evil.example/questions", "/\\evil.example",
    "\\\\evil.example", "javascript:alert(1)", " //evil.example", "///evil.example", "evil.example",
    "/\t/evil.example", "/\r\n/evil.example", "https:evil.example", "\u3000//evil.example",
])
def test_login_ignores_foreign_next(client, target):
    make_user("alice")
    page = client.get("/auth/login", query_string={"next": target})
    assert "evil.example" not in form(page, "/auth/login").data()["next"]
    response = client.post("/auth/login", data={"username": "alice", "password": PASSWORD, "next": target})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    client.post("/auth/logout")
    response = client.post("/auth/login", query_string={"next": target},
                           data={"username": "alice", "password": PASSWORD})
    assert response.headers["Location"] == "/"


def test_logout_is_a_post(client, auth):
    make_user("alice")
    auth.login("alice")
    assert client.get("/auth/logout").status_code == 405
    assert _signed_in_as(client) == "alice"
    response = submit(client, client.get("/"), "/auth/logout")
    assert response.status_code == 302
    assert _signed_in_as(client) is None


def test_signed_in_user_visiting_login_goes_home(client, auth):
    make_user("alice")
    auth.login("alice")
    assert client.get("/auth/login").headers["Location"] == "/"
    assert client.get("/auth/register").headers["Location"] == "/"


def test_suspended_member_can_sign_in_but_not_ask(client, auth):
    from datetime import timedelta

    from forum.models import utcnow

    bob = make_user("bob")
    bob.suspended_until, bob.suspension_reason = utcnow() + timedelta(days=2), "連絡先の交換"
    db.session.commit()
    auth.login("bob")
    page = text(client.get("/"))
    assert "利用停止中" in page and "連絡先の交換" in page
    assert client.get("/questions/new").status_code == 403


@pytest.mark.parametrize("held", ["99999999999999999999", "0", "12a", "٣"])
def test_a_session_holding_no_possible_member_is_a_guest(client, held):
    """The session is signed, so only a member deleted since (or a changed id column) leaves an
    id nobody has: the reader is a guest, never a 500."""
    with client.session_transaction() as session:
        session["_user_id"] = held
    page = client.get("/")
    assert page.status_code == 200
    assert "ログイン" in page.get_data(as_text=True) and "ログアウト" not in page.get_data(as_text=True)
