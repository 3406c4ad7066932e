"""Local persistence: SQLite through SQLAlchemy, Alembic migrations, content-addressed attachments."""
