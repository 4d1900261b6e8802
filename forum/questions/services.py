"""Thread use cases: ask, answer, resolve; and the queries the thread pages show."""
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _

from .. import notify, pagecache, permissions
from ..audit import log_action
from ..badges import award_veteran_if_earned
from ..database.functions import joined_strings
from ..database.reads import FixedRead, rows
from ..exceptions import NotFound, PermissionDenied, StateConflict
from ..extensions import db
from ..holds import hold_if_needed, tag_text
from ..lookups import by_id, may_exist, tags_by_name, visible_question
from ..models import Answer, Comment, HelpfulMark, Question, RelatedList, Supplement, Tag, User, question_tags, utcnow
from ..search import index
from ..search.related import RelatedLink, related_links
from ..subscriptions import announce_new_question
from . import page_rows
from .page_rows import AnswerRow, QuestionRow


def ask_question(author: User, *, category: str, title: str, body: str,
                 asker_type: str = "lancer", tags: list[str] | None = None) -> Question:
    """Create an open thread."""
    if not permissions.can_ask(author):
        raise PermissionDenied(_("質問を投稿する権限がありません。"))
    question = Question(author=author, category=category, title=title, body=body,
                        asker_type=asker_type, status="open")
    question.tags = tags_by_name(tags or [])
    held = hold_if_needed(author, question, title, body, tag_text(tags))
    db.session.add(question)
    db.session.flush()
    notify.follow_automatically(author, question)
    if not held:  # a held question is announced when a moderator publishes it
        announce_new_question(question)
    db.session.commit()
    return question


def post_answer(author: User, question: Question, body: str) -> Answer:
    """Answer an open or resolved thread; a resolved thread's search entry is refreshed."""
    if not permissions.can_answer(author, question):
        raise PermissionDenied(_("回答する権限がありません。"))
    if not permissions.state_allows_answer(question):
        raise StateConflict(_("このスレッドは回答受付を終了しました。") if question.status == "expired"
                            else _("このスレッドはクローズされているため回答できません。"))
    answer = Answer(question=question, author=author, body=body)
    held = hold_if_needed(author, answer, body)
    db.session.add(answer)
    question.updated_at = utcnow()
    index.refresh(question)
    db.session.flush()
    if not held:  # a held answer is announced when a moderator publishes it
        notify.new_answer(author, question, answer)
    notify.follow_automatically(author, question)
    db.session.commit()
    return answer


def check_resolve(user: User, question: Question) -> None:
    """The asker, or a moderator on their behalf, may resolve this thread now (else
    PermissionDenied / StateConflict)."""
    if not (permissions.can_resolve(user, question) or permissions.can_resolve_for_asker(user, question)):
        raise PermissionDenied(_("解決済みにできるのは質問者だけです。"))
    if not permissions.state_allows_resolve(question):
        raise StateConflict(_("クローズされたスレッドは解決済みにできません。"))


def chosen_answer(question: Question, best_answer_id: int | None) -> Answer | None:
    """The answer picked as best, checked: on this thread, visible, not the asker's own."""
    if best_answer_id is None:
        return None
    answer = by_id(Answer, best_answer_id)
    if answer is None or answer.question_id != question.id or answer.is_hidden:
        raise NotFound(_("選んだ回答が見つかりませんでした。"))
    if not permissions.state_allows_best(question, answer):  # what is left: the asker's own answer
        raise StateConflict(_("自分の回答はベストアンサーに選べません。"))
    return answer


def resolve_question(user: User, question: Question, best_answer_id: int | None,
                     thanks: str = "", note: str = "") -> Question:
    """The asker marks the thread resolved with a best answer (and an optional お礼), or as
    自己解決 with a note saying how it was solved: no empty thread enters the knowledge base.
    The best answer may change later; its new author is notified (with the お礼).

    A moderator may do it for an asker who never came back, choosing the best answer (never
    自己解決, which only the asker can describe, and with no お礼, which is the asker's to
    write): `note` is then the moderator's word to the asker, who is told; it is logged."""
    check_resolve(user, question)
    if question.author_id != user.id:
        return _resolve_for_asker(user, question, best_answer_id, note)
    answer = chosen_answer(question, best_answer_id)
    if answer is None:
        if not (note or "").strip():
            raise StateConflict(_("自己解決の場合は、どのように解決したかを書いてください。"))
        question.best_answer_id = None
        question.thanks = None
        question.resolution_note = note.strip()
    else:
        newly_best = question.best_answer_id != answer.id
        question.best_answer_id = answer.id
        question.resolution_note = None
        if newly_best or (thanks or "").strip():
            question.thanks = (thanks or "").strip() or None
        if newly_best:
            notify.notify(answer.author_id, "best_answer", user, question, answer, note=question.thanks or "")
    _mark_resolved(question, answer)
    return question


def chosen_for_asker(question: Question, best_answer_id: int | None) -> Answer:
    """The answer a moderator picks as best for the asker: chosen_answer, and never none (a
    moderator cannot describe a 自己解決)."""
    answer = chosen_answer(question, best_answer_id)
    if answer is None:
        raise StateConflict(_("質問者に代わって解決済みにするときは、ベストアンサーを選んでください。"))
    return answer


def _resolve_for_asker(moderator: User, question: Question, best_answer_id: int | None, note: str) -> Question:
    answer = chosen_for_asker(question, best_answer_id)
    note = (note or "").strip()
    if question.best_answer_id != answer.id:
        question.best_answer_id = answer.id
        question.thanks = None  # the asker's お礼 was for the answer they chose
        notify.notify(answer.author_id, "best_answer", moderator, question, answer)
    question.resolution_note = None
    log_action(moderator, "resolve", "question", question.id, note=note)
    notify.notify(question.author_id, "resolved", moderator, question, answer, note=note)
    _mark_resolved(question, answer)
    return question


def _mark_resolved(question: Question, answer: Answer | None) -> None:
    if question.status != "resolved":
        question.status = "resolved"
        question.resolved_at = utcnow()
    index.refresh(question)
    if answer is not None:
        award_veteran_if_earned(answer.author)
    db.session.commit()


@dataclass
class Thread:
    question: Question | QuestionRow
    answers: list[AnswerRow]
    best_answer: AnswerRow | None
    helpful_counts: dict[int, int]
    marked_helpful: set[int]
    question_comments: list[Comment] = field(default_factory=list)
    answer_comments: dict[int, list[Comment]] = field(default_factory=dict)
    supplements: list[Supplement] = field(default_factory=list)
    following: bool = False
    duplicate_of: Question | None = None  # the thread this one was closed as a duplicate of
    duplicates: list[Question] | None = None  # threads closed as duplicates of this one
    related: list[RelatedLink] = field(default_factory=list)  # 関連する質問 (resolved threads)
    tag_names: list[str] = field(default_factory=list)  # in order, as Question.tags is


# A member opening a thread: their follow state, unread count and the content version (the
# key of their kept page, pagecache.member_page) in one statement.
_OPENING = notify.with_following_and_unread(*pagecache.VERSION_COLUMNS)


def open_for_member(user, question_id: int) -> tuple[bool, int, str]:
    """A member opening a thread has read its notifications (the UPDATE runs only when they
    have unread ones: the header's count, needed anyway and read with the follow state, says
    so). Whether they follow the thread, their unread count after that, and the content
    version (a notification is not content: marking them read leaves it)."""
    following, epoch, version = notify.following_and_unread_with(user, question_id, _OPENING)
    if notify.unread_count(user) and notify.mark_read(user, question_id=question_id):
        db.session.commit()
    return following, notify.unread_count(user), pagecache.version_of(epoch, version)


_TAG_SEPARATOR = "\x1f"  # a control character: never in a tag's name (forum.inputs, forum.forms.posts)
# Which of a thread's less common parts exist, its tags' names and its stored related list, in
# one statement (the page's question is read without its tags: one statement fewer):
# most threads have no comments, 補足 or duplicates, and an ORM query that finds nothing still
# costs about 0.3 ms of CPU on every uncached page view.
_PART_COLUMNS = (
    sa.exists().where(Comment.question_id == sa.bindparam("question")),
    sa.exists().where(Supplement.question_id == sa.bindparam("question")),
    sa.exists().where(Question.duplicate_of_id == sa.bindparam("question")),
    sa.select(RelatedList.related_ids).where(RelatedList.question_id == sa.bindparam("question")).scalar_subquery(),
    sa.select(joined_strings(Tag.name, _TAG_SEPARATOR))
    .join(question_tags, question_tags.c.tag_id == Tag.id)
    .where(question_tags.c.question_id == sa.bindparam("question")).scalar_subquery(),
)
_PARTS = sa.select(*_PART_COLUMNS)
# The thread page reads them with its question, as a plain row: one statement, built once,
# where two cost 0.12-0.3 ms more of CPU (SQLite, PostgreSQL) on every uncached view.
_QUESTION_AND_PARTS = FixedRead(page_rows.question_select(*_PART_COLUMNS))
_PART_COUNT = len(_PART_COLUMNS)


@dataclass(frozen=True)
class ThreadParts:
    """_PART_COLUMNS as read."""

    has_comments: bool
    has_supplements: bool
    has_duplicates: bool
    related: str | None  # RelatedList.related_ids
    tag_names: str | None  # joined by _TAG_SEPARATOR


def question_for_page(user, question_id: int) -> tuple[QuestionRow, ThreadParts]:
    """The thread page's question (a plain row) and its parts (load_thread's), in one
    statement; NotFound as lookups.get_question. The page writes nothing before it."""
    row = _QUESTION_AND_PARTS.one_or_none({"question": question_id}) if may_exist(question_id) else None
    question = QuestionRow(row) if row is not None else None
    return visible_question(user, question), ThreadParts(*row[-_PART_COUNT:])  # type: ignore[index]


# The thread page's statements, built once: building a select and its cache key again on
# every view costs about a third of what reading the rows does.
_ANSWERS = FixedRead(page_rows.answers_select())
_HELPFUL_COUNTS = (sa.select(HelpfulMark.answer_id, sa.func.count())
                   .where(HelpfulMark.answer_id.in_(sa.bindparam("answers", expanding=True)))
                   .group_by(HelpfulMark.answer_id))
_MARKED_BY = sa.select(HelpfulMark.answer_id).where(
    HelpfulMark.user_id == sa.bindparam("user"), HelpfulMark.answer_id.in_(sa.bindparam("answers", expanding=True)))


def load_thread(user, question: Question | QuestionRow, following: bool | None = None,
                parts: ThreadParts | None = None) -> Thread:
    """The answers the user may see, best answer first, in one query; which of comments, 補足
    and duplicates the thread has, in one, then those it has in one statement each; the follow
    state in one; the related threads in one (the stored list) or two (ranked on the titles,
    whatever the number of answers)."""
    answers = [AnswerRow(row) for row in _ANSWERS.all({"question": question.id})]
    visible = [a for a in answers if permissions.can_view_answer(user, a)]
    best = next((a for a in visible if a.id == question.best_answer_id), None)
    if best is not None:
        visible = [best] + [a for a in visible if a is not best]
    ids = [a.id for a in visible]
    # The thread's counter sums the marks on its visible answers: when it is 0 and no hidden
    # answer is shown (to a moderator or its author), every count is 0 without asking.
    counted = question.helpful_count or any(a.is_hidden for a in visible)
    thread = Thread(question, visible, best, helpful_counts(ids) if counted else {},
                    _marked_by(user, ids if counted else []))
    if parts is None:
        parts = ThreadParts(*db.session.execute(_PARTS, {"question": question.id}).one())
    thread.tag_names = sorted(parts.tag_names.split(_TAG_SEPARATOR)) if parts.tag_names else []
    _add_discussion(user, thread, parts.has_comments, parts.has_supplements)
    thread.following = notify.is_following(user, question.id) if following is None else following
    if question.duplicate_of_id is not None:
        target = db.session.get(Question, question.duplicate_of_id)
        thread.duplicate_of = target if target is not None and permissions.can_view_question(user, target) else None
    thread.duplicates = [q for q in db.session.scalars(
        sa.select(Question).where(Question.duplicate_of_id == question.id).order_by(Question.id).limit(50))
        if permissions.can_view_question(user, q)] if parts.has_duplicates else []
    # Last: on PostgreSQL the search's planner settings last until the transaction ends.
    thread.related = related_links(question.id, question.title, parts.related)
    return thread


def _add_discussion(user, thread: Thread, has_comments: bool, has_supplements: bool) -> None:
    """Comments (question's and answers', one statement) and 補足."""
    question = thread.question
    comments = db.session.scalars(
        sa.select(Comment).where(Comment.question_id == question.id)
        .order_by(Comment.created_at, Comment.id)) if has_comments else ()
    for comment in comments:
        if not permissions.can_view_post(user, comment):
            continue
        if comment.answer_id is None:
            thread.question_comments.append(comment)
        else:
            thread.answer_comments.setdefault(comment.answer_id, []).append(comment)
    supplements = db.session.scalars(
        sa.select(Supplement).where(Supplement.question_id == question.id)
        .order_by(Supplement.created_at, Supplement.id)) if has_supplements else ()
    thread.supplements = [s for s in supplements if permissions.can_view_post(user, s)]


def helpful_counts(answer_ids: list[int]) -> dict[int, int]:
    """参考になった marks per answer, for a whole thread in one query."""
    if not answer_ids:
        return {}
    return {answer_id: n for answer_id, n in rows(_HELPFUL_COUNTS, {"answers": answer_ids})}


def _marked_by(user, answer_ids: list[int]) -> set[int]:
    if not answer_ids or not getattr(user, "is_authenticated", False):
        return set()
    return set(rows(_MARKED_BY, {"user": user.id, "answers": answer_ids}).scalars())


def toggle_helpful(user: User, answer: Answer) -> bool:
    """Mark an answer 参考になった, or take the mark back; returns whether it is now marked."""
    if not permissions.can_mark_helpful(user, answer):
        raise PermissionDenied(_("自分の回答には「参考になった」を付けられません。")
                               if permissions.can_post(user) else _("この操作はできません。"))
    mark = db.session.get(HelpfulMark, (user.id, answer.id))
    if mark is None:
        db.session.add(HelpfulMark(user_id=user.id, answer_id=answer.id))
        notify.notify(answer.author_id, "helpful", user, answer.question, answer)  # batched per day
    else:
        db.session.delete(mark)
    db.session.commit()
    return mark is None


@dataclass
class Page:
    """One page of a list: what the pager macro reads (page, pages, has_prev, has_next)."""

    items: list[Question]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


SORTS = ("newest", "answers", "helpful")


def _sorted_by_count(stmt, sort: str):
    """Most answers / most 参考になった first, newest first among equals (the
    ix_questions_*_answers / *_helpful indexes serve this order)."""
    count = Question.answer_count if sort == "answers" else Question.helpful_count
    return stmt.order_by(count.desc(), Question.created_at.desc(), Question.id.desc())


def _listing(status: str | None, category: str | None, unanswered: bool = False, sort: str = "newest"):
    """The ids of a list in display order, written so that one index serves the WHERE and the
    ORDER BY (see the ix_questions_listing_* indexes): a deep page costs what page 1 does.
    `unanswered`: only threads without a visible answer (未回答); `sort`: one of SORTS."""
    stmt = sa.select(Question.id).where(Question.is_hidden.is_(False))
    if status:
        stmt = stmt.where(Question.status == status)
    if category:
        stmt = stmt.where(Question.category == category)
    if unanswered:
        stmt = stmt.where(Question.answer_count == 0)
    if sort in ("answers", "helpful") and not unanswered:  # (without answers every count is 0)
        return _sorted_by_count(stmt, sort)
    if unanswered and status != "open":
        return stmt.order_by(Question.created_at.desc(), Question.id.desc())
    if status == "open":  # 急募 first: a sort of the (few) open threads' index entries
        return stmt.order_by((Question.category != "urgent"), Question.created_at.desc(), Question.id.desc())
    if status == "resolved":
        return stmt.order_by(Question.resolved_at.desc(), Question.id.desc())
    return stmt.order_by(Question.created_at.desc(), Question.id.desc())


def _questions_in_order(ids: list[int]) -> list[Question]:
    """The rows of a page of ids (authors joined, tags in one more query), in the ids' order."""
    if not ids:
        return []
    found = {q.id: q for q in db.session.scalars(sa.select(Question).where(Question.id.in_(ids)))}
    return [found[i] for i in ids if i in found]


def list_questions(status: str | None, category: str | None, page: int, per_page: int,
                   unanswered: bool = False, sort: str = "newest") -> Page:
    """A page of threads by status (open: 急募 first, then newest) and category, optionally
    only 未回答 ones, newest or by most answers / most helpful.
    The ids come from an index first and only the page's rows are loaded: sorting whole rows
    (bodies included) was what made the lists slow."""
    listing = _listing(status, category, unanswered, sort)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(listing.order_by(None).subquery())) or 0
    ids = list(db.session.scalars(listing.limit(per_page).offset((page - 1) * per_page)))
    return Page(_questions_in_order(ids), page, per_page, total)


def tag_named(name: str) -> Tag:
    """The tag, or NotFound."""
    tag = db.session.scalar(sa.select(Tag).where(Tag.name == name)) if 0 < len(name) <= 40 else None
    if tag is None:
        raise NotFound(_("タグ「%(name)s」は見つかりませんでした。", name=name))
    return tag


def list_tag_questions(tag: Tag, page: int, per_page: int, unanswered: bool = False, sort: str = "newest") -> Page:
    """A page of a tag's visible threads; newest first reads (tag_id, question_id) backwards."""
    stmt = (sa.select(Question.id).join(question_tags, question_tags.c.question_id == Question.id)
            .where(question_tags.c.tag_id == tag.id, Question.is_hidden.is_(False)))
    if unanswered:
        stmt = stmt.where(Question.answer_count == 0)
    if sort in ("answers", "helpful") and not unanswered:
        stmt = _sorted_by_count(stmt, sort)
    else:
        stmt = stmt.order_by(question_tags.c.question_id.desc())
    total = db.session.scalar(sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery())) or 0
    ids = list(db.session.scalars(stmt.limit(per_page).offset((page - 1) * per_page)))
    return Page(_questions_in_order(ids), page, per_page, total)


def home_lists(open_limit: int = 10, resolved_limit: int = 8) -> tuple[list[Question], list[Question]]:
    """Open threads (急募 first, newest next) and recently resolved threads."""
    open_ids = list(db.session.scalars(_listing("open", None).limit(open_limit)))
    resolved_ids = list(db.session.scalars(_listing("resolved", None).limit(resolved_limit)))
    questions = _questions_in_order(open_ids + resolved_ids)  # one query for both lists
    open_set = set(open_ids)
    return [q for q in questions if q.id in open_set], [q for q in questions if q.id not in open_set]


def answer_counts(question_ids: list[int]) -> dict[int, int]:
    """Visible answers per thread, for a whole list in one query."""
    if not question_ids:
        return {}
    rows = db.session.execute(
        sa.select(Answer.question_id, sa.func.count())
        .where(Answer.question_id.in_(question_ids), Answer.is_hidden.is_(False))
        .group_by(Answer.question_id)
    )
    return {qid: n for qid, n in rows}
