"""The early fit check's buttons ("Good fit", "Still deciding", "Not a good fit", "End kindly and find someone new",
"Keep going for now") and "Thank your partner" (its modal). Each listener calls one use case (bot/flows/fit.py,
bot/flows/recognition.py), answers the person privately, then delivers what it queued."""

from __future__ import annotations

from bot.flows import fit as flow
from bot.flows import recognition as thanks_flow
from bot.services.recognition import ThankForm
from handlers.common import Deps, action_value, deliver_now, guarded, notice_view, open_view, reply, submit_form, team_of, user_of
from handlers.forms import metadata
from messages import ids
from messages import recognition as blocks
from models.status import FitAnswerKind


def register(app, deps: Deps) -> None:
    def answer(body, respond, kind: FitAnswerKind) -> None:
        done = flow.answer(deps, team_of(body), user_of(body), action_value(body), kind)
        reply(deps, body, respond, done.message, replace=True)

    @app.action(ids.FIT_GOOD)
    @guarded
    def good(ack, body, respond):
        ack()
        answer(body, respond, FitAnswerKind.GOOD)

    @app.action(ids.FIT_DECIDING)
    @guarded
    def deciding(ack, body, respond):
        ack()
        answer(body, respond, FitAnswerKind.DECIDING)

    @app.action(ids.FIT_NOT_GOOD)
    @guarded
    def not_good(ack, body, respond):
        ack()
        answer(body, respond, FitAnswerKind.NOT_GOOD)

    @app.action(ids.matcher(ids.FIT_END))
    @guarded
    def end_kindly(ack, body, respond):
        ack()
        message = flow.end_kindly(deps, team_of(body), user_of(body), action_value(body))
        reply(deps, body, respond, message, replace=True)
        deliver_now(deps)

    @app.action(ids.matcher(ids.FIT_KEEP))
    @guarded
    def keep_going(ack, body, respond):
        ack()
        reply(deps, body, respond, flow.keep_going(deps, team_of(body), user_of(body), action_value(body)), replace=True)

    @app.action(ids.matcher(ids.THANK_OPEN))
    @guarded
    def open_thanks(ack, body, client):
        ack()
        open_view(client, body, thanks_flow.thank_form(deps, team_of(body), user_of(body), action_value(body)))

    @app.view(ids.THANK_MODAL)
    @guarded
    def save_thanks(ack, body, view):
        notice = submit_form(
            ack, view,
            lambda values: ThankForm(text=values.get("text"),
                                     show_on_profile=blocks.SHOW in (values.get("show_on_profile") or [])),
            lambda form: thanks_flow.thank(deps, team_of(body), user_of(body), metadata(view).get("partnership_id"), form),
            title="Not sent")
        if notice is None:
            return
        ack(response_action="update", view=notice_view("Thank you", notice))
        deliver_now(deps)
