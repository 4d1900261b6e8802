"""参考になった: members mark others' answers helpful (and take it back); counts show on the thread."""
import re

from forum.extensions import db
from forum.models import HelpfulMark, utcnow
from tests.factories import make_answer, make_question, make_user


def _thread(asker_name="asker", answerer_name="senpai"):
    asker, answerer = make_user(asker_name), make_user(answerer_name)
    question = make_question(asker)
    answer = make_answer(question, answerer, "仮払い後に作業を始めれば安全です。")
    return question, answer


def _count(page: str, answer_id: int) -> str:
    block = page.split(f'id="answer-{answer_id}"', 1)[1]
    return re.search(r'class="helpful-count">(\d+)<', block).group(1)


def test_member_marks_and_unmarks_an_answer(client, auth):
    question, answer = _thread()
    make_user("reader")
    auth.login("reader")
    response = client.post(f"/answers/{answer.id}/helpful")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/questions/{question.id}#answer-{answer.id}")
    page = client.get(f"/questions/{question.id}").get_data(as_text=True)
    assert _count(page, answer.id) == "1"
    assert 'aria-pressed="true"' in page
    assert db.session.query(HelpfulMark).count() == 1

    client.post(f"/answers/{answer.id}/helpful")
    page = client.get(f"/questions/{question.id}").get_data(as_text=True)
    assert _count(page, answer.id) == "0"
    assert db.session.query(HelpfulMark).count() == 0


def test_counts_add_up_across_members_and_guests_see_them(client, auth):
    question, answer = _thread()
    for name in ("r1", "r2"):
        make_user(name)
        auth.login(name)
        client.post(f"/answers/{answer.id}/helpful")
        auth.logout()
    page = client.get(f"/questions/{question.id}").get_data(as_text=True)
    assert "参考になった 2" in page
    assert f"/answers/{answer.id}/helpful" not in page  # guests get the count, not the button


def test_own_answer_cannot_be_marked(client, auth):
    _, answer = _thread()
    auth.login("senpai")
    assert client.post(f"/answers/{answer.id}/helpful").status_code == 403
    assert db.session.query(HelpfulMark).count() == 0


def test_guest_is_sent_to_sign_in(client):
    _, answer = _thread()
    response = client.post(f"/answers/{answer.id}/helpful")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_suspended_member_cannot_mark(client, auth, app):
    _, answer = _thread()
    reader = make_user("reader")
    reader.suspended_until = utcnow().replace(year=utcnow().year + 1)
    db.session.commit()
    auth.login("reader")
    assert client.post(f"/answers/{answer.id}/helpful").status_code == 403
    assert db.session.query(HelpfulMark).count() == 0


def test_hidden_or_unknown_answers_are_404(client, auth):
    _, answer = _thread()
    answer.is_hidden = True
    db.session.commit()
    make_user("reader")
    auth.login("reader")
    assert client.post(f"/answers/{answer.id}/helpful").status_code == 404
    assert client.post("/answers/99999999999/helpful").status_code == 404


def test_a_hidden_answers_marks_still_show_to_a_moderator_when_the_visible_ones_have_none(client, auth):
    """The thread's counter counts marks on visible answers only, so a thread whose visible
    answers have none may still hold marked hidden answers: a moderator sees their count."""
    question, plain = _thread()
    marked = make_answer(question, make_user("other"), "契約前の連絡先交換は規約違反です。")
    for name in ("r1", "r2"):
        make_user(name)
        auth.login(name)
        client.post(f"/answers/{marked.id}/helpful")
        auth.logout()
    marked.is_hidden = True
    db.session.commit()
    db.session.refresh(question)
    assert question.helpful_count == 0
    make_user("mod", role="moderator")
    auth.login("mod")
    page = client.get(f"/questions/{question.id}").get_data(as_text=True)
    block = page.split(f'id="answer-{marked.id}"', 1)[1].split("</article>", 1)[0]
    assert "参考になった 2" in block
    assert f'id="answer-{plain.id}"' in page
