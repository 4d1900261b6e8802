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


def render_markdown(text: str) -> Markup:
    """Render user Markdown; nh3 is the single sanitiser every post goes through."""
    html = _md.render(text or "")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener ugc",
    )
    return Markup(clean)


def plain_text(text: str) -> str:
    """Markdown source to readable plain text (for excerpts and search snippets)."""
    text = re.sub(r"```.*?```", " ", text or "", flags=re.S)
    text = re.sub(r"[`*_>#~|\[\]()!-]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


# --- normalisation --------------------------------------------------------------------------

_VOICED_MARKS = "\uff9e\uff9f\u3099\u309a\u309b\u309c"


def _is_kana(ch: str) -> bool:
    return "\u3041" <= ch <= "\u309f" or "\u30a0" <= ch <= "\u30ff"


def _is_katakana(ch: str) -> bool:
    return "\u30a1" <= ch <= "\u30ff"


@lru_cache(maxsize=4096)
def _fold_unit(unit: str) -> tuple[str, bool]:
    """NFKC, casefold and katakana→hiragana for one character (with its voiced mark).

    Also says whether the unit was katakana, which decides where a katakana word ends.
    """
    nfkc = unicodedata.normalize("NFKC", unit)
    was_katakana = any(_is_katakana(c) for c in nfkc)
    out = []
    for ch in nfkc.casefold():
        if "\u30a1" <= ch <= "\u30f6":
            ch = chr(ord(ch) - 0x60)
        out.append(ch)
    return "".join(out), was_katakana


def _units(text: str):
    """Split text into characters, keeping a half-width voiced mark with its kana."""
    i, n = 0, len(text)
    while i < n:
        j = i + 1
        while j < n and text[j] in _VOICED_MARKS:
            j += 1
        yield i, text[i:j]
        i = j


def normalize_with_map(text: str) -> tuple[str, list[int]]:
    """Normalise text and return, for each output character, its index in the input.

    Folding: NFKC (full-width Ａ１ and half-width ｶﾅ), case, katakana to hiragana, and a
    long-vowel mark that ends a kana word is dropped, so サーバー and サーバ index alike.
    The map lets snippets highlight the original text at the matched place.
    """
    chars: list[str] = []
    katakana: list[bool] = []
    offsets: list[int] = []
    for start, unit in _units(text or ""):
        folded, was_katakana = _fold_unit(unit)
        for ch in folded:
            chars.append(ch)
            katakana.append(was_katakana)
            offsets.append(start)
    out_chars: list[str] = []
    out_offsets: list[int] = []
    n = len(chars)
    for i, ch in enumerate(chars):
        # A word-final ー: after kana, and not followed by more of the same word
        # (katakana continues a katakana word, hiragana a hiragana one).
        if ch == "ー" and i > 0 and _is_kana(chars[i - 1]):
            nxt = i + 1
            same_word = (
                nxt < n
                and _is_kana(chars[nxt])
                and chars[nxt] != "ー"
                and katakana[nxt] == katakana[i - 1]
            )
            if not same_word:
                continue
        out_chars.append(ch)
        out_offsets.append(offsets[i])
    return "".join(out_chars), out_offsets


def normalize(text: str) -> str:
    """The normal form used for both indexed text and queries."""
    return normalize_with_map(text)[0]
