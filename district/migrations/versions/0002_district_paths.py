"""Every path of a case at the district: the kind of record (a case or an escalated 办不成事), the
deferral deadline and the deferred materials still outstanding (so an overdue case can be terminated).

Revision ID: d0002
Revises: d0001
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "d0002"
down_revision = "d0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("kind", sa.String(20), nullable=False, server_default="case"))
        batch.add_column(sa.Column("deferred_deadline", sa.Date))
        batch.add_column(sa.Column("deferred_open", sa.JSON))
        batch.add_column(sa.Column("request", sa.JSON))


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        for column in ("request", "deferred_open", "deferred_deadline", "kind"):
            batch.drop_column(column)
