"""好差评 at the district: each case's rating, a 差评's 回访 and 整改 deadlines and records, and the 追评; and what the
figures across service points need: the centre a workstation is at, and each case's opening, outcome, instant
flag, waiting and handling times.

Revision ID: d0004
Revises: d0003
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "d0004"
down_revision = "d0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ratings",
        sa.Column("case_id", sa.String(36), sa.ForeignKey("cases.id"), primary_key=True),
        sa.Column("event_id", sa.String(36), nullable=False, unique=True),
        sa.Column("device_id", sa.String(36), sa.ForeignKey("devices.id"), nullable=False, index=True),
        sa.Column("level", sa.Integer, nullable=False),
        sa.Column("tags", sa.JSON, nullable=False),
        sa.Column("comment", sa.Text, nullable=False, server_default=""),
        sa.Column("stage", sa.String(20), nullable=False),
        sa.Column("clerk", sa.String(40), nullable=False),
        sa.Column("rated_at", sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column("bad", sa.Boolean, nullable=False, index=True),
        sa.Column("callback_due", sa.Date),
        sa.Column("rectify_due", sa.Date),
        sa.Column("callback_at", sa.DateTime(timezone=True)),
        sa.Column("callback_by", sa.String(80), nullable=False, server_default=""),
        sa.Column("callback_note", sa.Text, nullable=False, server_default=""),
        sa.Column("rectified_at", sa.DateTime(timezone=True)),
        sa.Column("rectified_by", sa.String(80), nullable=False, server_default=""),
        sa.Column("rectified_note", sa.Text, nullable=False, server_default=""),
        sa.Column("follow_up_level", sa.Integer),
        sa.Column("follow_up_comment", sa.Text, nullable=False, server_default=""),
        sa.Column("follow_up_at", sa.DateTime(timezone=True)),
        sa.Column("follow_up_by", sa.String(80), nullable=False, server_default=""),
    )
    with op.batch_alter_table("devices") as batch:
        batch.add_column(sa.Column("centre", sa.String(80), nullable=False, server_default=""))
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("opened_at", sa.DateTime(timezone=True)))
        batch.add_column(sa.Column("outcome", sa.String(20), nullable=False, server_default=""))
        batch.add_column(sa.Column("instant", sa.Boolean, nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("started_at", sa.DateTime(timezone=True)))
        batch.add_column(sa.Column("wait_s", sa.Integer))
        batch.add_column(sa.Column("handling_s", sa.Integer))
        batch.add_column(sa.Column("promised_by", sa.DateTime(timezone=True)))
        batch.create_index("ix_cases_opened_at", ["opened_at"])


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.drop_index("ix_cases_opened_at")
        for column in ("promised_by", "handling_s", "wait_s", "started_at", "instant", "outcome", "opened_at"):
            batch.drop_column(column)
    with op.batch_alter_table("devices") as batch:
        batch.drop_column("centre")
    op.drop_table("ratings")
