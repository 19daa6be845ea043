"""Surfaces of the fake: trigger_ids, modal stacks, Home tabs and view_submission responses."""
from __future__ import annotations

import copy
import json
import time
from typing import Any

from ._core import ApiError, Call
from .api import method, require
from .blockkit import is_block_error, view_errors

MAX_MODAL_STACK = 3  # open + 2 pushes


# -- trigger_id ---------------------------------------------------------------------------------
def new_trigger(fake, user_id: str | None) -> str:
    n = fake._next_seq()
    tid = f"{1700000000 + n}.738474920.{n:020x}"
    fake._triggers[tid] = {"at": time.monotonic(), "used": False, "user": user_id}
    return tid


def _trigger(fake, a: dict) -> dict:
    tid = a.get("trigger_id") or a.get("interactivity_pointer")
    if not tid:
        raise ApiError("invalid_arguments", ["missing required field: trigger_id"])
    trig = fake._triggers.get(tid)
    if trig is None:
        raise ApiError("invalid_trigger_id")
    if trig["used"]:
        raise ApiError("exchanged_trigger_id")
    if time.monotonic() - trig["at"] > fake.trigger_ttl:
        raise ApiError("expired_trigger_id")
    return trig


# -- view objects -------------------------------------------------------------------------------
def validate_view(view: Any, kind: str) -> None:
    if not isinstance(view, dict):
        raise ApiError("invalid_arguments", ["view must be a JSON object"])
    if view.get("type") != kind:
        raise ApiError("invalid_arguments", [f"view.type must be {kind!r} here, not {view.get('type')!r}"])
    errors = view_errors(view)
    if errors:
        shape_errors = [e for e in errors if not is_block_error(e)]
        raise ApiError("invalid_arguments" if shape_errors else "invalid_blocks", errors)


def _external_id_free(fake, view: dict, own_id: str | None = None) -> None:
    ext = view.get("external_id")
    if ext and fake._external.get(ext) not in (None, own_id):
        raise ApiError("duplicate_external_id")


def make_view(fake, view: dict, *, view_id: str | None = None, root: str | None = None,
              previous: str | None = None) -> dict:
    """Store a view the way Slack returns it (app fields + id, hash, state, ...)."""
    vid = view_id or fake._new_id("V")
    old = fake._views.get(vid)
    if old and old.get("external_id"):
        fake._external.pop(old["external_id"], None)
    # the calling install's workspace (OAuth mode), else the fake's; an updated view keeps the one it had
    installed_in = old["app_installed_team_id"] if old else fake._installed_team()
    full = {
        "id": vid, "team_id": installed_in, "type": view["type"],
        "blocks": copy.deepcopy(view.get("blocks", [])),
        "private_metadata": view.get("private_metadata", ""), "callback_id": view.get("callback_id", ""),
        "state": {"values": {}}, "hash": fake._new_hash(), "title": copy.deepcopy(view.get("title")),
        "clear_on_close": view.get("clear_on_close", False), "notify_on_close": view.get("notify_on_close", False),
        "close": copy.deepcopy(view.get("close")), "submit": copy.deepcopy(view.get("submit")),
        "previous_view_id": previous, "root_view_id": root or vid, "app_id": fake.app_id,
        "external_id": view.get("external_id", ""), "app_installed_team_id": installed_in, "bot_id": fake.bot_id,
    }
    if view["type"] == "modal":
        full["submit_disabled"] = view.get("submit_disabled", False)
    fake._views[vid] = full
    if full["external_id"]:
        fake._external[full["external_id"]] = vid
    return full


def _forget(fake, view_id: str) -> None:
    view = fake._views.pop(view_id, None)
    if view and view.get("external_id"):
        fake._external.pop(view["external_id"], None)


def pop_modal(fake, user_id: str) -> dict | None:
    stack = fake._stacks.get(user_id) or []
    if not stack:
        return None
    view = fake._views.get(stack.pop())
    _forget(fake, view["id"]) if view else None
    return view


def clear_modals(fake, user_id: str) -> None:
    while pop_modal(fake, user_id):
        pass


# -- Web API methods ----------------------------------------------------------------------------
@method("views.open")
def views_open(fake, a: dict) -> dict:
    require(a, "view")
    trig = _trigger(fake, a)
    validate_view(a["view"], "modal")
    _external_id_free(fake, a["view"])
    trig["used"] = True
    clear_modals(fake, trig["user"])
    full = make_view(fake, a["view"])
    fake._stacks[trig["user"]] = [full["id"]]
    return {"view": copy.deepcopy(full)}


@method("views.push")
def views_push(fake, a: dict) -> dict:
    require(a, "view")
    trig = _trigger(fake, a)
    stack = fake._stacks.get(trig["user"]) or []
    if not stack:
        raise ApiError("view_not_found", ["views.push needs an open modal (use views.open)"])
    if len(stack) >= MAX_MODAL_STACK:
        raise ApiError("push_limit_reached")
    validate_view(a["view"], "modal")
    _external_id_free(fake, a["view"])
    trig["used"] = True
    full = make_view(fake, a["view"], root=stack[0], previous=stack[-1])
    stack.append(full["id"])
    return {"view": copy.deepcopy(full)}


@method("views.update")
def views_update(fake, a: dict) -> dict:
    require(a, "view")
    if not a.get("view_id") and not a.get("external_id"):
        raise ApiError("invalid_arguments", ["view_id or external_id is required"])
    vid = a.get("view_id") or fake._external.get(a["external_id"])
    current = fake._views.get(vid) if vid else None
    if current is None:
        raise ApiError("view_not_found")
    if a.get("hash") and a["hash"] != current["hash"]:
        raise ApiError("hash_conflict")
    validate_view(a["view"], current["type"])
    _external_id_free(fake, a["view"], own_id=vid)
    full = make_view(fake, a["view"], view_id=vid, root=current["root_view_id"],
                     previous=current["previous_view_id"])
    return {"view": copy.deepcopy(full)}


@method("views.publish")
def views_publish(fake, a: dict) -> dict:
    require(a, "user_id", "view")
    user = fake._users.get(a["user_id"])
    if user is None:
        raise ApiError("user_not_found")
    validate_view(a["view"], "home")
    current_id = fake._homes.get(user["id"])
    current = fake._views.get(current_id) if current_id else None
    if a.get("hash") and current and a["hash"] != current["hash"]:
        raise ApiError("hash_conflict")
    _external_id_free(fake, a["view"], own_id=current_id)
    full = make_view(fake, a["view"], view_id=current_id)
    fake._homes[user["id"]] = full["id"]
    return {"view": copy.deepcopy(full)}


# -- view_submission responses ------------------------------------------------------------------
def _input_block_ids(view: dict) -> set[str]:
    return {b.get("block_id") for b in view.get("blocks", []) if isinstance(b, dict) and b.get("type") == "input"}


def _apply(fake, user_id: str, stack: list, body: dict) -> dict | None:
    action = body.get("response_action")
    if not action:
        if body:
            raise ApiError("invalid_view_response", [f"keys {sorted(body)} without a response_action"])
        pop_modal(fake, user_id)
    elif action == "clear":
        clear_modals(fake, user_id)
    elif action == "errors":
        errors = body.get("errors")
        if not isinstance(errors, dict) or not errors:
            raise ApiError("invalid_view_response", ["errors must be a non-empty object of block_id: message"])
        known = _input_block_ids(fake._views[stack[-1]])
        unknown = sorted(k for k in errors if k not in known)
        if unknown:
            raise ApiError("invalid_view_response", [f"errors for unknown input block_ids {unknown}; known: "
                                                     f"{sorted(k for k in known if k)}"])
        bad = [k for k, v in errors.items() if not isinstance(v, str) or not v]
        if bad:
            raise ApiError("invalid_view_response", [f"error messages must be non-empty strings: {bad}"])
        return dict(errors)
    elif action in ("update", "push"):
        view = body.get("view")
        validate_view(view, "modal")
        top = fake._views[stack[-1]]
        if action == "update":
            _external_id_free(fake, view, own_id=top["id"])
            make_view(fake, view, view_id=top["id"], root=top["root_view_id"], previous=top["previous_view_id"])
        else:
            if len(stack) >= MAX_MODAL_STACK:
                raise ApiError("push_limit_reached")
            _external_id_free(fake, view)
            stack.append(make_view(fake, view, root=stack[0], previous=top["id"])["id"])
    else:
        raise ApiError("invalid_view_response", [f"unknown response_action {action!r}"])
    return None


def apply_view_response(fake, user_id: str, body: Any) -> dict | None:
    """Apply the app's ack to a view_submission to the user's modal stack (see FakeSlack)."""
    if isinstance(body, bytes):
        body = body.decode("utf-8")
    if isinstance(body, str):
        try:
            body = json.loads(body) if body.strip() else {}
        except ValueError:
            pass  # reported below as invalid_view_response
    body = {} if body is None or body == {} else body
    stack = fake._stacks.get(user_id) or []
    if not stack:
        raise AssertionError(f"{user_id} has no open modal to apply a view_submission response to")
    result, error = None, None
    try:
        if not isinstance(body, dict):
            raise ApiError("invalid_view_response", ["the ack body must be a JSON object"])
        result = _apply(fake, user_id, stack, body)
        response = {"ok": True}
    except ApiError as exc:
        error, response = exc.error, exc.body()
    fake._record(Call("view_response", {"user": user_id, "body": copy.deepcopy(body)}, error is None,
                      error, response, time.time()))
    return result
