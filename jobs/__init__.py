"""Scheduled jobs: each is a named function of a JobContext, idempotent for its period.

`mentor-bot jobs run NAME` runs one once, now; the scheduler (jobs/scheduler.py) runs them on their
cron settings (`CRON_<NAME>`) in PROGRAM_TIMEZONE. Jobs write what they send to the outbox and then
deliver it (bot/delivery.py), so running one twice, or on two replicas at once, sends nothing twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.flows import Context


@dataclass
class JobContext(Context):
    """A use case's context (settings, database) plus how long a run may spend delivering."""

    deliver_seconds: float = 900.0  # how long a run may wait out Slack's rate limits before leaving the rest

    def deliver(self):
        """Send what is due in the outbox (this run's messages and anything left over)."""
        from bot.delivery import drain

        return drain(self.settings, self.db, max_seconds=self.deliver_seconds)


@dataclass(frozen=True)
class Job:
    name: str
    description: str
    run: Callable[[JobContext], str]


def _jobs() -> dict[str, Job]:
    from jobs import (
        buddy_plan,
        checkins,
        lifecycle,
        meeting_nudges,
        request_expiry,
        success_stories,
        topic_reminders,
        weekly_digest,
    )

    return {job.name: job for job in (
        Job("monthly-checkins", "Close last month's check-ins, report them, and ask everyone in a partnership "
            "about this month", checkins.run_monthly),
        Job("checkin-reminders", "Remind people who have not answered this month's check-in (after 3 and 7 days)",
            checkins.run_reminders),
        Job("meeting-nudges", "Remind pairs the day before a planned meeting; nudge pairs past their agreed cadence",
            meeting_nudges.run),
        Job("request-expiry", "Close partnership requests unanswered for 14 days and tell both people",
            request_expiry.run),
        Job("success-stories", "Post the next approved success story; prompt pairs for stories after 3 months",
            success_stories.run),
        Job("weekly-digest", "Post the managers' weekly digest with a 12-week chart", weekly_digest.run),
        Job("topic-reminders", "Remind people with a seat at a topic session (and its host) the day before",
            topic_reminders.run),
        Job("participant-lifecycle", "End pauses that ran until today; send a closing check-in to partnerships that "
            "reached their planned end", lifecycle.run),
        Job("buddy-plan", "Send onboarding buddies and newcomers their 45-day plan (days 1, 7, 14, 30, 45), "
            "a missed day late, once", buddy_plan.run),
    )}


JOBS: dict[str, Job] = _jobs()
