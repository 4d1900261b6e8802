"""The trade's own vocabulary: pairs of words that find each other at query time.

The pairs live in the `synonyms` table, which admins edit in the browser (synonym_admin.py).
synonyms.tsv (one pair a line, tab-separated, both directions), reviewed like code, is its
seed: migration 0007 fills the table from it, and `flask forum synonyms export` writes the
table back to it. Words are compared in normal form (forum.text.normalize).

Every search looks words up here, so the table is kept per process, keyed on the page
cache's content version: any write through the ORM moves that version in its own
transaction, and a search first compares it (refresh), so an admin's edit is seen by the
next search on every worker. The version is read at most once per request (a guest's
request has read it already, for the page cache) and again after a commit.
"""
from functools import lru_cache
from pathlib import Path

import sqlalchemy as sa
from flask import has_app_context

from .. import pagecache
from ..extensions import db
from ..models import SYNONYM_MAX, Synonym
from ..text import normalize

SYNONYMS_FILE = Path(__file__).with_name("synonyms.tsv")
FILE_HEADER = (
    "# The trade's own vocabulary: one pair of words a line, separated by a tab; each finds\n"
    "# the other at query time (both directions). Lines starting with # are comments.\n"
    "# Reviewed like code; see docs/search.md. Admins edit the pairs in the browser\n"
    "# (/search/synonyms); `flask forum synonyms export` writes them back here.\n"
)

Table = dict[str, tuple[tuple[str, str], ...]]
_kept: dict[str, tuple[str, Table]] = {}


def read_pairs(path: Path = SYNONYMS_FILE) -> list[tuple[str, str]]:
    """The file's pairs as written (comments and blank lines skipped)."""
    pairs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        parts = [p.strip() for p in line.split("\t")]
        if len(parts) == 2 and all(parts):
            pairs.append((parts[0], parts[1]))
    return pairs


def file_text(pairs: list[tuple[str, str]]) -> str:
    """The file's content for these pairs (what export writes; read_pairs reads it back)."""
    return FILE_HEADER + "".join(f"{a}\t{b}\n" for a, b in pairs)


@lru_cache(maxsize=4096)
def normal(word: str) -> str:
    """A word's normal form (kept: the table is rebuilt after every write to the forum)."""
    return normalize(word)


def build(pairs: list[tuple[str, str]]) -> Table:
    """normal form of a word → its synonyms as (normal form, as written)."""
    out: dict[str, list[tuple[str, str]]] = {}
    for a, b in pairs:
        na, nb = normal(a), normal(b)
        if not na or not nb or na == nb:
            continue
        out.setdefault(na, []).append((nb, b))
        out.setdefault(nb, []).append((na, a))
    return {k: tuple(dict.fromkeys(v)) for k, v in out.items()}


@lru_cache(maxsize=1)
def file_table() -> Table:
    """The file's table: what code running without a database (no app context) uses."""
    return build(read_pairs())


def stored_pairs() -> list[tuple[str, str]]:
    """The table's pairs in the order they were added."""
    return [(a, b) for a, b in db.session.execute(sa.select(Synonym.word, Synonym.other).order_by(Synonym.id))]


def add_missing(pairs: list[tuple[str, str]]) -> int:
    """Store the pairs the table lacks (compared in normal form, in either order); commits.
    Pairs of one word with itself, or with a word of only symbols, are skipped."""
    known = {frozenset((normal(a), normal(b))) for a, b in stored_pairs()}
    added = 0
    for a, b in pairs:
        key = frozenset((normal(a), normal(b)))
        if len(key) == 2 and all(key) and key not in known and max(len(a), len(b)) <= SYNONYM_MAX:
            db.session.add(Synonym(word=a, other=b))
            known.add(key)
            added += 1
    db.session.commit()
    return added


def refresh() -> None:
    """Reload the table if the content version moved since it was read. The search page and
    the ask form's similar questions call this first, so an admin's edit applies to the next
    search on every worker; other lookups (a thread page's related threads) take the table as
    this process last read it, and cost no statement."""
    if has_app_context():
        pagecache.kept_until_write(_kept, lambda: build(stored_pairs()))


def table() -> Table:
    """The stored pairs as a lookup (see refresh); the file's when there is no app."""
    if not has_app_context():
        return file_table()
    kept = _kept.get(str(db.engine.url))
    if kept is None:
        refresh()
        kept = _kept[str(db.engine.url)]
    return kept[1]


def synonyms_of(term: str) -> tuple[tuple[str, str], ...]:
    """Synonyms of a normalised query word, (normal form, as written); () for unknown words."""
    return table().get(term, ())
