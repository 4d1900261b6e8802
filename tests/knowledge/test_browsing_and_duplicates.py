"""Tags, the lists' 未回答 filter and sorts, closing as a duplicate, and the FAQ editor,
through the pages and their real forms."""
import re

import pytest
import sqlalchemy as sa

from forum.extensions import db
from forum.lookups import faq_entries
from forum.models import FaqEntry, HelpfulMark, Question
from tests.factories import make_answer, make_question, make_user, resolved_thread
from tests.functional.html import form, submit, text


def _titles(response) -> list[str]:
    return re.findall(r'class="card-title"><a href="/questions/\d+">([^<]+)</a>', text(response))


def test_a_tag_lists_its_threads_and_tags_are_links(client):
    alice = make_user("alice")
    tagged = make_question(alice, title="仮払いの質問", tags=["仮払い"])
    make_question(alice, title="別の質問", tags=["出金"])
    page = client.get(f"/questions/{tagged.id}")
    assert 'href="/tags/%E4%BB%AE%E6%89%95%E3%81%84"' in text(page)
    listing = client.get("/tags/仮払い")
    assert listing.status_code == 200 and _titles(listing) == ["仮払いの質問"]
    assert "/tags/%E4%BB%AE%E6%89%95%E3%81%84" in text(client.get("/questions"))
    missing = client.get("/tags/ないタグ")
    assert missing.status_code == 404 and "見つかりませんでした" in text(missing)


def test_unanswered_filter_and_sorts(client):
    alice, bob, carol = make_user("alice"), make_user("bob"), make_user("carol")
    none = make_question(alice, title="回答なし")
    one = make_question(alice, title="回答1件")
    two = make_question(alice, title="回答2件")
    make_answer(one, bob)
    a2 = make_answer(two, bob)
    make_answer(two, carol)
    db.session.add(HelpfulMark(user_id=carol.id, answer_id=make_answer(one, carol).id))
    db.session.add(HelpfulMark(user_id=alice.id, answer_id=a2.id))
    db.session.add(HelpfulMark(user_id=carol.id, answer_id=a2.id))
    db.session.commit()
    assert db.session.get(Question, two.id).helpful_count == 2
    page = client.get("/questions")
    f = form(page, "/questions", method="get")
    assert {"unanswered", "sort"} <= f.names and f.options["sort"] == ["newest", "answers", "helpful"]
    assert _titles(client.get("/questions", query_string=f.data(unanswered="1"))) == ["回答なし"]
    assert _titles(client.get("/questions", query_string=f.data(sort="answers")))[:2] == ["回答2件", "回答1件"]
    assert _titles(client.get("/questions", query_string=f.data(sort="helpful")))[0] == "回答2件"
    assert _titles(client.get("/questions?sort=bogus&unanswered=x"))[0] == "回答2件"  # newest, no error
    assert none.answer_count == 0


def test_hiding_an_answer_updates_the_counts(client, auth):
    alice, bob = make_user("alice"), make_user("bob")
    q = make_question(alice)
    answer = make_answer(q, bob)
    assert db.session.get(Question, q.id).answer_count == 1
    answer.is_hidden = True
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Question, q.id).answer_count == 0


@pytest.fixture
def threads():
    alice, bob = make_user("alice"), make_user("bob")
    original = resolved_thread(alice, bob, "仮払いとは何ですか", "仮払いについて", "預ける仕組みです")
    repeat = make_question(make_user("carol"), title="仮払いってなに")
    return original, repeat


def test_a_moderator_closes_a_thread_as_a_duplicate(client, auth, threads):
    original, repeat = threads
    make_user("mod", role="moderator")
    auth.login("mod")
    page = client.get(f"/moderation/confirm?action=close&target=question:{repeat.id}")
    response = submit(client, page, "/close", reason="duplicate", duplicate_of=f"http://localhost/questions/{original.id}")
    assert response.status_code == 302
    shown = text(client.get(f"/questions/{repeat.id}"))
    assert "重複" in shown and f'href="/questions/{original.id}">仮払いとは何ですか' in shown
    target = text(client.get(f"/questions/{original.id}"))
    assert "この質問と重複している質問" in target and f'href="/questions/{repeat.id}">仮払いってなに' in target
    # Reopening removes the link.
    client.post(f"/questions/{repeat.id}/reopen")
    assert "この質問と重複している質問" not in text(client.get(f"/questions/{original.id}"))


@pytest.mark.parametrize(("duplicate_of", "status", "message"), [
    ("", 422, "重複先の質問の番号かURL"),
    ("abc", 422, "番号（例：123）"),
    ("99999", 404, "見つかりませんでした"),
    ("self", 409, "自分自身"),
])
def test_bad_duplicate_targets_get_a_clear_message(client, auth, threads, duplicate_of, status, message):
    _, repeat = threads
    make_user("mod", role="moderator")
    auth.login("mod")
    value = str(repeat.id) if duplicate_of == "self" else duplicate_of
    confirm = client.get(f"/moderation/confirm?action=close&target=question:{repeat.id}")
    response = submit(client, confirm, "/close", reason="duplicate", duplicate_of=value)
    assert response.status_code == status
    assert message in text(response)
    assert db.session.get(Question, repeat.id).status == "open"


@pytest.mark.parametrize(("setting", "allowed"), [(False, False), (True, True)])
def test_veterans_close_duplicates_only_when_the_site_allows(make_app, setting, allowed):
    app = make_app(VETERANS_CLOSE_DUPLICATES=setting)
    client = app.test_client()
    with app.app_context():
        alice, bob = make_user("alice"), make_user("bob")
        original = resolved_thread(alice, bob, "元の質問", "本文", "回答")
        repeat = make_question(alice, title="重複する質問")
        make_user("vet", veteran=True)
        ids = original.id, repeat.id
    client.post("/auth/login", data={"username": "vet", "password": "correct-horse-42"})
    page = client.get(f"/questions/{ids[1]}")
    assert ("重複としてクローズする" in text(page)) is allowed
    response = client.post(f"/questions/{ids[1]}/close", data={"reason": "duplicate", "duplicate_of": str(ids[0])})
    assert response.status_code == (302 if allowed else 403)
    # Other reasons stay with moderators.
    other = client.post(f"/questions/{ids[1]}/close", data={"reason": "spam"})
    assert other.status_code == 403


@pytest.fixture
def faq_seed():
    """The migration's seed on a fresh SQLite copy; the PostgreSQL pass empties every table
    between tests, so the seed's first entry is written again there (its test: test_faq_migration)."""
    if not faq_entries():
        db.session.add(FaqEntry(category="certified_lancer", position=1, question="認定ランサーとは何ですか？",
                                answer="認定ランサーは基準を満たしたランサーです。"))
        db.session.commit()
    return faq_entries()


def test_faq_page_reads_the_database_and_admins_edit_it(client, auth, faq_seed):
    entries = faq_seed
    assert entries[0].category == "certified_lancer"
    page = text(client.get("/faq"))
    assert "認定ランサー" in page and f'id="{entries[0].anchor}"' in page
    make_user("root", role="admin")
    auth.login("root")
    manage = client.get("/faq/manage")
    assert manage.status_code == 200
    new = client.get("/faq/entries/new")
    response = submit(client, new, "/faq/entries/new", category="certified_lancer", question="手数料の計算は？",
                      answer="**契約金額**に応じます。<script>alert(1)</script>")
    assert response.status_code == 302
    entry = db.session.scalar(sa.select(FaqEntry).where(FaqEntry.question == "手数料の計算は？"))
    assert response.headers["Location"].endswith(f"/faq#{entry.anchor}")
    shown = text(client.get("/faq"))
    assert "<strong>契約金額</strong>" in shown and "<script>alert" not in shown
    # Reorder: the new entry is last in 認定ランサー; move it up.
    submit(client, client.get("/faq/manage"), f"/faq/entries/{entry.id}/move")
    ids = [e.id for e in faq_entries() if e.category == "certified_lancer"]
    assert ids.index(entry.id) == len(ids) - 2
    edit = client.get(f"/faq/entries/{entry.id}/edit")
    submit(client, edit, f"/faq/entries/{entry.id}/edit", question="")
    assert db.session.get(FaqEntry, entry.id).question == "手数料の計算は？"  # refused, kept
    entry_id = entry.id
    submit(client, client.get("/faq/manage"), f"/faq/entries/{entry_id}/delete")
    db.session.expunge_all()
    assert db.session.get(FaqEntry, entry_id) is None


@pytest.mark.parametrize("role", ["guest", "member", "moderator"])
def test_only_admins_edit_the_faq(client, auth, role, faq_seed):
    if role != "guest":
        make_user("someone", role="member" if role == "member" else role)
        auth.login("someone")
    entry = faq_entries()[0]
    for path in ("/faq/manage", "/faq/entries/new", f"/faq/entries/{entry.id}/edit"):
        assert client.get(path).status_code == (302 if role == "guest" else 403)
    response = client.post(f"/faq/entries/{entry.id}/delete")
    assert response.status_code == (302 if role == "guest" else 403)
    assert db.session.get(FaqEntry, entry.id) is not None


def test_duplicated_threads_are_faq_candidates_and_a_resolved_thread_is_promoted(client, auth, threads):
    original, repeat = threads
    make_user("root", role="admin")
    auth.login("root")
    client.post(f"/questions/{repeat.id}/close", data={"reason": "duplicate", "duplicate_of": str(original.id)})
    manage = text(client.get("/faq/manage"))
    assert "仮払いとは何ですか" in manage and f"/faq/entries/new?from={original.id}" in manage
    draft = client.get(f"/faq/entries/new?from={original.id}")
    assert "預ける仕組みです" in text(draft)  # the best answer starts the entry
    response = submit(client, draft, "/faq/entries/new", category="basics")
    assert response.status_code == 302
    entry = db.session.scalar(sa.select(FaqEntry).where(FaqEntry.source_question_id == original.id))
    assert entry is not None and entry.question == "仮払いとは何ですか"
    assert "仮払いとは何ですか" not in text(client.get("/faq/manage")).split("よくある質問の候補")[1].split("</section>")[0]
    # An open thread cannot be promoted.
    assert client.get(f"/faq/entries/new?from={repeat.id}").status_code == 409
