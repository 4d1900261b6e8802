"""Edit history, below the features: every edit of a question, answer or comment keeps the
version it replaces (who wrote it, when, what), and the history page shows each version
with a readable diff against the one before it."""
from dataclasses import dataclass
from datetime import datetime
from difflib import SequenceMatcher

import sqlalchemy as sa
from markupsafe import Markup, escape

from .audit import log_action
from .extensions import db
from .models import Answer, Comment, Question, Revision, User, utcnow

Post = Question | Answer | Comment

_LONG = 2000  # characters: beyond this a changed block is shown line by line, not per character


def target_type(post: Post) -> str:
    return {Question: "question", Answer: "answer", Comment: "comment"}[type(post)]


def record_edit(editor: User, post: Post) -> Revision:
    """Keep the post's current version before an edit changes it, and stamp the edit (no
    commit: part of the edit's transaction). A moderator editing someone else's post is
    written to the audit log."""
    kind = target_type(post)
    revision = Revision(
        target_type=kind, target_id=post.id, title=post.title if isinstance(post, Question) else None,
        body=post.body, written_by_id=post.edited_by_id or post.author_id,
        written_at=post.edited_at or post.created_at)
    db.session.add(revision)
    post.edited_at = utcnow()
    post.edited_by_id = editor.id
    if editor.id != post.author_id:
        log_action(editor, "edit", kind, post.id)
    return revision


def forget(post: Post) -> None:
    """A deleted post's history goes with it (no commit)."""
    db.session.execute(sa.delete(Revision).where(
        Revision.target_type == target_type(post), Revision.target_id == post.id))


@dataclass
class Version:
    number: int
    title: str | None
    body: str
    written_by: User | None
    written_at: datetime
    title_diff: Markup | None = None
    body_diff: Markup | None = None


def history(post: Post) -> list[Version]:
    """Every version, newest (the current one) first, each with its diff against the older
    one; the first version has none. Two statements: the revisions, and the current editor."""
    kind = target_type(post)
    revisions = list(db.session.scalars(
        sa.select(Revision).where(Revision.target_type == kind, Revision.target_id == post.id)
        .order_by(Revision.id)))
    editor = db.session.get(User, post.edited_by_id) if post.edited_by_id else post.author
    title = post.title if isinstance(post, Question) else None
    versions = [Version(i + 1, r.title, r.body, r.written_by, r.written_at) for i, r in enumerate(revisions)]
    versions.append(Version(len(revisions) + 1, title, post.body, editor, post.edited_at or post.created_at))
    for older, newer in zip(versions, versions[1:], strict=False):
        newer.body_diff = diff_html(older.body, newer.body)
        if kind == "question" and older.title != newer.title:
            newer.title_diff = diff_html(older.title or "", newer.title or "")
    return list(reversed(versions))


def _mark(tag: str, text: str) -> Markup:
    return Markup("<{0}>{1}</{0}>").format(tag, text) if text else Markup("")


def _chars(old: str, new: str) -> Markup:
    parts = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(escape(old[i1:i2]))
        else:
            parts.append(_mark("del", old[i1:i2]))
            parts.append(_mark("ins", new[j1:j2]))
    return Markup("").join(parts)


def diff_html(old: str, new: str) -> Markup:
    """What changed, as escaped text with <del> and <ins>: lines first, then the characters
    inside changed lines (Japanese has no spaces, so words are no unit)."""
    old_lines, new_lines = old.splitlines(keepends=True), new.splitlines(keepends=True)
    parts = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, old_lines, new_lines, autojunk=False).get_opcodes():
        before, after = "".join(old_lines[i1:i2]), "".join(new_lines[j1:j2])
        if op == "equal":
            parts.append(escape(before))
        elif op == "replace" and len(before) + len(after) <= _LONG:
            parts.append(_chars(before, after))
        else:
            parts.append(_mark("del", before))
            parts.append(_mark("ins", after))
    return Markup("").join(parts)
