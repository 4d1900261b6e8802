"""Calls from templates (forum/templating.py, DirectCallContext): whatever a template calls gets
what Jinja's own Context.call would give it (the template's context, the eval context or the
environment when it asks for one, its arguments otherwise), and whole pages read the same
through either."""
import html
import re

import pytest
from jinja2 import Environment, pass_context, pass_environment, pass_eval_context
from jinja2.runtime import Context
from werkzeug.local import LocalProxy

from forum import templating
from forum.templating import DirectCallContext
from tests.factories import PASSWORD, make_answer, make_user, resolved_thread


@pass_context
def context_reader(context, name):
    return f"{name}={context.get(name)}"


@pass_eval_context
def eval_reader(eval_ctx, text):
    return f"{text}:{eval_ctx.autoescape}"


@pass_environment
def environment_reader(environment, text):
    return f"{text}:{environment.direct_call_marker}"


def plain(*args, **kwargs):
    return f"{args}{sorted(kwargs.items())}"


class CallableClass:
    def __call__(self, text):
        return f"called {text}"


class ContextClass:
    @pass_context
    def __call__(self, context, name):
        return f"class {name}={context.get(name)}"


class MethodHolder:
    @pass_context
    def method(self, context, name):
        return f"method {name}={context.get(name)}"

    def plain_method(self, text):
        return f"plain method {text}"


def stops():
    raise StopIteration


TEMPLATE = """\
{%- macro shout(x, y='!') %}{{ x | upper }}{{ y }}{% endmacro -%}
{{ plain(1, 'a', k='v') }}|{{ shout('hi') }}|{{ shout('hi', y='?') }}|{{ reader('who') }}|{{ eval_reader('e') }}|\
{{ env_reader('n') }}|{{ callable_object('x') }}|{{ context_object('who') }}|{{ marked('who') }}|\
{{ values.get('k', 'none') }}|{{ stops() is undefined }}|{{ holder.method('who') }}|\
{{ holder.plain_method('p') }}|{{ proxied('who') }}|{{ 'a-b'.split('-') | join }}|\
{% for x in [1] %}{% set who = 'loop' %}{{ reader('who') }}/{{ context_object('who') }}{% endfor %}|\
{% set who = 'set' %}{{ reader('who') }}"""


def marked_function(context, name):
    """A function marked by hand, as pass_context marks one."""
    return f"marked {name}={context.get(name)}"


marked_function.jinja_pass_arg = pass_context(lambda: None).jinja_pass_arg  # type: ignore[attr-defined]


def _render(context_class: type[Context], autoescape: bool) -> str:
    env = Environment(autoescape=autoescape)
    env.context_class = context_class
    env.direct_call_marker = "env"  # type: ignore[attr-defined]
    return env.from_string(TEMPLATE).render(
        plain=plain, reader=context_reader, eval_reader=eval_reader, env_reader=environment_reader,
        callable_object=CallableClass(), context_object=ContextClass(), marked=marked_function,
        values={"k": "v"}, stops=stops, holder=MethodHolder(), proxied=LocalProxy(lambda: context_reader),
        who="global")


@pytest.mark.parametrize("autoescape", [False, True])
def test_every_kind_of_callable_gets_what_jinja_gives_it(autoescape):
    direct = _render(DirectCallContext, autoescape)
    assert direct == _render(Context, autoescape)
    assert html.unescape(direct).split("|") == [
        "(1, 'a')[('k', 'v')]", "HI!", "HI?", "who=global", f"e:{autoescape}", "n:env", "called x",
        "class who=global", "marked who=global", "v", "True", "method who=global", "plain method p", "who=global", "ab",
        "who=loop/class who=loop", "who=set"]


def test_an_object_marked_after_its_type_was_seen_goes_through_jinja():
    """The type's answer is kept; an object's own attributes are read on every call."""
    env = Environment()
    env.context_class = DirectCallContext

    def late(context, name):
        return f"late {name}={context.get(name)}"

    template = env.from_string("{{ f('who') }}")
    assert template.render(f=plain, who="x") == "('who',)[]"
    late.jinja_pass_arg = marked_function.jinja_pass_arg  # type: ignore[attr-defined]
    assert template.render(f=late, who="x") == "late who=x"


def test_types_are_worked_out_once():
    env = Environment()
    env.context_class = DirectCallContext
    templating._ways.pop(CallableClass, None)
    env.from_string("{{ f('a') }}{{ f('b') }}").render(f=CallableClass())
    assert templating._ways[CallableClass] == (False, True, None)


def test_the_app_renders_through_it_and_pages_read_the_same(app, monkeypatch):
    question = resolved_thread(make_user("asker"), make_user("bob", veteran=True), "仮払いはいつ戻りますか",
                               "キャンセルした仮払いについて", "数日で戻ります")
    make_answer(question, make_user("carol"), "私の場合は3日でした")
    assert app.jinja_env.context_class is DirectCallContext

    def pages() -> list[bytes]:
        client = app.test_client()
        out = [client.get(path).get_data() for path in ("/", f"/questions/{question.id}", "/search?q=仮払い")]
        client.post("/auth/login", data={"username": "carol", "password": PASSWORD})
        out += [client.get(path).get_data() for path in ("/", f"/questions/{question.id}")]
        return [re.sub(rb'name="csrf_token" value="[^"]+"', b"", page) for page in out]

    direct = pages()
    monkeypatch.setattr(DirectCallContext, "call", Context.call)
    assert pages() == direct
    assert b"carol" in direct[-1] and "仮払いはいつ戻りますか".encode() in direct[1]
