"""Small builders for test data; they go through the models, not the HTTP layer.

Each commits by default; pass commit=False to build many rows and commit once (`done()`):
a commit per object made the 40-thread query-count tests take seconds."""
import itertools

import sqlalchemy as sa

from forum.extensions import db
from forum.models import Answer, Question, Tag, User
from forum.search import index

PASSWORD = "correct-horse-42"
_counter = itertools.count(1)


def make_user(username: str | None = None, role: str = "member", veteran: bool = False,
              password: str = PASSWORD) -> User:
    n = next(_counter)
    username = username or f"user{n}"
    user = User(username=username, email=f"{username}@example.com", role=role, is_veteran=veteran)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    return user


def _save(commit: bool) -> None:
    if commit:
        db.session.commit()
    else:
        db.session.flush()


def done() -> None:
    """Commit what builders made with commit=False."""
    db.session.commit()


def make_question(author: User, title: str = "仮払いの仕組みについて教えてください",
                  body: str = "初めて受注しました。仮払いとは何ですか？", category: str = "want_to_know",
                  status: str = "open", tags=(), commit: bool = True) -> Question:
    question = Question(author=author, title=title, body=body, category=category, status=status)
    question.tags = [_tag(name) for name in tags]
    db.session.add(question)
    _save(commit)
    return question


def _tag(name: str) -> Tag:
    return db.session.scalar(sa.select(Tag).where(Tag.name == name)) or Tag(name=name)


def make_answer(question: Question, author: User, body: str = "仮払いはクライアントが先に報酬を預ける仕組みです。",
                commit: bool = True) -> Answer:
    answer = Answer(question=question, author=author, body=body)
    db.session.add(answer)
    db.session.flush()
    index.refresh(question)
    _save(commit)
    return answer


def resolved_thread(asker: User, answerer: User, title: str, body: str, answer_body: str,
                    category: str = "want_to_know", best: bool = True, commit: bool = True) -> Question:
    """A resolved thread with one answer (chosen best unless best=False), indexed."""
    question = make_question(asker, title=title, body=body, category=category, commit=False)
    answer = make_answer(question, answerer, answer_body, commit=False)
    question.status = "resolved"
    if best:
        question.best_answer_id = answer.id
    index.refresh(question)
    _save(commit)
    return question
