"""Devices, enrolment codes, cases, events, attachments, the results feed.

Revision ID: d0001
Revises:
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "d0001"
down_revision = None
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "devices",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("prefix", sa.String(20), nullable=False),
        sa.Column("training", sa.Boolean, nullable=False),
        sa.Column("token_sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("enrolled_at", TS, nullable=False),
        sa.Column("revoked_at", TS),
        sa.Column("revoked_reason", sa.Text),
    )
    op.create_table(
        "enrolment_codes",
        sa.Column("code_sha256", sa.String(64), primary_key=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("expires_at", TS, nullable=False),
        sa.Column("used_by", sa.String(36)),
    )
    op.create_table(
        "cases",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("device_id", sa.String(36), sa.ForeignKey("devices.id"), nullable=False, index=True),
        sa.Column("case_number", sa.String(40), nullable=False, index=True),
        sa.Column("item_code", sa.String(20), nullable=False),
        sa.Column("item_name", sa.String(80), nullable=False),
        sa.Column("applicant_name", sa.String(60), nullable=False),
        sa.Column("applicant_masked_id", sa.String(18), nullable=False),
        sa.Column("workstation_state", sa.String(30), nullable=False),
        sa.Column("last_seq", sa.Integer, nullable=False),
        sa.Column("official_number", sa.String(40), unique=True),
        sa.Column("decision", sa.String(20), nullable=False),
        sa.Column("decision_note", sa.Text, nullable=False),
        sa.Column("received_at", TS, nullable=False),
        sa.Column("decided_at", TS),
    )
    op.create_table(
        "events",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("case_id", sa.String(36), nullable=False, index=True),
        sa.Column("device_id", sa.String(36), sa.ForeignKey("devices.id"), nullable=False, index=True),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("type", sa.String(40), nullable=False),
        sa.Column("payload", sa.JSON, nullable=False),
        sa.Column("clerk", sa.String(40), nullable=False),
        sa.Column("occurred_at", sa.String(40), nullable=False),
        sa.Column("content_sha256", sa.String(64), nullable=False),
        sa.Column("received_at", TS, nullable=False),
        sa.Column("parked", sa.Boolean, nullable=False, index=True),
        sa.Column("parked_reason", sa.Text),
        sa.UniqueConstraint("case_id", "seq"),
    )
    op.create_table(
        "attachments",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("device_id", sa.String(36), nullable=False),
        sa.Column("stored_at", TS, nullable=False),
    )
    op.create_table(
        "result_events",
        sa.Column("cursor", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("id", sa.String(36), nullable=False, unique=True),
        sa.Column("case_id", sa.String(36), sa.ForeignKey("cases.id"), nullable=False, index=True),
        sa.Column("device_id", sa.String(36), sa.ForeignKey("devices.id"), nullable=False, index=True),
        sa.Column("type", sa.String(30), nullable=False),
        sa.Column("payload", sa.JSON, nullable=False),
        sa.Column("by", sa.String(40), nullable=False),
        sa.Column("occurred_at", TS, nullable=False),
    )
    op.create_table(
        "counters",
        sa.Column("name", sa.String(60), primary_key=True),
        sa.Column("value", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    for table in ("counters", "result_events", "attachments", "events", "cases", "enrolment_codes", "devices"):
        op.drop_table(table)
