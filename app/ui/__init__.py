"""PySide6 windows and widgets. Talks to services only; holds no business rules."""
