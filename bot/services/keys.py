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
    "agenda-point", "agreement-acknowledged", "agreement-confirmed", "agreement-draft", "at-risk", "buddy-has",
    "buddy-none", "buddy-plan", "buddy-welcome", "cadence-nudge",
    "circle-end-ask", "circle-ended", "circle-ends-soon", "circle-never-started",
    "circle-renewed",  # a circle's end date (circle_endings)
    "circle-session-ask", "circle-session-cancelled", "circle-session-invite", "circle-session-logged",
    "circle-session-missed", "circle-session-planned",  # a circle's sessions (circle_sessions)
    "circle-chat", "circle-checkin", "circle-checkin-reminder", "circle-invite", "circle-left", "circle-moved",
    "checkin", "checkin-help", "checkin-reminder",
    "closing-suggestions", "did-you-meet", "digest", "digest-chart", "end-prompt", "export", "extended", "fit-ask",
    "fit-closed", "home", "intro", "intro-accepted", "intro-declined", "kickoff", "left-out", "meeting-logged",
    "meeting-reminder", "notice", "pair-fine", "pair-paused", "partner-left", "partner-paused", "partner-resumed",
    "partnership-ended", "pause-ended", "paused", "plan-cancelled", "plan-confirmed", "plan-invite", "plan-other-times",
    "plan-proposed", "recognition-post", "request", "request-accepted", "request-cancelled", "request-declined",
    "request-expired", "request-expired-update", "requests-missed", "stats-csv", "story-consent", "story-consent-answered",
    "story-outcome", "story-partner-agreed", "story-partner-declined", "story-post", "story-prompt", "story-review",
    "story-reviewed", "succession-ask", "succession-closed", "succession-item", "succession-named", "supervisor-ack",
    "testimonial-consent", "testimonial-thanks", "topic-cancelled", "topic-reminder", "undelivered", "update", "welcome",
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


def agenda_point(point_id: int) -> str:
    """The partner's notice that a point was added to the agenda of their planned meeting (one per point)."""
    return _key("agenda-point", point_id)


def meeting_reminder(partnership_id: int, day: date, person_id: int) -> str:
    return _key("meeting-reminder", partnership_id, day, person_id)


def cadence_nudge(partnership_id: int, last: date | None, interval: int, person_id: int) -> str:
    return _key("cadence-nudge", partnership_id, last, interval, person_id)


# -- planning a meeting ------------------------------------------------------------------------------------
def plan_proposed(plan_id: int, proposal: int, person_id: int) -> str:
    """The times one partner proposed (one set of them: a proposal), to the other."""
    return _key("plan-proposed", plan_id, proposal, person_id)


def plan_other_times(plan_id: int, proposal: int, person_id: int) -> str:
    """"Ask for other times" about one proposal, to the partner who proposed it."""
    return _key("plan-other-times", plan_id, proposal, person_id)


def plan_confirmed(plan_id: int, sequence: int, person_id: int) -> str:
    """The meeting is planned (or moved: a higher sequence), to each partner."""
    return _key("plan-confirmed", plan_id, sequence, person_id)


def plan_cancelled(plan_id: int, sequence: int, person_id: int) -> str:
    return _key("plan-cancelled", plan_id, sequence, person_id)


def plan_invite(plan_id: int, sequence: int, person_id: int) -> str:
    """The calendar file of one version of the event (a request, or the cancellation), to each partner."""
    return _key("plan-invite", plan_id, sequence, person_id)


def did_you_meet(plan_id: int, sequence: int, person_id: int) -> str:
    return _key("did-you-meet", plan_id, sequence, person_id)


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


def circle_checkin(person_id: int, period: str) -> str:
    """A circle member's one check-in DM of a month (a section per circle they are in)."""
    return _key("circle-checkin", person_id, period)


def circle_checkin_reminder(person_id: int, period: str, number: int) -> str:
    return _key("circle-checkin-reminder", person_id, period, number)


def circle_checkin_messages(person_id: int, period: str) -> list[str]:
    """A circle member's check-in DM of a month and its reminders (what an answer edits in place)."""
    return [circle_checkin(person_id, period), *(circle_checkin_reminder(person_id, period, n) for n in CHECKIN_REMINDERS)]


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


# -- the early fit check and recognition ------------------------------------------------------------------
def fit_ask(answer_id: int) -> str:
    """"Is this a good fit?" to one person, one partnership, one round (the fit_answers row it was written with)."""
    return _key("fit-ask", answer_id)


def fit_closed(partnership_id: int, person_id: int) -> str:
    """"Your partnership was closed" after "End kindly and find someone new", to each partner once."""
    return _key("fit-closed", partnership_id, person_id)


def testimonial_thanks(testimonial_id: int) -> str:
    """The partner is told once that someone thanked them (writing it again changes the text, not the news)."""
    return _key("testimonial-thanks", testimonial_id)


def recognition_post(team_id: str, period: str) -> str:
    """The monthly thank-you post of a team, for the three months ending before `period` (YYYY-MM)."""
    return _key("recognition-post", team_id, period)


# -- nobody silently left out ----------------------------------------------------------------------------------
def left_out(round_id: int, person_id: int) -> str:
    """"This round found you no partner, because...": to one pool member, once per round."""
    return _key("left-out", round_id, person_id)


def requests_missed(person_id: int, first_request_id: int) -> str:
    """People with room, after several requests in a row were declined or expired: once per streak (named by its
    first request)."""
    return _key("requests-missed", person_id, first_request_id)


# -- peer circles ------------------------------------------------------------------------------------------------
def circle_chat(circle_id: int, at: datetime) -> str:
    """The message that opens a circle's group chat: the kickoff when its third member arrives, or the welcome of a
    later member in a new chat with everyone (a Slack group chat can't take new people). `at`: that arrival."""
    return _key("circle-chat", circle_id, stamp(at))


def circle_moved(circle_id: int, at: datetime) -> str:
    """"We continue in a new group chat", in the circle's old chat, once per later arrival."""
    return _key("circle-moved", circle_id, stamp(at))


def circle_left(circle_id: int, person_id: int, at: datetime) -> str:
    """"Someone left the circle", in its chat, once per leaving."""
    return _key("circle-left", circle_id, person_id, stamp(at))


def circle_invite(circle_id: int, person_id: int) -> str:
    """The invitation DM of an invite-only circle, with "Join circle" / "No thanks", once per person."""
    return _key("circle-invite", circle_id, person_id)


# -- a peer circle's sessions (bot/flows/circle_sessions.py) ---------------------------------------------------
def circle_session_planned(session_id: int, sequence: int) -> str:
    """"Session planned" (or moved: a higher sequence), with its time, in the circle's chat."""
    return _key("circle-session-planned", session_id, sequence)


def circle_session_invite(session_id: int, sequence: int) -> str:
    """The calendar file of one version of the session's event (a request, or the cancellation), in the chat."""
    return _key("circle-session-invite", session_id, sequence)


def circle_session_cancelled(session_id: int, sequence: int) -> str:
    return _key("circle-session-cancelled", session_id, sequence)


def circle_session_ask(session_id: int, sequence: int) -> str:
    """"Did the circle meet?" in the chat after the session's time, once per version of the session."""
    return _key("circle-session-ask", session_id, sequence)


def circle_session_missed(session_id: int) -> str:
    """"We didn't meet" said in the chat, once per session."""
    return _key("circle-session-missed", session_id)


def circle_session_logged(session_id: int, at: datetime) -> str:
    """"Session logged: N of M came", in the chat, once per save of the log."""
    return _key("circle-session-logged", session_id, stamp(at))


# -- a peer circle's end date (bot/flows/circle_endings.py) ------------------------------------------------------
def circle_ends_soon(circle_id: int, ends_on: date) -> str:
    """"This circle ends on ...", in its chat, a few days before that end date (once per end date)."""
    return _key("circle-ends-soon", circle_id, ends_on)


def circle_end_ask(circle_id: int, ends_on: date) -> str:
    """The closing summary and "Renew or end?" in the circle's chat, once per end date it reached."""
    return _key("circle-end-ask", circle_id, ends_on)


def circle_renewed(circle_id: int, renewal: int, person_id: int) -> str:
    """"Renewed until ...", in the chat: once per renewal (its number), naming the member who renewed it."""
    return _key("circle-renewed", circle_id, renewal, person_id)


def circle_ended(circle_id: int, person_id: int | None) -> str:
    """The closing line in the chat when a circle ends at its end date: once, naming the member who ended it, or
    "auto" when nobody answered in time and the job ended it."""
    return _key("circle-ended", circle_id, "auto" if person_id is None else person_id)


def circle_never_started(circle_id: int, person_id: int) -> str:
    """The DM to each member of a circle that reached its end date without enough people to start: once per person."""
    return _key("circle-never-started", circle_id, person_id)


# -- delivery's own --------------------------------------------------------------------------------------
def undelivered(key: str) -> str:
    return _key("undelivered", key)


def home(team_id: str, user_id: str) -> str:
    """The one pending App Home publish of a person (rendered when sent, so it is never stale)."""
    return _key("home", team_id, user_id)


def update(channel: str, ts: str) -> str:
    """The one pending edit of a message Slack already has (the last content asked for wins)."""
    return _key("update", channel, ts)
