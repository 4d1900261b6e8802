"""Markdown to safe HTML, and the one Japanese normaliser used for indexing and queries."""
import re
import unicodedata
from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "breaks": True}).enable(
    ["table", "strikethrough"]
)

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "del", "code", "pre", "blockquote", "ul", "ol", "li",
    "a", "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"style"}, "td": {"style"}}


# Most posts are plain prose: no character that Markdown or HTML treats specially, no line
# that could open a list, heading, quote or code block. Their HTML is paragraphs and line
# breaks, built directly (an import renders 100,000 posts; the parser and the sanitiser
# cost ~0.1 ms each). tests/unit/test_text.py checks both paths give the same HTML.
_NOT_PLAIN = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f`*_\[\]<>&|~\\#\u2028\u2029]"
                        r"|^ *(?:[-+=>]|\d{1,9}[.)]|    )"
                        r"|^ *[^\S ]|[^\S \n] *$", re.M)  # other whitespace at a line's edge (U+3000, NBSP)


def _plain_paragraphs(text: str) -> str | None:
    """The HTML markdown-it and nh3 would give for plain prose; None when it is not plain."""
    if _NOT_PLAIN.search(text):
        return None
    paragraphs, lines = [], []
    for line in text.split("\n") + [""]:
        line = line.strip(" ")
        if line:
            lines.append(line)
        elif lines:
            paragraphs.append("<p>" + "<br>\n".join(lines) + "</p>\n")
            lines = []
    return "".join(paragraphs)


def stored_html(text: str) -> str | None:
    """What to keep in a post's body_html: None for plain prose, whose HTML costs less to
    build again than to store and read (most posts); the sanitised HTML otherwise."""
    if _plain_paragraphs(text or "") is not None:
        return None
    return str(render_markdown(text))


def render_markdown(text: str) -> Markup:
    """Render user Markdown; nh3 is the single sanitiser every post goes through."""
    plain = _plain_paragraphs(text or "")
    if plain is not None:
        return Markup(plain)  # nosec B704 # nothing in it can be markup (see _NOT_PLAIN)
    html = _md.render(text or "")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener ugc",
    )
    return Markup(clean)  # nosec B704 # nh3 has just sanitised it


_LINE_MARKERS = re.compile(r"^[ \t]{0,3}(?:#{1,6}|>+|[-*+]|\d+[.)])[ \t]+", re.M)
_INLINE_MARKERS = re.compile(r"```\w*|[`*~|]+|!?\[|\]\(?")


# Every character either marker pattern needs (the digits' "." and ")"): a text without any
# is plain prose, and only its whitespace is folded (an import folds 100,000 posts).
_ANY_MARKER = re.compile(r"[#>*+\-.)`~|\[\]]")


def plain_text(text: str) -> str:
    """Markdown source to readable plain text (for search documents and snippets).

    Only the markup goes: line markers (#, >, list bullets), emphasis, code fences and link
    brackets. Hyphens, underscores and code stay, so "e-Tax" and "snake_case" are found.
    """
    text = text or ""
    if _ANY_MARKER.search(text):
        text = _LINE_MARKERS.sub("", text)
        text = _INLINE_MARKERS.sub(" ", text)
    # str.split() and regex \s agree on what whitespace is (Unicode white space): the same
    # as re.sub(r"\s+", " ", text).strip(), several times faster.
    return " ".join(text.split())


# --- normalisation --------------------------------------------------------------------------
#
# normalize() runs on whole strings with C-speed steps (it indexes 100,000 threads on import);
# normalize_with_map() does the same per character to know where each output character came
# from (for highlighting). The tests check that both agree.

_VOICED_MARKS = "\uff9e\uff9f\u3099\u309a\u309b\u309c"
# Dashes people type instead of ー inside a katakana word (サ―バ, サーバ−).
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2500\u2501\uff0d"
_KATA_TO_HIRA = {c: c - 0x60 for c in range(0x30A1, 0x30F7)} | {0x30FD: 0x309D, 0x30FE: 0x309E}
_KATAKANA = "\u30a1-\u30fa\u30fd\u30fe\u31f0-\u31ff"
_ANY_DASH = re.compile(f"[{_DASHES}]")
_DASH_AFTER_KATAKANA = re.compile(f"(?<=[{_KATAKANA}\u30fc])[{_DASHES}]")
_LONG_VOWELS = re.compile("\u30fc+")
_KATAKANA_RUN = re.compile("[" + "".join(map(chr, _KATA_TO_HIRA)) + "]+")
_IS_KANA = re.compile(f"[{_KATAKANA}\u3041-\u3096\u309d\u309e]")


def _folded_long_vowels(text: str) -> list[tuple[int, int]]:
    """Spans of ー runs to drop: every one that follows kana. Loanwords are written with and
    without it anywhere (サーバーサイド, サーバサイド), and a reader typing hiragana (らんさーず)
    cannot be told apart from one typing katakana once both are folded, so all go."""
    return [m.span() for m in _LONG_VOWELS.finditer(text) if m.start() > 0 and _IS_KANA.match(text, m.start() - 1)]


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    if _ANY_DASH.search(text):
        text = _DASH_AFTER_KATAKANA.sub("\u30fc", text)
    if "\u30fc" in text:
        parts, pos = [], 0
        for start, end in _folded_long_vowels(text):
            parts.append(text[pos:start])
            pos = end
        parts.append(text[pos:])
        text = "".join(parts)
    # Only the katakana runs: str.translate looks every character up (a KeyError for each
    # one not in the table), twice as slow over mostly kanji and hiragana.
    return _KATAKANA_RUN.sub(_to_hiragana, text)


def _to_hiragana(match: re.Match) -> str:
    return match.group().translate(_KATA_TO_HIRA)


def normalize(text: str) -> str:
    """The normal form used for both indexed text and queries.

    NFKC (full-width Ａ１ and half-width ｶﾅ), case folding, katakana to hiragana, dashes
    inside katakana read as ー, and every ー after kana dropped, so サーバー, サーバ and さーば
    index alike, and サーバーサイド as サーバサイド.
    """
    return _fold(text or "")


def _units(text: str):
    """Split text into a base character plus its combining marks (NFKC works per unit)."""
    i, n = 0, len(text)
    while i < n:
        j = i + 1
        while j < n and (text[j] in _VOICED_MARKS or unicodedata.combining(text[j])):
            j += 1
        yield i, text[i:j]
        i = j


@lru_cache(maxsize=8192)
def _nfkc_unit(unit: str) -> str:
    return unicodedata.normalize("NFKC", unit).casefold()


def normalize_with_map(text: str) -> tuple[str, list[int]]:
    """normalize(text) and, for each output character, its index in the input."""
    text = text or ""
    chars: list[str] = []
    offsets: list[int] = []
    for start, unit in _units(text):
        for ch in _nfkc_unit(unit):
            chars.append(ch)
            offsets.append(start)
    folded = "".join(chars)
    # The same regex steps as _fold(), applied with a map: keep surviving positions.
    folded = _DASH_AFTER_KATAKANA.sub("\u30fc", folded)
    keep = [True] * len(folded)
    for start, end in _folded_long_vowels(folded):
        for k in range(start, end):
            keep[k] = False
    out = "".join(ch for ch, k in zip(folded, keep, strict=True) if k).translate(_KATA_TO_HIRA)
    out_offsets = [o for o, k in zip(offsets, keep, strict=True) if k]
    if out != normalize(text):  # exotic composition across units: highlight coarsely
        out = normalize(text)
        out_offsets = [min(i * len(text) // max(len(out), 1), max(len(text) - 1, 0)) for i in range(len(out))]
    return out, out_offsets
