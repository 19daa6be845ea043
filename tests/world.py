"""A small vocabulary for scenario tests: people join, find, ask and answer the way they would in Slack."""

from __future__ import annotations

from sqlalchemy import select

from models import Partnership, Person


class World:
    def __init__(self, slack, fake, bot):
        self.slack, self.fake, self.bot = slack, fake, bot

    def idle(self) -> None:
        """Wait until the app finished what it does after acknowledging Slack."""
        self.bot.executor.wait_idle()

    def run_job(self, name: str, **settings: object) -> str:
        """Run a scheduled job once, now, as `mentor-bot jobs run NAME` does (settings may be overridden)."""
        from jobs.scheduler import run_job

        result = run_job(self.bot.settings.model_copy(update=settings), self.bot.db, name)
        self.idle()
        return result

    def person_id(self, user_id: str) -> int:
        with self.bot.db.uow() as session:
            return session.scalars(select(Person.id).where(Person.slack_user_id == user_id)).one()

    def partnership(self, a: str, b: str) -> Partnership | None:
        ids = sorted([self.person_id(a), self.person_id(b)])
        with self.bot.db.uow() as session:
            return session.scalars(
                select(Partnership).where(Partnership.person_a_id == ids[0], Partnership.person_b_id == ids[1])
                .order_by(Partnership.id.desc())
            ).first()

    def join(self, user_id: str, name: str, *, offers: list[str], wants: list[str], department: str = "Engineering",
             level: int = 3, goals: tuple[str, ...] = ("Knowledge gaps",), capacity: int | None = None,
             cross: bool = True, reverse: bool = False, title: str = "", tz: str = "Europe/London",
             tz_offset: int = 0) -> None:
        self.fake.add_user(user_id, name, title=title, tz=tz, tz_offset=tz_offset)
        assert self.slack.command(user_id, "join").status == 200
        view = self.fake.wait_for(lambda: self.fake.open_modal(user_id))
        values = {"offers": ", ".join(offers), "wants": ", ".join(wants), "goals": list(goals),
                  "department": department, "level": f"Level {level}"}
        if capacity is not None:
            values["capacity"] = str(capacity)
        if not cross:
            values["cross_department"] = "Same department only"
        if reverse:
            values["reverse_mentoring"] = ["Open to reverse mentoring"]
        response = self.slack.submit(user_id, view, values)
        assert response.status == 200 and not response.view_errors, response.text
        self.idle()

    def find(self, user_id: str, words: str = ""):
        response = self.slack.command(user_id, f"find {words}".strip())
        assert response.status == 200, response.text
        return response

    def ask(self, asker: str, target: str, note: str = "") -> None:
        found = self.find(asker)
        self.slack.click(asker, found, "Ask to partner", value=str(self.person_id(target)))
        modal = self.fake.wait_for(lambda: (m := self.fake.open_modal(asker)) and m["callback_id"] == "ask_submit" and m)
        response = self.slack.submit(asker, modal, {"A note for them": note} if note else {})
        assert response.status == 200 and not response.view_errors, response.text
        self.idle()

    def request_message(self, target: str) -> dict:
        return next(m for m in reversed(self.fake.dms_to(target)) if "would like to be your peer partner" in m["text"])

    def pair(self, a: str, b: str) -> int:
        """a asks b, b accepts; returns the partnership id."""
        self.ask(a, b)
        self.slack.click(b, self.request_message(b), "Accept")
        self.idle()
        partnership = self.partnership(a, b)
        assert partnership is not None and partnership.status == "active"
        return partnership.id

    def forged_click(self, user_id: str, action_id: str, value: object) -> None:
        """A button press Slack never showed this person (a replayed or hand-made payload), from their DM."""
        dm = self.fake.dm_channel(user_id)
        payload = self.slack._base_payload("block_actions", user_id)
        payload.update(actions=[{"type": "button", "action_id": action_id, "block_id": "x", "value": str(value),
                                 "action_ts": "1.1"}],
                       container={"type": "message", "channel_id": dm, "message_ts": "1.1"}, channel={"id": dm},
                       response_url=self.fake.new_response_url(user_id, dm))
        assert self.slack._interactive(payload).status == 200
        self.idle()

    def forged_submit(self, user_id: str, view: dict, raw: dict, metadata: str | None = None):
        """A view_submission Slack's client would never send (empty required fields, tampered metadata):
        what a hostile or buggy client could still post. `raw` maps block_id to the value to send."""
        import copy

        from tests.fakeslack import forms

        sent = copy.deepcopy(view)
        state = forms.build_state(view)  # the view's current values, without the client's checks
        for block_id, value in raw.items():
            entry = next(iter(state[block_id].values()))
            if entry["type"] in ("plain_text_input", "number_input"):
                entry["value"] = value
            elif entry["type"] == "datepicker":
                entry["selected_date"] = value
            elif entry["type"] in ("static_select", "radio_buttons"):
                entry["selected_option"] = (None if value is None
                                            else {"text": {"type": "plain_text", "text": str(value)}, "value": str(value)})
            elif entry["type"] in ("checkboxes", "multi_static_select"):
                entry["selected_options"] = [{"text": {"type": "plain_text", "text": str(v)}, "value": str(v)} for v in value]
            elif entry["type"] == "users_select":
                entry["selected_user"] = value
        sent["state"] = {"values": state}
        if metadata is not None:
            sent["private_metadata"] = metadata
        payload = self.slack._base_payload("view_submission", user_id)
        payload.update(view=sent, response_urls=[])
        response = self.slack._interactive(payload)
        if response.status == 200:
            response.view_errors = self.fake.apply_view_response(
                user_id, response.json if response.json is not None else response.text)
        return response


def set_program(bot, *types: str, admins: tuple[str, ...] = (), **config: object) -> None:
    """What an admin sets in `/mentor admin`: program types switched on (peer always is), other fields of the
    program's config (onboarding_channel=..., anonymity_min_group=...), and admins added in Slack."""
    from bot.services import program
    from models import ProgramAdmin

    with bot.db.uow() as session:
        row = program.config_row(session, "T0TEST")
        row.program_types = ["peer", *types]
        for name, value in config.items():
            setattr(row, name, value)
        known = set(program.admins(session, "T0TEST", bot.settings))
        for admin in set(admins) - known:
            session.add(ProgramAdmin(team_id="T0TEST", slack_user_id=admin, added_by="test set-up"))
