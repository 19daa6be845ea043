"""Every action_id, callback_id and block_id the bot uses, in one place.

Buttons that repeat on one surface (one "Ask to partner" per candidate) get a unique suffix,
`ask:42`, and listeners match the prefix with `matcher(ASK)`.
"""

import re

COMMAND = "/mentor"

# Buttons and other actions
OPEN_PROFILE = "profile_open"
FIND = "find_open"
FIND_MORE = "find_more"
ASK = "partner_ask"
ACCEPT = "request_accept"
DECLINE = "request_decline"
CANCEL = "request_cancel"
AGREEMENT_WRITE = "agreement_write"
AGREEMENT_CONFIRM = "agreement_confirm"
AGREEMENT_VIEW = "agreement_view"
SUPERVISOR_ACK = "supervisor_ack"
LOG_OPEN = "meeting_log_open"
JOURNAL_ADD = "journal_add"
# Planning a meeting (handlers/planning.py): the button "Plan our next meeting" carries the partnership id;
# "Agenda" on a planned meeting (handlers/meeting.py) carries the planned meeting's id.
PLAN_OPEN = "plan_open"
AGENDA_OPEN = "agenda_open"
PLAN_PICK = "plan_pick"  # one of the proposed times (value: its slot id)
PLAN_OTHER = "plan_other_times"  # value: the planned meeting's id, as for the three below
PLAN_RESCHEDULE = "plan_reschedule"
PLAN_CANCEL = "plan_cancel"
PLAN_MISSED = "plan_missed"  # "We didn't" on "Did you meet?"
PLAN_MODAL = "plan_submit"
ACTION_DONE = "action_item_done"  # "Done" on an open action item (Home tab); value: the item's id
HELP = "help_open"

# Check-ins (handlers/checkin.py)
CHECKIN_MET = "checkin_met"
CHECKIN_NOT_MET = "checkin_not_met"
CHECKIN_CHANGE = "checkin_change"
# A peer circle's part of a member's monthly check-in DM (value: the circle check-in's id, checked on click)
CIRCLE_CHECKIN_ANSWER = "circle_checkin_answer"
CIRCLE_CHECKIN_CHANGE = "circle_checkin_change"
CIRCLE_CHECKIN_MODAL = "circle_checkin_submit"
AT_RISK_FINE = "at_risk_fine"
AT_RISK_PAUSE = "at_risk_pause"
AT_RISK_END = "at_risk_end"
RESUME = "participation_resume"

# Stories (handlers/story.py): add story action ids here
STORY_SHARE = "story_share"
STORY_AGREE = "story_partner_agree"
STORY_DISAGREE = "story_partner_disagree"
STORY_APPROVE = "story_approve"
STORY_EDIT = "story_edit"
STORY_REJECT = "story_reject"

# Formal rounds and introductions (handlers/rounds.py)
INTRO_ACCEPT = "intro_accept"
INTRO_DECLINE = "intro_decline"
ROUND_PAGE = "round_page"
ROUND_DROP = "round_drop"
ROUND_CONFIRM = "round_confirm"
ROUND_CANCEL = "round_cancel"
ROUND_MODAL = "round_submit"
ROUND_CIRCLE_DROP = "round_circle_drop"  # "Drop this circle" in a circles round's review

# Onboarding buddies (handlers/buddy.py)
BUDDY_START = "buddy_start"
BUDDY_MODAL = "buddy_submit"
BUDDY_ADMIN_MODAL = "buddy_admin_submit"

# Stats (handlers/stats.py)
STATS_EXPORT = "stats_export_csv"

# Modals (callback ids)
PROFILE_MODAL = "profile_submit"
ASK_MODAL = "ask_submit"
AGREEMENT_MODAL = "agreement_submit"
AGREEMENT_VIEW_MODAL = "agreement_read"
MEETING_MODAL = "meeting_submit"
JOURNAL_MODAL = "journal_submit"
AGENDA_MODAL = "agenda_submit"
CHECKIN_MODAL = "checkin_submit"
# Stories: add story modal callback ids here
STORY_MODAL = "story_submit"
STORY_EDIT_MODAL = "story_edit_submit"
# Participant lifecycle (handlers/lifecycle.py): pause, leave, export, end a partnership, its planned end
PAUSE_OPEN = "participation_pause"
PAUSE_MODAL = "pause_submit"
LEAVE_MODAL = "leave_submit"
END_OPEN = "partnership_end"
CLOSING_MODAL = "closing_submit"
TESTIMONIAL_SHOW = "testimonial_show"
TESTIMONIAL_HIDE = "testimonial_hide"
EXTEND = "partnership_extend"
# The early fit check and testimonials (handlers/fit.py); each button carries its row's id (checked on click)
FIT_GOOD = "fit_good"
FIT_DECIDING = "fit_deciding"
FIT_NOT_GOOD = "fit_not_good"
FIT_END = "fit_end_kindly"
FIT_KEEP = "fit_keep_going"
THANK_OPEN = "thank_partner"
THANK_MODAL = "thank_submit"
# Program administration (handlers/admin.py)
ADMIN_MODAL = "admin_program_submit"
# Matching boundaries (handlers/boundaries.py): a person's own, and the admins' "Matching rules"
BOUNDARIES_MODAL = "boundaries_submit"
RULES_MODAL = "matching_rules_submit"

# Topic sessions and succession (handlers/topics.py, handlers/succession.py)
TOPIC_HOST = "topic_host"
TOPIC_JOIN = "topic_join"
TOPIC_LEAVE = "topic_leave"
TOPIC_CANCEL = "topic_cancel"
TOPIC_PAGE = "topic_page"
TOPIC_MODAL = "topic_submit"
# Peer circles (handlers/circles.py)
CIRCLE_MODAL = "circle_submit"
CIRCLE_START = "circle_start"
CIRCLE_JOIN = "circle_join"
CIRCLE_LEAVE = "circle_leave"
CIRCLE_DECLINE = "circle_decline"
CIRCLE_LIST = "circle_list"
# A circle's sessions (handlers/circle_sessions.py): "Plan a session" and "Log a session" carry the circle's id
# ("Log this session": "<circle id>:<session id>"); the others the session's id
CSESSION_PLAN = "circle_session_plan"
CSESSION_LOG = "circle_session_log"
CSESSION_RESCHEDULE = "circle_session_reschedule"
CSESSION_CANCEL = "circle_session_cancel"
CSESSION_MISSED = "circle_session_missed"  # "We didn't meet" on "Did the circle meet?"
CSESSION_PLAN_MODAL = "circle_session_plan_submit"
CSESSION_LOG_MODAL = "circle_session_log_submit"
# A circle at its end date (handlers/circle_endings.py): value "<circle id>:<renewals when asked>[:<months>]"
CIRCLE_RENEW = "circle_renew"  # "Renew for 3 months"
CIRCLE_RENEW_FOR = "circle_renew_for"  # the "Renew for…" select (1, 2, 3 or 6 months)
CIRCLE_END = "circle_end"  # "End the circle"
HANDOVER_OPEN = "handover_open"
HANDOVER_ADD = "handover_add"
HANDOVER_DONE = "handover_done"
HANDOVER_CLOSE = "handover_close"
SUCCESSION_MODAL = "succession_submit"
HANDOVER_MODAL = "handover_item_submit"


def unique(action_id: str, suffix: object) -> str:
    return f"{action_id}:{suffix}"


def matcher(action_id: str) -> re.Pattern[str]:
    return re.compile(rf"^{re.escape(action_id)}(:.*)?$")
