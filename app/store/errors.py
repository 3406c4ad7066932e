"""Store errors with clerk-facing messages."""


class StoreError(Exception):
    """Saving or reading failed; str(error) is a sentence for the clerk, details are in the log."""


class DatabaseTooNew(StoreError):
    """The database was written by a newer version of the workstation."""
