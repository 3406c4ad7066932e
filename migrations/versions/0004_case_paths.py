"""Every path of a case: the kind of record (a case or a 办不成事 registration), the acceptance time, the
deferral deadline with how many deferred materials are still outstanding, and the channel (上门办).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("kind", sa.String(20), nullable=False, server_default="case"))
        batch.add_column(sa.Column("accepted_at", sa.String(40)))
        batch.add_column(sa.Column("deferred_deadline", sa.Date))
        batch.add_column(sa.Column("deferred_open", sa.Integer, nullable=False, server_default="0"))
        batch.add_column(sa.Column("channel", sa.String(20), nullable=False, server_default="window"))
    op.create_index("ix_cases_kind_state", "cases", ["kind", "state"])
    op.create_index("ix_cases_deferred_open", "cases", ["deferred_open"])
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT id, snapshot FROM cases")).all()
    for case_id, snapshot in rows:
        snap = json.loads(snapshot) if isinstance(snapshot, str) else (snapshot or {})
        deferred = [c for c, m in (snap.get("materials") or {}).items() if m.get("status") == "deferred"]
        open_count = len(deferred) if snap.get("deferred_deadline") and snap.get("state") in (
            "accepted_deferred", "submitted", "processing") else 0
        conn.execute(sa.text("UPDATE cases SET accepted_at = :a, deferred_deadline = :d, deferred_open = :n "
                             "WHERE id = :id"),
                     {"a": snap.get("accepted_at"), "d": snap.get("deferred_deadline"), "n": open_count,
                      "id": case_id})


def downgrade() -> None:
    op.drop_index("ix_cases_deferred_open", "cases")
    op.drop_index("ix_cases_kind_state", "cases")
    with op.batch_alter_table("cases") as batch:
        for column in ("channel", "deferred_open", "deferred_deadline", "accepted_at", "kind"):
            batch.drop_column(column)
