"""Use cases: one function per thing a person or a scheduled job does.

A use case opens the unit of work (`ctx.db.uow()`), calls the domain services, writes the outbox rows for every
message it causes (keys from `bot.services.keys`, content from `messages`), and returns a plain result that the
caller renders. It never talks to Slack: the Slack listeners (`handlers/`) and the jobs (`jobs/`) call it, then
acknowledge, render and deliver. Refusals are `bot.services.errors.DomainError`s, raised before anything is written.
"""

from bot.flows.context import Context

__all__ = ["Context"]
