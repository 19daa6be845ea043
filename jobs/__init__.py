"""Scheduled jobs: each is a named function of a JobContext, idempotent for its period.

`mentor-bot jobs run NAME` runs one once, now; the scheduler (jobs/scheduler.py) runs them on their
cron settings (`CRON_<NAME>`) in PROGRAM_TIMEZONE. Jobs write what they send to the outbox and then
deliver it (bot/delivery.py), so running one twice, or on two replicas at once, sends nothing twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.flows import Context
from bot.services import schedules


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
    """Each scheduled job (its name and description from bot/services/schedules.py) with the function that runs it."""
    from jobs import (
        buddy_plan,
        checkins,
        circle_endings,
        circle_followups,
        fit_check,
        lifecycle,
        meeting_followups,
        meeting_nudges,
        recognition,
        request_expiry,
        success_stories,
        topic_reminders,
        weekly_digest,
    )

    runs: dict[str, Callable[[JobContext], str]] = {
        "monthly-checkins": checkins.run_monthly,
        "checkin-reminders": checkins.run_reminders,
        "meeting-nudges": meeting_nudges.run,
        "request-expiry": request_expiry.run,
        "success-stories": success_stories.run,
        "weekly-digest": weekly_digest.run,
        "topic-reminders": topic_reminders.run,
        "participant-lifecycle": lifecycle.run,
        "buddy-plan": buddy_plan.run,
        "fit-check": fit_check.run,
        "recognition-post": recognition.run,
        "meeting-followups": meeting_followups.run,
        "circle-endings": circle_endings.run,
        "circle-followups": circle_followups.run,
    }
    assert set(runs) == set(schedules.NAMES), "every scheduled job needs a run function, and every run a schedule"
    return {job.name: Job(job.name, job.description, runs[job.name]) for job in schedules.SCHEDULED}


JOBS: dict[str, Job] = _jobs()
