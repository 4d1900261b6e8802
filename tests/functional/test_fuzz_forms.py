"""Property-based sweep (Hypothesis): hostile values in every form the pages render and in every
query parameter never answer 5xx, and a form that is refused comes back with the text typed."""
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forum.inputs import clean_text
from tests.factories import PASSWORD, make_answer, make_question, make_user
from tests.functional.html import Form, forms

HOSTILE = st.one_of(
    st.text(st.characters(exclude_categories=("Cs",)), max_size=40),  # anything typeable, NUL included
    st.sampled_from([
        "", " ", "\x00", "\r\n", "\t\r", "１２", "²", "-1", "0", "1e309", "99999999999999999999", "nan",
        "' OR 1=1 --", '"><script>alert(1)</script>', "%00", "../../etc/passwd", "0000-00-00", "2025-02-30",
        "\u202e\u200b", "🙂" * 3, "ａ" * 121, "あ\r\n" * 3400, "x" * 10_001,
    ]),
)
SKIP = {"csrf_token"}
# Pages whose forms and parameters are swept, as each kind of user sees them.
PAGES = ["/", "/questions", "/questions/new", "/search?q=仮払い", "/faq", "/contact", "/moderation",
         "/auth/login", "/auth/register"]
PARAMS = {
    "/questions": ["status", "category", "page"],
    "/": ["page"],
    "/search": ["q", "category", "page"],
    "/questions/new": ["title"],
    "/moderation": ["page", "action", "actor", "since", "until"],
    "/auth/login": ["next"],
    "/lang/en": ["next"],
    "/users/asker": ["page", "tab"],
}


@pytest.fixture
def world(app):
    asker, answerer = make_user("asker"), make_user("answerer")
    make_user("admin", role="admin")
    question = make_question(asker)
    answer = make_answer(question, answerer)
    thread = f"/questions/{question.id}"
    clients = {}
    for name in ("asker", "answerer", "admin", None):
        client = app.test_client()
        if name:
            client.post("/auth/login", data={"username": name, "password": PASSWORD})
        clients[name] = client
    found: list[tuple[object, Form]] = []
    seen = set()
    for client in clients.values():
        for path in [*PAGES, thread, "/users/asker", f"{thread}/edit", f"/answers/{answer.id}/edit"]:
            page = client.get(path)
            for f in forms(page):
                key = (f.method, f.action, tuple(sorted(f.names)))
                if f.action and f.action != "/auth/logout" and key not in seen:
                    seen.add(key)
                    found.append((client, f))
    return found


def _text_fields(f: Form) -> set[str]:
    return {name for name in f.names if name not in SKIP and name not in f.options}


def _submit(client, f: Form, values: dict):
    data = f.data(**values)
    if f.method == "get":
        return client.get(f.action, query_string=data)
    return client.post(f.action, data=data)


@settings(max_examples=int(os.environ.get("SODAN_FUZZ_EXAMPLES", "120")), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_hostile_form_values_never_break_a_page_and_refused_forms_keep_the_text(world, data):
    assert len(world) >= 12, [f for _, f in world]
    client, f = data.draw(st.sampled_from(world), label="form")
    names = sorted(f.names - SKIP)
    chosen = data.draw(st.lists(st.sampled_from(names), unique=True), label="fields") if names else []
    values = {name: data.draw(HOSTILE, label=name) for name in chosen}
    response = _submit(client, f, values)
    assert response.status_code < 500, (f, values, response.status_code)
    if response.status_code in (200, 422, 429) and f.method == "post":
        back = [g for g in forms(response) if g.action == f.action and g.names == f.names]
        if back:  # the form came back: what was typed into it is there
            returned = back[0].data()
            for name in _text_fields(f) & set(values):
                if "password" in name:
                    continue  # passwords are never sent back
                typed = clean_text(values[name])
                assert returned.get(name) in (typed, typed.strip()), (f.action, name, values[name])


@settings(max_examples=int(os.environ.get("SODAN_FUZZ_EXAMPLES", "120")), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.sampled_from(sorted(PARAMS)), data=st.data(), who=st.sampled_from(["asker", "admin", None]))
def test_hostile_query_parameters_never_break_a_page(app, world, path, data, who):
    client = app.test_client()
    if who:
        client.post("/auth/login", data={"username": who, "password": PASSWORD})
    names = data.draw(st.lists(st.sampled_from(PARAMS[path]), min_size=1, unique=True))
    query = {name: data.draw(HOSTILE, label=name) for name in names}
    response = client.get(path, query_string=query)
    assert response.status_code < 500, (path, query, response.status_code)
