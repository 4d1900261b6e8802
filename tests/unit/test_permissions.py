"""Every role × every action in forum.permissions, against the role table in the README and docs."""
import inspect
from datetime import timedelta

import pytest
from flask_login import AnonymousUserMixin

from forum import permissions
from forum.models import Answer, Question, User, utcnow

ROLES = ("guest", "member", "veteran", "moderator", "admin", "suspended")


def actor(role: str):
    """A user of the role, with id 10 (objects they act on belong to id 20 unless 'own')."""
    if role == "guest":
        return AnonymousUserMixin()
    user = User(username=role, role=role if role in ("moderator", "admin") else "member",
                is_veteran=(role == "veteran"))
    user.id = 10
    if role == "suspended":
        user.suspended_until = utcnow() + timedelta(days=3)
    return user


def question(owner: str = "other", status: str = "open", hidden: bool = False, held: bool = False) -> Question:
    q = Question(title="t", body="b", category="want_to_know", status=status, is_hidden=hidden or held, is_held=held)
    q.id, q.author_id = 1, (10 if owner == "own" else 20)
    return q


def answer(owner: str = "other", hidden: bool = False, held: bool = False) -> Answer:
    a = Answer(body="b", is_hidden=hidden or held, is_held=held)
    a.id, a.question_id, a.author_id = 5, 1, (10 if owner == "own" else 20)
    return a


def third_answer() -> Answer:
    """An answer on question() by neither its asker nor the actor."""
    a = answer()
    a.author_id = 30
    return a


def target(kind: str) -> User:
    """Someone to suspend: another member, an admin, or the actor themself."""
    if kind == "self":
        user = User(username="self", role="member")
        user.id = 10
        return user
    user = User(username=kind, role="admin" if kind == "admin" else "member")
    user.id = 30
    return user


# The expected table, written out from the product role table (README, Accounts and roles). Columns follow ROLES:
#                          guest member veteran moderator admin suspended
EXPECTED = {
    "is_moderator":                     (0, 0, 0, 1, 1, 0),
    "is_admin":                         (0, 0, 0, 0, 1, 0),
    "can_post":                         (0, 1, 1, 1, 1, 0),
    "can_view_question:visible":        (1, 1, 1, 1, 1, 1),
    "can_view_question:hidden":         (0, 0, 0, 1, 1, 0),
    "can_view_answer:visible":          (1, 1, 1, 1, 1, 1),
    "can_view_answer:hidden":           (0, 0, 0, 1, 1, 0),
    # held by the contact guard: its author sees it (suspended too: reading is allowed), else moderators only
    "can_view_question:held-own":       (0, 1, 1, 1, 1, 1),
    "can_view_question:held-other":     (0, 0, 0, 1, 1, 0),
    "can_view_answer:held-own":         (0, 1, 1, 1, 1, 1),
    "can_view_answer:held-other":       (0, 0, 0, 1, 1, 0),
    "can_view_post:visible":            (1, 1, 1, 1, 1, 1),
    "can_view_post:hidden-own":         (0, 0, 0, 1, 1, 0),  # hidden by a moderator: not even its author
    "can_view_post:held-own":           (0, 1, 1, 1, 1, 1),
    "can_view_post:held-other":         (0, 0, 0, 1, 1, 0),
    "can_review_held":                  (0, 0, 0, 1, 1, 0),
    "is_held_by_guard":                 (1, 1, 1, 0, 0, 1),  # moderators' own posts are never held
    "can_ask":                          (0, 1, 1, 1, 1, 0),
    "can_answer:other":                 (0, 1, 1, 1, 1, 0),
    "can_answer:own":                   (0, 1, 1, 1, 1, 0),  # the asker may add a follow-up
    "can_answer:hidden":                (0, 0, 0, 1, 1, 0),
    "can_resolve:own":                  (0, 1, 1, 1, 1, 0),  # only the asker ...
    "can_resolve:other":                (0, 0, 0, 0, 0, 0),  # ... never someone else, not even staff
    "can_choose_best:own":              (0, 1, 1, 1, 1, 0),  # the asker picks another's answer
    "can_choose_best:other":            (0, 0, 0, 0, 0, 0),
    "can_resolve_for_asker:own":        (0, 0, 0, 0, 0, 0),  # their own thread: they resolve it as its asker
    "can_resolve_for_asker:other":      (0, 0, 0, 1, 1, 0),  # staff, for an asker who never came back
    "can_choose_best_for_asker:own":    (0, 0, 0, 0, 0, 0),
    "can_choose_best_for_asker:other":  (0, 0, 0, 1, 1, 0),
    "can_close":                        (0, 0, 0, 1, 1, 0),
    "can_reopen":                       (0, 0, 0, 1, 1, 0),
    "can_close_as_duplicate:default":   (0, 0, 0, 1, 1, 0),  # VETERANS_CLOSE_DUPLICATES off
    "can_close_as_duplicate:veterans":  (0, 0, 1, 1, 1, 0),  # ... on: veterans too, not while suspended
    "can_hide":                         (0, 0, 0, 1, 1, 0),
    "can_report":                       (0, 1, 1, 1, 1, 0),
    "can_mark_helpful:other":           (0, 1, 1, 1, 1, 0),
    "can_mark_helpful:own":             (0, 0, 0, 0, 0, 0),
    "can_edit_post:own":                (0, 1, 1, 1, 1, 0),
    "can_edit_post:other":              (0, 0, 0, 1, 1, 0),  # moderators edit any post (logged)
    "can_moderate":                     (0, 0, 0, 1, 1, 0),
    "can_grant_veteran":                (0, 0, 0, 1, 1, 0),
    "can_suspend:member":               (0, 0, 0, 1, 1, 0),
    "can_suspend:self":                 (0, 0, 0, 0, 0, 0),
    "can_suspend:admin":                (0, 0, 0, 0, 0, 0),
    "can_set_role":                     (0, 0, 0, 0, 1, 0),
    "can_edit_faq":                     (0, 0, 0, 0, 1, 0),
    "can_read_contact_messages":        (0, 0, 0, 0, 1, 0),
    # issue 5 (trust and safety); the HTTP matrix is tests/trust/test_permission_matrix.py
    "can_report_post:other":            (0, 1, 1, 1, 1, 0),
    "can_report_post:own":              (0, 0, 0, 0, 0, 0),
    "can_report_post:hidden":           (0, 0, 0, 1, 1, 0),
    "can_edit_profile:self":            (0, 1, 1, 1, 1, 0),
    "can_edit_profile:member":          (0, 0, 0, 0, 0, 0),
    "can_restore":                      (0, 0, 0, 1, 1, 0),
    "can_dismiss_reports":              (0, 0, 0, 1, 1, 0),
    "can_unsuspend:member":             (0, 0, 0, 1, 1, 0),
    "can_unsuspend:admin":              (0, 0, 0, 0, 0, 0),
    "can_view_audit_log":               (0, 0, 0, 1, 1, 0),
    "can_contact":                      (1, 1, 1, 1, 1, 1),
    "can_handle_contact_messages":      (0, 0, 0, 0, 1, 0),
    # the operators' room: figures, and a member's report and moderation history on the profile
    "can_view_insights":                (0, 0, 0, 1, 1, 0),
    "can_view_moderation_history":      (0, 0, 0, 1, 1, 0),
    # engagement: comments, 補足, follows
    "can_comment:visible":              (0, 1, 1, 1, 1, 0),
    "can_comment:hidden":               (0, 0, 0, 1, 1, 0),
    "can_delete_comment:own":           (0, 1, 1, 1, 1, 0),
    "can_delete_comment:other":         (0, 0, 0, 0, 0, 0),  # moderators hide, they do not delete
    "can_add_supplement:own":           (0, 1, 1, 1, 1, 0),
    "can_add_supplement:other":         (0, 0, 0, 0, 0, 0),
    "can_follow:visible":               (0, 1, 1, 1, 1, 1),  # following posts nothing
    "can_follow:hidden":                (0, 0, 0, 1, 1, 0),
}

# How to call each action: the object it is asked about, by variant.
CALLS = {
    "can_view_question:visible": lambda f, u: f(u, question()),
    "can_view_question:hidden": lambda f, u: f(u, question(hidden=True)),
    "can_view_answer:visible": lambda f, u: f(u, answer()),
    "can_view_answer:hidden": lambda f, u: f(u, answer(hidden=True)),
    "can_view_question:held-own": lambda f, u: f(u, question("own", held=True)),
    "can_view_question:held-other": lambda f, u: f(u, question(held=True)),
    "can_view_answer:held-own": lambda f, u: f(u, answer("own", held=True)),
    "can_view_answer:held-other": lambda f, u: f(u, answer(held=True)),
    "can_view_post:visible": lambda f, u: f(u, answer()),
    "can_view_post:hidden-own": lambda f, u: f(u, answer("own", hidden=True)),
    "can_view_post:held-own": lambda f, u: f(u, answer("own", held=True)),
    "can_view_post:held-other": lambda f, u: f(u, answer(held=True)),
    "can_answer:other": lambda f, u: f(u, question()),
    "can_answer:own": lambda f, u: f(u, question("own")),
    "can_answer:hidden": lambda f, u: f(u, question(hidden=True)),
    "can_resolve:own": lambda f, u: f(u, question("own")),
    "can_resolve:other": lambda f, u: f(u, question()),
    "can_choose_best:own": lambda f, u: f(u, question("own"), answer()),
    "can_choose_best:other": lambda f, u: f(u, question(), answer()),
    "can_resolve_for_asker:own": lambda f, u: f(u, question("own")),
    "can_resolve_for_asker:other": lambda f, u: f(u, question()),
    "can_choose_best_for_asker:own": lambda f, u: f(u, question("own"), answer()),
    "can_choose_best_for_asker:other": lambda f, u: f(u, question(), third_answer()),
    "can_close": lambda f, u: f(u, question()),
    "can_reopen": lambda f, u: f(u, question(status="closed")),
    "can_close_as_duplicate:default": lambda f, u: f(u, question()),
    "can_close_as_duplicate:veterans": lambda f, u: f(u, question(), veterans_may=True),
    "can_mark_helpful:other": lambda f, u: f(u, answer()),
    "can_mark_helpful:own": lambda f, u: f(u, answer("own")),
    "can_edit_post:own": lambda f, u: f(u, answer("own")),
    "can_edit_post:other": lambda f, u: f(u, answer()),
    "can_suspend:member": lambda f, u: f(u, target("member")),
    "can_suspend:self": lambda f, u: f(u, target("self")),
    "can_suspend:admin": lambda f, u: f(u, target("admin")),
    "can_report_post:other": lambda f, u: f(u, answer()),
    "can_report_post:own": lambda f, u: f(u, answer("own")),
    "can_report_post:hidden": lambda f, u: f(u, answer(hidden=True)),
    "can_edit_profile:self": lambda f, u: f(u, target("self")),
    "can_edit_profile:member": lambda f, u: f(u, target("member")),
    "can_unsuspend:member": lambda f, u: f(u, target("member")),
    "can_unsuspend:admin": lambda f, u: f(u, target("admin")),
    "can_view_moderation_history": lambda f, u: f(u, target("member")),
    "can_comment:visible": lambda f, u: f(u, answer()),
    "can_comment:hidden": lambda f, u: f(u, answer(hidden=True)),
    "can_delete_comment:own": lambda f, u: f(u, answer("own")),
    "can_delete_comment:other": lambda f, u: f(u, answer()),
    "can_add_supplement:own": lambda f, u: f(u, question("own")),
    "can_add_supplement:other": lambda f, u: f(u, question()),
    "can_follow:visible": lambda f, u: f(u, question()),
    "can_follow:hidden": lambda f, u: f(u, question(hidden=True)),
}

CASES = [
    pytest.param(action, role, bool(row[i]), id=f"{action}-{role}")
    for action, row in EXPECTED.items()
    for i, role in enumerate(ROLES)
]


@pytest.mark.parametrize(("action", "role", "allowed"), CASES)
def test_role_action_matrix(action, role, allowed):
    func = getattr(permissions, action.split(":")[0])
    call = CALLS.get(action, lambda f, u: f(u))
    assert call(func, actor(role)) is allowed


def test_table_covers_every_permission_function():
    """A new permission function must get a row in the table above."""
    exported = {
        name for name, value in vars(permissions).items()
        if inspect.isfunction(value) and value.__module__ == permissions.__name__
        and not name.startswith(("_", "state_allows"))
    }
    covered = {action.split(":")[0] for action in EXPECTED}
    assert exported == covered


def test_templates_get_the_same_functions():
    for name, func in permissions.TEMPLATE_HELPERS.items():
        assert func is getattr(permissions, name)


def test_suspension_that_has_ended_allows_posting_again():
    user = actor("member")
    user.suspended_until = utcnow() - timedelta(minutes=1)
    assert permissions.can_post(user) and permissions.can_ask(user)


def test_nobody_is_a_member():
    assert not permissions.can_post(None)
    assert not permissions.is_moderator(None)


# The thread's state, separate from who asks: answering and resolving.
@pytest.mark.parametrize(("status", "hidden", "answer_ok", "resolve_ok"), [
    ("open", False, True, True),
    ("resolved", False, True, True),  # resolved threads still take answers; best answer can change
    ("closed", False, False, False),
    ("open", True, True, False),  # a hidden thread cannot be resolved into the knowledge base
])
def test_state_allows(status, hidden, answer_ok, resolve_ok):
    q = question(status=status, hidden=hidden)
    assert permissions.state_allows_answer(q) is answer_ok
    assert permissions.state_allows_resolve(q) is resolve_ok


@pytest.mark.parametrize(("owner", "hidden", "best_already", "allowed"), [
    ("other", False, False, True),
    ("own", False, False, False),  # the asker's own follow-up is never the best answer
    ("other", True, False, False),  # a hidden answer is not offered
    ("other", False, True, False),  # already the best: no button to choose it again
])
def test_which_answers_may_become_best(owner, hidden, best_already, allowed):
    q, a = question("own"), answer(hidden=hidden)
    a.author_id = q.author_id if owner == "own" else 20
    q.best_answer_id = a.id if best_already else None
    assert permissions.can_choose_best(actor("self"), q, a) is allowed
