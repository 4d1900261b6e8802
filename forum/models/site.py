"""Site-wide state: the content version that keys every cached guest page."""
import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .base import Model


class ContentVersion(Model):
    """One row (id 1). Every transaction that changes what a reader can see adds one to
    `version` before it commits (forum/pagecache.py), so a page cached under an older
    version is never served again."""

    __tablename__ = "content_version"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(sa.BigInteger, default=0, server_default="0")
    # Random per database: a restored or emptied database never meets pages cached from another.
    epoch: Mapped[str] = mapped_column(sa.String(32))
