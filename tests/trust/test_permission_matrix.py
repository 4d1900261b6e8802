"""Every trust-and-safety action × every role, through HTTP (guests are sent to sign in)."""
import pytest

from forum.extensions import db
from forum.models import Comment, ContactMessage, Report, User
from tests.factories import make_answer, make_question
from tests.trust.helpers import ROLES, make_role, suspend

LOGIN = 302  # a guest is redirected to the sign-in page
OK, DONE, NO = 200, 303, 403
RESOLVED = 302  # to the thread


def _bystander(name: str) -> User:
    """Someone who never signs in (no password hash: keeps 100+ cases fast)."""
    user = User(username=name, email=f"{name}@example.com")
    db.session.add(user)
    db.session.flush()
    return user


def _world(actor):
    """alice asks, bob answers (and is reported); the actor has a question of their own."""
    alice, bob = _bystander("alice"), _bystander("bob")
    q = make_question(alice)
    answer = make_answer(q, bob, "外部で取引しませんか")
    hidden = make_answer(q, bob, "非表示の回答")
    hidden.is_hidden = True
    held = make_answer(q, bob, "緑のアプリで kaito_mv を検索してください")
    held.is_hidden = held.is_held = True
    victim = _bystander("victim")
    suspend(victim, "テスト")
    reporter = _bystander("reporter")
    db.session.add(Report(reporter_id=reporter.id, target_type="answer", target_id=answer.id, reason="spam"))
    message = ContactMessage(kind="bug", subject="表示崩れ", body="崩れます")
    db.session.add(message)
    comment = Comment(question_id=q.id, answer_id=answer.id, author_id=bob.id, body="補足のコメントです")
    db.session.add(comment)
    db.session.commit()
    own = make_question(actor, title="自分の質問ですよ") if actor else q
    return {"q": q.id, "answer": answer.id, "hidden": hidden.id, "own": own.id, "held": held.id,
            "me": actor.username if actor else "alice", "message": message.id,
            "comment": comment.id}


# (method, path template, form data, expected per role in ROLES order)
ACTIONS = {
    "report": ("POST", "/reports", {"target_type": "answer", "target_id": "{answer}", "reason": "spam"},
               (LOGIN, DONE, DONE, DONE, DONE, NO)),
    "edit own question": ("GET", "/questions/{own}/edit", None, (LOGIN, OK, OK, OK, OK, NO)),
    "edit others' question": ("GET", "/questions/{q}/edit", None, (LOGIN, NO, NO, OK, OK, NO)),  # moderators: logged
    "edit others' answer": ("POST", "/answers/{answer}/edit", {"body": "書き換え"}, (LOGIN, NO, NO, DONE, DONE, NO)),
    "edit own profile": ("GET", "/users/{me}/edit", None, (LOGIN, OK, OK, OK, OK, NO)),
    "edit others' profile": ("POST", "/users/alice/edit", {"bio": "x"}, (LOGIN, NO, NO, NO, NO, NO)),
    "see the queue": ("GET", "/moderation", None, (LOGIN, NO, NO, OK, OK, NO)),
    "hide": ("POST", "/moderation/posts/answer/{answer}/hide", {"note": "宣伝"}, (LOGIN, NO, NO, DONE, DONE, NO)),
    "confirm hide": ("GET", "/moderation/confirm?action=hide&target=answer:{answer}", None,
                     (LOGIN, NO, NO, OK, OK, NO)),
    "confirm close": ("GET", "/moderation/confirm?action=close&target=question:{q}", None,
                      (LOGIN, NO, NO, OK, OK, NO)),
    "confirm suspend": ("GET", "/moderation/confirm?action=suspend&target=user:alice", None,
                        (LOGIN, NO, NO, OK, OK, NO)),
    "restore": ("POST", "/moderation/posts/answer/{hidden}/restore", {}, (LOGIN, NO, NO, DONE, DONE, NO)),
    "dismiss": ("POST", "/moderation/posts/answer/{answer}/dismiss", {}, (LOGIN, NO, NO, DONE, DONE, NO)),
    "close from queue": ("POST", "/moderation/posts/answer/{answer}/close", {"reason": "spam", "note": "宣伝"},
                         (LOGIN, NO, NO, DONE, DONE, NO)),
    "suspend author": ("POST", "/moderation/posts/answer/{answer}/suspend", {"days": "7", "reason": "違反"},
                       (LOGIN, NO, NO, DONE, DONE, NO)),
    "suspend member": ("POST", "/moderation/users/alice/suspend", {"days": "1", "reason": "違反"},
                       (LOGIN, NO, NO, DONE, DONE, NO)),
    "unsuspend": ("POST", "/moderation/users/victim/unsuspend", {}, (LOGIN, NO, NO, DONE, DONE, NO)),
    "grant veteran": ("POST", "/moderation/users/alice/veteran/grant", {}, (LOGIN, NO, NO, DONE, DONE, NO)),
    "publish a held post": ("POST", "/moderation/posts/answer/{held}/publish", {}, (LOGIN, NO, NO, DONE, DONE, NO)),
    "reject a held post": ("POST", "/moderation/posts/answer/{held}/reject", {"note": "LINEの交換にあたります"},
                           (LOGIN, NO, NO, DONE, DONE, NO)),
    "read contact messages": ("GET", "/moderation/contact", None, (LOGIN, NO, NO, NO, OK, NO)),
    "mark contact done": ("POST", "/moderation/contact/{message}/done", {}, (LOGIN, NO, NO, NO, DONE, NO)),
    # engagement: comments, 補足, follows, notifications
    "comment on a question": ("POST", "/questions/{q}/comments", {"body": "コメントです"},
                              (LOGIN, DONE, DONE, DONE, DONE, NO)),
    "comment on an answer": ("POST", "/answers/{answer}/comments", {"body": "コメントです"},
                             (LOGIN, DONE, DONE, DONE, DONE, NO)),
    "edit others' comment": ("GET", "/comments/{comment}/edit", None, (LOGIN, NO, NO, OK, OK, NO)),
    "delete others' comment": ("POST", "/comments/{comment}/delete", {}, (LOGIN, NO, NO, NO, NO, NO)),
    "hide a comment": ("POST", "/moderation/posts/comment/{comment}/hide", {"note": "不適切"},
                       (LOGIN, NO, NO, DONE, DONE, NO)),
    "supplement own question": ("POST", "/questions/{own}/supplements", {"body": "補足です。予算は3万円です。"},
                                (LOGIN, DONE, DONE, DONE, DONE, NO)),
    "supplement others' question": ("POST", "/questions/{q}/supplements", {"body": "補足です。"},
                                    (LOGIN, NO, NO, NO, NO, NO)),
    # resolving: the asker, or a moderator on an absent asker's behalf (with the best answer)
    "resolve own question": ("POST", "/questions/{own}/resolve", {"note": "自分で問い合わせて解決しました"},
                             (LOGIN, RESOLVED, RESOLVED, RESOLVED, RESOLVED, NO)),
    "resolve others' question": ("POST", "/questions/{q}/resolve",
                                 {"best_answer_id": "{answer}", "note": "質問者の返事がないため"},
                                 (LOGIN, NO, NO, RESOLVED, RESOLVED, NO)),
    "follow a thread": ("POST", "/questions/{q}/follow", {}, (LOGIN, DONE, DONE, DONE, DONE, DONE)),
    "read notifications": ("GET", "/notifications", None, (LOGIN, OK, OK, OK, OK, OK)),
    "mark notifications read": ("POST", "/notifications/read", {}, (LOGIN, DONE, DONE, DONE, DONE, DONE)),
    "my questions": ("GET", "/my/questions", None, (LOGIN, OK, OK, OK, OK, OK)),
    "write to the operators": ("POST", "/contact", {"kind": "bug", "subject": "件名", "body": "内容"},
                               (DONE, DONE, DONE, DONE, DONE, DONE)),
}

CASES = [pytest.param(action, role, spec[3][i], id=f"{action}-{role}")
         for action, spec in ACTIONS.items() for i, role in enumerate(ROLES)]


@pytest.mark.parametrize(("action", "role", "expected"), CASES)
def test_permission_matrix(client, auth, action, role, expected):
    actor = make_role(role, name=f"{role}_actor")
    ids = _world(actor)
    if actor is not None:
        auth.login(actor.username)
    method, path, data, _ = ACTIONS[action]
    url = path.format(**ids)
    if method == "GET":
        response = client.get(url)
    else:
        response = client.post(url, data={k: v.format(**ids) for k, v in data.items()})
    assert response.status_code == expected
    if expected == LOGIN and role == "guest":
        assert "/auth/login" in response.headers["Location"]
    elif expected == RESOLVED:
        assert response.headers["Location"].startswith("/questions/")
