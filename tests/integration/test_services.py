"""Thread and moderation services, list queries, and the text helpers."""
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa

from forum.exceptions import NotFound, PermissionDenied, StateConflict
from forum.extensions import db
from forum.forms.posts import split_tags
from forum.lookups import get_question
from forum.models import AuditLog, Question, SearchDocument, Tag, utcnow
from forum.moderation.services import close_question, reopen_question
from forum.questions import services
from forum.search.services import search_threads
from forum.text import render_markdown
from tests.factories import make_answer, make_question, make_user


def _search_ids(text: str) -> list[int]:
    return [item.question.id for item in search_threads(text, None, 1, 20).items]


# --- ask / answer -------------------------------------------------------------------------

def test_ask_question_creates_an_open_thread_with_tags(app):
    alice = make_user("alice")
    q = services.ask_question(alice, category="urgent", title="仮払いが来ません", body="契約したのに仮払いされません。",
                              asker_type="client", tags=["仮払い", "契約"])
    db.session.expire_all()
    q = db.session.get(Question, q.id)
    assert (q.status, q.category, q.asker_type, q.author.username) == ("open", "urgent", "client", "alice")
    assert sorted(t.name for t in q.tags) == ["仮払い", "契約"]
    # Open threads are not in the knowledge base yet.
    assert db.session.get(SearchDocument, q.id) is None


def test_ask_question_reuses_existing_tags(app):
    alice = make_user("alice")
    services.ask_question(alice, category="urgent", title="一つ目の質問", body="本文です本文です", tags=["仮払い"])
    services.ask_question(alice, category="urgent", title="二つ目の質問", body="本文です本文です", tags=["仮払い", "出金"])
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Tag)) == 2


def test_suspended_member_cannot_ask(app):
    bob = make_user("bob")
    bob.suspended_until = utcnow() + timedelta(days=1)
    db.session.commit()
    with pytest.raises(PermissionDenied):
        services.ask_question(bob, category="urgent", title="質問です", body="本文です本文です")


def test_post_answer_on_open_thread(app):
    alice, bob = make_user("alice"), make_user("bob")
    q = make_question(alice)
    a = services.post_answer(bob, q, "納品前に仮払いされます。")
    assert a.id and a.question_id == q.id and a.author_id == bob.id


def test_asker_may_add_a_follow_up_answer(app):
    alice = make_user("alice")
    q = make_question(alice)
    assert services.post_answer(alice, q, "追記：契約は昨日です。").author_id == alice.id


def test_post_answer_refused_on_closed_thread(app):
    alice, bob, mod = make_user("alice"), make_user("bob"), make_user("mod", role="moderator")
    q = make_question(alice)
    close_question(mod, q, "spam", "宣伝のため")
    with pytest.raises(StateConflict) as err:
        services.post_answer(bob, q, "回答です")
    assert err.value.status_code == 409


def test_answer_on_resolved_thread_becomes_searchable(app):
    alice, bob, carol = make_user("alice"), make_user("bob"), make_user("carol")
    q = make_question(alice, title="出金の手続きについて", body="出金の方法を教えてください。")
    a = make_answer(q, bob, "出金は管理画面から申請します。")
    services.resolve_question(alice, q, a.id)
    assert _search_ids("振込予約") == []
    services.post_answer(carol, q, "振込予約の締め日にも注意してください。")
    assert _search_ids("振込予約") == [q.id]


# --- resolve ------------------------------------------------------------------------------

def test_resolve_with_best_answer_indexes_the_thread(app):
    alice, bob = make_user("alice"), make_user("bob")
    q = make_question(alice, title="手数料はいくらですか", body="システム利用料について知りたいです。")
    a = make_answer(q, bob, "報酬額に応じて手数料がかかります。")
    services.resolve_question(alice, q, a.id)
    db.session.expire_all()
    q = db.session.get(Question, q.id)
    assert q.status == "resolved" and q.best_answer_id == a.id and q.resolved_at is not None
    assert _search_ids("報酬") == [q.id]


def test_resolve_without_best_answer(app):
    alice, bob = make_user("alice"), make_user("bob")
    q = make_question(alice)
    make_answer(q, bob)
    services.resolve_question(alice, q, None, note="サポートに聞いて解決しました")
    assert q.status == "resolved" and q.best_answer_id is None


def test_asker_changes_best_answer_later(app):
    alice, bob, carol = make_user("alice"), make_user("bob"), make_user("carol")
    q = make_question(alice)
    first, second = make_answer(q, bob), make_answer(q, carol, "もう一つの回答です。")
    services.resolve_question(alice, q, first.id)
    resolved_at = q.resolved_at
    services.resolve_question(alice, q, second.id)
    db.session.expire_all()
    q = db.session.get(Question, q.id)
    assert q.best_answer_id == second.id
    assert q.resolved_at == resolved_at  # still the first time it was resolved
    thread = services.load_thread(alice, q)
    assert thread.best_answer.id == second.id and thread.answers[0].id == second.id


@pytest.mark.parametrize("who", ["other_member", "veteran"])
def test_only_the_asker_resolves(app, who):
    alice, bob = make_user("alice"), make_user("bob")
    other = make_user("carol", veteran=who == "veteran")
    q = make_question(alice)
    a = make_answer(q, bob)
    with pytest.raises(PermissionDenied) as err:
        services.resolve_question(other, q, a.id)
    assert err.value.status_code == 403
    db.session.expire_all()
    assert db.session.get(Question, q.id).status == "open"


def test_a_moderator_resolves_for_the_asker_only_with_a_best_answer(app):
    alice, bob, mod = make_user("alice"), make_user("bob"), make_user("mod", role="moderator")
    q = make_question(alice)
    a = make_answer(q, bob)
    with pytest.raises(StateConflict):  # 自己解決 is the asker's to describe
        services.resolve_question(mod, q, None, note="解決したようです")
    db.session.expire_all()
    assert db.session.get(Question, q.id).status == "open"
    services.resolve_question(mod, q, a.id, thanks="お礼は質問者だけが書けます", note="返事がないため")
    db.session.expire_all()
    resolved = db.session.get(Question, q.id)
    assert (resolved.status, resolved.best_answer_id, resolved.thanks) == ("resolved", a.id, None)


def test_asker_cannot_pick_own_answer(app):
    alice = make_user("alice")
    q = make_question(alice)
    own = make_answer(q, alice, "自己解決しました。")
    with pytest.raises(StateConflict):
        services.resolve_question(alice, q, own.id)
    db.session.expire_all()
    assert db.session.get(Question, q.id).best_answer_id is None


def test_resolve_refused_on_closed_thread(app):
    alice, bob, mod = make_user("alice"), make_user("bob"), make_user("mod", role="moderator")
    q = make_question(alice)
    a = make_answer(q, bob)
    close_question(mod, q, "duplicate")
    with pytest.raises(StateConflict) as err:
        services.resolve_question(alice, q, a.id)
    assert err.value.status_code == 409


def test_best_answer_must_belong_to_the_thread(app):
    alice, bob = make_user("alice"), make_user("bob")
    q, elsewhere = make_question(alice), make_question(bob)
    foreign = make_answer(elsewhere, alice)
    with pytest.raises(NotFound):
        services.resolve_question(alice, q, foreign.id)
    with pytest.raises(NotFound):
        services.resolve_question(alice, q, 999_999)


def test_veteran_badge_after_enough_best_answers(app):
    app.config["VETERAN_BEST_ANSWERS"] = 2
    bob = make_user("bob")
    for n in range(2):
        asker = make_user(f"asker{n}")
        q = make_question(asker)
        services.resolve_question(asker, q, make_answer(q, bob).id)
        db.session.expire_all()
    assert bob.is_veteran


# --- close / reopen -----------------------------------------------------------------------

@pytest.mark.parametrize("before", ["open", "resolved"])
def test_close_and_reopen_restore_the_status(app, before):
    alice, bob, mod = make_user("alice"), make_user("bob"), make_user("mod", role="moderator")
    q = make_question(alice, title="直接取引について", body="連絡先を聞かれました。")
    a = make_answer(q, bob, "直接取引は禁止されています。")
    if before == "resolved":
        services.resolve_question(alice, q, a.id)
    close_question(mod, q, "contact_exchange", "連絡先の交換はできません")
    db.session.expire_all()
    q = db.session.get(Question, q.id)
    assert (q.status, q.status_before_close, q.close_reason, q.close_note) == (
        "closed", before, "contact_exchange", "連絡先の交換はできません")
    assert _search_ids("直接取引") == []

    reopen_question(mod, q)
    db.session.expire_all()
    q = db.session.get(Question, q.id)
    assert q.status == before and q.status_before_close is None and q.close_reason is None
    assert _search_ids("直接取引") == ([q.id] if before == "resolved" else [])

    entries = db.session.scalars(sa.select(AuditLog).order_by(AuditLog.id)).all()
    assert [(e.action, e.actor_id, e.target_type, e.target_id) for e in entries] == [
        ("close", mod.id, "question", q.id), ("reopen", mod.id, "question", q.id)]
    assert (entries[0].reason, entries[0].note) == ("contact_exchange", "連絡先の交換はできません")


def test_member_cannot_close_or_reopen(app):
    alice, mod = make_user("alice"), make_user("mod", role="moderator")
    q = make_question(alice)
    with pytest.raises(PermissionDenied):
        close_question(alice, q, "spam")
    close_question(mod, q, "spam", "宣伝のため")
    with pytest.raises(PermissionDenied):
        reopen_question(alice, q)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog)) == 1


def test_close_twice_and_reopen_open_are_conflicts(app):
    alice, mod = make_user("alice"), make_user("mod", role="moderator")
    q = make_question(alice)
    with pytest.raises(StateConflict):
        reopen_question(mod, q)
    close_question(mod, q, "spam", "宣伝のため")
    with pytest.raises(StateConflict):
        close_question(mod, q, "spam", "宣伝のため")


# --- reading threads and lists ------------------------------------------------------------

def test_hidden_question_is_not_found_for_members(app):
    alice, mod = make_user("alice"), make_user("mod", role="moderator")
    q = make_question(alice)
    q.is_hidden = True
    db.session.commit()
    with pytest.raises(NotFound):
        get_question(alice, q.id)
    assert get_question(mod, q.id) is q
    with pytest.raises(NotFound):
        get_question(alice, 987_654)


def test_load_thread_hides_hidden_answers_from_members(app):
    alice, bob, mod = make_user("alice"), make_user("bob"), make_user("mod", role="moderator")
    q = make_question(alice)
    shown, hidden = make_answer(q, bob), make_answer(q, bob, "消された回答")
    hidden.is_hidden = True
    db.session.commit()
    assert [a.id for a in services.load_thread(alice, q).answers] == [shown.id]
    assert [a.id for a in services.load_thread(mod, q).answers] == [shown.id, hidden.id]


def _dated(author, title, category, minutes_ago, status="open"):
    q = make_question(author, title=title, category=category, status=status)
    q.created_at = datetime(2025, 1, 1, tzinfo=UTC) - timedelta(minutes=minutes_ago)
    if status == "resolved":
        q.resolved_at = q.created_at
    db.session.commit()
    return q


def test_open_list_puts_urgent_first_then_newest(app):
    alice = make_user("alice")
    old_know = _dated(alice, "古い知りたい", "want_to_know", 50)
    new_trouble = _dated(alice, "新しい困った", "in_trouble", 1)
    old_urgent = _dated(alice, "古い急募", "urgent", 100)
    new_urgent = _dated(alice, "新しい急募", "urgent", 10)
    _dated(alice, "解決済み", "urgent", 0, status="resolved")
    expected = [new_urgent.id, old_urgent.id, new_trouble.id, old_know.id]
    page = services.list_questions("open", None, 1, 20)
    assert [q.id for q in page.items] == expected
    open_threads, resolved = services.home_lists()
    assert [q.id for q in open_threads] == expected
    assert [q.title for q in resolved] == ["解決済み"]


def test_lists_filter_by_status_and_category(app):
    alice = make_user("alice")
    a = _dated(alice, "急募の質問", "urgent", 3)
    b = _dated(alice, "困ったの質問", "in_trouble", 2, status="resolved")
    c = _dated(alice, "困ったの質問2", "in_trouble", 1)
    assert [q.id for q in services.list_questions(None, None, 1, 20).items] == [c.id, b.id, a.id]
    assert [q.id for q in services.list_questions(None, "in_trouble", 1, 20).items] == [c.id, b.id]
    assert [q.id for q in services.list_questions("resolved", None, 1, 20).items] == [b.id]
    assert services.list_questions("closed", None, 1, 20).items == []


def test_pagination(app):
    alice = make_user("alice")
    made = [_dated(alice, f"質問その{n}", "want_to_know", 100 - n) for n in range(5)]
    newest_first = [q.id for q in reversed(made)]
    pages = [services.list_questions("open", None, n, 2) for n in (1, 2, 3, 4)]
    assert [[q.id for q in p.items] for p in pages] == [newest_first[0:2], newest_first[2:4], newest_first[4:], []]
    assert (pages[0].total, pages[0].pages, pages[0].has_next, pages[2].has_next) == (5, 3, True, False)


def test_answer_counts_skip_hidden_answers(app):
    alice, bob = make_user("alice"), make_user("bob")
    q1, q2 = make_question(alice), make_question(alice)
    make_answer(q1, bob)
    hidden = make_answer(q1, bob)
    hidden.is_hidden = True
    db.session.commit()
    assert services.answer_counts([q1.id, q2.id]) == {q1.id: 1}
    assert services.answer_counts([]) == {}


# --- text helpers -------------------------------------------------------------------------

class _Elements(HTMLParser):
    """Every element and attribute of a fragment: what a browser would act on."""

    def __init__(self, html: str):
        super().__init__()
        self.elements: list[tuple[str, dict]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, {k: v or "" for k, v in attrs}))


@pytest.mark.parametrize("source", [
    "<script>alert(1)</script>",
    '<img src="x" onerror="alert(1)">',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    '<iframe src="https://evil.example"></iframe>',
    '<p style="x" onclick="alert(1)">hi</p>',
    "<svg onload=alert(1)>",
    "![x](javascript:alert(1))",
])
def test_render_markdown_strips_dangerous_html(source):
    elements = _Elements(str(render_markdown(source))).elements
    assert all(tag not in ("script", "iframe", "img", "svg", "style") for tag, _ in elements)
    assert all(not name.startswith("on") for _, attrs in elements for name in attrs)
    assert all(not attrs.get("href", "").strip().lower().startswith("javascript")
               for _, attrs in elements)


def test_render_markdown_keeps_user_html_as_visible_text():
    html = str(render_markdown("<script>alert(1)</script>"))
    assert "&lt;script&gt;" in html


def test_render_markdown_renders_markdown():
    html = str(render_markdown("**重要**\n\n- 仮払い\n- 出金\n\n[ヘルプ](https://example.com/help)\n\n`code`"))
    assert "<strong>重要</strong>" in html
    assert "<li>仮払い</li>" in html and "<ul>" in html
    assert 'href="https://example.com/help"' in html and "nofollow" in html
    assert "<code>code</code>" in html


def test_render_markdown_escapes_raw_html_as_text():
    html = str(render_markdown("a < b & <b>太字</b>"))
    assert "<b>" not in html and "&lt;" in html


@pytest.mark.parametrize("raw, tags", [
    ("支払い, 仮払い、手数料", ["支払い", "仮払い", "手数料"]),
    ("  #出金 ，＃出金 , ", ["出金"]),
    ("", []),
    (None, []),
    ("a,,b", ["a", "b"]),
])
def test_split_tags(raw, tags):
    assert split_tags(raw) == tags
