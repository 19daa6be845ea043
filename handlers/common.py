"""What every listener shares: the dependencies, who is acting, and how to answer them."""

from __future__ import annotations

import inspect
import logging
import time
from collections.abc import Callable
from typing import Any
from urllib.error import URLError

from pydantic import ValidationError
from slack_sdk.errors import SlackApiError
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError

from bot import logs, metrics
from bot.flows import Context, notices
from bot.services.errors import DomainError
from bot.services.profiles import SlackProfile
from bot.services.tenants import tenant_key
from handlers.forms import BlockFor, field_errors, state_values
from messages.common import modal, note, section

log = logging.getLogger("mentor_bot.handlers")
request_log = logging.getLogger("mentor_bot.requests")
SORRY = "Sorry, something went wrong on our side and your last action may not have completed. Please try again in a minute."
DB_DOWN = "Sorry, I can't reach my database right now, so I could not do that. Please try again in a few minutes."


Deps = Context  # what every listener is given: the settings and the database (a use case's context)


def deliver_now(deps: Deps) -> None:
    """Send what this action wrote to the outbox now, after the ack (the scheduler's sender would pick it
    up within seconds anyway, and retries what fails)."""
    from bot.delivery import drain

    try:  # this action's messages go first (priority); a big scheduled fan-out, or waiting out a Slack
        # outage, is not this listener thread's work: what fails now the scheduler retries
        drain(deps.settings, deps.db, max_seconds=5.0, max_messages=10, patient=False)
    except Exception:
        log.exception("outbox delivery after an action failed; the scheduler will retry")


def team_of(body: dict) -> str:
    """The tenant a payload belongs to, the value every row keeps in `team_id`: the enterprise id when the bot is
    installed org-wide in an Enterprise Grid org (one program across its workspaces), the workspace's team id
    otherwise (and always in single-token mode with a workspace token). The one place the key is worked out."""
    team = body.get("team_id") or (body.get("team") or {}).get("id") or (body.get("user") or {}).get("team_id") or ""
    enterprise = body.get("enterprise_id") or body.get("enterprise") or (body.get("team") or {}).get("enterprise_id")
    if isinstance(enterprise, dict):
        enterprise = enterprise.get("id")
    authorizations = body.get("authorizations") or [{}]
    org_wide = body.get("is_enterprise_install") in (True, "true") or authorizations[0].get("is_enterprise_install") is True
    return tenant_key(team, enterprise, org_wide)


def user_of(body: dict) -> str:
    return body.get("user_id") or (body.get("user") or {}).get("id") or ""


def action_value(body: dict) -> str | None:
    acts = body.get("actions") or [{}]
    return acts[0].get("value")


def _dm_now(client, user_id: str, message: dict) -> None:
    """Post straight to the person's DM: only for apologies, which must not depend on the database."""
    channel = client.conversations_open(users=user_id)["channel"]["id"]
    client.chat_postMessage(channel=channel, text=message["text"], blocks=message.get("blocks"))


def _has_response_url(body: dict, respond: Callable | None) -> bool:
    return respond is not None and bool(body.get("response_url") or body.get("response_urls"))


def reply(deps: Deps, body: dict, respond: Callable | None, message: dict, *, replace: bool = False) -> None:
    """A message only the acting person sees: ephemeral (or in place of the clicked one) where the click came
    with a response_url, otherwise (App Home, modals) in their DM with the bot, sent by the outbox sender."""
    if respond is not None and _has_response_url(body, respond):
        respond(response_type="ephemeral", replace_original=replace, **message)
    else:
        notices.tell(deps, team_of(body), user_of(body), message)
        deliver_now(deps)


def tell(client, body: dict, respond: Callable | None, text: str) -> None:
    """An apology or a refusal for the acting person, sent at once (it must not depend on the database, which may
    be what failed); a failure to deliver it is only logged."""
    message = note(text)
    try:
        if respond is not None and _has_response_url(body, respond):
            respond(response_type="ephemeral", replace_original=False, **message)
        else:
            _dm_now(client, user_of(body), message)
    except SlackApiError as exc:
        log.warning("could not tell the user: %s", exc.response.get("error"), extra=logs.fields(user=user_of(body)))


def open_view(client, body: dict, view: dict) -> None:
    """Open a modal, or push it when the click came from inside a modal (Slack keeps a stack of 3)."""
    container = body.get("container") or {}
    current = body.get("view") or {}
    if container.get("type") == "view" and current.get("type") == "modal":
        client.views_push(trigger_id=body["trigger_id"], view=view)
    else:
        client.views_open(trigger_id=body["trigger_id"], view=view)


def notice_view(title: str, text: str) -> dict:
    return modal(title, "notice", [section(text)], submit=None, close="Close")


def refuse_in_modal(ack, exc: DomainError, title: str) -> None:
    """A service said no to a modal: point at the field at fault, or replace the modal with the reason."""
    if exc.fields:
        ack(response_action="errors", errors=exc.fields)
    else:
        ack(response_action="update", view=notice_view(title, exc.message))


STALE_FORM = "This form does not match what I know any more, so nothing was saved. Please open it again."


class _FormAck:
    """A view_submission's ack that never names a field the form does not have (Slack refuses the whole
    answer, and the person is left with a form that does nothing): errors about fields that came from
    private_metadata or a tampered payload become a notice instead."""

    def __init__(self, ack, view: dict):
        self._ack = ack
        self._inputs = {b.get("block_id") for b in view.get("blocks") or [] if b.get("type") == "input"}
        self._callback = view.get("callback_id")

    @property
    def response(self):
        return self._ack.response

    def __call__(self, *args, **kwargs):
        errors = kwargs.get("errors")
        if kwargs.get("response_action") == "errors" and isinstance(errors, dict):
            unknown = sorted(str(k) for k in errors if k not in self._inputs)
            if unknown:
                log.warning("form %s: errors for fields it does not have: %s", self._callback, ", ".join(unknown)[:200])
                known = {k: v for k, v in errors.items() if k in self._inputs}
                if not known:
                    return self._ack(response_action="update", view=notice_view("Not saved", STALE_FORM))
                kwargs["errors"] = known
        return self._ack(*args, **kwargs)


def guarded(fn: Callable) -> Callable:
    """Turn a DomainError into a kind answer and any other failure into an apology plus a log line.

    The wrapper asks Bolt for everything an answer may need (body, client, respond) and hands the
    listener only the arguments it names. It writes the request's one structured log line (kind, id,
    team, user, outcome, duration) and its metrics; Slack API errors logged meanwhile carry the same context.
    """
    wanted = set(inspect.signature(fn).parameters)

    def wrapper(ack, body, client, respond, view, event, logger):
        if (body or {}).get("type") == "view_submission":
            ack = _FormAck(ack, body.get("view") or {})
        given = dict(ack=ack, body=body, client=client, respond=respond, view=view, event=event, logger=logger)
        info = logs.describe(body or {})
        bound, started, outcome = logs.bind(info), time.monotonic(), "ok"
        try:
            try:
                return fn(**{k: v for k, v in given.items() if k in wanted})
            except DomainError as exc:
                outcome, message = "refused", exc.message
            except SlackApiError as exc:
                outcome, message = "slack_error", SORRY
                log.error("listener %s: a Slack call failed", fn.__name__,
                          extra=logs.fields(listener=fn.__name__, error=exc.response.get("error")))
            except (TimeoutError, URLError) as exc:  # Slack did not answer in time, or could not be reached
                outcome, message = "slack_unreachable", SORRY
                log.error("listener %s: Slack unreachable: %s", fn.__name__, logs.safe_exception(exc),
                          extra=logs.fields(listener=fn.__name__))
            except (OperationalError, InterfaceError, DisconnectionError) as exc:
                outcome, message = "db_unavailable", DB_DOWN
                log.error("listener %s: database unavailable: %s", fn.__name__, logs.safe_exception(exc),
                          extra=logs.fields(listener=fn.__name__))
            except Exception:
                outcome, message = "error", SORRY
                log.exception("listener %s failed", fn.__name__, extra=logs.fields(listener=fn.__name__))
            if ack.response is None:  # Slack must hear back within 3 s whatever happened
                if body.get("type") == "view_submission" and outcome != "refused":  # the modal says so itself
                    ack(response_action="update", view=notice_view("Not saved", message))
                    return None
                ack()
            tell(client, body, respond, message)
            return None
        finally:
            seconds = metrics.observe_request(info, outcome, started)
            request_log.info("%s %s %s", info["kind"], info["id"], outcome,
                             extra=logs.fields(outcome=outcome, duration_ms=round(seconds * 1000, 1)))
            logs.unbind(bound)

    wrapper.__name__ = wrapper.__qualname__ = fn.__name__
    wrapper.__doc__ = fn.__doc__
    return wrapper


def submit_form(ack, view: dict, parse: Callable[[dict], Any], run: Callable[[Any], Any], *, title: str,
                block_for: BlockFor | None = None) -> Any | None:
    """The modal-submit pattern, once: read the form's values, validate them (`parse` builds the pydantic form from
    the state values; a ValidationError comes back as field errors on the form), call the use case (`run`; a
    DomainError comes back on its field, or as a notice titled `title` in place of the form). Returns the use
    case's result, or None when the person was answered with errors (then the listener stops)."""
    try:
        form = parse(state_values(view))
    except ValidationError as exc:
        ack(response_action="errors", errors=field_errors(exc, block_for))
        return None
    try:
        return run(form)
    except DomainError as exc:
        refuse_in_modal(ack, exc, title)
        return None


def slack_profile(client, user_id: str) -> SlackProfile | None:
    """Name, title and time zone as Slack has them (users.info; never from a form); None when Slack can't say."""
    try:
        user = client.users_info(user=user_id)["user"]
    except SlackApiError as exc:
        log.warning("users.info failed user=%s error=%s", user_id, exc.response.get("error"))
        return None
    prof = user.get("profile") or {}
    return SlackProfile(
        name=prof.get("real_name") or user.get("real_name") or prof.get("display_name") or user.get("name") or "",
        title=prof.get("title") or "", tz=user.get("tz"), tz_offset=user.get("tz_offset"))
