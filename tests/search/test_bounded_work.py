"""The search page's shortcuts give the same answers as the long way: scoring fields kept
between searches (kept_fields.py) follow every write, and snippets placed without the
character-by-character normalisation mark the same characters (both engines for the first)."""
import json

from forum.extensions import db
from forum.search import index, ranking, snippets
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
    texts = ["ＡＢＣｶﾞｰﾄﾞ", "Straße ﬁle", "サーバーのｻｰﾊﾞｰ", "ﾊﾟｿｺﾝ㍻", "e\u0301", "カ\u3099ード", "ウェブ—デザイン"]
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
