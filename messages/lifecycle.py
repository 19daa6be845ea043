"""Pause, leave, export, ending a partnership (the closing modal, testimonials) and its planned end."""

from __future__ import annotations

import json
from datetime import date

from messages import ids
from messages.common import (
    actions,
    button,
    checkboxes,
    context,
    datepicker,
    esc,
    input_block,
    modal,
    option,
    section,
    text_input,
    who,
)

DELETE = "delete"


def _msg(text: str, *blocks: dict) -> dict:
    return {"text": text, "blocks": list(blocks) or [section(esc(text))]}


def _until(until: date | None) -> str:
    return f"until {until:%A %d %B %Y}" if until else "until they resume"


# -- pause -----------------------------------------------------------------------------------------------------
def pause_modal(program: str, until: date | None, paused: bool) -> dict:
    radio = {"type": "radio_buttons", "action_id": "value",
             "options": [option("Until I resume", "resume"), option("Until a date", "date")]}
    radio["initial_option"] = radio["options"][1 if until else 0]
    blocks = [
        section(f"While paused you get no check-ins or meeting nudges in *{esc(program)}*, you are not suggested in "
                "`/mentor find`, and nobody can ask you to partner. Your partnerships and notes are kept, and your "
                "partners are told." if not paused else
                f"Your participation is paused {_until(until).replace('they resume', 'you resume')}. Change it here."),
        input_block("how", "Pause", radio),
        input_block("until", "Back on", datepicker(until), optional=True,
                    hint="For “Until a date”: the day you are back. You can always resume earlier."),
    ]
    return modal("Pause", ids.PAUSE_MODAL, blocks, submit="Pause")


def paused_notice(until: date | None) -> str:
    when = f"until {until:%A %d %B %Y}: you're back that day" if until else "until you resume"
    return (f"Your participation is paused {when}. No check-ins, nudges or requests meanwhile; your partners have been "
            "told. `/mentor resume` (or *Resume* on the Home tab) brings you back any time.")


def partner_paused(program: str, name: str, user_id: str, until: date | None) -> dict:
    text = (f"{who(name, user_id)} has paused their participation in *{esc(program)}* {_until(until)}. Your "
            "partnership stays as it is; they won't get check-ins or reminders meanwhile.")
    return _msg(f"{name or 'Your partner'} paused their participation", section(text))


def resumed_notice(program: str, by_date: bool = False) -> dict:
    text = ("Your pause has ended: welcome back to " if by_date else "Welcome back to ") + (
        f"*{esc(program)}*! You get check-ins again and show in `/mentor find`.")
    return _msg(f"Welcome back to {program}", section(text))


def not_paused() -> dict:
    return _msg("Your participation isn't paused: you're in the program. `/mentor pause` pauses it.")


def partner_resumed(program: str, name: str, user_id: str) -> dict:
    return _msg(f"{name or 'Your partner'} is back", section(f"{who(name, user_id)} is back in *{esc(program)}*."))


# -- leave -----------------------------------------------------------------------------------------------------
def leave_modal(program: str, partners: list[str]) -> dict:
    ending = (f"Your partnership{'s' if len(partners) > 1 else ''} with {', '.join(partners)} will end and "
              f"{'they are' if len(partners) > 1 else 'they are'} told. ") if partners else ""
    blocks = [
        section(f"Leave *{esc(program)}*? {ending}Requests you sent or received are cancelled. You can join again "
                "later with `/mentor join`."),
        input_block(DELETE, "Your data", checkboxes([option("Also delete my personal data (profile, notes, journal)",
                                                            DELETE)]), optional=True,
                    hint="Deleted: your profile, journal, what you wrote in meeting logs, agreements, requests and "
                         "closings, and stories not yet posted. Kept without your name: meeting dates and minutes, "
                         "and anonymous check-in answers, so program reports don't change."),
    ]
    return modal("Leave the program", ids.LEAVE_MODAL, blocks, submit="Leave")


def left_notice(program: str, deleted: bool) -> str:
    data = (" Your personal data has been deleted." if deleted else
            " Your profile and notes are kept: `/mentor join` brings you back with them.")
    return f"You have left *{esc(program)}*. Thank you for taking part!{data}"


def partner_left(program: str, name: str, user_id: str | None, started: date | None, deleted: bool) -> dict:
    if deleted or not user_id:
        since = f" (the one that started on {started:%d %B %Y})" if started else ""
        text = f"Your partner has left *{esc(program)}*, so your partnership{since} has ended."
    else:
        text = f"{who(name, user_id)} has left *{esc(program)}*, so your partnership has ended."
    return _msg("Your partnership has ended", section(text + " Thank you both! `/mentor find` suggests someone new."),
                actions(button("Find a partner", ids.FIND, style="primary"), block_id="partner_left"))


def request_cancelled(program: str) -> dict:
    return _msg("A partnership request was cancelled",
                section(f"A partnership request between you and someone who has now left *{esc(program)}* was "
                        "cancelled. `/mentor find` suggests other peers."))


# -- export ----------------------------------------------------------------------------------------------------
def export_preparing() -> dict:
    return _msg("Your data is on its way: a JSON file in our direct messages. It holds your profile, partnerships, "
                "meetings, agreements, journal, stories and closings; never any check-in answer.")


def export_file(program: str, today: date, data: dict) -> tuple[dict, bytes]:
    spec = {"file": {"filename": f"mentor-bot-my-data-{today}.json", "title": f"{program}: my data ({today})"},
            "text": f"Your data in {program}, as of {today:%d %B %Y}. Only you received this file."}
    return spec, json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


# -- ending a partnership --------------------------------------------------------------------------------------
def choose_partnership(partners: list[tuple[int, str, str]]) -> dict:
    blocks = [section("Which partnership do you want to end?")]
    for pid, name, user_id in partners[:20]:
        blocks.append(section(who(name, user_id), block_id=f"end_{pid}",
                              accessory=button("End this partnership", ids.unique(ids.END_OPEN, pid), pid)))
    return {"text": "Which partnership do you want to end?", "blocks": blocks}


def nothing_to_end() -> dict:
    return _msg("You have no partnership to end right now. `/mentor find` suggests peers who suit you.")


def closing_modal(partnership_id: int, partner_name: str, ended: bool) -> dict:
    who_ = esc(partner_name or "your partner")
    intro = (f"Your partnership with *{who_}* has ended. A few words on how it went?" if ended else
             f"End your partnership with *{who_}*. They'll be told, and can share their own summary.")
    blocks = [
        section(intro),
        text_input("learned", "What I learned", multiline=True, max_length=3000, optional=True,
                   placeholder="A skill, a habit, a way of seeing things"),
        input_block("recommend", f"Would you recommend {partner_name or 'your partner'} as a partner to others?"[:2000],
                    {"type": "radio_buttons", "action_id": "value",
                     "options": [option("Yes", "yes"), option("No", "no")]}),
        text_input("testimonial", f"A testimonial for {partner_name or 'your partner'} (optional)"[:2000], multiline=True,
                   max_length=1000, optional=True,
                   hint="Shown on their Home tab and in their data only if they agree to it."),
        input_block("show_on_profile", "Their profile", checkboxes(
            [option("You may show this on my partner's profile", "show")]), optional=True,
            hint="With this ticked, the testimonial can also appear on their card in /mentor find."),
    ]
    return modal("Wrap up" if ended else "End partnership", ids.CLOSING_MODAL, blocks,
                 submit="Save" if ended else "End partnership",
                 private_metadata=json.dumps({"partnership_id": partnership_id}))


def closing_thanks(partner_name: str, ended_now: bool) -> str:
    first = f"Your partnership with {esc(partner_name or 'your partner')} has ended. " if ended_now else ""
    return (f"{first}Thank you for your summary! I've sent you a story prompt and a few peers who could be your next "
            "partner.")


def partner_ended(program: str, name: str, user_id: str, partnership_id: int) -> dict:
    text = (f"{who(name, user_id)} has ended your partnership in *{esc(program)}*. Thank you both! Share how it went: "
            "what you learned, and a testimonial for them if you like.")
    return _msg(f"{name or 'Your partner'} ended your partnership", section(text),
                actions(button("Share how it went", ids.unique(ids.END_OPEN, partnership_id), partnership_id,
                               style="primary"),
                        button("Thank your partner", ids.unique(ids.THANK_OPEN, partnership_id), partnership_id),
                        block_id=f"partner_ended_{partnership_id}"))


def next_partner(result_message: dict) -> dict:
    return {"text": "Looking for a new partner? " + result_message["text"],
            "blocks": [section("*Looking for a new partner?* These peers suit you now.")] + result_message["blocks"][:45]}


def testimonial_consent(program: str, author: str, author_id: str, text: str, closing_id: int) -> dict:
    quote = "\n".join("> " + line for line in esc(text).splitlines() or [""])
    return _msg(f"{author or 'Your partner'} wrote a testimonial for you",
                section(f"{who(author, author_id)} wrote a testimonial for you as your partner in *{esc(program)}*:"),
                section(quote[:2900]),
                context("It is shown on your Home tab and in your data only if you agree."),
                actions(button("Show it", ids.TESTIMONIAL_SHOW, closing_id, style="primary"),
                        button("Keep it private", ids.TESTIMONIAL_HIDE, closing_id),
                        block_id=f"testimonial_{closing_id}"))


def testimonial_answered(show: bool) -> dict:
    return _msg("Done: the testimonial is shown on your Home tab." if show else
                "Done: the testimonial stays private. Nobody else sees it.")


def testimonial_lines(items: list[tuple[str, str]]) -> str:
    return "*What partners said about you*\n" + "\n".join(
        f"> {esc(' '.join(text.split()))[:600]}\n— {esc(name or 'a former partner')}" for name, text in items[:5])


# -- the planned end -------------------------------------------------------------------------------------------
def end_prompt(program: str, partnership_id: int, name: str, user_id: str, end: date) -> dict:
    text = (f"Your partnership with {who(name, user_id)} in *{esc(program)}* reached its planned end "
            f"({end:%d %B %Y}). How would you like to go on?")
    return _msg("Your partnership reached its planned end", section(text),
                actions(button("Extend 3 months", ids.unique(ids.EXTEND, partnership_id), partnership_id,
                               style="primary"),
                        button("Wrap up", ids.unique(ids.END_OPEN, partnership_id), partnership_id),
                        block_id=f"end_prompt_{partnership_id}"))


def extended(end: date, name: str, user_id: str) -> dict:
    return _msg(f"Extended until {end:%d %B %Y}",
                section(f"Your partnership with {who(name, user_id)} now runs until *{end:%d %B %Y}*. "
                        "Enjoy the next three months!"))


def extended_by_partner(program: str, name: str, user_id: str, end: date) -> dict:
    return _msg(f"{name or 'Your partner'} extended your partnership",
                section(f"{who(name, user_id)} extended your partnership in *{esc(program)}* by three months: it now "
                        f"runs until *{end:%d %B %Y}*."))


def already_extended(end: date | None) -> dict:
    until = f" until {end:%d %B %Y}" if end else ""
    return _msg(f"This partnership was already extended{until}.")
