"""The derived search document: one row per searchable (resolved, visible) thread."""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .base import Model, UTCDateTime


class SearchDocument(Model):
    """Normalised text of a searchable thread. Rebuildable from the database at any time."""

    __tablename__ = "search_documents"

    question_id: Mapped[int] = mapped_column(
        sa.ForeignKey("questions.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    category: Mapped[str] = mapped_column(sa.String(20), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    # Plain text as written (for snippets) ...
    title: Mapped[str] = mapped_column(sa.Text)
    body: Mapped[str] = mapped_column(sa.Text)
    best_answer: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    answers: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    # ... and in normal form (forum.text.normalize), which is what the indexes cover.
    norm_title: Mapped[str] = mapped_column(sa.Text)
    norm_body: Mapped[str] = mapped_column(sa.Text)
    norm_best_answer: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    norm_answers: Mapped[str] = mapped_column(sa.Text, default="", server_default="")


class RelatedList(Model):
    """A thread's related threads as ranked when `computed_at` (derived, rebuilt by
    `flask forum relate`): their ids, best first. The thread page reads the list instead of
    ranking on every view; who may see each listed thread is checked when it is shown."""

    __tablename__ = "related_lists"

    question_id: Mapped[int] = mapped_column(
        sa.ForeignKey("questions.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    related_ids: Mapped[str] = mapped_column(sa.Text)  # "12,7,301": comma-separated, best first
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
