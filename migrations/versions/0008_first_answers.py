"""first answers: each thread's first answer times, stored for the operators' insight

Revision ID: 0008_first_answers
Revises: 0007_synonyms

- questions.first_answer_at: the first visible answer by someone other than the asker;
  questions.first_veteran_answer_at: the first such answer by a member holding the 先輩 badge
  (now). Kept by forum/models/counters.py; filled here for the threads that already exist.
- ix_questions_insight: a period's threads with everything the insight counts, read from the
  index alone.
"""
import sqlalchemy as sa
from alembic import op

revision = '0008_first_answers'
down_revision = '0007_synonyms'
branch_labels = None
depends_on = None

_INDEX = ['is_hidden', 'created_at', 'category', 'status', 'first_answer_at', 'first_veteran_answer_at',
          'best_answer_id']
_BY_OTHERS = "a.question_id = questions.id AND NOT a.is_hidden AND a.author_id <> questions.author_id"


def upgrade():
    # Plain ADD COLUMN (no batch rebuild of the questions table on SQLite).
    op.add_column('questions', sa.Column('first_answer_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('questions', sa.Column('first_veteran_answer_at', sa.DateTime(timezone=True), nullable=True))
    op.execute(
        "UPDATE questions SET "
        f"first_answer_at = (SELECT min(a.created_at) FROM answers a WHERE {_BY_OTHERS}), "
        "first_veteran_answer_at = (SELECT min(a.created_at) FROM answers a JOIN users u ON u.id = a.author_id "
        f"WHERE {_BY_OTHERS} AND u.is_veteran) "
        "WHERE questions.answer_count > 0"
    )
    op.create_index('ix_questions_insight', 'questions', _INDEX, unique=False)


def downgrade():
    op.drop_index('ix_questions_insight', table_name='questions')
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.drop_column('first_veteran_answer_at')
        batch_op.drop_column('first_answer_at')
