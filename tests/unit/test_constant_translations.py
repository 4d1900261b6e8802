"""Templates compiled per language with their fixed strings translated (forum/templating.py,
ConstantTranslations): every page reads exactly as when `_()` translates as it renders, in
Japanese and in English, and the fixed strings are no longer translated on each render."""
import re

import pytest
from flask import render_template
from flask_babel import force_locale
from jinja2 import pass_context

from forum.templating import ForumEnvironment
from tests.factories import PASSWORD, make_answer, make_user, resolved_thread

PAGES = ("/", "/questions?status=resolved", "/search?q=仮払い", "/faq", "/auth/login", "/auth/register",
         "/questions/new", "/notifications", "/no-such-page")


@pytest.fixture
def thread(app):
    question = resolved_thread(make_user("asker"), make_user("bob", veteran=True), "仮払いはいつ戻りますか",
                               "キャンセルした仮払いについて", "数日で戻ります")
    make_answer(question, make_user("carol"), "私の場合は3日でした")
    return question


def _pages(app, thread, folds: bool, language: str, member: bool) -> list[bytes]:
    app.jinja_env.folds_translations = folds
    client = app.test_client()
    client.set_cookie("lang", language)
    if member:
        client.post("/auth/login", data={"username": "carol", "password": PASSWORD})
    # Each session has its own CSRF token: the one thing two clients' pages may differ in.
    return [re.sub(rb'name="csrf_token" value="[^"]+"', b"", client.get(path).get_data())
            for path in (*PAGES, f"/questions/{thread.id}")]


@pytest.mark.parametrize("language", ["ja", "en"])
@pytest.mark.parametrize("member", [False, True])
def test_pages_read_the_same_with_translations_compiled_in(app, thread, language, member):
    assert isinstance(app.jinja_env, ForumEnvironment)
    folded = _pages(app, thread, True, language, member)
    rendered = _pages(app, thread, False, language, member)
    assert folded == rendered
    assert (b"Resolved" in folded[-1]) == (language == "en")


def test_fixed_strings_are_not_translated_again_on_each_render(make_app, monkeypatch):
    app = make_app(PAGE_CACHE_ENABLED=False)  # every view renders
    with app.app_context():
        path = f"/questions/{resolved_thread(make_user('asker'), make_user('bob'), '仮払いはいつ戻りますか', '本文です', '数日で戻ります').id}"
    calls: list[str] = []
    translate = app.jinja_env.globals["_"]

    @pass_context
    def counted(context, string: str, **variables):
        calls.append(string)
        return translate(context, string, **variables)

    monkeypatch.setitem(app.jinja_env.globals, "_", counted)
    counts = {}
    for folds in (False, True):
        app.jinja_env.folds_translations = folds
        client = app.test_client()
        client.set_cookie("lang", "en")
        client.get(path)  # compiles
        calls.clear()
        assert client.get(path).status_code == 200
        counts[folds] = len(calls)
    assert counts[True] < counts[False] / 3, counts


def test_mail_in_a_members_language_reads_the_same(app):
    user = make_user("dave")
    rendered = {}
    with app.test_request_context("/"):
        for folds in (True, False):
            app.jinja_env.folds_translations = folds
            with force_locale("en"):
                rendered[folds] = render_template("mail/password_reset.txt", url="https://example.com/x",
                                                  user=user, minutes=30)
    assert rendered[True] == rendered[False] and "If you did not" in rendered[True]
