"""A thread page's 関連する質問: up to five resolved threads like it, for guests and members;
never the thread itself, nor an open, closed, expired, hidden or held thread."""
import html
import re

import pytest
import sqlalchemy as sa

from forum.extensions import db
from forum.models import RelatedList, utcnow
from forum.search import index
from tests.factories import done, make_answer, make_question, make_user, resolved_thread
from tests.statements import count_statements

SECTION = re.compile(r'<section class="related"[^>]*>(.*?)</section>', re.S)
LINK = re.compile(r'<li><a href="/questions/(\d+)">([^<]*)</a>(.*?)</li>', re.S)


def related_on(client, question_id: int) -> list[tuple[int, str, str]] | None:
    """(id, title, the rest of the line) of each related link; None without the section."""
    response = client.get(f"/questions/{question_id}")
    assert response.status_code == 200
    found = SECTION.search(response.get_data(as_text=True))
    if found is None:
        return None
    return [(int(i), html.unescape(t), html.unescape(re.sub(r"<[^>]+>", "", rest)))
            for i, t, rest in LINK.findall(found.group(1))]


@pytest.fixture
def people(app):
    return make_user("asker"), make_user("answerer", veteran=True)


@pytest.mark.parametrize("signed_in", [False, True])
def test_a_related_thread_is_listed_and_an_unrelated_one_is_not(client, auth, people, signed_in):
    asker, answerer = people
    me = resolved_thread(asker, answerer, "確定申告の経費について", "本文です", "はい")
    near = resolved_thread(asker, answerer, "確定申告で経費にできるもの", "本文です", "はい")
    make_answer(near, answerer, "もう一つの回答です")
    far = resolved_thread(asker, answerer, "確定申告のやり方", "本文です", "はい")
    unrelated = resolved_thread(asker, answerer, "ロゴの納品形式", "経費の話ではありません", "はい")
    if signed_in:
        auth.login("asker")
    links = related_on(client, me.id)
    assert links is not None
    assert [i for i, _, _ in links] == [near.id, far.id]  # both keywords first
    assert links[0][1] == "確定申告で経費にできるもの"
    assert "解決済み" in links[0][2] and "回答 2件" in links[0][2]
    assert "回答 1件" in links[1][2]
    assert unrelated.id not in [i for i, _, _ in related_on(client, near.id) or []]
    assert me.id in [i for i, _, _ in related_on(client, near.id) or []]
    assert related_on(client, unrelated.id) is None  # nothing like it: no empty section


def test_at_most_five_best_first(client, people):
    asker, answerer = people
    me = resolved_thread(asker, answerer, "源泉徴収の計算方法", "本文です", "はい")
    others = [resolved_thread(asker, answerer, f"源泉徴収について{i}", "本文です", "はい") for i in range(6)]
    best = resolved_thread(asker, answerer, "源泉徴収の計算方法を知りたい", "本文です", "はい")
    links = related_on(client, me.id) or []
    assert len(links) == 5
    assert links[0][0] == best.id
    assert {i for i, _, _ in links} <= {q.id for q in others} | {best.id}


def test_only_resolved_visible_threads_are_listed(client, auth, people):
    asker, answerer = people
    me = resolved_thread(asker, answerer, "報酬の振込日について", "本文です", "はい")
    shown = resolved_thread(asker, answerer, "報酬の振込日が遅れています", "本文です", "はい")
    hidden = resolved_thread(asker, answerer, "報酬の振込日を変えたい", "本文です", "はい")
    hidden.is_hidden = True
    index.refresh(hidden)
    closed = resolved_thread(asker, answerer, "報酬の振込日の確認", "本文です", "はい")
    closed.status, closed.status_before_close, closed.close_reason = "closed", "resolved", "off_topic"
    index.refresh(closed)
    expired = resolved_thread(asker, answerer, "報酬の振込日はいつ", "本文です", "はい")
    expired.status = "expired"
    index.refresh(expired)
    held = resolved_thread(asker, answerer, "報酬の振込日と手数料", "本文です", "はい")
    held.is_held = True  # held after an edit: still indexed, never listed
    open_thread = make_question(asker, title="報酬の振込日がわからない", commit=False)
    make_answer(open_thread, answerer, "回答です", commit=False)
    db.session.commit()
    for signed_in in (False, True):
        if signed_in:
            auth.login("asker")
        assert [i for i, _, _ in related_on(client, me.id) or []] == [shown.id]
        # A thread that is not in the knowledge base itself still lists the resolved ones.
        assert {i for i, _, _ in related_on(client, open_thread.id) or []} == {shown.id, me.id}



def test_a_guest_render_costs_the_same_for_1_and_50_answers(make_app, people):
    """A guest page the page cache keeps is rendered in as many statements for 1 answer as for
    50, related threads included."""
    asker, answerer = people
    small = resolved_thread(asker, answerer, "契約書の確認方法について", "本文です", "回答です")
    big = resolved_thread(asker, answerer, "契約書の確認方法を教えてください", "本文です", "回答です")
    for n in range(49):
        make_answer(big, answerer, f"回答その{n}", commit=False)
    done()
    for i in range(6):
        resolved_thread(asker, answerer, f"契約書の書き方{i}", "本文です", "回答です")
    uncached = make_app(PAGE_CACHE_ENABLED=False)
    with uncached.app_context():
        engine = db.engine
    client = uncached.test_client()
    counts, pages = [], []
    for question in (small, big):
        assert len(related_on(client, question.id) or []) == 5  # also the warm-up
        with count_statements(engine) as statements:
            assert client.get(f"/questions/{question.id}").status_code == 200
        counts.append(len(statements))
        pages.append(statements)
    assert counts[0] == counts[1], pages


def _relate(runner, *args: str) -> str:
    result = runner.invoke(args=["forum", "relate", *args])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("signed_in", [False, True])
def test_a_stored_list_shows_what_ranking_on_the_page_shows(client, auth, runner, people, signed_in):
    asker, answerer = people
    me = resolved_thread(asker, answerer, "源泉徴収の計算方法", "本文です", "はい")
    for i in range(6):
        resolved_thread(asker, answerer, f"源泉徴収について{i}", "本文です", "はい")
    resolved_thread(asker, answerer, "源泉徴収の計算方法を知りたい", "本文です", "はい")
    lonely = resolved_thread(asker, answerer, "ロゴの納品形式", "本文です", "はい")
    if signed_in:
        auth.login("asker")
    ranked = {q: related_on(client, q) for q in (me.id, lonely.id)}
    assert "related lists ranked for 9 threads" in _relate(runner)
    stored = dict(db.session.execute(sa.select(RelatedList.question_id, RelatedList.related_ids)).all())
    assert len(stored[me.id].split(",")) == 7 and stored[lonely.id] == ""  # every match, up to STORED
    assert {q: related_on(client, q) for q in (me.id, lonely.id)} == ranked
    assert "related lists ranked for 0 threads" in _relate(runner)  # none due yet
    assert "related lists ranked for 9 threads" in _relate(runner, "--all")


def test_a_stored_list_shows_each_thread_as_it_is_now(client, runner, people):
    """A list ranked earlier never shows a thread hidden, reopened or retitled since, nor an
    old title; a thread whose own title changed ranks again on its page."""
    asker, answerer = people
    me = resolved_thread(asker, answerer, "報酬の振込日について", "本文です", "はい")
    kept = resolved_thread(asker, answerer, "報酬の振込日が遅れています", "本文です", "はい")
    hidden = resolved_thread(asker, answerer, "報酬の振込日を変えたい", "本文です", "はい")
    reopened = resolved_thread(asker, answerer, "報酬の振込日の確認", "本文です", "はい")
    _relate(runner)
    assert {i for i, _, _ in related_on(client, me.id) or []} == {kept.id, hidden.id, reopened.id}
    hidden.is_hidden = True
    index.refresh(hidden)
    reopened.status, reopened.status_before_close, reopened.close_reason = "closed", "resolved", "off_topic"
    index.refresh(reopened)
    kept.title = "報酬の振込日が遅れています（解決）"
    db.session.commit()
    assert [(i, t) for i, t, _ in related_on(client, me.id) or []] == [(kept.id, "報酬の振込日が遅れています（解決）")]


def test_editing_the_title_drops_the_stored_list(client, auth, runner, people):
    asker, answerer = people
    me = resolved_thread(asker, answerer, "確定申告の経費について", "本文です", "はい")
    tax = resolved_thread(asker, answerer, "確定申告で経費にできるもの", "本文です", "はい")
    logo = resolved_thread(asker, answerer, "ロゴの納品形式を知りたい", "本文です", "はい")
    _relate(runner)
    assert [i for i, _, _ in related_on(client, me.id) or []] == [tax.id]
    auth.login("asker")
    response = client.post(f"/questions/{me.id}/edit", data={
        "category": me.category, "title": "ロゴの納品形式について", "body": "確定申告ではなくロゴの話に書き直しました。",
        "asker_type": me.asker_type, "tags": ""})
    assert response.status_code in (302, 303), response.get_data(as_text=True)[:500]
    assert db.session.get(RelatedList, me.id) is None
    assert [i for i, _, _ in related_on(client, me.id) or []] == [logo.id]
    assert db.session.get(RelatedList, tax.id) is not None  # the others keep theirs


def test_a_thread_page_with_a_stored_list_reads_it_in_one_statement(make_app, runner, people):
    asker, answerer = people
    me = resolved_thread(asker, answerer, "契約書の確認方法について", "本文です", "回答です")
    for i in range(6):
        resolved_thread(asker, answerer, f"契約書の書き方{i}", "本文です", "回答です")
    uncached = make_app(PAGE_CACHE_ENABLED=False)
    with uncached.app_context():
        engine = db.engine
    client = uncached.test_client()
    counts = []
    for stored in (False, True):
        if stored:
            _relate(runner)
        assert len(related_on(client, me.id) or []) == 5  # also the warm-up
        with count_statements(engine) as statements:
            assert len(related_on(client, me.id) or []) == 5
        counts.append(len(statements))
    # The ranking's candidates statement is not run (nor, on PostgreSQL, its planner settings).
    assert counts[1] == counts[0] - (2 if engine.dialect.name == "postgresql" else 1)


def test_a_stored_list_is_read_up_to_its_stored_length_in_order(client, people):
    """The page reads at most STORED ids of a stored list, in its order, and shows the first
    five that are still resolved and visible (one parameter per id: short lists too)."""
    asker, answerer = people
    me = resolved_thread(asker, answerer, "仮払いの期限について", "本文です", "はい")
    others = [resolved_thread(asker, answerer, f"別の話題その{i}", "本文です", "はい") for i in range(12)]
    for gone in others[:3]:
        gone.is_hidden = True
    db.session.add(RelatedList(question_id=me.id, related_ids=",".join(str(q.id) for q in others), computed_at=utcnow()))
    db.session.commit()
    assert [i for i, _, _ in related_on(client, me.id) or []] == [q.id for q in others[3:8]]
    row = db.session.get(RelatedList, me.id)
    row.related_ids = f"{others[9].id},{others[0].id},{others[4].id}"
    db.session.commit()
    assert [i for i, _, _ in related_on(client, me.id) or []] == [others[9].id, others[4].id]
    row.related_ids = ",".join(str(q.id) for q in [others[0]] * 9 + [others[11]] + [others[10]])  # the 11th is past STORED
    db.session.commit()
    assert [i for i, _, _ in related_on(client, me.id) or []] == [others[11].id]
