"""Two people in an active partnership, set up with the services (no Slack): Ada (U1) and Bea (U2)."""

from __future__ import annotations

from bot.flows import Context
from bot.services import partnerships, profiles
from bot.services.profiles import ProfileForm
from tests.flows.conftest import TEAM


def join(ctx: Context, user_id: str, offers: str, wants: str) -> int:
    form = ProfileForm(offers=[offers], wants=[wants], goals=["knowledge"], department="Engineering", level=3)
    with ctx.db.uow() as session:
        person, _new = profiles.save(session, TEAM, user_id, form)
        return person.id


def pair(ctx: Context, asker: str = "U1", asked: str = "U2") -> int:
    """`asker` and `asked` join and become partners; returns the partnership's id."""
    join(ctx, asker, "Python", "Public speaking")
    target = join(ctx, asked, "Public speaking", "Python")
    with ctx.db.uow() as session:
        pid = partnerships.request(session, profiles.require(session, TEAM, asker), target).id
    with ctx.db.uow() as session:
        partnerships.accept(session, TEAM, asked, pid, tz=ctx.settings.tz)
    return pid
