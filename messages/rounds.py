"""Messages and modals of formal pairing: introductions (a round's pairs, onboarding buddies) and the round's
review for admins. Pure functions: facts in, Block Kit out."""

from __future__ import annotations

from messages import ids
from messages.boundaries import review_line as left_out_line
from messages.common import (
    actions,
    button,
    checkboxes,
    confirm_dialog,
    context,
    cut,
    esc,
    header,
    input_block,
    mention,
    modal,
    option,
    plain,
    section,
    select,
    who,
)
from messages.profile import profile_summary
from models.circles import MAX_SIZE, MIN_SIZE
from models.status import IntroductionKind, IntroductionStatus, RoundKind, RoundStatus

_ROLE_WORDS = {
    # kind -> (what the giver is to the taker, what the taker is to the giver)
    IntroductionKind.FORMAL: ("mentor", "mentee"),
    IntroductionKind.BUDDY: ("onboarding buddy", "newcomer"),
}


def _roles(kind: str) -> tuple[str, str]:
    return _ROLE_WORDS.get(kind, ("mentor", "mentee"))


def introduction(program_name: str, intro, me, other) -> dict:
    """The introduction DM to `me` about `other` (introductions.Messages)."""
    return intro_dm(program_name, intro.kind, intro.id, me_is_giver=me.id == intro.giver_id, other_name=other.display_name,
                    other_user_id=other.slack_user_id, other_summary=profile_summary(other), reason=intro.reason)


def intro_dm(program_name: str, kind: str, intro_id: int, *, me_is_giver: bool, other_name: str, other_user_id: str,
             other_summary: str, reason: str) -> dict:
    """The introduction DM: who the other person is, why the program paired you (the context box), Accept / Decline."""
    giver_role, taker_role = _roles(kind)
    if me_is_giver:
        lead = f"*{esc(program_name)}* would like you to be the {giver_role} of {who(other_name, other_user_id)}."
    else:
        lead = f"*{esc(program_name)}* would like to introduce you to {who(other_name, other_user_id)}, your {giver_role}."
    if kind == IntroductionKind.BUDDY:
        plan = "A buddy helps a newcomer through their first 45 days: questions, people, how things work here."
    else:
        plan = ("In a formal mentoring partnership the mentor shares experience and the mentee sets the goals. "
                "It is not coaching and not a reporting line; it works on trust and respect.")
    blocks = [section(lead)]
    if other_summary:
        blocks.append(section(other_summary))
    if reason:
        blocks.append(context(f"*Why you two:* {esc(cut(reason, 1500))}"))
    blocks += [
        section(plan),
        actions(button("Accept", ids.INTRO_ACCEPT, intro_id, style="primary"), button("Decline", ids.INTRO_DECLINE, intro_id),
                block_id="intro_answer"),
        context("When you both accept, I open a group chat for the two of you. No reason is needed to decline."),
    ]
    text = f"{other_name or 'A colleague'}: an introduction as your {taker_role if me_is_giver else giver_role}"
    return {"text": cut(text, 300), "blocks": blocks}


def intro_answered(other_user_id: str, mine: str | None, status: str) -> dict:
    """What replaces the buttons for the person who clicked: where the introduction stands now."""
    if status == IntroductionStatus.ACCEPTED:
        text = f"You both accepted: you and {mention(other_user_id)} are partners now. I've opened a group chat for you."
    elif status == IntroductionStatus.DECLINED and mine == "no":
        text = f"You declined the introduction to {mention(other_user_id)}. They'll be told kindly, with no reason given."
    elif status == IntroductionStatus.DECLINED:
        text = f"{mention(other_user_id)} can't take on this partnership right now, so this introduction is closed."
    elif status == IntroductionStatus.SENT and mine == "yes":
        text = f"You accepted the introduction to {mention(other_user_id)}. I'll tell you as soon as they answer."
    else:
        text = f"This introduction to {mention(other_user_id)} is {status}."
    return {"text": text, "blocks": [section(text)]}


def intro_accepted(kind: str, other_user_id: str) -> dict:
    text = (f"Good news: you and {mention(other_user_id)} both accepted the introduction. Your "
            f"{'buddy' if kind == 'buddy' else 'mentoring'} partnership is active; I've opened a group chat for you.")
    return {"text": text, "blocks": [section(text)]}


def intro_declined(other_user_id: str) -> dict:
    text = (f"{mention(other_user_id)} can't take on this partnership right now. That's nothing personal: "
            "time and capacity change. Other colleagues may suit you just as well.")
    return {"text": text, "blocks": [section(text)]}


def intro_declined_for_admin(round_id: int | None, giver_user_id: str, taker_user_id: str) -> dict:
    where = f" from round {round_id}" if round_id else ""
    text = f"The introduction{where} of {mention(giver_user_id)} (mentor) and {mention(taker_user_id)} (mentee) was declined."
    return {"text": text, "blocks": [section(text)]}


def intro_kickoff(program_name: str, kind: str, giver_user_id: str, taker_user_id: str, partnership_id: int) -> dict:
    """The first message in the pair's group chat."""
    giver_role, taker_role = _roles(kind)
    text = (f"Welcome, {mention(giver_user_id)} ({giver_role}) and {mention(taker_user_id)} ({taker_role}): "
            f"your partnership in {esc(program_name)} starts today!")
    if kind == IntroductionKind.BUDDY:
        body = ("*The first 45 days.* Meet in the first week, then every week or two: introductions to people, "
                "how things are done here, and whatever questions come up. No question is too small.")
    else:
        body = ("*First step: write your agreement.* The mentee says what they want from it (career journey, "
                "knowledge gaps, experience gaps), both say what is off limits, how often you meet and for how long.")
    return {"text": text, "blocks": [
        section(f"*{text}*"),
        section(body),
        actions(button("Write our agreement", ids.AGREEMENT_WRITE, partnership_id, style="primary"),
                button("Plan our next meeting", ids.PLAN_OPEN, partnership_id),
                button("Log a meeting", ids.LOG_OPEN, partnership_id), block_id="kickoff_actions"),
    ]}


# -- the admin's round ------------------------------------------------------------------------------------------
CRITERIA_CHOICES = {"leadership": "Leadership interest (their own say, in their profile)", "trained": "Mentor training done"}
ASSESSMENT_SHORT = {"listening": "listening", "follow_through": "follow-through", "interpersonal": "interpersonal",
                    "feedback": "feedback", "time": "time"}


CIRCLE_SIZES = range(MIN_SIZE, MAX_SIZE + 1)


def round_modal(program_name: str) -> dict:
    blocks = [
        section(f"Open a formal round of *{esc(program_name)}*. For mentoring pairs I propose the pairs with the best "
                "total match under every mentor's capacity; for peer circles I group people who want to learn the "
                "same skill. You review the proposal, drop what you don't want, then confirm."),
        input_block("kind", "What this round forms", {
            "type": "radio_buttons", "action_id": "value",
            "options": [option("Mentoring pairs", "pairs"), option("Peer circles", "circles")],
            "initial_option": option("Mentoring pairs", "pairs"),
        }),
        input_block("circle_size", "Circle size", select([option(f"{n} people", n) for n in CIRCLE_SIZES], initial=4),
                    hint="For peer circles: the most people in one circle. Smaller circles are formed when the pool "
                         "doesn't divide evenly (never under three)."),
        input_block("pool", "Who is in the pool", {
            "type": "radio_buttons", "action_id": "value",
            "options": [option("Everyone who opted in", "all"), option("The members of a channel", "channel")],
            "initial_option": option("Everyone who opted in", "all"),
        }),
        input_block("channel", "The channel (for a channel's members)", {"type": "conversations_select", "action_id": "value",
                    "placeholder": plain("Choose a channel", 150)}, optional=True),
        input_block("criteria", "Who counts as a mentor", checkboxes(
            [option(text, key) for key, text in CRITERIA_CHOICES.items()], list(CRITERIA_CHOICES)), optional=True,
            hint="For mentoring pairs. Everyone else in the pool is a mentee."),
        input_block("min_level", "Mentors from job level", select([option(f"Level {n}", n) for n in range(1, 11)], initial=1)),
        input_block("max_per_mentor", "Mentees per mentor, at most", select([option(str(n), n) for n in range(1, 6)], initial=2),
                    hint="Never more than the room left in the mentor's own profile."),
        input_block("trained", "Mark mentor training done for", {"type": "multi_users_select", "action_id": "value",
                    "placeholder": plain("Choose people", 150)}, optional=True),
    ]
    return modal("Pairing round", ids.ROUND_MODAL, blocks, submit="Propose")


def round_working(kind: str = RoundKind.PAIRS) -> dict:
    what = "the circles" if kind == RoundKind.CIRCLES else "the best pairs"
    return modal("Pairing round", "round_working", [section(
        f"Working out {what} now. I'll send you the proposal in a DM in a moment.")], submit=None, close="Close")


def _assessment(facts: dict) -> str:
    rated = [f"{ASSESSMENT_SHORT[k]} {facts[k]}" for k in ASSESSMENT_SHORT if isinstance(facts.get(k), int)]
    flags = [w for w, on in (("leadership interest", facts.get("leadership")), ("trained", facts.get("trained"))) if on]
    return " · ".join(filter(None, [", ".join(flags), ("self-assessment: " + ", ".join(rated)) if rated else ""]))


def round_review(page) -> dict:
    """The admin's review: the summary and one page of pairs, each with its reason and the mentor's self-assessment."""
    r, s = page.round, page.round.summary or {}
    editable = r.status == RoundStatus.PROPOSED
    seconds = s.get("seconds") or {}
    share = f" ({s['greedy_share'] * 100:.1f}% of it)" if s.get("total") else ""
    summary = (f"*{page.kept}* pairs {'proposed' if editable else 'in this round'}"
               + (f", {page.dropped} dropped" if page.dropped else "") + f" · {s.get('mentors', 0)} mentors, "
               f"{s.get('mentees', 0)} mentees, {s.get('unmatched', 0)} without an acceptable mentor with room.\n"
               f"Total match score *{s.get('total', 0):g}* (the optimum); a greedy pick would score "
               f"{s.get('greedy_total', 0):g}{share}. Scored in {seconds.get('score', 0):.2f} s, solved in "
               f"{seconds.get('optimal', 0):.2f} s.")
    if r.status == RoundStatus.CONFIRMED:
        summary += f"\nConfirmed: {s.get('sent', 0)} introductions sent" + (
            f", {s['skipped']} not sent (someone paused or has no room)." if s.get("skipped") else ".")
    if r.status in (RoundStatus.PROPOSED, RoundStatus.CONFIRMED):
        summary += "\n" + left_out_line(getattr(page, "left_out", {}), r.status == RoundStatus.CONFIRMED)
    blocks = [header(f"Pairing round {r.id}: {r.status}"), section(summary)]
    for intro in page.pairs:
        giver, taker = intro.giver, intro.taker
        line = (f"*#{intro.id}* {who(giver.display_name, giver.slack_user_id)} → "
                f"{who(taker.display_name, taker.slack_user_id)} · score {intro.score:g}")
        if not editable:
            line += f" · {intro.status}"
        drop = button("Drop", ids.unique(ids.ROUND_DROP, intro.id), f"{intro.id}:{page.page}") if editable else None
        blocks.append(section(line, accessory=drop))
        extra = _assessment(page.admin_view.get(giver.id, {}))
        blocks.append(context(esc(cut(intro.reason, 1500)) + (f"\n_Mentor: {extra}_" if extra else "")))
    if not page.pairs:
        blocks.append(section("No pairs to show."))
    blocks += _nav(page, button("Confirm and send", ids.ROUND_CONFIRM, r.id, style="primary", confirm=confirm_dialog(
        "Send introductions?", f"Both people of each of the {page.kept} pairs get an introduction to accept or decline.",
        "Send")) if editable else None)
    hint = f"Page {page.page + 1} of {page.pages}."
    if editable:
        hint += " Swap the mentees of two pairs with `/mentor round swap 12 15` (pair numbers)."
    blocks.append(context(hint))
    text = f"Pairing round {r.id}: {page.kept} pairs, {r.status}"
    return {"text": text, "blocks": blocks}


def _nav(page, confirm: dict | None) -> list[dict]:
    """A round review's Previous / Next, and while it can change (`confirm`: its confirm button) Cancel round."""
    r, nav = page.round, []
    if page.page > 0:
        nav.append(button("Previous", ids.unique(ids.ROUND_PAGE, "prev"), f"{r.id}:{page.page - 1}"))
    if page.page + 1 < page.pages:
        nav.append(button("Next", ids.unique(ids.ROUND_PAGE, "next"), f"{r.id}:{page.page + 1}"))
    if confirm is not None:
        nav.append(confirm)
        nav.append(button("Cancel round", ids.ROUND_CANCEL, r.id, style="danger", confirm=confirm_dialog(
            "Cancel this round?", "Nothing is sent; the proposal is discarded.", "Cancel round", "Keep it")))
    return [actions(*nav, block_id="round_nav")] if nav else []


# -- a round that forms peer circles ----------------------------------------------------------------------------
CIRCLE_REASON_WORDS = {  # for the admin's review: why people are left out of every circle
    "no-fit": "no one shares a wanted skill with enough others (a circle needs three)",
    "boundary": "the only circles left for them would cross a matching boundary",
    "no-room": "the numbers don't divide: the circles for their skills were full",
    "not-sent": "their proposed circle was dropped or could not be formed",
}


def circle_left_out_line(counts: dict[str, int], confirmed: bool) -> str:
    """The review's line about who is (or would be) in no circle, by reason, naming nobody."""
    return left_out_line(counts, confirmed, CIRCLE_REASON_WORDS, "a circle")


def _people(members) -> str:
    return ", ".join(who(p.display_name, p.slack_user_id) for p in members)


def circle_round_review(page) -> dict:
    """A circles round's review: the summary, who would be left out and why, and one page of circles, each with its
    members, facilitator and one-line reason, and "Drop this circle"."""
    r, s = page.round, page.round.summary or {}
    editable = r.status == RoundStatus.PROPOSED
    summary = (f"*{page.kept}* peer circles {'proposed' if editable else 'in this round'}"
               + (f", {page.dropped} dropped" if page.dropped else "")
               + f" · circles of up to {r.circle_size or 4} · {s.get('pool', 0)} people in the pool who want to "
               f"learn a skill, {s.get('placed', 0)} placed; circles with a facilitator: {s.get('with_facilitator', 0)}. "
               f"Grouped in {s.get('seconds', 0):.2f} s.")
    if r.status == RoundStatus.CONFIRMED:
        summary += f"\nConfirmed: {s.get('formed', 0)} circles formed, each with its group chat and a kickoff" + (
            f"; {s['not_formed']} not formed (fewer than three still fit: paused, no room, or a new boundary)."
            if s.get("not_formed") else ".")
    if r.status in (RoundStatus.PROPOSED, RoundStatus.CONFIRMED):
        summary += "\n" + circle_left_out_line(page.left_out, r.status == RoundStatus.CONFIRMED)
    blocks = [header(f"Circles round {r.id}: {r.status}"), section(cut(summary, 2900))]
    for item in page.circles:
        row = item.row
        lead = (f"Facilitator: {who(item.facilitator.display_name, item.facilitator.slack_user_id)}"
                if item.facilitator else "No facilitator: they learn it together")
        line = cut(f"*#{row.id} {esc(item.skill)}* · {len(item.members)} people\n{lead}\nMembers: {_people(item.members)}",
                   2900)
        if not editable:
            line += f" · {row.status}"
        drop = button("Drop this circle", ids.unique(ids.ROUND_CIRCLE_DROP, row.id), f"{row.id}:{page.page}",
                      confirm=confirm_dialog("Drop this circle?", "Its members are left out of this round and told "
                                             "why on confirm.", "Drop", "Keep it")) if editable else None
        blocks.append(section(line, accessory=drop))
        blocks.append(context(esc(cut(row.reason, 1500))))
    if not page.circles:
        blocks.append(section("No circles to show."))
    blocks += _nav(page, button("Confirm round", ids.ROUND_CONFIRM, r.id, style="primary", confirm=confirm_dialog(
        "Form these circles?", f"Each of the {page.kept} circles gets its group chat with a kickoff; everyone "
        "left out gets a DM saying why.", "Form circles")) if editable else None)
    blocks.append(context(f"Page {page.page + 1} of {page.pages}."))
    text = f"Circles round {r.id}: {page.kept} circles, {r.status}"
    return {"text": text, "blocks": blocks}


def dropped_circle_note(round_circle_id: int) -> str:
    return f"Dropped circle #{round_circle_id}."


def round_usage() -> dict:
    text = ("*Formal pairing rounds* (program admins):\n"
            "• `/mentor round`: open a round of mentoring pairs (the pool, who counts as a mentor, mentees per "
            "mentor) or of peer circles (the pool, the circle size)\n"
            "• `/mentor round show [page]`: the round waiting for review\n"
            "• `/mentor round swap 12 15`: swap the mentees of pairs #12 and #15\n"
            "• `/mentor round drop 12`, `/mentor round confirm`, `/mentor round cancel`\n"
            "• `/mentor round trained @a @b`: record that they finished mentor training")
    return {"text": "Formal pairing rounds", "blocks": [section(text)]}


def simple(text: str) -> dict:
    return {"text": text, "blocks": [section(text)]}


def noted(message: dict, note: str) -> dict:
    """A round's review with a line on top saying what was just done."""
    return {**message, "blocks": [section(note), *message["blocks"]]}


def swapped_note(first: str, second: str) -> str:
    return f"Swapped the mentees of pairs #{first} and #{second}."


def dropped_note(pair_id: int) -> str:
    return f"Dropped pair #{pair_id}."


def trained(user_ids: list[str]) -> dict:
    """What the admin sees after `/mentor round trained @a @b`."""
    if not user_ids:
        return simple("None of them is in the program yet.")
    return simple(f"Mentor training recorded for {', '.join(f'<@{u}>' for u in user_ids)}.")
