"""Passwords are hashed with werkzeug; production uses scrypt, never plain text."""
from forum import create_app
from forum.models import User


def test_production_default_is_scrypt(database_url):
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True})
    assert app.config["PASSWORD_HASH_METHOD"] == "scrypt"
    with app.app_context():
        user = User(username="hash_check")
        user.set_password("s3cret-pass")
        assert user.password_hash.startswith("scrypt:")
        assert "s3cret-pass" not in user.password_hash
        assert user.check_password("s3cret-pass")
        assert not user.check_password("wrong-pass")


def test_account_without_password_cannot_sign_in(app):
    user = User(username="imported")
    assert user.password_hash is None
    assert not user.check_password("")
    assert not user.check_password("anything")
