"""The admins' synonym editor: list and search the pairs, add, edit and delete them.

A pair is refused, with a message for the form, when a word is empty once normalised, when
both words are the same word (in normal form: ＰＨＰ and php are one word), or when the same
two words are already paired, in either order. Search sees a change with the next request
(synonyms.py: the table is keyed on the content version, which the write moves).
"""
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from .. import permissions
from ..exceptions import NotFound, PermissionDenied, StateConflict
from ..extensions import db
from ..lookups import by_id
from ..models import Synonym
from .ngrams import runs
from .synonyms import normal


@dataclass(frozen=True)
class Refusal:
    field: str  # the form field the message belongs to
    message: str


def require_admin(user) -> None:
    if not permissions.is_admin(user):
        raise PermissionDenied(_("同義語を編集できるのは管理者だけです。"))


def _key(word: str, other: str) -> frozenset[str]:
    return frozenset((normal(word), normal(other)))


def pairs(search: str = "") -> list[Synonym]:
    """Every pair, newest first; with `search`, those where either word contains it (as
    written, or in normal form)."""
    found = list(db.session.scalars(sa.select(Synonym).order_by(Synonym.id.desc())))
    search = search.strip()
    if not search:
        return found
    lowered, folded = search.lower(), normal(search)
    return [p for p in found
            if any(lowered in w.lower() or (folded and folded in normal(w)) for w in (p.word, p.other))]


def count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Synonym)) or 0


def get_pair(pair_id: int) -> Synonym:
    pair = by_id(Synonym, pair_id)
    if pair is None:
        raise NotFound(_("この同義語は見つかりませんでした。"))
    return pair


def refusal(word: str, other: str, editing: Synonym | None = None) -> Refusal | None:
    """Why this pair cannot be stored (None: it can)."""
    if not runs(normal(word)):  # search never looks up symbols alone
        return Refusal("word", _("記号だけの語は登録できません。"))
    if not runs(normal(other)):
        return Refusal("other", _("記号だけの語は登録できません。"))
    if normal(word) == normal(other):
        return Refusal("other", _("同じ語どうしは同義語にできません。別の言い方を入力してください。"))
    key = _key(word, other)
    for existing in db.session.scalars(sa.select(Synonym)):
        if existing is not editing and _key(existing.word, existing.other) == key:
            return Refusal("other", _("「%(word)s」と「%(other)s」の組はすでに登録されています。",
                                      word=existing.word, other=existing.other))
    return None


def _commit() -> None:
    try:
        db.session.commit()
    except IntegrityError:  # another admin stored the same pair a moment ago
        db.session.rollback()
        raise StateConflict(_("この組はすでに登録されています。")) from None


def add_pair(user, word: str, other: str) -> Synonym:
    require_admin(user)
    problem = refusal(word, other)
    if problem is not None:
        raise StateConflict(problem.message)
    pair = Synonym(word=word, other=other)
    db.session.add(pair)
    _commit()
    return pair


def update_pair(user, pair: Synonym, word: str, other: str) -> Synonym:
    require_admin(user)
    problem = refusal(word, other, editing=pair)
    if problem is not None:
        raise StateConflict(problem.message)
    pair.word, pair.other = word, other
    _commit()
    return pair


def delete_pair(user, pair: Synonym) -> None:
    require_admin(user)
    db.session.delete(pair)
    db.session.commit()
