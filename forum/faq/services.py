"""FAQ use cases: the sections readers see, and the admins' editor (create, edit, delete,
reorder, promote a resolved thread, candidates from the threads duplicated most)."""
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from .. import permissions
from ..exceptions import NotFound, PermissionDenied, StateConflict
from ..extensions import db
from ..labels import FAQ_CATEGORY_LABELS
from ..lookups import by_id, faq_entries, get_question
from ..models import Answer, FaqEntry, Question, User


@dataclass
class Section:
    key: str
    title: str
    entries: list[FaqEntry]


def sections() -> list[Section]:
    """The six categories in order, each with its entries in order (one query)."""
    by_category: dict[str, list[FaqEntry]] = {key: [] for key in FAQ_CATEGORY_LABELS}
    for entry in faq_entries():
        by_category.setdefault(entry.category, []).append(entry)
    return [Section(key, str(FAQ_CATEGORY_LABELS.get(key, key)), entries) for key, entries in by_category.items()]


def require_editor(user) -> None:
    if not permissions.can_edit_faq(user):
        raise PermissionDenied(_("よくある質問を編集できるのは管理者だけです。"))


def get_entry(entry_id: int) -> FaqEntry:
    entry = by_id(FaqEntry, entry_id)
    if entry is None:
        raise NotFound(_("この項目は見つかりませんでした。"))
    return entry


def _last_position(category: str) -> int:
    return db.session.scalar(sa.select(sa.func.max(FaqEntry.position)).where(FaqEntry.category == category)) or 0


def create_entry(user: User, category: str, question: str, answer: str,
                 source_question_id: int | None = None) -> FaqEntry:
    """A new entry at the end of its category."""
    require_editor(user)
    source = promotable_thread(user, source_question_id) if source_question_id else None
    entry = FaqEntry(category=category, question=question, answer=answer, position=_last_position(category) + 1,
                     source_question_id=source.id if source is not None else None)
    db.session.add(entry)
    db.session.commit()
    return entry


def update_entry(user: User, entry: FaqEntry, category: str, question: str, answer: str) -> FaqEntry:
    """Change an entry; moved to another category, it goes to that category's end."""
    require_editor(user)
    if category != entry.category:
        entry.position = _last_position(category) + 1
        entry.category = category
    entry.question, entry.answer = question, answer
    db.session.commit()
    return entry


def delete_entry(user: User, entry: FaqEntry) -> None:
    require_editor(user)
    db.session.delete(entry)
    db.session.commit()


def move_entry(user: User, entry: FaqEntry, direction: str) -> None:
    """Swap the entry with its neighbour above or below in its category."""
    require_editor(user)
    siblings = list(db.session.scalars(
        sa.select(FaqEntry).where(FaqEntry.category == entry.category).order_by(FaqEntry.position, FaqEntry.id)))
    i = siblings.index(entry)
    j = i - 1 if direction == "up" else i + 1
    if not 0 <= j < len(siblings):
        raise StateConflict(_("これ以上移動できません。"))
    siblings[i], siblings[j] = siblings[j], siblings[i]
    for position, sibling in enumerate(siblings, start=1):  # renumber: equal positions become distinct
        sibling.position = position
    db.session.commit()


def promotable_thread(user, question_id: int) -> Question:
    """A resolved thread an admin may turn into an entry."""
    require_editor(user)
    question = get_question(user, question_id)
    if not question.is_resolved:
        raise StateConflict(_("よくある質問にできるのは解決済みの質問だけです。"))
    return question


def draft_from_thread(question: Question) -> tuple[str, str]:
    """The entry a promoted thread starts as: its title and its best answer (else its body)."""
    best = db.session.get(Answer, question.best_answer_id) if question.best_answer_id else None
    answer = best.body if best is not None and not best.is_hidden else question.body
    return question.title[:200], answer


@dataclass
class Candidate:
    question: Question
    duplicates: int


def candidates(limit: int = 10) -> list[Candidate]:
    """Threads that others were closed as duplicates of, most first: FAQ material. Threads
    already promoted are left out."""
    promoted = sa.select(FaqEntry.source_question_id).where(FaqEntry.source_question_id.is_not(None))
    rows = db.session.execute(
        sa.select(Question.duplicate_of_id, sa.func.count().label("n"))
        .where(Question.duplicate_of_id.is_not(None), Question.duplicate_of_id.not_in(promoted))
        .group_by(Question.duplicate_of_id)
        .order_by(sa.desc("n"), Question.duplicate_of_id)
        .limit(limit)
    ).all()
    targets = {q.id: q for q in db.session.scalars(sa.select(Question).where(Question.id.in_([r[0] for r in rows])))}
    return [Candidate(targets[qid], n) for qid, n in rows if qid in targets and not targets[qid].is_hidden]
