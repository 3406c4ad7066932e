"""Training: trainees' scenario runs and quiz results, and the courses trainers assign.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "training_runs",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("trainee", sa.String(40), nullable=False, index=True),
        sa.Column("scenario_id", sa.String(80), nullable=False, index=True),
        sa.Column("title", sa.String(120), nullable=False),
        sa.Column("finished_at", sa.String(40), nullable=False),
        sa.Column("elapsed_s", sa.Float, nullable=False),
        sa.Column("score", sa.Integer, nullable=False),
        sa.Column("passed", sa.Boolean, nullable=False),
        sa.Column("hints", sa.Integer, nullable=False),
        sa.Column("sheet", sa.JSON, nullable=False),
    )
    op.create_table(
        "training_quizzes",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("trainee", sa.String(40), nullable=False, index=True),
        sa.Column("seed", sa.Integer, nullable=False),
        sa.Column("questions", sa.Integer, nullable=False),
        sa.Column("correct", sa.Integer, nullable=False),
        sa.Column("score", sa.Integer, nullable=False),
        sa.Column("taken_at", sa.String(40), nullable=False),
    )
    op.create_table(
        "training_courses",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(80), nullable=False, unique=True),
        sa.Column("scenario_ids", sa.JSON, nullable=False),
        sa.Column("created_by", sa.String(40), nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
    )
    op.create_table(
        "training_assignments",
        sa.Column("course_id", sa.String(36), sa.ForeignKey("training_courses.id"), primary_key=True),
        sa.Column("trainee", sa.String(40), primary_key=True),
        sa.Column("assigned_by", sa.String(40), nullable=False),
        sa.Column("assigned_at", sa.String(40), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("training_assignments")
    op.drop_table("training_courses")
    op.drop_table("training_quizzes")
    op.drop_table("training_runs")
