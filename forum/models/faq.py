"""FAQ entries (よくある質問): content admins edit in the browser, in six fixed categories."""
from datetime import datetime

import sqlalchemy as sa
from markupsafe import Markup
from sqlalchemy.orm import Mapped, mapped_column, validates

from ..text import render_markdown
from .base import Model, UTCDateTime, utcnow
from .question import rendered

# The six categories of the seed, in display order (labels: forum/labels.py FAQ_CATEGORY_LABELS).
FAQ_CATEGORIES = ("certified_lancer", "direct_request", "withdrawal", "posting_jobs", "basics", "payments")


class FaqEntry(Model):
    __tablename__ = "faq_entries"
    __table_args__ = (sa.Index("ix_faq_entries_order", "category", "position", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    category: Mapped[str] = mapped_column(sa.String(30))
    # Order within the category: smaller first.
    position: Mapped[int] = mapped_column(default=0, server_default="0")
    question: Mapped[str] = mapped_column(sa.String(200))
    answer: Mapped[str] = mapped_column(sa.Text)  # Markdown, through the same sanitiser as posts
    answer_html: Mapped[str | None] = mapped_column(sa.Text)
    # The resolved thread this entry was promoted from, if any.
    source_question_id: Mapped[int | None] = mapped_column(sa.ForeignKey("questions.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    @validates("answer")
    def _render_answer(self, key: str, answer: str) -> str:
        self.answer_html = render_markdown(answer)
        return answer

    @property
    def rendered_answer(self) -> Markup:
        return rendered(self.answer, self.answer_html)

    @property
    def anchor(self) -> str:
        """The entry's own fragment on /faq: stable across edits and moves."""
        return f"faq-{self.id}"

    def __repr__(self) -> str:
        return f"<FaqEntry {self.id} {self.category}>"
