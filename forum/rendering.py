"""Stored post HTML, rebuilt from the Markdown sources (after a change to the renderer or the
sanitiser, or for rows written before HTML was stored): `flask forum render`."""
from collections.abc import Callable

import sqlalchemy as sa

from . import pagecache
from .extensions import db
from .models import Answer, Question
from .text import stored_html


def render_all(batch_size: int = 1000, progress: Callable[[int], None] | None = None) -> int:
    """Render every question and answer body again, a batch per transaction; returns the count."""
    total = 0
    for model in (Question, Answer):
        table = model.__table__
        last_id = 0
        while True:
            rows = db.session.execute(
                sa.select(table.c.id, table.c.body).where(table.c.id > last_id).order_by(table.c.id).limit(batch_size)
            ).all()
            if not rows:
                break
            db.session.execute(
                sa.update(table).where(table.c.id == sa.bindparam("row_id")).values(body_html=sa.bindparam("html")),
                [{"row_id": row.id, "html": stored_html(row.body)} for row in rows],
            )
            pagecache.bump(db.session.connection())
            db.session.commit()
            last_id = rows[-1].id
            total += len(rows)
            if progress:
                progress(len(rows))
    return total
