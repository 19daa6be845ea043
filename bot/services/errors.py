"""Errors a service raises for the person acting; the message is written for them."""


class DomainError(Exception):
    """Something the acting person asked for cannot be done; `str(exc)` says why, kindly."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field  # the form field at fault, when there is one

    @property
    def fields(self) -> dict[str, str]:
        """Field -> what is wrong with it (empty when no field is at fault)."""
        return {self.field: self.message} if self.field else {}


class FormProblems(DomainError):
    """Several fields of a form are at fault, each with its own message (rules that need more than the form, e.g.
    the person's own "today")."""

    def __init__(self, problems: dict[str, str]):
        field, message = next(iter(problems.items()))
        super().__init__(message, field=field)
        self.problems = dict(problems)

    @property
    def fields(self) -> dict[str, str]:
        return self.problems


class NotAllowed(DomainError):
    """The acting person may not touch this object (a forged or stale id)."""


class NotFound(DomainError):
    pass


class Conflict(DomainError):
    """The state changed under the person (already answered, expired, at capacity...)."""
