"""Synonym pairs search applies at query time: seeded from forum/search/synonyms.tsv by a
migration, then edited by admins in the browser (and written back to the file with
`flask forum synonyms export`, so edits are reviewed like code)."""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .base import Model, UTCDateTime, utcnow

SYNONYM_MAX = 50  # characters of one word


class Synonym(Model):
    """Two words that find each other (both directions), as the admin wrote them."""

    __tablename__ = "synonyms"
    __table_args__ = (sa.UniqueConstraint("word", "other"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    word: Mapped[str] = mapped_column(sa.String(SYNONYM_MAX))
    other: Mapped[str] = mapped_column(sa.String(SYNONYM_MAX))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"<Synonym {self.id} {self.word}={self.other}>"
