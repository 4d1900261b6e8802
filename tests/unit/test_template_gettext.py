"""Templates translate with the translations kept per request, and still follow the locale
when it changes inside the request (force_locale: mail in a member's language)."""
from flask import render_template_string
from flask_babel import force_locale
from jinja2.ext import _make_new_gettext

from forum import create_app
from forum.i18n import _translations
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



JINJA_CASES = ["{{ _('a<b') }}", "{{ _('%(n)d件', n=3) }}", "{{ _('%(who)s さん', who='<i>') }}",
               "{{ _('100%%') }}", "{{ gettext('%(who)s', who='<i>') }}", "{{ _('回答 %(n)d件', n=2) }}",
               "{% autoescape false %}{{ _('%(who)s さん', who='<i>') }}{{ _('100%%') }}{% endautoescape %}"]


def test_template_gettext_does_what_jinjas_newstyle_gettext_does(tmp_path):
    """`_()` and `gettext()` go straight to forum.i18n's callable: the same output as Jinja's
    own new-style gettext (translation trusted, variables escaped where the template
    autoescapes, "%%" read as "%" even without variables), in both languages."""
    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}"})
    ours = app.jinja_env.globals["_"]
    assert app.jinja_env.globals["gettext"] is ours
    jinjas = _make_new_gettext(lambda s: _translations().ugettext(s))
    for cookie, sample in (("", "回答 2件"), ("lang=en", None)):
        with app.test_request_context("/", headers={"Cookie": cookie}):
            for case in JINJA_CASES:
                app.jinja_env.globals.update(_=ours, gettext=ours)
                mine = render_template_string(case)
                app.jinja_env.globals.update(_=jinjas, gettext=jinjas)
                assert mine == render_template_string(case), case
            app.jinja_env.globals.update(_=ours, gettext=ours)
            shown = render_template_string("{{ _('回答 %(n)d件', n=2) }}")
            assert shown == sample if sample else shown != "回答 2件"
