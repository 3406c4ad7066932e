"""One case-number prefix per workstation: the district assigns a free one at enrolment, and the database
refuses a second device with the same prefix. Devices enrolled earlier with a prefix another device had
already are told apart here (ZC01 → ZC01~2); their own case numbers are what they were.

Revision ID: d0005
Revises: d0004
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "d0005"
down_revision = "d0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, prefix FROM devices ORDER BY enrolled_at, id")).fetchall()
    seen: dict[str, int] = {}
    for device_id, prefix in rows:
        seen[prefix] = seen.get(prefix, 0) + 1
        if seen[prefix] > 1:
            bind.execute(sa.text("UPDATE devices SET prefix = :p WHERE id = :id"),
                         {"p": f"{prefix[:16]}~{seen[prefix]}", "id": device_id})
    with op.batch_alter_table("devices") as batch:
        batch.create_unique_constraint("uq_devices_prefix", ["prefix"])


def downgrade() -> None:
    with op.batch_alter_table("devices") as batch:
        batch.drop_constraint("uq_devices_prefix", type_="unique")
