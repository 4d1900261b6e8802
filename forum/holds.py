"""Held posts, below the features: a post whose text has only uncertain contact-guard findings
(forum/guard) is saved but held: hidden (`is_hidden`) and `is_held`, so every list, search, feed,
count and the API leave it out as they leave out hidden posts, while its author still sees it with
a notice (forum/permissions.py). A moderator publishes or rejects it from /moderation.

The services that write posts (ask, answer, comment, 補足, edits) call `hold_if_needed` before
their one commit; moderators' own posts are never held (they decide on held posts)."""
from flask_babel import gettext as _

from . import permissions
from .guard import should_hold


def hold_if_needed(author, post, *texts: str | None) -> bool:
    """Hold `post` (no commit) when `texts` have uncertain findings; returns whether it is held.
    A post already held stays held: only a moderator releases it."""
    if permissions.is_held_by_guard(author) and should_hold(*texts):
        post.is_hidden = True
        post.is_held = True
        return True
    return bool(getattr(post, "is_held", False))


def tag_text(tags: list[str] | None) -> str:
    """The tags as one text for the guard (a handle split across tags is still one finding)."""
    return " ".join(tags or [])


def held_message() -> str:
    """What the author is told when the post they just wrote is held."""
    return _("投稿を保存しました。連絡先に見える部分があるため、モデレーターの確認後に公開されます。"
             "公開されるまで、この投稿はあなたとモデレーターにだけ表示されます。")
