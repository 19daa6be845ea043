"""Errors a service raises for the person acting; the message is written for them."""


class DomainError(Exception):
    """Something the acting person asked for cannot be done; `str(exc)` says why, kindly."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field  # the form field at fault, when there is one


class NotAllowed(DomainError):
    """The acting person may not touch this object (a forged or stale id)."""


class NotFound(DomainError):
    pass


class Conflict(DomainError):
    """The state changed under the person (already answered, expired, at capacity...)."""
