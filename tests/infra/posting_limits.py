"""What the comment and 補足 rate-limit tests share: signing in, ageing an account, the bodies
stored, and the check that a refused post comes back as its form (429, Retry-After). Their
client comes from the `limited_posts` fixture (tests/infra/conftest.py)."""
from datetime import timedelta

import sqlalchemy as sa

from forum.extensions import db
from forum.models.base import utcnow
from tests.factories import PASSWORD

# Each kind of post high unless a test lowers it: a test counts one kind at a time.
RAISED = {"RATELIMIT_COMMENT": "1000 per hour", "RATELIMIT_COMMENT_NEW_ACCOUNT": "1000 per hour",
          "RATELIMIT_SUPPLEMENT": "1000 per hour", "RATELIMIT_SUPPLEMENT_NEW_ACCOUNT": "1000 per hour"}


def login(client, name):
    assert client.post("/auth/login", data={"username": name, "password": PASSWORD}).status_code == 302


def age(user, days):
    user.created_at = utcnow() - timedelta(days=days)
    db.session.commit()


def bodies(model) -> set[str]:
    db.session.expire_all()
    return set(db.session.scalars(sa.select(model.body)))


def assert_form_back_429(message: str, response, kept: str, action: str):
    page = response.get_data(as_text=True)
    assert response.status_code == 429
    assert message in page and "もう一度投稿できます" in page
    assert kept in page and f'action="{action}"' in page  # the form, text kept
    assert int(response.headers["Retry-After"]) > 0
