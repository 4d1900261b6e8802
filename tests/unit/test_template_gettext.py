"""Templates translate with the translations kept per request, and still follow the locale
when it changes inside the request (force_locale: mail in a member's language)."""
from flask import render_template_string
from flask_babel import force_locale

from forum import create_app
from tests.conftest import BASE_CONFIG


def test_kept_translations_follow_force_locale_and_come_back(tmp_path):
    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}"})
    page = "{{ _('検索') }}"
    with app.test_request_context("/"):  # no lang cookie: Japanese
        assert render_template_string(page) == "検索"
        with force_locale("en"):
            assert render_template_string(page) == "Search"
        assert render_template_string(page) == "検索"
    with app.test_request_context("/", headers={"Cookie": "lang=en"}):
        assert render_template_string(page) == "Search"
        with force_locale("ja"):
            assert render_template_string(page) == "検索"
        assert render_template_string(page) == "Search"
