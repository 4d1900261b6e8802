"""forum.application.ForumFlask: Flask's ensure_sync, with the plain functions remembered."""
import pytest
from flask import Flask

from forum import create_app
from forum.application import ForumFlask, KeptSerializerSessions
from tests.conftest import BASE_CONFIG


class _Unhashable:
    __hash__ = None

    def __call__(self):
        return "called"


def test_plain_functions_are_remembered_and_async_ones_are_still_flasks_business(tmp_path):
    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}"})
    assert isinstance(app, ForumFlask)

    def plain():
        return "plain"

    async def coroutine():
        return "async"

    assert app.ensure_sync(plain) is plain and plain in app._plain_callables
    assert app.ensure_sync(plain) is plain
    unhashable = _Unhashable()
    assert app.ensure_sync(unhashable) is unhashable  # asked each time, never stored
    try:
        expected = Flask.ensure_sync(app, coroutine)
    except RuntimeError:  # Flask without its async extra
        with pytest.raises(RuntimeError):
            app.ensure_sync(coroutine)
    else:
        assert app.ensure_sync(coroutine) is not coroutine and callable(expected)
    assert coroutine not in app._plain_callables
    # Every request's hooks and view take the remembered path: a page still works.
    assert app.test_client().get("/healthz").status_code == 200


def test_the_kept_session_serializer_follows_the_secret_keys(tmp_path):
    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}"})
    sessions = app.session_interface
    assert isinstance(sessions, KeptSerializerSessions)
    first = sessions.get_signing_serializer(app)
    assert first is not None and sessions.get_signing_serializer(app) is first  # kept
    cookie = first.dumps({"lang": "ja"})
    app.secret_key = "another-secret"
    rotated = sessions.get_signing_serializer(app)
    assert rotated is not first and rotated is not None
    assert rotated.loads(rotated.dumps({"a": 1})) == {"a": 1}
    with pytest.raises(Exception, match="Signature"):
        rotated.loads(cookie)  # signed with the old key
    app.config["SECRET_KEY_FALLBACKS"] = ["test-secret"]
    with_fallback = sessions.get_signing_serializer(app)
    assert with_fallback is not None and with_fallback.loads(cookie) == {"lang": "ja"}  # the old key as a fallback
