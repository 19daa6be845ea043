"""The schema: SQLAlchemy 2.0 typed models, one module per aggregate. Changed only through Alembic migrations."""

from models.agenda import ActionItem, AgendaPoint
from models.agreements import FREQUENCIES, Agreement, SupervisorAck
from models.base import Base, utcnow
from models.boundaries import DontSuggest, MatchingRule, ReportingLine
from models.checkins import CheckIn, CheckInAnswer, CheckInPeriod, CircleCheckIn
from models.circles import Circle, CircleAttendance, CircleInvite, CircleMember, CircleSession, CircleSkill
from models.closings import PartnershipClosing
from models.events import ProcessedEvent
from models.find_snapshot import FindSnapshot
from models.fit import FitAnswer, FitMonth, Testimonial
from models.installations import SlackBot, SlackInstallation, SlackOAuthState, Tenant
from models.jobs import JobRun
from models.meetings import JournalNote, Meeting
from models.outbox import OutboxMessage
from models.partnerships import OPEN_STATUSES, Partnership, PartnershipRequest
from models.people import Person, PersonSkill, Skill
from models.planning import PlannedMeeting, PlanSlot
from models.program import PROGRAM_TYPES, AuditEntry, ProgramAdmin, ProgramConfig
from models.rounds import Introduction, PairingRound, RoundCircle, RoundCircleMember, RoundMember
from models.stories import Story
from models.succession import KnowledgeItem, SuccessionPlan, Successor
from models.topics import TopicAttendee, TopicSession

__all__ = [
    "ActionItem", "AgendaPoint",
    "Agreement", "Base", "CheckIn", "CheckInAnswer", "CheckInPeriod", "JobRun", "OutboxMessage", "Story", "FREQUENCIES",
    "JournalNote", "Meeting", "PlannedMeeting", "PlanSlot", "OPEN_STATUSES", "Partnership",
    "PartnershipRequest", "Person", "PartnershipClosing", "PROGRAM_TYPES", "AuditEntry", "ProgramAdmin",
    "ProgramConfig", "Introduction", "PairingRound", "RoundMember", "KnowledgeItem", "SuccessionPlan", "Successor",
    "FitAnswer", "FitMonth", "Testimonial", "FindSnapshot",
    "TopicAttendee", "TopicSession", "DontSuggest", "MatchingRule", "ReportingLine",
    "PersonSkill", "ProcessedEvent", "Skill", "SupervisorAck", "utcnow",
    "SlackBot", "SlackInstallation", "SlackOAuthState", "Tenant",
    "Circle", "CircleInvite", "CircleMember", "CircleSkill",
    "CircleAttendance", "CircleSession", "CircleCheckIn", "RoundCircle", "RoundCircleMember",
]
