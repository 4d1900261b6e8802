"""Who may do what. Views, services and templates all ask these same functions.

Each function takes the current user (Flask-Login's anonymous user counts as a guest)
and, where relevant, the object acted on. They answer only "may this person do this";
whether the thread's state allows it (e.g. answering a closed thread) is `state_allows_*`.
"""
from __future__ import annotations

from typing import Any


def _member(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def is_moderator(user: Any) -> bool:
    """Moderators and admins."""
    return _member(user) and user.is_moderator


def is_admin(user: Any) -> bool:
    return _member(user) and user.is_admin


def can_post(user: Any) -> bool:
    """Signed in and not suspended: may write questions, answers and reports."""
    return _member(user) and not user.is_suspended()


def _held_for(user: Any, post) -> bool:
    """A post the contact guard holds is shown to its author (with a notice) until a moderator decides."""
    return bool(getattr(post, "is_held", False)) and _member(user) and post.author_id == user.id


def can_view_question(user: Any, question) -> bool:
    """Hidden questions exist only for moderators; a held one for its author too."""
    return not question.is_hidden or is_moderator(user) or _held_for(user, question)


def can_view_answer(user: Any, answer) -> bool:
    return not answer.is_hidden or is_moderator(user) or _held_for(user, answer)


def can_view_post(user: Any, post) -> bool:
    """A comment or a 補足 (as a question or an answer): hidden ones for moderators, held ones for their author too."""
    return not post.is_hidden or is_moderator(user) or _held_for(user, post)


def can_review_held(user: Any) -> bool:
    """Publish or reject a post the contact guard held (/moderation, 確認待ちの投稿)."""
    return is_moderator(user)


def is_held_by_guard(user: Any) -> bool:
    """Whether the contact guard holds this user's posts with uncertain findings: everyone's but
    moderators' (they publish held posts themselves)."""
    return not is_moderator(user)


def can_ask(user: Any) -> bool:
    return can_post(user)


def can_answer(user: Any, question) -> bool:
    """Any member who may post; the thread's state is checked by state_allows_answer."""
    return can_post(user) and can_view_question(user, question)


def state_allows_answer(question) -> bool:
    """Open and resolved threads take answers; closed and expired (回答受付終了) ones do not."""
    return question.status in ("open", "resolved")


def can_resolve(user: Any, question) -> bool:
    """Only the asker marks their own thread resolved (and changes the best answer)."""
    return can_post(user) and question.author_id == user.id


def state_allows_resolve(question) -> bool:
    """Open and resolved threads, and expired ones: an asker who comes back late may still pick
    the best answer, and the thread then joins the knowledge base (it takes no new answers,
    but what it holds is worth finding)."""
    return question.status in ("open", "resolved", "expired") and not question.is_hidden


def state_allows_best(question, answer) -> bool:
    """An answer may become the best one: visible, on this thread, not the asker's own.
    (The service tells these apart in its messages; templates ask only this.)"""
    return answer.question_id == question.id and not answer.is_hidden and answer.author_id != question.author_id


def can_choose_best(user: Any, question, answer) -> bool:
    """The asker may pick this answer as best now (a button on every other answer)."""
    return (can_resolve(user, question) and state_allows_resolve(question)
            and answer.id != question.best_answer_id and state_allows_best(question, answer))


def can_resolve_for_asker(user: Any, question) -> bool:
    """A moderator may mark another member's thread resolved, with the best answer they choose
    (an asker who never came back): the asker is told, with the moderator's note."""
    return is_moderator(user) and question.author_id != user.id


def can_choose_best_for_asker(user: Any, question, answer) -> bool:
    """A moderator may pick this answer as best on the asker's behalf now (in the answer's tools)."""
    return (can_resolve_for_asker(user, question) and state_allows_resolve(question)
            and answer.id != question.best_answer_id and state_allows_best(question, answer))


def can_close(user: Any, question) -> bool:
    return is_moderator(user)


def can_reopen(user: Any, question) -> bool:
    return is_moderator(user)


def can_close_as_duplicate(user: Any, question, veterans_may: bool = False) -> bool:
    """Close a thread as a duplicate of another: moderators, and veterans who may post when
    the site allows it (VETERANS_CLOSE_DUPLICATES)."""
    if is_moderator(user):
        return True
    return veterans_may and can_post(user) and bool(user.is_veteran)


def can_hide(user: Any) -> bool:
    """Hide or restore a question or an answer."""
    return is_moderator(user)


def can_report(user: Any) -> bool:
    return can_post(user)


def can_mark_helpful(user: Any, answer) -> bool:
    """Members may mark others' answers helpful, not their own."""
    return can_post(user) and answer.author_id != user.id


def can_edit_post(user: Any, post) -> bool:
    """Authors edit their own posts (questions, answers, comments) while they may post;
    moderators edit any post (the edit is logged)."""
    return can_post(user) and (post.author_id == user.id or user.is_moderator)


def can_comment(user: Any, post) -> bool:
    """Comment under a question or an answer the user can see; the thread's state is
    state_allows_comment."""
    visible = not post.is_hidden or is_moderator(user)
    return can_post(user) and visible


def state_allows_comment(question) -> bool:
    """Open and resolved threads take comments and 補足; closed ones do not."""
    return question.status in ("open", "resolved")


def can_delete_comment(user: Any, comment) -> bool:
    """Authors delete their own comments (moderators hide any: can_hide)."""
    return can_post(user) and comment.author_id == user.id


def can_add_supplement(user: Any, question) -> bool:
    """Only the asker adds a 補足 to the question, at any time the thread is not closed."""
    return can_post(user) and question.author_id == user.id


def can_follow(user: Any, question) -> bool:
    """Any signed-in member (a suspended one too: following posts nothing) follows a thread
    they can see, to be notified of new answers and 補足."""
    return _member(user) and can_view_question(user, question)


def can_moderate(user: Any) -> bool:
    """See /moderation: report queue and audit log."""
    return is_moderator(user)


def can_grant_veteran(user: Any) -> bool:
    return is_moderator(user)


def can_suspend(user: Any, target) -> bool:
    """Moderators suspend members; nobody suspends themselves or an admin."""
    return is_moderator(user) and target.id != user.id and not target.is_admin


def can_set_role(user: Any) -> bool:
    """Appointing moderators is for admins."""
    return is_admin(user)


def can_edit_faq(user: Any) -> bool:
    return is_admin(user)


def can_read_contact_messages(user: Any) -> bool:
    return is_admin(user)


def can_report_post(user: Any, post) -> bool:
    """Report someone else's post that the user can see."""
    visible = not post.is_hidden or is_moderator(user)
    return can_report(user) and visible and post.author_id != user.id


def can_edit_profile(user: Any, target) -> bool:
    """Members edit their own profile (bio) while they may post."""
    return can_post(user) and target.id == user.id


def can_restore(user: Any) -> bool:
    """Bring back a hidden question or answer."""
    return can_hide(user)


def can_dismiss_reports(user: Any) -> bool:
    """Close a post's open reports without acting on the post."""
    return can_moderate(user)


def can_unsuspend(user: Any, target) -> bool:
    return can_suspend(user, target)


def can_view_audit_log(user: Any) -> bool:
    return can_moderate(user)


def can_view_insights(user: Any) -> bool:
    """The operators' figures (/moderation/insights and its CSV)."""
    return is_moderator(user)


def can_view_moderation_history(user: Any, target) -> bool:
    """A member's reports and the moderator actions on them, shown on their profile."""
    return is_moderator(user)


def can_contact(user: Any) -> bool:
    """Everyone, guests and suspended members included, may write to the operators."""
    return True


def can_handle_contact_messages(user: Any) -> bool:
    """Mark an お問い合わせ done."""
    return can_read_contact_messages(user)


TEMPLATE_HELPERS = {
    name: globals()[name]
    for name in (
        "is_moderator", "is_admin", "can_post", "can_ask", "can_answer", "state_allows_answer",
        "can_resolve", "state_allows_resolve", "can_choose_best", "can_choose_best_for_asker", "can_close",
        "can_reopen", "can_hide", "can_close_as_duplicate",
        "can_report", "can_mark_helpful", "can_edit_post", "can_moderate", "can_grant_veteran",
        "can_suspend", "can_set_role", "can_edit_faq", "can_read_contact_messages",
        "can_report_post", "can_edit_profile", "can_restore", "can_dismiss_reports", "can_unsuspend",
        "can_view_audit_log", "can_contact", "can_handle_contact_messages", "can_view_insights",
        "can_view_moderation_history", "can_view_question", "can_view_answer", "can_view_post", "can_review_held",
        "can_comment", "state_allows_comment", "can_delete_comment", "can_add_supplement", "can_follow",
    )
}
