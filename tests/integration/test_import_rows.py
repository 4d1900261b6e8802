"""The rows an import writes as the workers prepare them (forum/transfer/rows.py): on
PostgreSQL lines of COPY's text format, so texts holding its special characters (backslash,
tab, newline, carriage return, a literal \\N) must come back exactly as they were in the file."""
import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from forum.extensions import db
from forum.inputs import clean_text
from forum.models import Answer, Question
from forum.text import stored_html
from forum.transfer import import_lines
from forum.transfer.rows import copy_field, copy_row, copy_tail

# Every character COPY's text format treats specially, in the middle, at the edges and doubled.
TRICKY = "\\先頭 \\N と \\t\tタブ\r\n改行\n\\\\n ＊*強調* <b> 末尾\\"
# What the forum keeps of it: the import keeps texts as the forms do (one kind of line break).
STORED = clean_text(TRICKY)


def _thread(external_id: str, status: str, best: bool) -> str:
    record = {
        "external_id": external_id, "category": "in_trouble", "title": "題\\N\t名\\", "body": TRICKY,
        "author": "asker\\", "status": status, "created_at": "2024-03-01T09:00:00+09:00",
        "tags": ["タグ\\t"],
        "answers": [{"author": "answerer", "body": "回答 " + TRICKY, "best": best,
                     "created_at": "2024-03-01T10:00:00+09:00"}],
    }
    if status == "closed":
        record.update(close_reason="other", close_note=TRICKY)
    return json.dumps(record, ensure_ascii=False)


@pytest.mark.parametrize("workers", [1, 2])
def test_texts_with_copy_special_characters_are_stored_as_they_were(app, workers):
    report = import_lines([_thread("tricky-closed", "closed", False), _thread("tricky-resolved", "resolved", True)],
                          workers=workers)
    db.session.commit()
    assert (report.imported, report.errors) == (2, [])
    db.session.expire_all()
    closed, resolved = (db.session.scalar(sa.select(Question).where(Question.external_id == e))
                        for e in ("tricky-closed", "tricky-resolved"))
    answers = {}
    for question in (closed, resolved):
        assert (question.title, question.body, question.body_html) == ("題\\N\t名\\", STORED, stored_html(STORED))
        assert question.author.username == "asker\\"
        assert [t.name for t in question.tags] == ["タグ\\t"]
        assert question.created_at == datetime(2024, 3, 1, tzinfo=UTC)
        answers[question.id] = answer = db.session.scalar(sa.select(Answer).where(Answer.question_id == question.id))
        assert (answer.body, answer.body_html) == ("回答 " + STORED, stored_html("回答 " + STORED))
        assert answer.created_at == answer.updated_at == datetime(2024, 3, 1, 1, tzinfo=UTC)
        assert answer.is_hidden is False and question.is_hidden is False
    assert (closed.close_reason, closed.close_note, closed.closed_at) == ("other", STORED, closed.updated_at)
    assert (resolved.close_note, resolved.closed_at, resolved.best_answer_id) == (None, None, answers[resolved.id].id)


def test_copy_fields_are_what_the_server_reads_back():
    assert copy_field(None) == "\\N"
    assert copy_field("\\N") == "\\\\N"  # the text, not NULL
    assert copy_field("a\tb\nc\rd\\e") == "a\\tb\\nc\\rd\\\\e"
    assert (copy_field(True), copy_field(False), copy_field(0), copy_field(12)) == ("t", "f", "0", "12")
    assert copy_field(datetime(2024, 1, 2, 3, 4, 5, 6, tzinfo=timezone(timedelta(hours=9)))) \
        == "2024-01-02T03:04:05.000006+09:00"
    assert copy_row((1, None), copy_tail(("x\ty", False))) == b"1\t\\N\tx\\ty\tf\n"
    assert copy_row((1, 2)) == b"1\t2\n"


def test_import_cleans_each_text_as_the_forms_do_and_refuses_lone_surrogates():
    """records._clean skips texts that need nothing in one pass: for every character the
    forms' clean_text drops or changes, and others around it, it gives clean_text's text."""
    from forum.transfer.records import BadLine, _clean

    for code in [*range(0x100), 0x2028, 0x3000, 0xFEFF, 0x1F600]:
        for text in (f"前{chr(code)}後", f"前{chr(code)}後\r\n末"):
            assert _clean(text, "body") == clean_text(text), hex(code)
    for surrogate in ("\ud800", "a\udfffb"):
        with pytest.raises(BadLine, match="lone surrogate"):
            _clean(surrogate, "body")
