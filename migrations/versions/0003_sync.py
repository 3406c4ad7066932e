"""Sync: the reason a case was refused by the district, and the sync settings and cursor.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("sync_error", sa.Text))
    op.create_index("ix_cases_sync_state", "cases", ["sync_state"])
    op.create_table(
        "sync_meta",
        sa.Column("key", sa.String(40), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("sync_meta")
    op.drop_index("ix_cases_sync_state", "cases")
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("sync_error")
