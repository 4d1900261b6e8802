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
#
# normalize() runs on whole strings with C-speed steps (it indexes 100,000 threads on import);
# normalize_with_map() does the same per character to know where each output character came
# from (for highlighting). The tests check that both agree.

_VOICED_MARKS = "\uff9e\uff9f\u3099\u309a\u309b\u309c"
# Dashes people type instead of ー inside a katakana word (サ―バ, サーバ−).
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2500\u2501\uff0d"
_KATA_TO_HIRA = {c: c - 0x60 for c in range(0x30A1, 0x30F7)} | {0x30FD: 0x309D, 0x30FE: 0x309E}
_KATAKANA = "\u30a1-\u30fa\u30fd\u30fe\u31f0-\u31ff"
_KANA = "\u3041-\u3096\u309d\u309e" + _KATAKANA
_DASH_AFTER_KATAKANA = re.compile(f"(?<=[{_KATAKANA}\u30fc])[{_DASHES}]")
# A word-final ー (or run of them): after kana, not followed by more kana of the same script.
_FINAL_LONG_VOWEL_KATA = re.compile(f"(?<=[{_KATAKANA}])\u30fc+(?![{_KATAKANA}])")
_FINAL_LONG_VOWEL_HIRA = re.compile("(?<=[\u3041-\u3096\u309d\u309e])\u30fc+(?![\u3041-\u3096\u309d\u309e])")


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _DASH_AFTER_KATAKANA.sub("\u30fc", text)
    text = _FINAL_LONG_VOWEL_KATA.sub("", text)
    text = _FINAL_LONG_VOWEL_HIRA.sub("", text)
    return text.translate(_KATA_TO_HIRA)


def normalize(text: str) -> str:
    """The normal form used for both indexed text and queries.

    NFKC (full-width Ａ１ and half-width ｶﾅ), case folding, katakana to hiragana, dashes
    inside katakana read as ー, and a ー that ends a kana word dropped, so サーバー, サーバ
    and さーば index alike.
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
    for pattern in (_FINAL_LONG_VOWEL_KATA, _FINAL_LONG_VOWEL_HIRA):
        for m in pattern.finditer(folded):
            for k in range(m.start(), m.end()):
                keep[k] = False
    out = "".join(ch for ch, k in zip(folded, keep) if k).translate(_KATA_TO_HIRA)
    out_offsets = [o for o, k in zip(offsets, keep) if k]
    if out != normalize(text):  # exotic composition across units: highlight coarsely
        out = normalize(text)
        out_offsets = [min(i * len(text) // max(len(out), 1), max(len(text) - 1, 0)) for i in range(len(out))]
    return out, out_offsets
