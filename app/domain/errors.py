"""Domain errors: each carries a sentence a clerk can act on."""


class DomainError(Exception):
    """A business rule was broken; str(error) is the clerk-facing message."""


class IllegalTransition(DomainError):
    """The case cannot move from its current state by the requested action."""


class CatalogError(DomainError):
    """The service catalogue is malformed; the message names the file and the field."""


class ValidationError(DomainError):
    """Form or identity input does not satisfy its rules."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field
