"""The scheduled jobs by name: what each does and which setting holds its default schedule. No code runs here:
`jobs.JOBS` pairs each name with the function that runs it, and the `/mentor admin` form lists them to change
their schedules."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scheduled:
    name: str
    description: str

    @property
    def setting(self) -> str:
        """The Settings field (CRON_<NAME> in the environment) with the job's default crontab line."""
        return "cron_" + self.name.replace("-", "_")


SCHEDULED: tuple[Scheduled, ...] = (
    Scheduled("monthly-checkins", "Close last month's check-ins, report them, and ask everyone in a partnership "
              "and every member of a peer circle that meets about this month"),
    Scheduled("checkin-reminders", "Remind people who have not answered this month's check-in (after 3 and 7 days)"),
    Scheduled("meeting-nudges", "Remind pairs the day before a planned meeting; nudge pairs past their agreed cadence"),
    Scheduled("request-expiry", "Close partnership requests unanswered for 14 days and tell both people"),
    Scheduled("success-stories", "Post the next approved success story; prompt pairs for stories after 3 months"),
    Scheduled("weekly-digest", "Post the managers' weekly digest with a 12-week chart"),
    Scheduled("topic-reminders", "Remind people with a seat at a topic session (and its host) the day before"),
    Scheduled("participant-lifecycle", "End pauses that ran until today; send a closing check-in to partnerships that "
              "reached their planned end"),
    Scheduled("buddy-plan", "Send onboarding buddies and newcomers their 45-day plan (days 1, 7, 14, 30, 45), "
              "a missed day late, once"),
    Scheduled("fit-check", "Ask each partner privately whether it's a good fit after the pair's first logged meeting "
              "(or 21 days in), once more after the next meeting if still deciding; count each ended month once"),
    Scheduled("meeting-followups", "Ask both partners \"Did you meet?\" after a planned meeting's time; count a "
              "planned meeting nobody logged within 7 days as missed"),
    Scheduled("circle-endings", "Tell peer circles their end date is near; at it, post a closing summary with \"Renew or "
              "end?\" in the circle's chat, once; end a circle nobody answered for 7 days"),
    Scheduled("circle-followups", "Ask a peer circle's chat \"Did the circle meet?\" after a planned session; count a "
              "session nobody logged within 7 days as missed; cancel the sessions of circles no longer meeting"),
    Scheduled("recognition-post", "Thank, in the stories channel, the people who opted in and kept their agreed "
              "cadence for the last three months"),
)

NAMES: tuple[str, ...] = tuple(job.name for job in SCHEDULED)
