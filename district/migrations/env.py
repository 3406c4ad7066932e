"""Alembic environment of the district server: run in-process with a connection from district.db."""

from alembic import context

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through district.db.upgrade (zongchuang-district serve)")

context.configure(connection=connection, target_metadata=None, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
