"""The one normaliser, used for indexed text and queries alike."""
import pytest

from forum.search.query import parse_query
from forum.text import normalize, normalize_with_map


@pytest.mark.parametrize("written, typed", [
    ("ＡＢＣ１２３", "abc123"),          # full-width letters and digits
    ("ｻｰﾊﾞｰ", "サーバー"),              # half-width kana, with a voiced mark
    ("ｶﾞｲﾄﾞ", "ガイド"),
    ("Python", "PYTHON"),               # case
    ("ランサーズ", "らんさーず"),        # katakana and hiragana fold together
    ("サーバー", "サーバ"),             # word-final long-vowel mark
    ("コンピューター", "コンピュータ"),
    ("サーバーの設定", "サーバの設定"),   # a katakana word ends before hiragana
    ("サ―バ", "サーバ"),                # a dash typed for ー inside katakana
    ("サーバーサイド", "サーバサイド"),    # ー inside a katakana word
    ("ユーザー", "ユザ"),
])
def test_variants_fold_to_the_same_form(written, typed):
    assert normalize(written) == normalize(typed)


def test_every_long_vowel_mark_after_kana_folds():
    assert normalize("サーバーサイド") == normalize("サーバサイド") == normalize("さーばさいど")
    assert normalize("ラーメン") == normalize("ラメン") == "らめん"
    assert normalize("すごーい") == "すごい"
    assert normalize("ー") == "ー" and normalize("漢ー") == "漢ー"  # not after kana: kept


@pytest.mark.parametrize("text", ["ｻｰﾊﾞｰの設定をＡＢＣで", "Straße サーバー。", "e\u0301té", "", "ーー",
                                  "サーバーサイドのすごーい話"])
def test_map_agrees_with_normalize(text):
    out, offsets = normalize_with_map(text)
    assert out == normalize(text)
    assert len(offsets) == len(out)
    assert all(0 <= o < max(len(text), 1) for o in offsets)


def test_query_uses_the_same_normaliser():
    assert parse_query("ｻｰﾊﾞｰ　ＡＢＣ").terms == (normalize("サーバ"), "abc")
