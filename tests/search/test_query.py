"""Query syntax: terms, full-width spaces, "phrases", -excludes."""
from forum.search.ngrams import document_lexemes, fts_tokens, pg_lexemes, plan_term
from forum.search.query import parse_query


def test_terms_split_on_ascii_and_full_width_spaces():
    assert parse_query("仮払い 手数料　源泉").terms == ("仮払い", "手数料", "源泉")


def test_phrases_keep_spaces_and_excludes_are_separate():
    q = parse_query('"web デザイン" -ロゴ 契約')
    assert q.terms == ("web でざいん", "契約")
    assert q.excludes == ("ろご",)


def test_short_terms_are_kept_and_symbols_dropped():
    q = parse_query("税 CM !! -")
    assert q.terms == ("税", "cm")


def test_duplicates_collapse_and_empty_is_empty():
    assert parse_query("仮払 仮払").terms == ("仮払",)
    assert parse_query("   ").is_empty
    assert parse_query("-だけ").is_empty


def test_tokens_separate_runs():
    assert fts_tokens("仮払い、ok") == "仮払 払い い ok k"
    assert pg_lexemes("t", "abc") == {"tab", "tbc", "tc"}
    assert sorted(document_lexemes("ab", "", "", "cd")) == ["ocd", "od", "tab", "tb"]
    # Other answers add only grams no other field has: "ab" and "b" are already under t.
    assert sorted(document_lexemes("ab", "bc", "", "ab cd bc")) == ["bbc", "bc", "ocd", "od", "tab", "tb"]
    assert plan_term("node.js").runs == ("node", "js")
    assert plan_term("!!") is None
