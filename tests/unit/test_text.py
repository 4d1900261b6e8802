"""Post HTML: the fast path for plain prose gives exactly what the Markdown parser and the
sanitiser give, and anything that could be markup takes the full path."""
from hypothesis import example, given, settings
from hypothesis import strategies as st

from forum import text

# Japanese prose with the characters posts are made of, plus the ones Markdown cares about.
ALPHABET = st.sampled_from(list("仮払い手数料です。、！？（）「」『』ーアイウabcXYZ019 ") + [
    "\n", "\n\n", "  ", "    ", "\t", "\r", "-", "+", "*", "_", "#", ">", "<", "&", "[", "]", "(", ")", "`",
    "|", "~", "\\", "=", ".", ":", "!", '"', "'", "1.", "2)", "\u3000", "http://example.com", "&amp;",
])


def _slow(source: str) -> str:
    """The full path: markdown-it, then nh3."""
    return text.nh3.clean(text._md.render(source), tags=text.ALLOWED_TAGS, attributes=text.ALLOWED_ATTRIBUTES,
                          url_schemes={"http", "https", "mailto"}, link_rel="nofollow noopener ugc")


@settings(max_examples=1500, deadline=None)
@given(st.lists(ALPHABET, max_size=40).map("".join))
@example("初めての契約です。\n仮払いはまだです\n\n  よろしくお願いします  \n")
@example("1. 手順\n2. 次")
@example("- 箇条書き")
@example("見出し\n===")
@example("    コード")
@example("a  \nb")
def test_plain_prose_renders_as_the_parser_would(source):
    fast = text._plain_paragraphs(source)
    if fast is not None:
        assert fast == _slow(source)
    assert str(text.render_markdown(source)) == _slow(source)


def test_markup_takes_the_full_path():
    for source in ("**強調**", "<script>alert(1)</script>", "[リンク](https://example.com)", "# 見出し",
                   "> 引用", "1. 一つ目", "a & b", "`code`", "| a | b |"):
        assert text._plain_paragraphs(source) is None
    assert "<script" not in str(text.render_markdown("<script>alert(1)</script>"))


def test_most_prose_is_plain():
    assert text._plain_paragraphs("仮払いとは、クライアントが先に報酬を預ける仕組みです。\n安心して作業できます。") == \
        "<p>仮払いとは、クライアントが先に報酬を預ける仕組みです。<br>\n安心して作業できます。</p>\n"
