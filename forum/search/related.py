"""Related threads of a thread, ranked like search (engine level: the questions feature may
import this). A bounded number of statements: the candidates (at most three queries), the
scored text and helpful marks, then the threads themselves."""
import re
import unicodedata

import sqlalchemy as sa

from ..extensions import db
from ..models import Question
from .query import parse_query
from .ranking import rank

# Words worth matching in a title: runs of kanji, of katakana, of Latin letters and digits.
# Hiragana (particles, endings) is left out: it would make every title similar.
KEYWORD = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff々〆ヶ]{2,}"
                     r"|[\u30a1-\u30fa\u30fc]{2,}|[^\W_\u3040-\u30ff\u3400-\u9fff]{2,}")


def keywords(text: str, limit: int = 6) -> list[str]:
    """The longest distinct keywords of a title, in the order they appear."""
    found = list(dict.fromkeys(KEYWORD.findall(unicodedata.normalize("NFKC", text or ""))))
    keep = set(sorted(found, key=len, reverse=True)[:limit])
    return [w for w in found if w in keep]


def related_threads(question: Question, limit: int = 5) -> list[Question]:
    """Up to `limit` resolved, visible threads most like this one (its title's keywords
    and its tags), best first; never the thread itself."""
    words = keywords(question.title) + [t.name for t in question.tags]
    query = parse_query(" ".join(dict.fromkeys(words)))
    if query.is_empty:
        return []
    ranked = rank(db.session, query, count=False, without=[question.id])
    ids = ranked.ids[:limit]
    if not ids:
        return []
    found = {q.id: q for q in db.session.scalars(sa.select(Question).where(Question.id.in_(ids)))}
    return [found[i] for i in ids if i in found]
