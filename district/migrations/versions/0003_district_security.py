"""Security at the district: named back-office officers with sessions (and CSRF tokens), the officers' audit
of every back-office action, and device tokens that expire and are renewed.

Revision ID: d0003
Revises: d0002
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "d0003"
down_revision = "d0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "officers",
        sa.Column("username", sa.String(40), primary_key=True),
        sa.Column("display_name", sa.String(40), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("failed_logins", sa.Integer, nullable=False, server_default="0"),
        sa.Column("locked_until", sa.DateTime(timezone=True)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "officer_sessions",
        sa.Column("token_sha256", sa.String(64), primary_key=True),
        sa.Column("username", sa.String(40), sa.ForeignKey("officers.username"), nullable=False, index=True),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "back_office_audit",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("officer", sa.String(40), nullable=False, index=True),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("case_id", sa.String(36)),
        sa.Column("detail", sa.Text, nullable=False, server_default=""),
        sa.Column("address", sa.String(64), nullable=False, server_default=""),
    )
    with op.batch_alter_table("devices") as batch:
        batch.add_column(sa.Column("token_expires_at", sa.DateTime(timezone=True)))
        batch.add_column(sa.Column("previous_token_sha256", sa.String(64)))


def downgrade() -> None:
    with op.batch_alter_table("devices") as batch:
        batch.drop_column("previous_token_sha256")
        batch.drop_column("token_expires_at")
    op.drop_table("back_office_audit")
    op.drop_table("officer_sessions")
    op.drop_table("officers")
