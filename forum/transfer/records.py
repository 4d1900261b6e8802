"""Import lines to ready-to-write records: validation, search documents and index data.

Everything here is pure (no database, no app), so a large import runs it in worker
processes while the main process writes the previous batches (forum/transfer/jsonl.py).
"""
import json
import re
from collections import deque
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from multiprocessing import get_all_start_methods, get_context

from ..database.bulk import sqlite_time
from ..inputs import clean_text
from ..models import ASKER_TYPES, CATEGORIES, CLOSE_REASONS
from ..models.counters import minutes_from
from ..search.backends import backend_named
from ..search.backends.base import DOCUMENT_COLUMNS
from ..search.index import document_row
from ..text import stored_html
from .rows import row_tail

# Lines a worker prepares at a time, and how many such chunks may wait, prepared, per worker
# (a bound on memory when the writer is slower than the workers).
CHUNK = 500
AHEAD = 2


class BadLine(ValueError):
    """A line that cannot be imported; the message says why (in English for operators)."""


def _time(value, fallback: datetime) -> datetime:
    if not value:
        return fallback
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError as exc:
        raise BadLine(f"bad created_at: {value!r}") from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


# JSON can spell half of a UTF-16 pair (\ud800) on its own: no character, and no database stores it.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
# What clean_text changes (CR, control characters but tab and LF) or refuses: most texts
# hold none, and one pass finds that (clean_text and the surrogate check take three).
_NEEDS_CLEANING = re.compile("[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]")


def _clean(value: str, key: str) -> str:
    """The text as the forms keep what a member types (forum.inputs.clean_text: one kind of
    line break, no NUL or other control characters, which PostgreSQL cannot store either);
    a lone surrogate refuses the line."""
    if not _NEEDS_CLEANING.search(value):
        return value
    if _LONE_SURROGATE.search(value):
        raise BadLine(f"{key} is not valid Unicode (a lone surrogate)")
    return clean_text(value)


def _text(record: dict, key: str, limit: int | None = None) -> str:
    value = record.get(key)
    if isinstance(value, str):
        value = _clean(value, key)
    if not isinstance(value, str) or not value.strip():
        raise BadLine(f"missing {key}")
    if limit and len(value) > limit:
        raise BadLine(f"{key} longer than {limit} characters")
    return value


def parse_record(record) -> dict:
    """Validate one decoded line and return it in a normal shape."""
    if not isinstance(record, dict):
        raise BadLine("not a JSON object")
    now = datetime.now(UTC)
    external_id = _clean(str(record.get("external_id") or ""), "external_id").strip()
    if not external_id:
        raise BadLine("missing external_id")
    category = record.get("category")
    if category not in CATEGORIES:
        raise BadLine(f"unknown category {category!r}")
    status = record.get("status", "open")
    if status not in ("open", "resolved", "closed"):
        raise BadLine(f"unknown status {status!r}")
    asker_type = record.get("asker_type", "lancer")
    if asker_type not in ASKER_TYPES:
        raise BadLine(f"unknown asker_type {asker_type!r}")
    close_reason = record.get("close_reason") or ("other" if status == "closed" else None)
    if close_reason is not None and close_reason not in CLOSE_REASONS:
        raise BadLine(f"unknown close_reason {close_reason!r}")
    tags = record.get("tags") or []
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise BadLine("tags must be a list of strings")
    tags = [_clean(t, "tags") for t in tags]
    answers = record.get("answers") or []
    if not isinstance(answers, list):
        raise BadLine("answers must be a list")
    created_at = _time(record.get("created_at"), now)
    parsed_answers = []
    for i, answer in enumerate(answers):
        if not isinstance(answer, dict):
            raise BadLine(f"answer {i} is not an object")
        parsed_answers.append({
            "author": _text(answer, "author", 32),
            "body": _text(answer, "body"),
            "body_html": None,  # rendered in prepare_lines (worker processes)
            "created_at": _time(answer.get("created_at"), created_at),
            "best": bool(answer.get("best")),
        })
    return {
        "external_id": external_id[:100], "category": category, "status": status,
        "asker_type": asker_type, "title": _text(record, "title", 120), "body": _text(record, "body"),
        "author": _text(record, "author", 32), "created_at": created_at,
        "tags": list(dict.fromkeys(t.strip()[:40] for t in tags if t.strip())),
        "close_reason": close_reason, "close_note": _clean(str(record.get("close_note") or ""), "close_note"),
        "answers": parsed_answers,
    }


def best_answer(record: dict) -> dict | None:
    """The answer an import marks best: the first one flagged."""
    return next((a for a in record["answers"] if a["best"]), None)


def _with_search_document(record: dict, engine: str) -> dict:
    """Add the search document of a resolved thread and what the engine indexes for it:
    "document_tail", its row but the id as the engine takes it (rows.row_tail), "document"
    what the writer needs of it besides (the id is filled in when known). Answers are in
    their thread's order: by time, then as listed (the order their ids are given in)."""
    best = best_answer(record)
    others = [a["body"] for a in sorted(record["answers"], key=lambda a: a["created_at"]) if a is not best]
    document = document_row(
        None,  # type: ignore[arg-type]  # no id yet: write_batch fills it in
        record["category"], record["created_at"], record["title"], record["body"],
        sorted(record["tags"]), best["body"] if best else "", others)
    record["index_data"] = backend_named(engine).index_data(document)
    stamp = sqlite_time if engine == "sqlite" else _iso
    document["created_at"] = stamp(document["created_at"])
    record["document_tail"] = row_tail(tuple(document[c] for c in DOCUMENT_COLUMNS[1:]), engine)
    record["document"] = {"category": record["category"], "created_at": record["created_at"]}
    return record


def _with_html(record: dict) -> None:
    """The stored HTML of the question and its answers (what the models' body validator does)."""
    record["body_html"] = stored_html(record["body"])
    for answer in record["answers"]:
        answer["body_html"] = stored_html(answer["body"])


# The columns of the rows _with_rows prepares: the writer puts the ones that need the
# database first (ids, and the first 先輩 answer, which depends on who holds the badge).
QUESTION_COLUMNS = (
    "id", "author_id", "best_answer_id", "first_veteran_answer_at", "first_veteran_answer_minutes",
    "external_id", "category", "asker_type", "title", "body", "body_html", "status", "created_at",
    "updated_at", "is_hidden", "answer_count", "resolved_at", "close_reason", "close_note", "closed_at",
    "status_before_close", "first_answer_at", "first_answer_minutes",
)
ANSWER_COLUMNS = ("id", "question_id", "author_id", "body", "body_html", "created_at", "updated_at", "is_hidden")


def _status_before_close(record: dict) -> str | None:
    """A closed import reopens to resolved when it has a best answer, else to open."""
    if record["status"] != "closed":
        return None
    return "resolved" if best_answer(record) else "open"


def _with_rows(record: dict, engine: str) -> None:
    """The thread's questions and answers rows as the writer stores them, but for what
    needs the database (QUESTION_COLUMNS[:5], ANSWER_COLUMNS[:3]): values as the engine
    takes them (times as text: SQLite's, or ISO 8601 with the offset for PostgreSQL's COPY,
    which reads the same instant), so the writer adds ids and sends them on.
    The answers' texts leave the record (they are in the rows, as rows.row_tail gives them);
    "answered" keeps, for the first 先輩 answer, who answered when (others than the asker),
    "best" the best one's index."""
    stamp = sqlite_time if engine == "sqlite" else _iso
    hidden = 0 if engine == "sqlite" else False
    created, status, answers = record["created_at"], record["status"], record["answers"]
    last = max([created] + [a["created_at"] for a in answers])
    closed = status == "closed"
    best = best_answer(record)
    # The first answer by someone else than the asker (imported answers are all visible), as
    # counters.first_answers_statement dates it: names are unique, as the ids they map to.
    answered = [(a["author"], a["created_at"]) for a in answers if a["author"] != record["author"]]
    first = min((when for _, when in answered), default=None)
    last_text = stamp(last)
    record["question_row"] = row_tail((
        record["external_id"], record["category"], record["asker_type"], record["title"], record["body"],
        record["body_html"], status, stamp(created), last_text, hidden,
        len(answers),  # imported answers are all visible
        last_text if status == "resolved" else None,
        record["close_reason"] if closed else None, record["close_note"] if closed else None,
        last_text if closed else None, _status_before_close(record),
        stamp(first), minutes_from(created, first),
    ), engine)
    answer_rows = []
    for a in answers:
        when = stamp(a["created_at"])  # created and last updated
        answer_rows.append((a["author"], row_tail((a["body"], a["body_html"], when, when, hidden), engine)))
    record["answer_rows"] = answer_rows
    record["best"] = next((i for i, a in enumerate(answers) if a is best), None)
    record["answered"] = answered
    for key in ("answers", "body", "body_html", "title", "close_note"):
        del record[key]


def _iso(value: datetime | None) -> str | None:
    """A time as PostgreSQL's COPY takes it (what psycopg's text dumper writes)."""
    return None if value is None else value.isoformat()


def prepare_lines(numbered_lines: list[tuple[int, str]], engine: str) -> list[tuple[int, dict | str]]:
    """(line number, prepared record or the reason it is refused) for each non-blank line."""
    out: list[tuple[int, dict | str]] = []
    for number, line in numbered_lines:
        if not line.strip():
            continue
        try:
            record = parse_record(json.loads(line))
        except (ValueError, BadLine) as exc:
            out.append((number, str(exc)))
            continue
        _with_html(record)
        if record["status"] == "resolved":  # imported threads are never hidden
            _with_search_document(record, engine)
        _with_rows(record, engine)
        out.append((number, record))
    return out


def prepared(lines: list[str], engine: str, workers: int = 1, ahead: int = 0) -> Iterator[tuple[int, dict | str]]:
    """prepare_lines() over every line, in order; with workers > 1, in that many processes,
    at most AHEAD chunks per worker or `ahead` lines (in chunks), the more, ahead of the
    caller. A writer passes its batch: the workers then prepare the next batch while it
    writes one (with 2 workers, SQLite's batches of 5,000 found 2,000 lines ready and
    waited for the rest, idle ~40 % of the load)."""
    spans = [(start, min(start + CHUNK, len(lines))) for start in range(0, len(lines), CHUNK)]
    if workers <= 1 or len(spans) <= 1 or "fork" not in get_all_start_methods():
        for start, stop in spans:
            yield from _prepare_span(lines, start, stop, engine)
        return
    # fork: the workers start at once with everything imported; "spawn" would import the
    # caller's main module again in each worker, which a script without a __main__ guard
    # cannot survive. The workers never touch the database connections they inherit, and
    # leave with os._exit, so nothing of the caller's is closed or flushed twice. They
    # inherit the lines too (the initializer's arguments are not pickled under fork): each
    # task names a span of them, instead of sending the file's text through a pipe.
    with ProcessPoolExecutor(workers, mp_context=get_context("fork"),
                             initializer=_inherit, initargs=(lines, engine)) as pool:
        pending: deque = deque()
        todo = iter(spans)
        for span in todo:
            pending.append(pool.submit(_prepare_inherited, *span))
            if len(pending) >= max(workers * AHEAD, -(-ahead // CHUNK)):
                break
        while pending:
            done = pending.popleft().result()
            following = next(todo, None)
            if following is not None:
                pending.append(pool.submit(_prepare_inherited, *following))
            yield from done


def _prepare_span(lines: list[str], start: int, stop: int, engine: str) -> list[tuple[int, dict | str]]:
    return prepare_lines(list(enumerate(lines[start:stop], start=start + 1)), engine)


# In a worker process: the import's lines and engine, from prepared()'s initializer.
_inherited: tuple[list[str], str] = ([], "")


def _inherit(lines: list[str], engine: str) -> None:
    global _inherited
    _inherited = (lines, engine)


def _prepare_inherited(start: int, stop: int) -> list[tuple[int, dict | str]]:
    lines, engine = _inherited
    return _prepare_span(lines, start, stop, engine)
