"""A local Telegram Bot API server for tests: the real python-telegram-bot talks HTTP to it.

Point PTB at it with ``base_url=server.base_url`` and it behaves like api.telegram.org for the
methods the bot uses, in the real wire format, so a test asserts on what a person and a
counselor actually received::

    server = LocalBotApi(token="123456:TEST", bot_username="tsunagari_test_bot")
    await server.start()
    aiko = server.user(1001, first_name="Aiko", language_code="ja")
    server.send_text(aiko, "/start")
    [reply] = await server.wait_for_messages(aiko.id)
    assert server.violations == []
    await server.stop()

Every request is checked against the Bot API spec (``botapi_spec``); anything Telegram would
reject is answered with Telegram's error *and* recorded in ``server.violations``, so a test
fixture can fail on it even when the bot swallows the error. Methods of the spec the server
does not implement answer 400 and are recorded too, so gaps show up loudly.

The same test API is reachable over HTTP under ``/_test/`` (see ``botapi_control``).
"""

from __future__ import annotations

import copy
import json
import logging
import re
from pathlib import Path
from typing import Any

from aiohttp import web

from bot.testing import botapi_wire as wire
from bot.testing.botapi_control import add_control_routes
from bot.testing.botapi_methods import BotApiMethods, find_button, next_query_id
from bot.testing.botapi_spec import ApiError, BotApiSpec, bad_request
from bot.testing.botapi_state import BotApiState
from bot.testing.botapi_wire import JSON, TgUser

__all__ = ["LocalBotApi", "TgUser"]

log = logging.getLogger(__name__)

_ATTACH = re.compile(r"attach://([\w-]+)")


class LocalBotApi:
    """An in-process Bot API server for one bot token, plus the API tests drive it with."""

    def __init__(
        self,
        token: str = "123456:TEST",
        bot_username: str = "tsunagari_test_bot",
        *,
        spec_path: str | Path | None = None,
        bot_first_name: str = "Tsunagari (test)",
    ) -> None:
        self.token = token
        self.spec = BotApiSpec.load(spec_path)
        bot_id = int(token.split(":", 1)[0]) if token.split(":", 1)[0].isdigit() else 123456
        self.bot_user: JSON = {
            "id": bot_id,
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }
        self.violations: list[str] = []
        # (method, decoded params) of every request, in arrival order, for debugging.
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.state = BotApiState()
        self.methods = BotApiMethods(self.state, self.bot_user, self._violation)
        self.app = web.Application()
        self.app.router.add_route("*", "/bot{token}/{method}", self._handle)
        add_control_routes(self.app, self)
        self._runner: web.AppRunner | None = None
        self.base_url = ""

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self, port: int = 0) -> None:
        """Listen on 127.0.0.1 (a free port unless given); sets ``base_url``."""
        # Long polls are woken by stop(), so a short shutdown timeout loses nothing.
        self._runner = web.AppRunner(self.app, shutdown_timeout=2.0, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        host, bound_port = self._runner.addresses[0][:2]
        self.base_url = f"http://{host}:{bound_port}/bot"

    async def stop(self) -> None:
        """Answer pending long polls and close the server."""
        self.state.closing = True
        self.state.changed()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def url(self) -> str:
        """http://127.0.0.1:PORT, the root of both the Bot API and the /_test/ routes."""
        return self.base_url.removesuffix("/bot")

    # -- the Bot API over HTTP ---------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        name = request.match_info["method"]
        if request.match_info["token"] != self.token:
            return self._error(name, ApiError(401, "Unauthorized"))
        method = self.spec.method(name)
        if method is None:
            return self._error(name, ApiError(404, "Not Found"))
        try:
            raw, files = await _read_params(request)
            params = self.spec.decode_params(method, raw, files)
            self.calls.append((method.name, params))
            handler = self.methods.handlers.get(method.name)
            if handler is None:
                raise bad_request("method not implemented by the local Bot API server")
            result = await handler(params)
        except ApiError as exc:
            return self._error(method.name, exc)
        return web.json_response({"ok": True, "result": result})

    def _error(self, method: str, exc: ApiError) -> web.Response:
        # 403 (blocked, not started) and 409 (superseded long poll) are answers a correct bot
        # gets in production; everything else means the bot sent something wrong.
        if exc.code not in (403, 409):
            self._violation(f"{method}: {exc.description}")
        body = {"ok": False, "error_code": exc.code, "description": exc.description}
        return web.json_response(body, status=exc.code)

    def _violation(self, text: str) -> None:
        log.warning("Bot API violation: %s", text)
        self.violations.append(text)

    # -- people and what they do -------------------------------------------------------------

    def user(
        self,
        user_id: int,
        first_name: str = "Test",
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
        started: bool = False,
    ) -> TgUser:
        """A person with a private chat (id == user id).

        Until they write to the bot (or ``started=True``), sendMessage to them fails with
        403 "bot can't initiate conversation with a user", as on Telegram.
        """
        person = TgUser(user_id, first_name, last_name, username, language_code)
        self.state.users[user_id] = person
        self.state.add_chat(person.private_chat(), started=started)
        return person

    def group(self, chat_id: int, title: str, *, username: str | None = None) -> JSON:
        """A group chat the bot is in (ids of groups are negative); returns the Chat."""
        chat: JSON = {"id": chat_id, "type": "group", "title": title}
        if username is not None:
            chat.update(type="supergroup", username=username)
        return self.state.add_chat(chat).chat

    def send_text(
        self,
        user: TgUser | int,
        text: str,
        *,
        chat_id: int | None = None,
        reply_to: int | None = None,
    ) -> JSON:
        """The person sends ``text``; a leading /command gets its bot_command entity."""
        content = wire.text_content(text)
        if reply_to is not None:
            content["reply_to_message"] = copy.deepcopy(
                self.state.chat(chat_id or self._person(user).id).messages[reply_to]
            )
        return self._incoming(user, content, chat_id)

    def send_photo(self, user: TgUser | int, caption: str | None = None) -> JSON:
        return self._incoming(user, wire.photo_content(caption))

    def send_sticker(self, user: TgUser | int, emoji: str = "👍") -> JSON:
        return self._incoming(user, wire.sticker_content(emoji))

    def send_voice(self, user: TgUser | int, duration: int = 3) -> JSON:
        return self._incoming(user, wire.voice_content(duration))

    def send_location(
        self, user: TgUser | int, latitude: float = 35.681236, longitude: float = 139.767125
    ) -> JSON:
        return self._incoming(user, wire.location_content(latitude, longitude))

    def press_button(
        self, user: TgUser | int, message_id: int, data: str, *, chat_id: int | None = None
    ) -> JSON:
        """The person presses the inline button with ``data`` under a bot message."""
        person = self._person(user)
        record = self.state.chat(chat_id if chat_id is not None else person.id)
        msg = record.messages.get(message_id)
        if msg is None or message_id in record.deleted or msg["from"]["id"] != self.bot_user["id"]:
            raise AssertionError(
                f"chat {record.chat['id']} has no bot message {message_id}; "
                f"the bot sent: {[m['message_id'] for m in self.sent(record.chat['id'])]}"
            )
        find_button(msg, data)
        query_id = next_query_id()
        self.methods.open_callback_queries.add(query_id)
        # Telegram's chat_instance is stable per chat and opaque.
        chat_instance = str((record.chat["id"] * 1_000_003 + self.bot_user["id"]) % 2**62)
        query = wire.callback_query(query_id, person.to_wire(), copy.deepcopy(msg), chat_instance, data)
        return self.state.add_update("callback_query", query)

    def inject_update(self, kind: str, payload: JSON) -> JSON:
        """Queue any other Update (``kind`` like 'edited_message'); payload is not checked."""
        return self.state.add_update(kind, payload)

    def block(self, user: TgUser | int) -> None:
        """The person blocks the bot: sending to them now fails with 403."""
        self.state.chat(self._person(user).id).blocked = True

    def unblock(self, user: TgUser | int) -> None:
        self.state.chat(self._person(user).id).blocked = False

    def _person(self, user: TgUser | int) -> TgUser:
        if isinstance(user, TgUser):
            return user
        if user not in self.state.users:
            raise LookupError(f"user {user} is unknown: create them with server.user(...) first")
        return self.state.users[user]

    def _incoming(self, user: TgUser | int, content: JSON, chat_id: int | None = None) -> JSON:
        person = self._person(user)
        if person.id not in self.state.users:
            self.state.users[person.id] = person
            self.state.add_chat(person.private_chat())
        record = self.state.chat(chat_id if chat_id is not None else person.id)
        if record.chat["type"] == "private":
            record.started = True  # writing to a bot is what lets it write back
        msg = wire.message(self.state.take_message_id(record), record.chat, person.to_wire())
        msg.update(content)
        self.state.store(record, msg, by_bot=False)
        return self.state.add_update("message", msg)

    # -- what the bot did --------------------------------------------------------------------

    async def wait_for_messages(self, chat_id: int, count: int = 1, timeout: float = 10.0) -> list[JSON]:
        """The next ``count`` messages the bot sent to the chat, once they have arrived.

        Each chat has a read cursor: every call returns exactly ``count`` messages after it
        and moves it on, so consecutive calls see consecutive messages whatever the timing.
        On timeout, AssertionError shows what did arrive (and any violations).
        """
        record = self.state.chat(chat_id)
        arrived = await self.state.wait_until(
            lambda: len(record.sent_ids) - record.read_cursor >= count, timeout
        )
        if not arrived:
            unread = [record.messages[i] for i in record.sent_ids[record.read_cursor :]]
            raise AssertionError(
                f"chat {chat_id}: expected {count} new message(s) from the bot within "
                f"{timeout}s, got {len(unread)}: {[_summary(m) for m in unread]}; "
                f"all sent to this chat: {[_summary(m) for m in self.sent(chat_id)]}; "
                f"violations: {self.violations}"
            )
        ids = record.sent_ids[record.read_cursor : record.read_cursor + count]
        record.read_cursor += count
        return [copy.deepcopy(record.messages[i]) for i in ids]

    def unread(self, chat_id: int) -> list[JSON]:
        """Messages after the read cursor, without moving it (e.g. to assert there are none)."""
        record = self.state.chat(chat_id)
        return [copy.deepcopy(record.messages[i]) for i in record.sent_ids[record.read_cursor :]]

    def sent(self, chat_id: int) -> list[JSON]:
        """Every message the bot sent to the chat, in order, edits applied, deletions left out."""
        return self.state.sent(chat_id)

    def sent_at(self, chat_id: int, message_id: int) -> float:
        """When (time.monotonic()) the bot sent that message: timing checks that do not depend on
        how long the test took to read it."""
        return self.state.chat(chat_id).sent_at[message_id]

    @staticmethod
    def buttons(message: JSON) -> list[tuple[str, str]]:
        """(text, callback_data) of each inline button, row by row; url buttons give the url."""
        return [(b["text"], b.get("callback_data", b.get("url", ""))) for b in wire.inline_buttons(message)]

    @property
    def callback_answers(self) -> list[dict[str, Any]]:
        """Parameters of every answerCallbackQuery, in order."""
        return self.methods.callback_answers

    @property
    def chat_actions(self) -> list[tuple[int | str, str]]:
        """(chat_id, action) of every sendChatAction, in order."""
        return self.methods.chat_actions

    @property
    def pending_updates(self) -> list[JSON]:
        """Updates not yet confirmed by the bot's getUpdates offset."""
        return list(self.state.updates)


def _summary(msg: JSON) -> str:
    return f"#{msg['message_id']} {msg.get('text', '<non-text>')!r}"


async def _read_params(request: web.Request) -> tuple[dict[str, Any], set[str]]:
    """Parameters from the query string and a JSON, urlencoded or multipart body.

    Returns the raw values (strings, or typed values from a JSON body) and the names of
    parameters that carried an uploaded file.
    """
    raw: dict[str, Any] = dict(request.query)
    files: set[str] = set()
    if request.content_type == "application/json":
        body = await request.read()
        if body.strip():
            try:
                data = json.loads(body)
            except json.JSONDecodeError as exc:
                raise bad_request(f"can't parse JSON body: {exc.msg}") from exc
            if not isinstance(data, dict):
                raise bad_request("JSON body must be an object")
            raw.update(data)
    elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = await request.post()
        for name, value in form.items():
            if isinstance(value, web.FileField):
                files.add(name)
                value = f"<file {value.filename}>"
            raw[name] = value
        # Parts referenced as attach://name (InputMedia) are not parameters themselves.
        attached = {m for v in raw.values() if isinstance(v, str) for m in _ATTACH.findall(v)}
        for name in attached & files:
            del raw[name]
    return raw, files
