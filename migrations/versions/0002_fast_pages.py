"""fast pages: stored HTML of posts, listing indexes, the content version

Revision ID: 0002
Revises: 0001

- questions.body_html, answers.body_html: the sanitised HTML of the Markdown body, derived data
  written with the body (NULL until rendered; `flask forum render` rebuilds every one).
- Listing indexes that serve each list's WHERE and ORDER BY, so a page's ids come from the
  index alone and page 500 costs what page 1 does.
- content_version: one row whose counter every visible write moves (forum/pagecache.py).
"""
import secrets

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'content_version',
        sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('version', sa.BigInteger(), server_default='0', nullable=False),
        sa.Column('epoch', sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_content_version')),
    )
    op.execute(sa.text("INSERT INTO content_version (id, version, epoch) VALUES (1, 0, :epoch)")
               .bindparams(epoch=secrets.token_hex(8)))
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('body_html', sa.Text(), nullable=True))
        batch_op.drop_index('ix_questions_status_category_created')
        batch_op.create_index('ix_questions_listing_created',
                              ['status', 'is_hidden', 'category', 'created_at', 'id'], unique=False)
        batch_op.create_index('ix_questions_listing_resolved',
                              ['status', 'is_hidden', 'resolved_at', 'id'], unique=False)
        batch_op.create_index('ix_questions_hidden_created', ['is_hidden', 'created_at', 'id'], unique=False)
    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('body_html', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.drop_column('body_html')
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.drop_index('ix_questions_hidden_created')
        batch_op.drop_index('ix_questions_listing_resolved')
        batch_op.drop_index('ix_questions_listing_created')
        batch_op.create_index('ix_questions_status_category_created', ['status', 'category', 'created_at'],
                              unique=False)
        batch_op.drop_column('body_html')
    op.drop_table('content_version')
