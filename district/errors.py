"""The one error the district's rules raise: a request it will not honour, with the reason."""

from __future__ import annotations


class Refused(Exception):
    """A request the server will not honour, with a reason a clerk or installer can act on."""

    def __init__(self, status: int, code: str, reason: str, retry_after: int = 0):
        super().__init__(reason)
        self.status, self.code, self.reason, self.retry_after = status, code, reason, retry_after
