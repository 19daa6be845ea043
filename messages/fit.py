"""The early fit check: the private question, what each answer turns it into, and the kind ending's messages."""

from __future__ import annotations

from messages import ids
from messages.common import actions, button, confirm_dialog, context, esc, section, who

PRIVATE = "Only you see your answer: not your partner, not the program's admins."


def _msg(text: str, *blocks: dict) -> dict:
    return {"text": text, "blocks": list(blocks)}


def question(program: str, name: str, user_id: str, answer_id: int, round_: int) -> dict:
    """"Is this a good fit?" with three buttons, each carrying the question's row id."""
    when = ("You've now had another meeting" if round_ == 2 else
            "You're a few weeks into your partnership")
    text = (f"{when} with {who(name, user_id)} in *{esc(program)}*. Is this a good fit for you?")
    return _msg(f"Is {name or 'your partnership'} a good fit?", section(text), context(PRIVATE),
                actions(button("Good fit", ids.FIT_GOOD, answer_id, style="primary"),
                        button("Still deciding", ids.FIT_DECIDING, answer_id),
                        button("Not a good fit", ids.FIT_NOT_GOOD, answer_id),
                        block_id=f"fit_{answer_id}"))


def good() -> dict:
    return _msg("Thank you: glad it's working.", section("Thank you: glad it's working. Enjoy your next meeting!"),
                context(PRIVATE))


def deciding(round_: int) -> dict:
    then = ("I'll ask once more after your next logged meeting." if round_ == 1 else
            "That's fine: there is no rush. `/mentor end` is there if you decide it isn't working.")
    return _msg("Thank you: still deciding.", section(f"Thank you. {then}"), context(PRIVATE))


def not_good(partnership_id: int, name: str) -> dict:
    """The offer to end kindly: the partner hears only that the partnership was closed, and both get suggestions."""
    text = ("Thank you for saying so: it happens, and it's nobody's fault. If you like, end it kindly now: "
            f"{esc(name or 'your partner')} is told only that the partnership was closed (never who closed it or "
            "any answer), and you both get peers who suit you to start again.")
    confirm = confirm_dialog("End kindly?", "The partnership ends now. Your partner is told only that it was closed.",
                             "End it kindly", "Not now")
    return _msg("Thank you for saying so.", section(text), context(PRIVATE),
                actions(button("End kindly and find someone new", ids.unique(ids.FIT_END, partnership_id), partnership_id,
                               style="danger", confirm=confirm),
                        button("Keep going for now", ids.unique(ids.FIT_KEEP, partnership_id), partnership_id),
                        block_id=f"fit_end_{partnership_id}"))


def already_closed() -> dict:
    return _msg("Thank you for saying so.", section("Thank you for saying so. This partnership has already ended: "
                                                    "`/mentor find` shows peers who suit you now."), context(PRIVATE))


def keep_going() -> dict:
    return _msg("Keeping it going.", section("All right, your partnership goes on. `/mentor end` is there any time."),
                context(PRIVATE))


def already_answered(answer: str | None) -> dict:
    words = {"good": "Good fit", "deciding": "Still deciding", "not_good": "Not a good fit"}.get(answer or "", "answered")
    return _msg(f"You already answered: {words}.", section(f"You already answered this one: *{words}*."), context(PRIVATE))


def _fresh_start(partnership_id: int) -> dict:
    return actions(button("Find a new partner", ids.FIND, style="primary"),
                   button("Thank your partner", ids.unique(ids.THANK_OPEN, partnership_id), partnership_id),
                   block_id=f"fit_fresh_{partnership_id}")


def closed_for_me(name: str, user_id: str, partnership_id: int) -> dict:
    """To the person who ended it kindly, in place of the offer."""
    return _msg("Your partnership is closed.",
                section(f"Done: your partnership with {who(name, user_id)} is closed. They were told only that it was "
                        "closed. Peers who suit you now are one click away."),
                _fresh_start(partnership_id))


def closed_for_partner(program: str, name: str, user_id: str, partnership_id: int) -> dict:
    """To the other partner: only that it was closed, never who closed it or why."""
    return _msg("Your partnership was closed.",
                section(f"Your partnership with {who(name, user_id)} in *{esc(program)}* has been closed. Thank you for "
                        "the time you gave it: early partnerships don't always click, and that's nobody's fault. "
                        "Here's a fresh start: peers who suit you now."),
                _fresh_start(partnership_id))
