"""Character n-grams of normalised text and the recency key: what both search backends index."""
import re
from array import array
from bisect import bisect_left
from dataclasses import dataclass
from datetime import UTC, datetime

# Runs of letters and digits; everything else (spaces, punctuation, symbols) separates runs.
_RUN = re.compile(r"[^\W_]+")
# Prefixes of PostgreSQL lexemes: title, body, best answer, other answers (tiers 0-3).
FIELD_PREFIXES = ("t", "b", "a", "o")
# The recency key: whole seconds since 2000-01-01 UTC, times 2**32, plus the question id.
# Both engines order by it (newest first, then the higher id); SQLite uses it as the FTS5
# rowid so a doclist streams in that order. The migration computes the same in SQL.
KEY_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
KEY_EPOCH_UNIX = 946684800
KEY_SHIFT = 2 ** 32


def runs(text: str) -> list[str]:
    return _RUN.findall(text)


def sort_key(created_at: datetime, question_id: int) -> int:
    """The recency key of a thread (see KEY_EPOCH); sub-second differences are ignored."""
    if created_at.tzinfo is None:
        created_at = created_at.replace(tzinfo=UTC)
    seconds = (created_at.replace(microsecond=0) - KEY_EPOCH) // _SECOND
    return seconds * KEY_SHIFT + question_id


_SECOND = datetime(2000, 1, 1, 0, 0, 1, tzinfo=UTC) - KEY_EPOCH


def fts_tokens(text: str | None) -> str:
    """SQLite FTS5 tokens: each run's bigrams in order, then its last character alone.

    The lone last character lets a 1-character prefix query find a character at the end of
    a run, and it separates runs so a phrase of bigrams can only match inside one run.
    """
    out: list[str] = []
    add = out.append
    for run in _RUN.findall(text or ""):
        if len(run) > 1:
            add(" ".join(map(str.__add__, run, run[1:])))
        add(run[-1])
    return " ".join(out)


_NOT_IN_RUN = re.compile(r"[\W_]")
_RUN_HEAD = re.compile(r"(?:^|(?<= ))[^ ]")
_SPACE32 = b" \0\0\0"


def fts_token_stream(text: str | None) -> str:
    """fts_tokens(text) with more spaces between some tokens: the same FTS5 tokens at the
    same positions, built in C over the whole text at once (bulk loads index 100,000
    threads; this is twice as fast). Each run character i gives "text[i] text[i+1] space",
    or "text[i] space space" at the end of its run, as three UTF-32 slots."""
    spaced = _NOT_IN_RUN.sub(" ", text or "")  # one space per character outside the runs
    n = len(spaced)
    if not n:
        return ""
    # The character after each one, or a space where a run ends (the next run's first
    # character blanked out).
    following = _RUN_HEAD.sub(" ", spaced)[1:] + " "
    out = memoryview(bytearray(12 * n)).cast("I")
    out[0::3] = memoryview(spaced.encode("utf-32-le")).cast("I")
    out[1::3] = memoryview(following.encode("utf-32-le")).cast("I")
    out[2::3] = memoryview(_SPACE32 * n).cast("I")
    return str(out, "utf-32-le")


def grams(text: str | None) -> set[str]:
    """Every bigram of each run of `text`, and each run's last character."""
    out: set[str] = set()
    for run in _RUN.findall(text or ""):
        out.update(map(str.__add__, run, run[1:]))
        out.add(run[-1])
    return out


def pg_lexemes(prefix: str, text: str) -> set[str]:
    """PostgreSQL lexemes for one field: its grams() behind the field's prefix."""
    return {prefix + g for g in grams(text)}


def document_lexemes(title: str, body: str, best: str, others: str) -> list[str]:
    """A thread's PostgreSQL lexemes: t/b/a + grams of title, body, best answer, and o + the
    grams of the other answers that none of those has. Other answers are only ever searched
    as "in any field" (tier 3, counting), which asks t|b|a|o per gram, so a gram already
    under t, b or a need not be repeated: a third fewer lexemes to store and index."""
    fields = [grams(title), grams(body), grams(best)]
    seen = fields[0].union(fields[1], fields[2])
    out = [prefix + g for prefix, found in zip(FIELD_PREFIXES[:3], fields, strict=True) for g in found]
    out.extend("o" + g for g in grams(others) - seen)
    return out


# A gram as one integer: its first character's code point times 2**32 plus its second's,
# or plus a space's for a run's last character alone (a space sorts before any character of
# a run, as "x" sorts before "xy"). Integers sort as the grams' strings do.
# Positions outside the runs give codes that start with a space: below this one, so they
# sort first and are cut off there (cheaper than blanking them out of the text).
_FIRST_GRAM = 0x21 << 32


def _gram_codes(text: str) -> set[int]:
    """grams(text) as integers (see above), made in C over the whole text at once: the
    set then hashes one small integer per character instead of a new string. Holds codes
    below _FIRST_GRAM too (what the separators give)."""
    spaced = _NOT_IN_RUN.sub(" ", text or "")
    n = len(spaced)
    if not n:
        return set()
    pairs = memoryview(bytearray(8 * n)).cast("I")  # little-endian: the low half first
    pairs[1::2] = memoryview(spaced.encode("utf-32-le")).cast("I")
    pairs[0::2] = memoryview((spaced[1:] + " ").encode("utf-32-le")).cast("I")
    return set(pairs.cast("B").cast("Q"))


def _spelled(prefix: str, codes: set[int]) -> str:
    """The codes of grams in order, each as prefix + its gram + a space; a lone character
    is followed by two spaces (its "second character" is one)."""
    ordered = sorted(codes)
    ordered = ordered[bisect_left(ordered, _FIRST_GRAM):]
    m = len(ordered)
    if not m:
        return ""
    pairs = memoryview(array("Q", ordered)).cast("B").cast("I")
    out = memoryview(bytearray(16 * m)).cast("I")
    out[0::4] = array("I", [ord(prefix)]) * m
    out[1::4] = pairs[1::2]
    out[2::4] = pairs[0::2]
    out[3::4] = array("I", [0x20]) * m
    return str(out, "utf-32-le")


def document_lexeme_text(title: str, body: str, best: str, others: str) -> str:
    """document_lexemes() sorted by code point and separated by spaces (some by two), as
    PostgreSQL's tsvector input reads them: what a bulk load sends. About half the CPU of
    sorting and joining document_lexemes' strings, which a large import does per thread."""
    t, b, a = _gram_codes(title), _gram_codes(body), _gram_codes(best)
    o = _gram_codes(others) - t - b - a
    # Sorted by prefix (a < b < o < t), then by gram.
    return "".join(_spelled(prefix, codes) for prefix, codes in (("a", a), ("b", b), ("o", o), ("t", t)))


@dataclass(frozen=True)
class Term:
    """One query term (already normalised) and the runs the index can look up."""

    text: str
    runs: tuple[str, ...]

    @property
    def single_run(self) -> bool:
        return len(self.runs) == 1 and self.runs[0] == self.text


def plan_term(text: str) -> Term | None:
    """None for a term with no letters or digits (only symbols): the index cannot serve it."""
    found = tuple(runs(text))
    return Term(text, found) if found else None
