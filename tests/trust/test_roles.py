"""Admins appoint moderators (and stand them down) from the profile; every change is logged."""
import pytest

from forum.extensions import db
from forum.models import AuditLog, User
from tests.factories import make_user


def _role(name: str) -> str:
    return db.session.query(User).filter_by(username=name).one().role


def test_admin_appoints_a_moderator_who_then_reaches_moderation(client, auth):
    make_user("boss", role="admin")
    make_user("hanako")
    auth.login("boss")
    page = client.get("/users/hanako").get_data(as_text=True)
    assert 'action="/moderation/users/hanako/role"' in page
    response = client.post("/moderation/users/hanako/role", data={"role": "moderator"})
    assert response.status_code == 303
    assert _role("hanako") == "moderator"
    entry = db.session.query(AuditLog).filter_by(action="set_role").one()
    assert entry.note == "moderator" and entry.target_type == "user"

    auth.logout()
    auth.login("hanako")
    assert client.get("/moderation").status_code == 200

    auth.logout()
    auth.login("boss")
    client.post("/moderation/users/hanako/role", data={"role": "member"})
    assert _role("hanako") == "member"


@pytest.mark.parametrize("actor_role", ["member", "moderator"])
def test_only_admins_change_roles(client, auth, actor_role):
    make_user("actor", role=actor_role)
    make_user("hanako")
    auth.login("actor")
    assert 'moderation/users/hanako/role' not in client.get("/users/hanako").get_data(as_text=True)
    assert client.post("/moderation/users/hanako/role", data={"role": "admin"}).status_code == 403
    assert _role("hanako") == "member"


def test_guest_is_sent_to_sign_in(client):
    make_user("hanako")
    response = client.post("/moderation/users/hanako/role", data={"role": "admin"})
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    assert _role("hanako") == "member"


def test_admin_cannot_change_own_role_and_bad_roles_are_refused(client, auth):
    make_user("boss", role="admin")
    make_user("hanako")
    auth.login("boss")
    assert client.post("/moderation/users/boss/role", data={"role": "member"}).status_code == 409
    assert _role("boss") == "admin"
    response = client.post("/moderation/users/hanako/role", data={"role": "superuser"})
    assert response.status_code != 500 and _role("hanako") == "member"
    assert client.post("/moderation/users/nobody/role", data={"role": "moderator"}).status_code == 404
