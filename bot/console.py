"""The minimal counselor console: `/console?key=...` and its websocket `/console/ws`.

A counselor goes online, takes the next person, reads the intake summary, chats and ends, through
the same dispatcher as on Telegram. (The full console with queues and transfers comes later.)
"""

from __future__ import annotations

import asyncio
import json
import logging

from aiohttp import WSMsgType, web

from bot.aio import cancel_and_wait
from bot.channels.hub import SocketHub, message_json
from bot.counselors import Counselor, CounselorDirectory
from bot.dispatcher import Dispatcher, Message
from routing.conversations import CONNECTED, Conversations
from routing.presence import Presence
from routing.queue import Queue

logger = logging.getLogger(__name__)

CHANNEL = "console"
UI_KEYS = (
    "title", "online", "offline", "next", "end", "waiting",
    "no-conversation", "status-online", "status-offline", "summary",
)  # fmt: skip
COMMANDS = ("online", "offline", "next", "end")
STATUS_EVERY = 5.0
COUNSELOR_ID = web.ResponseKey("counselor_id", str)


class Console:
    """Serves counselor consoles' websockets."""

    def __init__(
        self,
        dispatcher: Dispatcher,
        counselors: CounselorDirectory,
        conversations: Conversations,
        presence: Presence,
        queue: Queue,
        hub: SocketHub,
    ) -> None:
        self.dispatcher = dispatcher
        self.counselors = counselors
        self.conversations = conversations
        self.presence = presence
        self.queue = queue
        self.hub = hub
        hub.renderer(CHANNEL, self._render)

    def ui(self, lang: str) -> dict:
        catalog = self.dispatcher.catalog
        strings = {key.replace("-", "_"): catalog.text(lang, f"console-{key}") for key in UI_KEYS}
        strings["placeholder"] = catalog.text(lang, "ui-placeholder")
        strings["send"] = catalog.text(lang, "ui-send")
        return {"type": "ui", "lang": lang, "strings": strings}

    async def status(self, counselor: Counselor) -> dict:
        """Online or not, how many wait, and the current conversation's summary."""
        state = await self.presence.get(counselor.id)
        conversation = None
        if state.person_id:
            person = await self.conversations.get(state.person_id)
            if person is not None and person.state == CONNECTED:
                rows = self.dispatcher.summary.rows(person, counselor.lang)
                conversation = {"id": person.ticket_id, "summary": rows}
        waiting = await self.queue.waiting()
        return {"type": "status", "online": state.online, "waiting": waiting, "conversation": conversation}

    async def _render(self, socket: web.WebSocketResponse, messages: list[dict], lang: str) -> None:
        # The status first: a status naming a new conversation clears the page's log, which must
        # not wipe the summary that comes with it.
        counselor = self.counselors.get(socket[COUNSELOR_ID])
        if counselor:
            await socket.send_json(await self.status(counselor))
        for message in messages:
            await socket.send_json({"type": "message", **message_json(message)})

    async def handle(self, request: web.Request) -> web.StreamResponse:
        socket = web.WebSocketResponse(heartbeat=30, max_msg_size=64 * 1024)
        await socket.prepare(request)
        counselor = self.counselors.by_console_key(request.query.get("key", ""))
        if counselor is None:
            lang = self.dispatcher.default_lang
            text = self.dispatcher.catalog.text(lang, "console-unknown-key")
            await socket.send_json({"type": "error", "text": text})
            await socket.close()
            return socket
        socket[COUNSELOR_ID] = counselor.id
        self.hub.add(CHANNEL, counselor.id, socket)
        refresher = asyncio.create_task(self._refresh(socket, counselor))
        try:
            await socket.send_json(self.ui(counselor.lang))
            await socket.send_json(await self.status(counselor))
            await socket.send_json({"type": "history", "messages": await self._history(counselor)})
            async for frame in socket:
                if frame.type == WSMsgType.TEXT:
                    await self._inbound(socket, counselor, frame.data)
        finally:
            await cancel_and_wait(refresher)
            self.hub.remove(CHANNEL, counselor.id, socket)
        return socket

    async def _refresh(self, socket: web.WebSocketResponse, counselor: Counselor) -> None:
        """Keep the waiting count current while the console is open; an open console is a
        counselor who is there (its heartbeat), so a closed laptop lets their people go back."""
        while not socket.closed:
            await asyncio.sleep(STATUS_EVERY)
            await self.presence.heartbeat(counselor.id)
            if not socket.closed:
                await socket.send_json(await self.status(counselor))

    async def _history(self, counselor: Counselor) -> list[dict]:
        state = await self.presence.get(counselor.id)
        if not state.person_id:
            return []
        start = await self.queue.ticket_mark(state.person_id)
        entries = await self.conversations.transcript(state.person_id, start)
        return [message_json(e.__dict__) for e in entries if e.role in ("person", "counselor")]

    async def _inbound(self, socket: web.WebSocketResponse, counselor: Counselor, raw: str) -> None:
        try:
            frame = json.loads(raw)
        except ValueError:
            frame = None
        if not isinstance(frame, dict):
            frame = {}
        kind = frame.get("type")
        if kind in COMMANDS:
            message = Message(CHANNEL, counselor.id, "text", f"/{kind}")
        elif kind == "option" and isinstance(frame.get("value"), str) and 0 < len(frame["value"]) <= 64:
            message = Message(CHANNEL, counselor.id, "option", frame["value"])
        elif kind == "text" and isinstance(frame.get("text"), str) and frame["text"].strip():
            message = Message(CHANNEL, counselor.id, "text", frame["text"])
        else:
            text = self.dispatcher.catalog.text(counselor.lang, "error-try-again")
            await socket.send_json({"type": "error", "text": text})
            return
        try:
            await self.dispatcher.counselor_message(counselor, message)
        except Exception:  # the counselor must get an answer, and the console must stay open
            logger.exception("console message failed")
            text = self.dispatcher.catalog.text(counselor.lang, "error-try-again")
            await socket.send_json({"type": "error", "text": text})
        await socket.send_json(await self.status(counselor))
