"""Character n-grams of normalised text: the tokens both search backends index."""
import re
from dataclasses import dataclass

# Runs of letters and digits; everything else (spaces, punctuation, symbols) separates runs.
_RUN = re.compile(r"[^\W_]+")
# PostgreSQL lexemes cover n-grams up to this length exactly; longer terms are rechecked.
PG_MAX_GRAM = 3
# Field prefixes of PostgreSQL lexemes, in ranking order (title > body > best > others).
FIELD_PREFIXES = ("t", "b", "a", "o")


def runs(text: str) -> list[str]:
    return _RUN.findall(text)


def fts_tokens(text: str | None) -> str:
    """SQLite FTS5 tokens: each run's bigrams in order, then its last character alone.

    The lone last character lets a 1-character prefix query find a character at the end of
    a run, and it separates runs so a phrase of bigrams can only match inside one run.
    """
    out = []
    for run in _RUN.findall(text or ""):
        out.extend(run[i:i + 2] for i in range(len(run) - 1))
        out.append(run[-1])
    return " ".join(out)


def pg_lexemes(prefix: str, text: str) -> set[str]:
    """PostgreSQL lexemes for one field: every 2..PG_MAX_GRAM-gram and each run's last char."""
    out = set()
    for run in _RUN.findall(text or ""):
        n = len(run)
        for size in range(2, PG_MAX_GRAM + 1):
            out.update(prefix + run[i:i + size] for i in range(n - size + 1))
        out.add(prefix + run[-1])
    return out


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
