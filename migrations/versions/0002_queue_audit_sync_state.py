"""Queue tickets, the audit log, and a sync state per case.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tickets",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("number", sa.String(10), nullable=False),
        sa.Column("day", sa.Date, nullable=False, index=True),
        sa.Column("category", sa.String(20), nullable=False),
        sa.Column("priority", sa.Boolean, nullable=False),
        sa.Column("state", sa.String(12), nullable=False, index=True),
        sa.Column("taken_at", sa.String(40), nullable=False),
        sa.Column("called_at", sa.String(40)),
        sa.Column("window", sa.String(40)),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.String(40), nullable=False),
        sa.Column("clerk", sa.String(40), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("target", sa.Text, nullable=False),
    )
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("sync_state", sa.String(20), nullable=False, server_default="pending"))


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("sync_state")
    op.drop_table("audit_log")
    op.drop_table("tickets")
