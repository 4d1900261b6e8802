"""held posts: the contact guard holds a post with only uncertain findings for a moderator

Revision ID: 0006_held_posts
Revises: 0005_engagement

- questions, answers, comments: is_held (with is_hidden set while held), indexed for the queue.
- supplements: is_hidden and is_held (a 補足 can be held, and stays hidden when rejected).
"""
import sqlalchemy as sa
from alembic import op

revision = '0006_held_posts'
down_revision = '0005_engagement'
branch_labels = None
depends_on = None

_TABLES = ('questions', 'answers', 'comments', 'supplements')


def upgrade():
    for table in _TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            if table == 'supplements':
                batch_op.add_column(sa.Column('is_hidden', sa.Boolean(), server_default=sa.false(), nullable=False))
            batch_op.add_column(sa.Column('is_held', sa.Boolean(), server_default=sa.false(), nullable=False))
            batch_op.create_index(batch_op.f(f'ix_{table}_is_held'), ['is_held'], unique=False)


def downgrade():
    for table in reversed(_TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f'ix_{table}_is_held'))
            batch_op.drop_column('is_held')
            if table == 'supplements':
                batch_op.drop_column('is_hidden')
