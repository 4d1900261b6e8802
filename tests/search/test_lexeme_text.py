"""document_lexeme_text (what a bulk load sends PostgreSQL) holds document_lexemes, sorted."""
import random

import pytest

from forum.search.ngrams import document_lexeme_text, document_lexemes

FIELDS = ["", "a", "_", "a_b", "ab cd", "  x  ", "さーば構築", "a\u0301b", "😀x😀", "123", "a-b-c", "xxx",
          "ab\nab", "\U0010fffd\U0010fffc", "ok。ok", "請求書の発行"]


@pytest.mark.parametrize("title", FIELDS)
def test_same_lexemes_in_code_point_order(title):
    for body in FIELDS:
        args = (title, body, FIELDS[len(body) % len(FIELDS)], body + " " + title + " 請求")
        assert document_lexeme_text(*args).split() == sorted(document_lexemes(*args))


def test_random_text():
    rnd = random.Random(7)
    alphabet = "ab1_ -。あいう漢字😀\u0300\t"
    texts = ["".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 15))) for _ in range(400)]
    for i in range(0, len(texts), 4):
        args = tuple(texts[i:i + 4])
        assert document_lexeme_text(*args).split() == sorted(document_lexemes(*args))
