"""Templates' csrf_token() is Flask-WTF's token for the request, kept after the first call."""
from flask import render_template_string, session
from flask_wtf.csrf import generate_csrf, validate_csrf

from forum import create_app
from forum.templating import kept_csrf_token
from tests.conftest import BASE_CONFIG


def test_the_kept_token_is_flask_wtfs_and_validates(tmp_path):
    app = create_app({**BASE_CONFIG, "WTF_CSRF_ENABLED": True,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}"})
    assert app.jinja_env.globals["csrf_token"] is kept_csrf_token
    with app.test_request_context("/"):
        context: dict = {}
        app.update_template_context(context)  # what a rendered page gets (context processors too)
        assert context["csrf_token"] is kept_csrf_token
        first = render_template_string("{{ csrf_token() }}")  # the request's first: generated
        assert "csrf_token" in session and first == generate_csrf()
        assert render_template_string("{{ csrf_token() }}|{{ csrf_token() }}") == f"{first}|{first}"
        validate_csrf(first)  # raises when the token is not this session's
    with app.test_request_context("/"):  # another request: a token of its own session
        assert kept_csrf_token() != first
