"""synonyms: the search's synonym pairs as a table admins edit in the browser

Revision ID: 0007_synonyms
Revises: 0006_held_posts

- synonyms: one row per pair of words (each finds the other at query time), unique as written.
  Seeded here from forum/search/synonyms.tsv, the reviewed file; `flask forum synonyms export`
  writes the table back to it.
"""
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = '0007_synonyms'
down_revision = '0006_held_posts'
branch_labels = None
depends_on = None

# The file as it is when the migration runs (read here, not through the app's code, so the
# migration keeps working whatever later code does).
_SEED = Path(__file__).resolve().parents[2] / 'forum' / 'search' / 'synonyms.tsv'


def _seed_pairs() -> list[tuple[str, str]]:
    pairs: dict[tuple[str, str], None] = {}
    if not _SEED.exists():
        return []
    for line in _SEED.read_text(encoding='utf-8').splitlines():
        if not line.strip() or line.startswith('#'):
            continue
        parts = [p.strip() for p in line.split('\t')]
        if len(parts) == 2 and all(parts) and parts[0] != parts[1] and max(map(len, parts)) <= 50:
            pairs[(parts[0], parts[1])] = None
    return list(pairs)


def upgrade():
    table = op.create_table(
        'synonyms',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('word', sa.String(length=50), nullable=False),
        sa.Column('other', sa.String(length=50), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_synonyms')),
        sa.UniqueConstraint('word', 'other', name=op.f('uq_synonyms_word')),
    )
    now = datetime.now(UTC)
    rows = [{'word': a, 'other': b, 'created_at': now, 'updated_at': now} for a, b in _seed_pairs()]
    if rows:
        op.bulk_insert(table, rows)


def downgrade():
    op.drop_table('synonyms')
