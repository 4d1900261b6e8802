"""first answer minutes: the waits to each thread's first answers, stored as numbers

Revision ID: 0009_first_answer_minutes
Revises: 0008_first_answers

- questions.first_answer_minutes, first_veteran_answer_minutes: minutes from asking to
  first_answer_at / first_veteran_answer_at (to the hundredth), kept with them by
  forum/models/counters.py. The insight sorts these for its medians and 90th percentiles;
  computing them per thread from SQLite's timestamp text cost most of the page's time.
- ix_questions_insight holds the minutes instead of the times.
"""
import sqlalchemy as sa
from alembic import op

revision = '0009_first_answer_minutes'
down_revision = '0008_first_answers'
branch_labels = None
depends_on = None

_INDEX = ['is_hidden', 'created_at', 'category', 'status', 'first_answer_minutes', 'first_veteran_answer_minutes',
          'best_answer_id']
_OLD_INDEX = ['is_hidden', 'created_at', 'category', 'status', 'first_answer_at', 'first_veteran_answer_at',
              'best_answer_id']


def _minutes(column: str) -> str:
    if op.get_bind().dialect.name == 'postgresql':
        return f"CAST(round(CAST(EXTRACT(epoch FROM {column} - created_at) / 60.0 AS numeric), 2) AS float8)"
    return f"round((julianday({column}) - julianday(created_at)) * 1440.0, 2)"


def upgrade():
    op.add_column('questions', sa.Column('first_answer_minutes', sa.Float(), nullable=True))
    op.add_column('questions', sa.Column('first_veteran_answer_minutes', sa.Float(), nullable=True))
    op.execute(f"UPDATE questions SET first_answer_minutes = {_minutes('first_answer_at')}, "
               f"first_veteran_answer_minutes = {_minutes('first_veteran_answer_at')} "
               "WHERE first_answer_at IS NOT NULL")
    op.drop_index('ix_questions_insight', table_name='questions')
    op.create_index('ix_questions_insight', 'questions', _INDEX, unique=False)


def downgrade():
    op.drop_index('ix_questions_insight', table_name='questions')
    op.create_index('ix_questions_insight', 'questions', _OLD_INDEX, unique=False)
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.drop_column('first_veteran_answer_minutes')
        batch_op.drop_column('first_answer_minutes')
