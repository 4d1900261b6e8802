"""The search page's shortcuts give the same answers as the long way: scoring fields kept
between searches (kept_fields.py) follow every write, and snippets placed without the
character-by-character normalisation mark the same characters (both engines for the first)."""
import json

import pytest

from forum.extensions import db
from forum.search import index, ranking, snippets
from forum.search.backends import backend_for, candidates
from forum.search.services import search_threads
from forum.search.snippets import _mapped, highlight
from forum.text import normalize_with_map
from tests.factories import resolved_thread
from tests.search import graded_eval


def _titles(text: str) -> list[str]:
    return [item.question.title for item in search_threads(text, None, 1, 20).items]


def test_kept_scoring_fields_are_read_once_and_follow_an_edit(app, people, monkeypatch):
    asker, answerer = people
    first = resolved_thread(asker, answerer, "見積書の書き方", "見積書の項目を教えてください", "はい")
    other = resolved_thread(asker, answerer, "相談です", "先日の見積もりについて、見積書を出すべきか", "はい")
    read: list[int] = []
    real_read = ranking._read

    def counting(session, ids):
        read.extend(ids)
        return real_read(session, ids)

    monkeypatch.setattr(ranking, "_read", counting)
    assert _titles("見積書") == ["見積書の書き方", "相談です"]
    assert len(read) == 2
    read.clear()
    assert _titles("見積書") == ["見積書の書き方", "相談です"]
    assert read == []  # both kept from the first search

    # An edit moves the content version: the next search reads the thread again and ranks
    # it by its new text (kept fields would still rank it second).
    other.title = "見積書の見積書：見積書テンプレート"
    index.refresh(other)
    db.session.commit()
    assert _titles("見積書") == ["見積書の見積書：見積書テンプレート", "見積書の書き方"]
    assert sorted(read) == sorted([first.id, other.id])


def test_hidden_thread_leaves_the_results_although_its_fields_were_kept(app, people):
    asker, answerer = people
    resolved_thread(asker, answerer, "源泉徴収の計算", "本文", "はい")
    gone = resolved_thread(asker, answerer, "源泉徴収票がない", "本文", "はい")
    assert sorted(_titles("源泉徴収")) == ["源泉徴収の計算", "源泉徴収票がない"]
    gone.is_hidden = True
    index.refresh(gone)
    db.session.commit()
    assert _titles("源泉徴収") == ["源泉徴収の計算"]


def _windows() -> list[str]:
    texts = ["ＡＢＣｶﾞｰﾄﾞ", "Straße ﬁle", "サーバーのｻｰﾊﾞｰ", "ﾊﾟｿｺﾝ㍻", "e\u0301", "カ\u3099ード", "ウェブ—デザイン",
             # runs of ー and dashes: after kana only their ー run's start goes (a dash after
             # a dash stays one), after anything else they stay
             "サーバー——それは", "カ——ード", "ア—a—ーb", "—ー—", "漢ー字—ーあ", "カ―ー−ーい"]
    for line in graded_eval.corpus_lines():
        r = json.loads(line)
        texts += [r["title"], r["body"]] + [a["body"] for a in r["answers"]]
    return [t[i:i + 160] for t in texts for i in range(0, len(t), 37)]


def test_snippet_positions_without_the_slow_walk_match_it(monkeypatch):
    windows = _windows()
    slow_walks = []

    def counted(text):
        slow_walks.append(text)
        return normalize_with_map(text)

    monkeypatch.setattr(snippets, "normalize_with_map", counted)
    for window in windows:
        norm, offsets = _mapped(window)
        assert (norm, list(offsets)) == normalize_with_map(window), window
    # The shortcut is what nearly all text takes (here: all but the half-width and
    # composed samples); the slow walk stays for the rest.
    assert 0 < len(slow_walks) < len(windows) // 20


def test_marks_land_on_the_original_characters():
    assert highlight("ｻｰﾊﾞｰの設定とサーバー移転", ["さば"]) == (
        "<mark>ｻｰﾊﾞｰ</mark>の設定と<mark>サーバー</mark>移転")
    assert highlight("請求書の宛名", ["請求書"]) == "<mark>請求書</mark>の宛名"


def test_a_common_one_character_term_is_read_from_the_newest_rows_with_the_index_s_answers(
        app, people, monkeypatch):
    if db.session.get_bind().dialect.name != "sqlite":
        pytest.skip("SQLite's FTS5 prefix queries")
    asker, answerer = people
    for i in range(40):  # 料 in most threads (title, body or answer), 税 in a few, newest last
        where = i % 4
        resolved_thread(asker, answerer, f"質問{i}" + ("料金" if where == 0 else ""),
                        "本文" + ("手数料" if where == 1 else "") + ("税" if i % 9 == 0 else ""),
                        "回答" + ("料" if where == 2 else ""), category=("urgent", "in_trouble")[i % 2])
    for probe, walk in (("SQLITE_PROBE", "SQLITE_WALK"), ("SQLITE_TITLE_PROBE", "SQLITE_TITLE_WALK")):
        monkeypatch.setattr(candidates, probe, 8)
        monkeypatch.setattr(candidates, walk, 40)
    walks: list[list | None] = []
    real_walk = candidates._sqlite_walk

    def spied(*args):
        walks.append(real_walk(*args))
        return walks[-1]

    def indexed(call: dict) -> list:
        monkeypatch.setattr(candidates, "_sqlite_walk", lambda *args: None)
        try:
            return backend_for(db.session).candidates(db.session, **call)
        finally:
            monkeypatch.setattr(candidates, "_sqlite_walk", spied)

    monkeypatch.setattr(candidates, "_sqlite_walk", spied)
    calls = [  # probe only, probe and walk, more than the walk holds, sparse, titles, with conditions
        {"groups": [("料",)], "excludes": (), "limit": 3},
        {"groups": [("料",)], "excludes": (), "limit": 12},
        {"groups": [("料",)], "excludes": (), "limit": 100},
        {"groups": [("税",)], "excludes": (), "limit": 5},
        {"groups": [("料",)], "excludes": (), "limit": 5, "title_only": True},
        {"groups": [("料",), ("質問",)], "excludes": ("手数料",), "limit": 10, "category": "urgent"},
        {"groups": [("料",), ("税",)], "excludes": (), "mode": "any", "limit": 15},
        {"groups": [("料", "税")], "excludes": ("金",), "limit": 9, "category": "in_trouble"},
        {"groups": [("料", "税")], "excludes": ("手数料",), "limit": 20, "title_only": True},
    ]
    for call in calls:
        walks.clear()
        assert backend_for(db.session).candidates(db.session, **call) == indexed(call), call
        assert len(walks) == 1
    assert [len(indexed(c)) for c in calls] == [3, 12, 30, 5, 5, 10, 15, 9, 10]
    # The walk answered the dense ones; the index the rest (none left for 100 in 40 rows).
    walks.clear()
    for call in calls[:5]:
        backend_for(db.session).candidates(db.session, **call)
    assert [w is not None for w in walks] == [True, True, False, False, True]
