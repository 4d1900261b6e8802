"""What search engines and link previews read: absolute URLs, descriptions, schema.org data.

Shared by the thread page, the sitemap, the feeds and the API, below the features.
"""
from datetime import UTC

from flask import Flask, current_app, request

from .template_urls import url_for
from .text import plain_text

DESCRIPTION_LENGTH = 120


def site_url() -> str:
    """The site's public root without a trailing slash (SITE_URL, else this request's)."""
    return (current_app.config.get("SITE_URL") or request.url_root).rstrip("/")


def absolute_url(endpoint: str, **values) -> str:
    """An endpoint's URL on the public site (SITE_URL when set, so every worker and every
    cached page names the same host)."""
    return site_url() + url_for(endpoint, **values)


def summary(markdown: str, limit: int = DESCRIPTION_LENGTH) -> str:
    """Plain text of a Markdown body, cut at `limit` characters with an ellipsis."""
    text = plain_text(markdown)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def is_indexable(question) -> bool:
    """Closed, hidden and expired threads stay out of search engines (noindex)."""
    return question.status in ("open", "resolved") and not question.is_hidden


def _iso(dt) -> str:
    return dt.isoformat(timespec="seconds") if dt is not None else ""


def _person(root: str, user) -> dict:
    return {"@type": "Person", "name": user.username, "url": root + url_for("users.profile", username=user.username)}


def _answer(root: str, thread_url: str, answer, helpful: dict[int, int]) -> dict:
    return {
        "@type": "Answer",
        "text": plain_text(answer.body),
        "dateCreated": _iso(answer.created_at),
        "upvoteCount": helpful.get(answer.id, 0),
        "url": f"{thread_url}#answer-{answer.id}",
        "author": _person(root, answer.author),
    }


def qa_page(thread) -> dict:
    """schema.org QAPage of a thread (forum.questions.services.Thread): the question, its
    answer count, the best answer as acceptedAnswer and the other visible answers as
    suggestedAnswer, with dates and authors. (The site's root and the thread's URL are
    worked out once: a 50-answer thread names a hundred URLs.)"""
    question = thread.question
    root = site_url()
    thread_url = root + url_for("questions.show", question_id=question.id)
    entity: dict = {
        "@type": "Question",
        "name": question.title,
        "text": plain_text(question.body) or question.title,
        "answerCount": len(thread.answers),
        "dateCreated": _iso(question.created_at),
        "datePublished": _iso(question.created_at),
        "dateModified": _iso(question.updated_at or question.created_at),
        "url": thread_url,
        "author": _person(root, question.author),
    }
    best = thread.best_answer
    if best is not None:
        entity["acceptedAnswer"] = _answer(root, thread_url, best, thread.helpful_counts)
    others = [_answer(root, thread_url, a, thread.helpful_counts) for a in thread.answers if a is not best]
    if others:
        entity["suggestedAnswer"] = others
    return {"@context": "https://schema.org", "@type": "QAPage", "mainEntity": entity}


def atom_time(dt) -> str:
    """RFC 3339 in UTC, as Atom and sitemaps write dates."""
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.globals.update(absolute_url=absolute_url, summary=summary, is_indexable=is_indexable,
                                 qa_page=qa_page)
    app.jinja_env.filters["atom_time"] = atom_time
