"""The admins' synonym editor (/search/synonyms): who may use it, its refusals, and edits that
search applies at once, in both directions, also to a guest whose result page was cached;
`flask forum synonyms export` writes the table back to the reviewed file format."""
import re

import pytest
import sqlalchemy as sa

from forum.extensions import db
from forum.models import Synonym
from forum.search import synonyms
from forum.search.synonyms import read_pairs
from forum.text import normalize
from tests.factories import make_user, resolved_thread
from tests.functional.html import forms, submit, text

EDITOR = "/search/synonyms"


def _titles(response) -> list[str]:
    """The results' titles as read (highlight marks removed)."""
    found = re.findall(r'class="card-title"><a href="/questions/\d+">(.*?)</a>', text(response))
    return [re.sub(r"<[^>]+>", "", t) for t in found]


def _add_form(page):
    found = [f for f in forms(page) if f.action == EDITOR and f.method == "post"]
    assert len(found) == 1, found
    return found[0]


def _add(client, word: str, other: str):
    page = client.get(EDITOR)
    return client.post(EDITOR, data=_add_form(page).data(word=word, other=other))


def _pair(word: str, other: str) -> Synonym | None:
    db.session.expire_all()
    return db.session.scalar(sa.select(Synonym).where(Synonym.word == word, Synonym.other == other))


def meerkats():
    """Two resolved threads, each with one of two words that mean the same animal."""
    asker, answerer = make_user("asker"), make_user("answerer")
    one = resolved_thread(asker, answerer, "ミーアキャットのイラスト依頼", "ミーアキャットの絵を描いてもらいたいです。",
                          "実績を見て選びましょう。")
    other = resolved_thread(asker, answerer, "スリカータのロゴを作りたい", "スリカータをモチーフにしたロゴの相場は？",
                            "相場は案件によります。")
    return one, other


def test_the_migration_seeds_the_table_from_the_file(app):
    stored = {(p.word, p.other) for p in db.session.scalars(sa.select(Synonym))}
    assert stored == set(read_pairs())
    assert len(stored) >= 300


@pytest.mark.parametrize("role", ["guest", "member", "moderator"])
def test_only_admins_edit_synonyms(client, auth, role):
    if role != "guest":
        make_user("someone", role=role)
        auth.login("someone")
    pair = db.session.scalars(sa.select(Synonym).order_by(Synonym.id)).first()
    expected = 302 if role == "guest" else 403
    for path in (EDITOR, f"{EDITOR}/{pair.id}/edit"):
        response = client.get(path)
        assert response.status_code == expected, path
        if role == "guest":
            assert "/auth/login" in response.headers["Location"]
    before = db.session.scalar(sa.select(sa.func.count()).select_from(Synonym))
    assert client.post(EDITOR, data={"word": "新語", "other": "別の語"}).status_code == expected
    assert client.post(f"{EDITOR}/{pair.id}/edit", data={"word": "変更", "other": "した語"}).status_code == expected
    assert client.post(f"{EDITOR}/{pair.id}/delete").status_code == expected
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Synonym)) == before
    assert db.session.get(Synonym, pair.id).word == pair.word


def test_add_edit_and_delete_take_effect_in_search_at_once_both_ways(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    admin_client, guest = app.test_client(), app.test_client()
    with app.app_context():
        meerkats()
        make_user("root", role="admin")
        login = admin_client.get("/auth/login")
        submit(admin_client, login, "/auth/login", username="root", password="correct-horse-42")
        # Before: each word finds its own thread only (the guest's page is now cached).
        assert _titles(guest.get("/search?q=ミーアキャット")) == ["ミーアキャットのイラスト依頼"]
        assert _titles(guest.get("/search?q=スリカータ")) == ["スリカータのロゴを作りたい"]

        added = _add(admin_client, "ミーアキャット", "スリカータ")
        assert added.status_code == 303
        assert "検索にすぐ反映されます" in text(admin_client.get(EDITOR))
        pair = _pair("ミーアキャット", "スリカータ")
        assert pair is not None
        pair_id = pair.id
        for word in ("ミーアキャット", "スリカータ"):  # both directions, for a guest too
            found = guest.get(f"/search?q={word}")
            assert set(_titles(found)) == {"ミーアキャットのイラスト依頼", "スリカータのロゴを作りたい"}, word
        assert "も含めて検索しました" in text(guest.get("/search?q=スリカータ"))

        edit = admin_client.get(f"{EDITOR}/{pair_id}/edit")
        assert 'value="スリカータ"' in text(edit)
        assert submit(admin_client, edit, f"{EDITOR}/{pair_id}/edit", other="マングース").status_code == 303
        assert _titles(guest.get("/search?q=スリカータ")) == ["スリカータのロゴを作りたい"]
        assert _titles(guest.get("/search?q=マングース")) == ["ミーアキャットのイラスト依頼"]
        assert set(_titles(admin_client.get("/search?q=ミーアキャット"))) == {"ミーアキャットのイラスト依頼"}

        page = admin_client.get(f"{EDITOR}?q=マングース")
        assert "<td>マングース</td>" in text(page) and "<td>フォトショ</td>" not in text(page)
        deleted = submit(admin_client, page, f"{EDITOR}/{pair_id}/delete")
        assert deleted.status_code == 303
        db.session.expire_all()
        assert db.session.get(Synonym, pair_id) is None
        assert _titles(guest.get("/search?q=マングース")) == []
        # The delete form carries its CSRF token: without it nothing happens.
        other = db.session.scalars(sa.select(Synonym)).first()
        assert admin_client.post(f"{EDITOR}/{other.id}/delete").status_code == 400
        assert db.session.get(Synonym, other.id) is not None


@pytest.mark.parametrize("word,other,message", [
    ("", "スリカータ", "語を入力してください。"),
    ("ミーアキャット", "  ", "同じ意味の語を入力してください。"),
    ("ミーアキャット", "ミーアキャット", "同じ語どうしは同義語にできません"),
    ("PHP", "ｐｈｐ", "同じ語どうしは同義語にできません"),  # the same word once normalised
    ("Photoshop", "フォトショ", "の組はすでに登録されています"),  # a seed pair, the other way round
    ("ミーア" * 17, "スリカータ", "50文字以内"),
    ("ミーア\tキャット", "スリカータ", "タブや改行は使えません"),
    ("！？", "スリカータ", "記号だけの語は登録できません"),
])
def test_a_refused_pair_comes_back_filled_in(client, auth, word, other, message):
    make_user("root", role="admin")
    auth.login("root")
    before = db.session.scalar(sa.select(sa.func.count()).select_from(Synonym))
    response = client.post(EDITOR, data={"word": word, "other": other})
    assert response.status_code == 422
    body = text(response)
    assert message in body
    typed = [v for v in (word.strip(), other.strip()) if v and "\t" not in v]
    for value in typed:
        assert f'value="{value}"' in body
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Synonym)) == before


def test_an_edit_into_an_existing_pair_is_refused_and_kept(client, auth):
    make_user("root", role="admin")
    auth.login("root")
    pair = db.session.scalars(sa.select(Synonym).where(Synonym.word == "フォトショ", Synonym.other == "Photoshop")).one()
    mine = Synonym(word="ミーアキャット", other="スリカータ")
    db.session.add(mine)
    db.session.commit()
    response = client.post(f"{EDITOR}/{mine.id}/edit", data={"word": "photoshop", "other": "ふぉとしょ"})
    assert response.status_code == 422 and "すでに登録されています" in text(response)
    assert 'value="photoshop"' in text(response)
    db.session.expire_all()
    assert (mine.word, mine.other) == ("ミーアキャット", "スリカータ")
    # Saving a pair unchanged is not a duplicate of itself.
    assert client.post(f"{EDITOR}/{pair.id}/edit", data={"word": "フォトショ", "other": "Photoshop"}).status_code == 303


def test_the_lookup_follows_a_write_made_by_another_app(make_app):
    """Two workers: one has the table cached, the other adds a pair; the first sees it next."""
    first, second = make_app(), make_app()
    with first.app_context():
        synonyms.refresh()
        assert synonyms.synonyms_of(normalize("ミーアキャット")) == ()
    with second.app_context():
        db.session.add(Synonym(word="ミーアキャット", other="スリカータ"))
        db.session.commit()
    with first.app_context():
        synonyms.refresh()  # what a search does first
        assert (normalize("スリカータ"), "スリカータ") in synonyms.synonyms_of(normalize("ミーアキャット"))


def test_export_writes_the_table_back_in_the_file_format(app, runner, tmp_path):
    db.session.add(Synonym(word="ミーアキャット", other="スリカータ"))
    db.session.delete(db.session.scalars(sa.select(Synonym).where(Synonym.word == "フォトショ")).first())
    db.session.commit()
    target = tmp_path / "synonyms.tsv"
    result = runner.invoke(args=["forum", "synonyms", "export", str(target)])
    assert result.exit_code == 0, result.output
    stored = [(p.word, p.other) for p in db.session.scalars(sa.select(Synonym).order_by(Synonym.id))]
    assert read_pairs(target) == stored
    assert stored[-1] == ("ミーアキャット", "スリカータ")
    assert f"wrote {len(stored)} pairs" in result.output
    assert target.read_text(encoding="utf-8").startswith("# ")


def test_import_adds_what_the_reviewed_file_gained(app, runner, tmp_path):
    mine = Synonym(word="ミーアキャット", other="スリカータ")  # an admin's pair, not in the file
    db.session.add(mine)
    db.session.commit()
    source = tmp_path / "synonyms.tsv"
    source.write_text("# reviewed\nフォトショ\tPhotoshop\nphotoshop\tフォトショ\nマングース\tミーアキャット\n"
                      "同じ\t同じ\n", encoding="utf-8")
    result = runner.invoke(args=["forum", "synonyms", "import", str(source)])
    assert result.exit_code == 0, result.output
    assert "added 1 pairs" in result.output  # the known pair (either order) and the same word are skipped
    db.session.expire_all()
    assert _pair("マングース", "ミーアキャット") is not None
    assert _pair("ミーアキャット", "スリカータ") is not None
    assert runner.invoke(args=["forum", "synonyms", "import", str(source)]).output.strip() == "added 0 pairs"
