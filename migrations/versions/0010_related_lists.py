"""related lists: each thread's related threads, ranked ahead of its page views

Revision ID: 0010_related_lists
Revises: 0009_first_answer_minutes

- related_lists: one row per thread with the ids of its related threads, best first, and when
  they were ranked. Derived data, filled and refreshed by `flask forum relate` (the sweep runs
  it too); a thread without a row is ranked on the page, as before.
"""
import sqlalchemy as sa
from alembic import op

revision = '0010_related_lists'
down_revision = '0009_first_answer_minutes'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'related_lists',
        sa.Column('question_id', sa.Integer(), nullable=False),
        sa.Column('related_ids', sa.Text(), nullable=False),
        sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['question_id'], ['questions.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('question_id'),
    )
    op.create_index('ix_related_lists_computed_at', 'related_lists', ['computed_at'], unique=False)


def downgrade():
    op.drop_index('ix_related_lists_computed_at', table_name='related_lists')
    op.drop_table('related_lists')
