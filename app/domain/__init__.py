"""Pure rules and value types. Imports nothing from app/, Qt or SQLAlchemy."""
