"""Templates build the same URLs as Flask's url_for, through the shortcuts of
forum/template_urls.py (routes of plain integers and strings as formats, a memo for the rest)."""
import pytest
from flask import render_template_string, url_for

from forum import create_app, template_urls
from forum.template_urls import TemplateUrls
from tests.conftest import BASE_CONFIG


@pytest.fixture
def url_app(tmp_path):
    return create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}"})


def _value(converter):
    if hasattr(converter, "items"):  # <any(a, b):name>
        return sorted(converter.items)[0]
    return 7 if "int" in type(converter).__name__.lower() else "名前 a/b?#%"


def _cases(app):
    """Every endpoint with plausible values: ints for int variables, text for the others."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            yield rule.endpoint, {"filename": "css/site.css"}
            continue
        values = {name: _value(rule._converters[name]) for name in rule.arguments}
        yield rule.endpoint, values
        yield rule.endpoint, {**values, "page": 2}  # an unknown key: a query string
        yield rule.endpoint, {**values, "next": "/質問/5?a=1&b=c d+e#f%g;h", "absent": None, "z": "!$'()*,/:;?@~"}
        yield rule.endpoint, {**values, "next": None}
        yield rule.endpoint, {**values, "flag": True, "offset": -3}
        yield rule.endpoint, {**values, "_anchor": "answer-3"}
        yield rule.endpoint, {**values, "_anchor": "見出し a/b?#%"}


@pytest.mark.parametrize("script_name", ["", "/forum"])
def test_every_endpoint_builds_what_flask_builds(url_app, script_name):
    urls = url_app.jinja_env.globals["url_for"]
    assert isinstance(urls, TemplateUrls)
    assert {"questions.show", "users.profile", "questions.tag"} <= set(urls.formats)
    with url_app.test_request_context("/", environ_base={"SCRIPT_NAME": script_name}):
        cases = list(_cases(url_app))
        assert len(cases) > 150
        for _ in range(2):  # the second time from the memo
            for endpoint, values in cases:
                assert urls(endpoint, **values) == url_for(endpoint, **values), (endpoint, values)


def test_values_the_formats_do_not_take_go_to_flask(url_app):
    urls = url_app.jinja_env.globals["url_for"]
    with url_app.test_request_context("/"):
        assert urls("questions.show", question_id=12) == "/questions/12"
        assert urls("questions.show", question_id="12") == url_for("questions.show", question_id="12")
        assert urls("users.profile", username=12) == url_for("users.profile", username=12)
        assert urls("users.profile", username="") == url_for("users.profile", username="")
        assert urls("questions.show", question_id=12, _external=True) == "http://localhost/questions/12"
        assert urls("questions.show", question_id=12, lang=["a", "b"]) == url_for(
            "questions.show", question_id=12, lang=["a", "b"])
        assert render_template_string("{{ url_for('questions.show', question_id=5) }}") == "/questions/5"
        # What Python code builds through the same shortcuts (the thread page's schema.org data).
        assert template_urls.url_for("users.profile", username="名前 a") == url_for("users.profile", username="名前 a")
        assert template_urls.url_for("questions.show", question_id=5, _anchor="answer-2") == "/questions/5#answer-2"


def test_links_that_carry_the_page_they_came_from_are_written_without_the_memo(url_app):
    urls = url_app.jinja_env.globals["url_for"]
    with url_app.test_request_context("/"):
        for n in range(50):
            nxt = f"/questions/{n}?sort=新着&page={n}"
            assert urls("auth.login", next=nxt) == url_for("auth.login", next=nxt)
            assert urls("site.set_language", code="en", next=nxt) == url_for("site.set_language", code="en", next=nxt)
        assert urls.memo == {}


def test_the_memo_stays_bounded(url_app):
    urls = url_app.jinja_env.globals["url_for"]
    with url_app.test_request_context("/"):
        for n in range(5000):
            # A boolean is written by Flask (not a string or an integer), then kept in the memo.
            assert urls("users.profile", username=f"u{n}", flag=True) == f"/users/u{n}?flag=True"
        assert 0 < len(urls.memo) <= 4096


def test_mail_templates_outside_a_request_still_build_urls(url_app):
    url_app.config["SERVER_NAME"] = "example.com"
    with url_app.app_context():
        assert render_template_string("{{ url_for('questions.show', question_id=3) }}") == \
            "http://example.com/questions/3"
