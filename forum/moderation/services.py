"""Moderator use cases: close / reopen threads, hide / restore posts, reports, members, the audit log."""
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from .. import notify, permissions
from ..audit import log_action
from ..exceptions import NotFound, PermissionDenied, StateConflict
from ..extensions import db
from ..lookups import get_post, get_question, thread_of
from ..models import Answer, AuditLog, Comment, Question, Supplement, User, utcnow
from ..search import index
from ..subscriptions import announce_new_question
from .queue import close_reports


def _duplicate_target(user: User, question: Question, target_id: int) -> Question:
    """The thread a duplicate points at: visible to the user, another thread, not closed."""
    try:
        target = get_question(user, target_id)
    except NotFound:
        raise NotFound(_("重複先の質問（%(id)d）が見つかりませんでした。", id=target_id)) from None
    if target.id == question.id:
        raise StateConflict(_("スレッドを自分自身の重複にはできません。"))
    if target.is_closed:
        raise StateConflict(_("重複先のスレッドはクローズされています。元の質問を選んでください。"))
    return target


def close_question(moderator: User, question: Question, reason: str, note: str = "",
                   duplicate_of: int | None = None) -> Question:
    """Close an open or resolved thread: it leaves search and takes no answers. As a duplicate
    (reason "duplicate" with the thread it repeats) also by veterans when the site allows it.
    Every other close says why in `note` (shown on the thread, told to the asker)."""
    if reason == "duplicate" and duplicate_of is not None:
        allowed = permissions.can_close_as_duplicate(moderator, question,
                                                     current_app.config["VETERANS_CLOSE_DUPLICATES"])
    else:
        allowed = permissions.can_close(moderator, question)
    if not allowed:
        raise PermissionDenied(_("スレッドをクローズできるのはモデレーターだけです。"))
    if question.status == "closed":
        raise StateConflict(_("このスレッドはすでにクローズされています。"))
    if reason != "duplicate" and not (note or "").strip():
        raise StateConflict(_("クローズする理由を説明してください（投稿者に通知されます）。"))
    target = _duplicate_target(moderator, question, duplicate_of) if reason == "duplicate" and duplicate_of else None
    question.duplicate_of_id = target.id if target is not None else None
    question.status_before_close = question.status
    question.status = "closed"
    question.close_reason = reason
    question.close_note = note or ""
    question.closed_at = utcnow()
    index.refresh(question)
    log_action(moderator, "close", "question", question.id, reason, note)
    notify.notify(question.author_id, "closed", moderator, question, reason=reason, note=note)
    close_reports(moderator, "question", question.id, "closed")
    db.session.commit()
    return question


def reopen_question(moderator: User, question: Question, note: str = "") -> Question:
    """Undo a close: the thread returns to the state it had (open or resolved); an optional note
    is logged and told to the asker."""
    if not permissions.can_reopen(moderator, question):
        raise PermissionDenied(_("スレッドを再開できるのはモデレーターだけです。"))
    if question.status != "closed":
        raise StateConflict(_("このスレッドはクローズされていません。"))
    question.status = question.status_before_close or "open"
    question.status_before_close = None
    question.close_reason = None
    question.close_note = None
    question.closed_at = None
    question.duplicate_of_id = None
    index.refresh(question)
    log_action(moderator, "reopen", "question", question.id, note=note)
    notify.notify(question.author_id, "reopened", moderator, question, note=note)
    db.session.commit()
    return question


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _tell_author(moderator: User, kind: str, post: Question | Answer | Comment | Supplement, note: str,
                 reason: str | None = None) -> None:
    """The post's author hears what happened to it (hidden, restored, published, rejected), and why."""
    notify.notify(post.author_id, kind, moderator, thread_of(post),
                  answer=post if isinstance(post, Answer) else None,
                  comment=post if isinstance(post, Comment) else None,
                  supplement=post if isinstance(post, Supplement) else None, note=note, reason=reason)


def _held(moderator: User, post) -> None:
    _require(permissions.can_review_held(moderator), _("確認待ちの投稿を扱えるのはモデレーターだけです。"))
    if not getattr(post, "is_held", False):
        raise StateConflict(_("この投稿は確認待ちではありません。"))


def _announce_published(post: Question | Answer | Comment | Supplement) -> None:
    """What a held post's writing would have announced, now that it is public (a post held on an
    edit was announced when it was first written: edited_at is set)."""
    if getattr(post, "edited_at", None) is not None:
        return
    if isinstance(post, Question):
        announce_new_question(post)
    elif isinstance(post, Answer):
        notify.new_answer(post.author_id, post.question, post)
    elif isinstance(post, Comment):
        commented = post.answer if post.answer is not None else post.question
        notify.notify(commented.author_id, "comment", post.author_id, post.question, post.answer, post)
    else:
        notify.notify_followers("supplement", post.author_id, post.question, supplement=post)


def publish_held(moderator: User, target_type: str, post: Question | Answer | Comment | Supplement,
                 note: str = "") -> None:
    """A moderator finds a held post fine: it becomes visible (and searchable when its thread is),
    the author is told, and what its writing announces goes out now."""
    _held(moderator, post)
    post.is_held = False
    post.is_hidden = False
    index.refresh(thread_of(post))
    log_action(moderator, "publish", target_type, post.id, note=note)
    _tell_author(moderator, "published", post, note)
    _announce_published(post)
    db.session.commit()


def reject_held(moderator: User, target_type: str, post: Question | Answer | Comment | Supplement,
                note: str) -> None:
    """A moderator finds contact details in a held post: it stays hidden (no longer waiting), and
    the author is told why."""
    _held(moderator, post)
    post.is_held = False
    log_action(moderator, "reject", target_type, post.id, reason="contact_exchange", note=note)
    _tell_author(moderator, "rejected", post, note, reason="contact_exchange")
    db.session.commit()


def hide_post(moderator: User, target_type: str, post: Question | Answer | Comment, note: str) -> None:
    """Hide a question, an answer or a comment, for a reason: it vanishes for all but moderators and
    leaves search; the author is told why (and how to appeal)."""
    if not (note or "").strip():
        raise StateConflict(_("非表示にする理由を入力してください。"))
    _require(permissions.can_hide(moderator), _("投稿を非表示にできるのはモデレーターだけです。"))
    if post.is_hidden:
        raise StateConflict(_("この投稿はすでに非表示です。"))
    post.is_hidden = True
    index.refresh(thread_of(post))
    log_action(moderator, "hide", target_type, post.id, note=note)
    _tell_author(moderator, "hidden", post, note)
    close_reports(moderator, target_type, post.id, "hidden")
    db.session.commit()


def restore_post(moderator: User, target_type: str, post: Question | Answer | Comment, note: str = "") -> None:
    """Bring a hidden post back (and back into search when its thread is searchable)."""
    _require(permissions.can_restore(moderator), _("投稿を再表示できるのはモデレーターだけです。"))
    if not post.is_hidden:
        raise StateConflict(_("この投稿は非表示になっていません。"))
    post.is_hidden = False
    index.refresh(thread_of(post))
    log_action(moderator, "restore", target_type, post.id, note=note)
    _tell_author(moderator, "restored", post, note)
    db.session.commit()


def dismiss_reports(moderator: User, target_type: str, target_id: int, note: str = "") -> int:
    """Close the post's open reports without acting on the post."""
    _require(permissions.can_dismiss_reports(moderator), _("通報を処理できるのはモデレーターだけです。"))
    count = close_reports(moderator, target_type, target_id, "dismissed")
    if not count:
        raise StateConflict(_("この投稿への未対応の通報はありません。"))
    log_action(moderator, "dismiss_reports", target_type, target_id, note=note)
    db.session.commit()
    return count


def close_reported_thread(moderator: User, target_type: str, target_id: int, reason: str, note: str = "") -> Question:
    """From the queue: close the reported post's thread; the post's reports close with it."""
    post = get_post(target_type, target_id)
    if post is None:
        raise NotFound(_("投稿が見つかりませんでした。"))
    if target_type == "answer":
        close_reports(moderator, "answer", target_id, "closed")
    return close_question(moderator, thread_of(post), reason, note)


def suspend_user(moderator: User, member: User, days: int, reason: str,
                 target: tuple[str, int] | None = None) -> User:
    """Suspend a member for `days`: they can read but not post, and see until when and why."""
    _require(permissions.can_suspend(moderator, member), _("このユーザーを利用停止にすることはできません。"))
    member.suspended_until = utcnow() + timedelta(days=days)
    member.suspension_reason = reason
    log_action(moderator, "suspend", "user", member.id, note=_("%(days)d日間：%(reason)s", days=days, reason=reason))
    if target is not None:
        close_reports(moderator, target[0], target[1], "suspended")
    db.session.commit()
    return member


def unsuspend_user(moderator: User, member: User, note: str = "") -> User:
    """Lift a suspension early."""
    _require(permissions.can_unsuspend(moderator, member), _("このユーザーの利用停止は解除できません。"))
    if not member.is_suspended():
        raise StateConflict(_("このユーザーは利用停止中ではありません。"))
    member.suspended_until = None
    member.suspension_reason = None
    log_action(moderator, "unsuspend", "user", member.id, note=note)
    db.session.commit()
    return member


def set_veteran(moderator: User, member: User, granted: bool, note: str = "") -> User:
    """Grant or revoke the 先輩 badge by hand."""
    _require(permissions.can_grant_veteran(moderator), _("先輩バッジを変更できるのはモデレーターだけです。"))
    if member.is_veteran == granted:
        raise StateConflict(_("先輩バッジはすでにその状態です。"))
    member.is_veteran = granted
    log_action(moderator, "grant_veteran" if granted else "revoke_veteran", "user", member.id, note=note)
    db.session.commit()
    return member


def set_role(admin: User, member: User, role: str) -> User:
    """Appoint a member moderator or admin, or return them to member (admins only, logged)."""
    _require(permissions.can_set_role(admin), _("権限を変更できるのは管理者だけです。"))
    if member.id == admin.id:
        raise StateConflict(_("自分の権限は変更できません。"))
    if member.role == role:
        raise StateConflict(_("すでにその権限です。"))
    member.role = role
    log_action(admin, "set_role", "user", member.id, note=role)
    db.session.commit()
    return member


def audit_targets(entries) -> dict[tuple[str, int], object]:
    """The users and answers an audit page links to, loaded in two queries."""
    ids: dict[str, set[int]] = {"user": set(), "answer": set()}
    for entry in entries:
        if entry.target_type in ids:
            ids[entry.target_type].add(entry.target_id)
    found: dict[tuple[str, int], object] = {}
    if ids["user"]:
        found.update({("user", u.id): u for u in db.session.scalars(sa.select(User).where(User.id.in_(ids["user"])))})
    if ids["answer"]:
        answers = db.session.scalars(sa.select(Answer).where(Answer.id.in_(ids["answer"])))
        found.update({("answer", a.id): a for a in answers})
    return found


def audit_log(page: int, per_page: int = 50, actor: str | None = None, action: str | None = None,
              since: datetime | None = None, until: datetime | None = None):
    """The audit log, newest first, filterable by moderator name, action and date range."""
    stmt = sa.select(AuditLog).order_by(AuditLog.created_at.desc(), AuditLog.id.desc())
    if actor:
        stmt = stmt.join(User, User.id == AuditLog.actor_id).where(User.username == actor)
    if action:
        stmt = stmt.where(AuditLog.action == action)
    if since:
        stmt = stmt.where(AuditLog.created_at >= since)
    if until:
        stmt = stmt.where(AuditLog.created_at < until)
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)
