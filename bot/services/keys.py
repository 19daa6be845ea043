"""Every outbox idempotency key the bot can build: one named builder per kind of message.

A key names one message for good: its kind, whom it goes to and the period or occasion it belongs to, so writing
it twice (a double click, a retried event, a job run twice or on two replicas) is a no-op. Nothing else in the code
spells a key: use cases and services call these builders, and `tests/test_keys.py` checks every builder against
`PREFIXES` and that no f-string key is written anywhere else.

Keys are at most 200 characters (the column's width); free text never goes into a key.
"""

from __future__ import annotations

from datetime import date, datetime

# Every prefix a key can start with, in one list (a new builder adds its prefix here).
PREFIXES = (
    "agreement-acknowledged", "agreement-confirmed", "agreement-draft", "at-risk", "buddy-has", "buddy-none",
    "buddy-plan", "buddy-welcome", "cadence-nudge", "checkin", "checkin-help", "checkin-reminder",
    "closing-suggestions", "digest", "digest-chart", "end-prompt", "export", "extended", "home", "intro",
    "intro-accepted", "intro-declined", "kickoff", "meeting-logged", "meeting-reminder", "notice", "pair-fine", "pair-paused",
    "partner-left", "partner-paused", "partner-resumed", "partnership-ended", "pause-ended", "paused", "request",
    "request-accepted", "request-cancelled", "request-declined", "request-expired", "request-expired-update",
    "stats-csv", "story-consent", "story-consent-answered", "story-outcome", "story-partner-agreed",
    "story-partner-declined", "story-post", "story-prompt", "story-review", "story-reviewed", "succession-ask",
    "succession-closed", "succession-item", "succession-named", "supervisor-ack", "testimonial-consent",
    "topic-cancelled", "topic-reminder", "undelivered", "update", "welcome",
)

MAX_KEY = 200


def stamp(at: datetime) -> str:
    """A moment as a key part (to the microsecond): for messages that belong to one action, not to a period."""
    return f"{at:%Y%m%d%H%M%S%f}"


def _key(*parts: object) -> str:
    return ":".join(str(p) for p in parts)[:MAX_KEY]


# -- joining ----------------------------------------------------------------------------------------------
def welcome(team_id: str, user_id: str) -> str:
    """The one welcome DM of a person who joins (a person joins once; coming back after leaving is not news)."""
    return _key("welcome", team_id, user_id)


# -- requests and partnerships -----------------------------------------------------------------------------
def request(partnership_id: int) -> str:
    return _key("request", partnership_id)


def request_accepted(partnership_id: int) -> str:
    return _key("request-accepted", partnership_id)


def request_declined(partnership_id: int) -> str:
    return _key("request-declined", partnership_id)


def request_cancelled(partnership_id: int) -> str:
    return _key("request-cancelled", partnership_id)


def request_expired(partnership_id: int) -> str:
    return _key("request-expired", partnership_id)


def request_expired_update(partnership_id: int) -> str:
    return _key("request-expired-update", partnership_id)


def kickoff(partnership_id: int) -> str:
    return _key("kickoff", partnership_id)


# -- agreements --------------------------------------------------------------------------------------------
def agreement_draft(agreement_id: int) -> str:
    return _key("agreement-draft", agreement_id)


def agreement_confirmed(agreement_id: int) -> str:
    return _key("agreement-confirmed", agreement_id)


def supervisor_ack(ack_id: int) -> str:
    return _key("supervisor-ack", ack_id)


def agreement_acknowledged(ack_id: int) -> str:
    return _key("agreement-acknowledged", ack_id)


# -- meetings and nudges -----------------------------------------------------------------------------------
def meeting_logged(meeting_id: int, at: datetime) -> str:
    return _key("meeting-logged", meeting_id, stamp(at))


def meeting_reminder(partnership_id: int, day: date, person_id: int) -> str:
    return _key("meeting-reminder", partnership_id, day, person_id)


def cadence_nudge(partnership_id: int, last: date | None, interval: int, person_id: int) -> str:
    return _key("cadence-nudge", partnership_id, last, interval, person_id)


# -- check-ins ---------------------------------------------------------------------------------------------
def checkin(checkin_id: int) -> str:
    return _key("checkin", checkin_id)


CHECKIN_REMINDERS = (1, 2)  # after 3 and after 7 days


def checkin_reminder(checkin_id: int, number: int) -> str:
    return _key("checkin-reminder", checkin_id, number)


def checkin_messages(checkin_id: int) -> list[str]:
    """The invitation and every reminder of one check-in (what a thank-you edits in place)."""
    return [checkin(checkin_id), *(checkin_reminder(checkin_id, n) for n in CHECKIN_REMINDERS)]


def at_risk(partnership_id: int, period: str, person_id: int) -> str:
    return _key("at-risk", partnership_id, period, person_id)


def pair_fine(partnership_id: int, at: datetime) -> str:
    """The partner's news that the other said "We're fine" at risk, to the second it was said."""
    return _key("pair-fine", partnership_id, f"{at:%Y%m%d%H%M%S}")


def pair_paused(partnership_id: int, at: datetime) -> str:
    """The partner's news that the other paused the partnership at risk, to the second it was done."""
    return _key("pair-paused", partnership_id, f"{at:%Y%m%d%H%M%S}")


def paused_for_silence(person_id: int, period: str) -> str:
    return _key("paused", person_id, period)


def checkin_help(team_id: str, period: str, admin_user_id: str) -> str:
    return _key("checkin-help", team_id, period, admin_user_id)


# -- pause, leave, closings --------------------------------------------------------------------------------
def partner_paused(person_id: int, at: datetime, partner_id: int) -> str:
    return _key("partner-paused", person_id, stamp(at), partner_id)


def partner_resumed(person_id: int, at: datetime | date, partner_id: int) -> str:
    return _key("partner-resumed", person_id, stamp(at) if isinstance(at, datetime) else at, partner_id)


def pause_ended(person_id: int, day: date) -> str:
    return _key("pause-ended", person_id, day)


def partner_left(partnership_id: int) -> str:
    return _key("partner-left", partnership_id)


def export(person_id: int, at: datetime) -> str:
    return _key("export", person_id, stamp(at))


def export_prefix(person_id: int) -> str:
    """What every export key of this person starts with (to find them when their data is deleted)."""
    return _key("export", person_id) + ":"


def partnership_ended(partnership_id: int) -> str:
    return _key("partnership-ended", partnership_id)


def testimonial_consent(closing_id: int) -> str:
    return _key("testimonial-consent", closing_id)


def closing_suggestions(closing_id: int) -> str:
    return _key("closing-suggestions", closing_id)


def extended(partnership_id: int, new_end: date | None) -> str:
    return _key("extended", partnership_id, new_end)


def end_prompt(partnership_id: int, planned_end: date | None, person_id: int) -> str:
    return _key("end-prompt", partnership_id, planned_end, person_id)


# -- stories -----------------------------------------------------------------------------------------------
def story_consent(story_id: int) -> str:
    return _key("story-consent", story_id)


def story_consent_answered(story_id: int) -> str:
    return _key("story-consent-answered", story_id)


def story_partner_agreed(story_id: int) -> str:
    return _key("story-partner-agreed", story_id)


def story_partner_declined(story_id: int) -> str:
    return _key("story-partner-declined", story_id)


def story_outcome(story_id: int) -> str:
    return _key("story-outcome", story_id)


def story_review(story_id: int, admin_user_id: str) -> str:
    return _key("story-review", story_id, admin_user_id)


def story_reviewed(story_id: int, admin_user_id: str) -> str:
    return _key("story-reviewed", story_id, admin_user_id)


def story_post(story_id: int, attempt: int) -> str:
    return _key("story-post", story_id, attempt)


def story_post_prefix(story_id: int) -> str:
    return _key("story-post", story_id) + ":"


def story_prompt(partnership_id: int, person_id: int, occasion: str) -> str:
    return _key("story-prompt", partnership_id, person_id, occasion)


# -- digest and stats --------------------------------------------------------------------------------------
def digest(team_id: str, first_day: date, suffix: str = "") -> str:
    return _key("digest", team_id, f"{first_day}{suffix}")


def digest_chart(team_id: str, first_day: date, suffix: str = "") -> str:
    return _key("digest-chart", team_id, f"{first_day}{suffix}")


def stats_csv(team_id: str, user_id: str, request_id: str) -> str:
    return _key("stats-csv", team_id, user_id, request_id)


# -- formal rounds, introductions, buddies -----------------------------------------------------------------
def introduction(intro_id: int, person_id: int) -> str:
    return _key("intro", intro_id, person_id)


def intro_accepted(intro_id: int, person_id: int) -> str:
    return _key("intro-accepted", intro_id, person_id)


def intro_declined(intro_id: int, to: int | str) -> str:
    """To the other person (their person id) or to the round's admins ("admin")."""
    return _key("intro-declined", intro_id, to)


def buddy_welcome(team_id: str, user_id: str) -> str:
    return _key("buddy-welcome", team_id, user_id)


def buddy_none(person_id: int, day: date, recipient: str) -> str:
    return _key("buddy-none", person_id, day.isoformat(), recipient)


def buddy_none_after_decline(person_id: int, declined: int, admin_user_id: str) -> str:
    return _key("buddy-none", person_id, "declined", declined, admin_user_id)


def buddy_has(person_id: int, day: date) -> str:
    return _key("buddy-has", person_id, day.isoformat())


def buddy_plan(partnership_id: int, day: int, person_id: int) -> str:
    return _key("buddy-plan", partnership_id, day, person_id)


# -- topics and succession ---------------------------------------------------------------------------------
def topic_reminder(topic_id: int, person_id: int) -> str:
    return _key("topic-reminder", topic_id, person_id)


def topic_cancelled(topic_id: int, person_id: int) -> str:
    return _key("topic-cancelled", topic_id, person_id)


def succession_ask(plan_id: int) -> str:
    return _key("succession-ask", plan_id)


def succession_named(plan_id: int, user_id: str) -> str:
    return _key("succession-named", plan_id, user_id)


def succession_item(item_id: int) -> str:
    return _key("succession-item", item_id)


def succession_closed(plan_id: int, user_id: str) -> str:
    return _key("succession-closed", plan_id, user_id)


def notice(user_id: str, at: datetime) -> str:
    """An answer to the acting person in their DM (no response_url to answer through): one per action."""
    return _key("notice", user_id, stamp(at))


# -- delivery's own --------------------------------------------------------------------------------------
def undelivered(key: str) -> str:
    return _key("undelivered", key)


def home(team_id: str, user_id: str) -> str:
    """The one pending App Home publish of a person (rendered when sent, so it is never stale)."""
    return _key("home", team_id, user_id)


def update(channel: str, ts: str) -> str:
    """The one pending edit of a message Slack already has (the last content asked for wins)."""
    return _key("update", channel, ts)
