"""The web chat channel: `/chat` (a page) and `/chat/ws` (its websocket).

No login: the browser keeps a random token, which is the address; a reload resumes the same
conversation (its transcript is sent again).

The page has buttons for what Telegram does with commands (End, Start again, Erase: option ids
act_end, act_restart, act_forget, which the dispatcher takes as /end, /cancel, /forget). After
each delivery the page is told where the conversation is ({"type": "state"}: none, intake,
queued, connected, closed), so it offers only the buttons that make sense there; after an erase
it is told to clear what it shows ({"type": "erased"}).
"""

from __future__ import annotations

import json
import logging
import re

from aiohttp import WSMsgType, web

from bot.channels.hub import SocketHub, message_json
from bot.dispatcher import Dispatcher, Message
from routing.conversations import CLOSED, CONNECTED, QUEUED, Conversations

logger = logging.getLogger(__name__)

CHANNEL = "web"
TOKEN = re.compile(r"^[0-9a-f]{32}$")
UI_KEYS = (
    "title", "placeholder", "send", "connecting", "reconnecting", "you", "counselor", "bot",
    "actions", "end", "restart", "forget",
)  # fmt: skip
PAGE_STATES = {QUEUED: "queued", CONNECTED: "connected", CLOSED: "closed"}  # any other: intake
MAX_FRAME = 64 * 1024


class WebChat:
    """Serves person pages' websockets and draws delivered messages on them."""

    def __init__(self, dispatcher: Dispatcher, conversations: Conversations, hub: SocketHub) -> None:
        self.dispatcher = dispatcher
        self.conversations = conversations
        self.hub = hub
        self._langs: dict[web.WebSocketResponse, str] = {}
        self._tokens: dict[web.WebSocketResponse, str] = {}
        hub.renderer(CHANNEL, self._render)

    def ui(self, lang: str) -> dict:
        catalog = self.dispatcher.catalog
        strings = {key: catalog.text(lang, f"ui-{key}") for key in UI_KEYS}
        return {"type": "ui", "lang": lang, "strings": strings}

    async def _render(self, socket: web.WebSocketResponse, messages: list[dict], lang: str) -> None:
        if self._langs.get(socket) != lang:
            self._langs[socket] = lang
            await socket.send_json(self.ui(lang))
        for message in messages:
            await socket.send_json({"type": "message", **message_json(message)})
        token = self._tokens.get(socket)
        if token is not None:
            await self._send_state(socket, token)

    async def _send_state(self, socket: web.WebSocketResponse, token: str) -> None:
        """Where the person's conversation is, for the page's buttons (read after the messages
        were sent, so never older than what they say)."""
        person_id = self.dispatcher.pseudonymizer.person_id(CHANNEL, token)
        conversation = await self.conversations.get(person_id)
        state = "none" if conversation is None else PAGE_STATES.get(conversation.state, "intake")
        if not socket.closed:
            await socket.send_json({"type": "state", "state": state})

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """One page's websocket: history first, then live messages both ways."""
        token = request.query.get("token", "")
        if not TOKEN.match(token):
            raise web.HTTPBadRequest(text="token must be 32 lowercase hex characters")
        socket = web.WebSocketResponse(heartbeat=30, max_msg_size=MAX_FRAME)
        await socket.prepare(request)
        hint = request.query.get("lang")
        person_id = self.dispatcher.pseudonymizer.person_id(CHANNEL, token)
        conversation = await self.conversations.get(person_id)
        lang = conversation.lang if conversation else self.dispatcher.language_for(hint)
        self._langs[socket] = lang
        self._tokens[socket] = token
        self.hub.add(CHANNEL, token, socket)
        try:
            await socket.send_json(self.ui(lang))
            history = await self.conversations.transcript(person_id)
            await socket.send_json(
                {"type": "history", "messages": [message_json(e.__dict__) for e in history]}
            )
            await self.dispatcher.person_connected(CHANNEL, token, hint)
            await self._send_state(socket, token)
            async for frame in socket:
                if frame.type == WSMsgType.TEXT:
                    await self._inbound(socket, token, hint, frame.data)
        finally:
            self.hub.remove(CHANNEL, token, socket)
            self._langs.pop(socket, None)
            self._tokens.pop(socket, None)
        return socket

    async def _inbound(self, socket: web.WebSocketResponse, token: str, hint: str | None, raw: str) -> None:
        message = parse_frame(token, hint, raw)
        if message is None:
            logger.info("web chat frame rejected")
            await self._error(socket)
            return
        if message.kind == "text" and not message.value.strip():
            return
        if message.kind == "option" and message.value == "forget_yes":
            # Before the erase's own messages (which come through the hub after it): the page
            # clears what it shows, then draws "everything was erased".
            await socket.send_json({"type": "erased"})
        try:
            await self.dispatcher.person_message(message)
        except Exception:  # the person must get an answer, and the socket must stay open
            logger.exception("web chat message failed")
            await self._error(socket)

    async def _error(self, socket: web.WebSocketResponse) -> None:
        """A kind "please send that again" in the page's language."""
        lang = self._langs.get(socket, self.dispatcher.default_lang)
        text = self.dispatcher.catalog.text(lang, "error-try-again")
        await socket.send_json({"type": "error", "text": text})


def parse_frame(token: str, hint: str | None, raw: str) -> Message | None:
    """A page's frame as a Message, or None when it is not one we understand."""
    try:
        frame = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(frame, dict):
        return None
    if frame.get("type") == "text" and isinstance(frame.get("text"), str):
        return Message(CHANNEL, token, "text", frame["text"], hint)
    if frame.get("type") == "button" and isinstance(frame.get("id"), str) and len(frame["id"]) <= 64:
        return Message(CHANNEL, token, "option", frame["id"], hint)
    return None
