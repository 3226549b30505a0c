"""The local Bot API server's test API over HTTP, for driving it from another process.

A thin JSON layer over :class:`bot.testing.botapi.LocalBotApi` (e.g. for ``tsunagari
simulate``). Routes, all under ``/_test``; bodies and answers are JSON:

- ``POST /_test/user`` ``{"user_id", "first_name"?, "last_name"?, "username"?,
  "language_code"?, "started"?}`` -> the User
- ``POST /_test/send_text`` ``{"user_id", "text", "chat_id"?, "reply_to"?}`` -> the Update
- ``POST /_test/send_photo|send_sticker|send_voice|send_location`` ``{"user_id", ...}`` (same
  keyword arguments as the Python methods) -> the Update
- ``POST /_test/press_button`` ``{"user_id", "message_id", "data", "chat_id"?}`` -> the Update
- ``POST /_test/block`` / ``/_test/unblock`` ``{"user_id"}``
- ``POST /_test/wait_for_messages`` ``{"chat_id", "count"?, "timeout"?}`` -> list of Message;
  408 ``{"error": ...}`` on timeout (the error lists what did arrive)
- ``GET /_test/sent/{chat_id}``, ``GET /_test/unread/{chat_id}`` -> list of Message
- ``GET /_test/violations``, ``GET /_test/callback_answers``

Unknown users in send_* are created on the fly (``first_name`` from the body, default "Test").
Errors of the caller answer 400 ``{"error": ...}``.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web

if TYPE_CHECKING:
    from bot.testing.botapi import LocalBotApi

_SENDERS = ("send_text", "send_photo", "send_sticker", "send_voice", "send_location")
_USER_FIELDS = ("first_name", "last_name", "username", "language_code", "started")

Body = dict[str, Any]
Route = Callable[[web.Request], Awaitable[web.Response]]


def add_control_routes(app: web.Application, server: LocalBotApi) -> None:
    """Register the /_test/ routes of ``server`` on ``app``."""
    control = _Control(server)
    app.router.add_post("/_test/user", _action(control.user))
    for name in _SENDERS:
        app.router.add_post(f"/_test/{name}", _action(control.sender(name)))
    app.router.add_post("/_test/press_button", _action(control.press_button))
    app.router.add_post("/_test/wait_for_messages", _action(control.wait_for_messages, on_assertion=408))
    app.router.add_post("/_test/block", _action(control.block))
    app.router.add_post("/_test/unblock", _action(control.unblock))
    app.router.add_get("/_test/sent/{chat_id}", _reader(server.sent))
    app.router.add_get("/_test/unread/{chat_id}", _reader(server.unread))
    app.router.add_get("/_test/violations", _reader(lambda: server.violations))
    app.router.add_get("/_test/callback_answers", _reader(lambda: server.callback_answers))


class _Control:
    """Body-to-arguments adapters for the server's Python test API."""

    def __init__(self, server: LocalBotApi) -> None:
        self.server = server

    def _person(self, body: Body) -> int:
        """Pop user_id (and first_name) from the body, creating the user if unknown."""
        user_id = int(body.pop("user_id"))
        first_name = body.pop("first_name", "Test")
        if user_id not in self.server.state.users:
            self.server.user(user_id, first_name)
        return user_id

    def user(self, body: Body) -> Body:
        fields = {k: body[k] for k in _USER_FIELDS if k in body}
        return self.server.user(int(body["user_id"]), **fields).to_wire()

    def sender(self, name: str) -> Callable[[Body], Body]:
        def send(body: Body) -> Body:
            user_id = self._person(body)
            return getattr(self.server, name)(user_id, **body)

        return send

    def press_button(self, body: Body) -> Body:
        user_id = self._person(body)
        return self.server.press_button(user_id, int(body.pop("message_id")), **body)

    def wait_for_messages(self, body: Body) -> Awaitable[list[Body]]:
        return self.server.wait_for_messages(
            int(body["chat_id"]), int(body.get("count", 1)), float(body.get("timeout", 10.0))
        )

    def block(self, body: Body) -> bool:
        self.server.block(int(body["user_id"]))
        return True

    def unblock(self, body: Body) -> bool:
        self.server.unblock(int(body["user_id"]))
        return True


def _action(call: Callable[[Body], Any], on_assertion: int = 400) -> Route:
    """A POST route: JSON body in, the call's (awaited) result out as JSON.

    AssertionError (a wait that timed out, a button that is not there) answers
    ``on_assertion`` with its message, which lists what the server did see.
    """

    async def handle(request: web.Request) -> web.Response:
        try:
            body = await request.json() if request.can_read_body else {}
            result = call(body)
            if inspect.isawaitable(result):
                result = await result
        except AssertionError as exc:
            return web.json_response({"error": str(exc)}, status=on_assertion)
        except (KeyError, LookupError, TypeError, ValueError) as exc:
            return web.json_response({"error": f"{type(exc).__name__}: {exc}"}, status=400)
        return web.json_response(result)

    return handle


def _reader(read: Callable[..., Any]) -> Route:
    """A GET route answering ``read(chat_id)`` or ``read()``."""

    async def handle(request: web.Request) -> web.Response:
        try:
            args = [int(request.match_info["chat_id"])] if "chat_id" in request.match_info else []
            return web.json_response(read(*args))
        except (LookupError, ValueError) as exc:
            return web.json_response({"error": f"{type(exc).__name__}: {exc}"}, status=400)

    return handle
