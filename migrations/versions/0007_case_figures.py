"""Statistics: one row of facts per case (times, item, channel, outcome, rating), kept with its events so any
figure of a period is read from it instead of replaying cases. Existing cases are filled in at start-up. And the
tickets a window numbered itself while the hall service was unreachable.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

GROUPS = {"day": "day", "item": "item_name", "agency": "item_code", "clerk": "clerk", "channel": "channel"}
COUNTED = ("cases", "accepted", "instant", "deferred", "deferred_on_time", "corrections", "refusals", "withdrawn",
           "terminated", "ratings", "satisfied", "bad_ratings")


def upgrade() -> None:
    op.create_table(
        "case_figures",
        sa.Column("case_id", sa.String(36), sa.ForeignKey("cases.id"), primary_key=True),
        sa.Column("case_number", sa.String(40), nullable=False),
        sa.Column("item_code", sa.String(20), nullable=False),
        sa.Column("item_name", sa.String(80), nullable=False),
        sa.Column("clerk", sa.String(40), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("day", sa.Date, nullable=False, index=True),
        sa.Column("outcome", sa.String(20), nullable=False, index=True),
        sa.Column("instant", sa.Boolean, nullable=False),
        sa.Column("deferred_deadline", sa.Date),
        sa.Column("deferred_done_day", sa.Date),
        sa.Column("terminated", sa.Boolean, nullable=False),
        sa.Column("refusal_reason", sa.Text, nullable=False, server_default=""),
        sa.Column("promised_date", sa.Date),
        sa.Column("decided_day", sa.Date),
        sa.Column("wait_s", sa.Integer),
        sa.Column("handling_s", sa.Integer),
        sa.Column("rating", sa.Integer, index=True),
        sa.Column("rating_tags", sa.Text, nullable=False, server_default=""),
        sa.Column("rating_comment", sa.Text, nullable=False, server_default=""),
        sa.Column("n_cases", sa.Integer, nullable=False, server_default="0"),
        sa.Column("n_accepted", sa.Integer, nullable=False, server_default="0"),
        sa.Column("n_instant", sa.Integer, nullable=False, server_default="0"),
        sa.Column("n_deferred", sa.Integer, nullable=False, server_default="0"),
        sa.Column("n_deferred_on_time", sa.Integer, nullable=False, server_default="0"),
        sa.Column("n_corrections", sa.Integer, nullable=False, server_default="0"),
        sa.Column("n_refusals", sa.Integer, nullable=False, server_default="0"),
        sa.Column("n_withdrawn", sa.Integer, nullable=False, server_default="0"),
        sa.Column("n_terminated", sa.Integer, nullable=False, server_default="0"),
        sa.Column("n_ratings", sa.Integer, nullable=False, server_default="0"),
        sa.Column("n_satisfied", sa.Integer, nullable=False, server_default="0"),
        sa.Column("n_bad_ratings", sa.Integer, nullable=False, server_default="0"),
        sa.Column("overdue_late", sa.Integer, nullable=False, server_default="0"),
        sa.Column("overdue_due", sa.Date),
    )
    # Tickets a window numbered itself while the hall service was unreachable, to be told to it when it is back.
    with op.batch_alter_table("tickets") as batch:
        batch.add_column(sa.Column("hall_pending", sa.Boolean, nullable=False, server_default=sa.false()))
    # One covering index per grouping: a period's sums walk it in the grouping's order, without sorting.
    tail = ["day", *(f"n_{k}" for k in COUNTED), "overdue_late", "overdue_due", "wait_s", "handling_s"]
    for name, column in GROUPS.items():
        op.create_index(f"ix_case_figures_by_{name}", "case_figures", list(dict.fromkeys([column, *tail])))


def downgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        batch.drop_column("hall_pending")
    for name in GROUPS:
        op.drop_index(f"ix_case_figures_by_{name}", "case_figures")
    op.drop_table("case_figures")
