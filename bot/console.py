"""The counselor console: `/console?key=...` and its websocket `/console/ws`.

A counselor goes online, answers offers, takes the next person, reads the intake summary, chats and
ends, through the same dispatcher as on Telegram. The page is drawn from "status" frames: presence
(online, paused, offline), how many wait, the current conversation with its summary, and every
open offer (so each keeps its Accept and Pass until it is answered or gone). Status frames follow
routing events (Redis pub/sub), not a timer; the timer is the console's heartbeat. A person who
erased their data (/forget) disappears from open consoles ("erase" frames name their tickets).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import time
from dataclasses import dataclass, field

from aiohttp import WSMsgType, web
from redis.asyncio import Redis

from bot.aio import cancel_and_wait
from bot.channels.hub import SocketHub, message_json
from bot.counselors import Counselor, CounselorDirectory
from bot.dispatcher import Dispatcher, Message
from bot.routing_side import OFFER_ACCEPT, OFFER_DECLINE
from flows.triage import risk_rank
from routing import keys
from routing.conversations import CONNECTED, Conversations
from routing.presence import Presence
from routing.queue import Queue

logger = logging.getLogger(__name__)

CHANNEL = "console"
UI_KEYS = (
    "title", "online", "offline", "next", "end", "waiting",
    "no-conversation", "status-online", "status-offline", "summary",
    "paused", "resume", "paused-note", "offer-title",
    "notify-allow", "sound-on", "sound-off", "switch", "stopped",
)  # fmt: skip
COMMANDS = ("online", "offline", "next", "end", "switch")
STATUS_EVERY = 5.0  # the console's heartbeat; status frames themselves follow routing events
EVENTS_SETTLE = 0.15  # seconds a burst of routing events is gathered into one status frame
SHOWN_KEPT = 64  # tickets whose words one page may show (checked for erasure)
LABELLED = re.compile(r"^\[(t\d+)\] ")  # a person's words marked with their ticket (several held)
UNKNOWN_KEY = 4403  # close code: the page must not reconnect
COUNSELOR_ID = web.ResponseKey("counselor_id", str)


@dataclass
class _Page:
    """One open console page: what it was last sent and which people's words it shows."""

    counselor: Counselor
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    shown: dict[str, None] = field(default_factory=dict)  # ticket ids, oldest first
    last: str = ""
    missed_told: bool = False  # the missed-offer notice, once per pause

    def show(self, ticket_id: str) -> None:
        if not ticket_id:
            return
        self.shown.pop(ticket_id, None)
        self.shown[ticket_id] = None
        while len(self.shown) > SHOWN_KEPT:
            self.shown.pop(next(iter(self.shown)))


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
        self._pages: dict[web.WebSocketResponse, _Page] = {}
        self._watcher: asyncio.Task[None] | None = None
        hub.renderer(CHANNEL, self._render)

    @property
    def redis(self) -> Redis:
        return self.conversations.redis

    def ui(self, lang: str) -> dict:
        catalog = self.dispatcher.catalog
        strings = {
            key.replace("-", "_"): catalog.text(lang, f"console-{key}")
            for key in UI_KEYS
        }
        strings["offer_left"] = catalog.text(lang, "console-offer-left", seconds="{seconds}")
        strings["placeholder"] = catalog.text(lang, "ui-placeholder")
        strings["send"] = catalog.text(lang, "ui-send")
        return {"type": "ui", "lang": lang, "strings": strings}

    async def status(self, counselor: Counselor) -> dict:
        """Presence (online, paused, offline), how many wait, the current conversation with its
        summary, the conversations held, and every open offer, most urgent first."""
        state = await self.presence.get(counselor.id)
        conversation = None
        if state.person_id:
            person = await self.conversations.get(state.person_id)
            if person is not None and person.state == CONNECTED:
                rows = self.dispatcher.summary.rows(person, counselor.lang)
                conversation = {"id": person.ticket_id, "summary": rows}
        offers = [offer for t in state.offered if (offer := await self._offer(counselor, t))]
        offers.sort(key=lambda offer: (-risk_rank(offer["risk"]), offer["since"]))
        for offer in offers:
            del offer["since"]
        waiting = await self.queue.waiting()
        return {
            "type": "status",
            "online": state.status == "online",
            "presence": state.status,
            "waiting": waiting,
            "conversation": conversation,
            "conversations": sorted(state.connected),
            "offers": offers,
        }

    async def _offer(self, counselor: Counselor, ticket_id: str) -> dict | None:
        """One open offer as the console draws it: risk in words, what they want to talk about,
        language, where, how long they waited, seconds left, and its two buttons."""
        ticket = await self.queue.ticket(ticket_id)
        person = await self.conversations.get(ticket["person_id"]) if ticket.get("person_id") else None
        if person is None:
            return None
        lang, text, summary = counselor.lang, self.dispatcher.catalog.text, self.dispatcher.summary
        risk = max(person.risk, ticket.get("risk") or "low", key=risk_rank)  # it may have risen
        since = float(ticket.get("created_at") or time.time())
        minutes = max(0, int((time.time() - since) // 60))
        deadline = float(ticket.get("offer_deadline") or 0)
        return {
            "ticket": ticket_id,
            "risk": risk,
            "risk_words": text(lang, f"console-offer-risk-{risk}"),
            "rows": [
                [text(lang, "summary-categories"), summary.categories(person, lang)],
                [text(lang, "summary-language"), text(lang, f"language-name-{person.lang}")],
                [text(lang, "summary-region"), summary.region(person, lang)],
                [text(lang, "summary-waited"), text(lang, "duration-minutes", minutes=minutes)],
            ],
            "seconds_left": max(0, int(deadline - time.time())) if deadline else None,
            "options": [
                {"id": OFFER_ACCEPT + ticket_id, "label": text(lang, "option-offer_accept")},
                {"id": OFFER_DECLINE + ticket_id, "label": text(lang, "option-offer_decline")},
            ],
            "since": since,
        }

    async def _send_status(self, socket: web.WebSocketResponse, page: _Page, force: bool = False) -> dict:
        """Send the counselor's status if it changed (always when FORCE); first, an "erase" for
        any person this page shows whose data is gone (erased with /forget, or expired)."""
        status = await self.status(page.counselor)
        await self._erase_gone(socket, page)
        if status["presence"] != "paused":
            page.missed_told = False
        if status["conversation"]:
            page.show(status["conversation"]["id"])
        for ticket_id in status["conversations"]:
            page.show(ticket_id)
        encoded = json.dumps(status, ensure_ascii=False, sort_keys=True)
        if force or encoded != page.last:
            page.last = encoded
            await socket.send_json(status)
        return status

    async def _erase_gone(self, socket: web.WebSocketResponse, page: _Page) -> None:
        shown = list(page.shown)
        if not shown:
            return
        async with self.redis.pipeline(transaction=False) as pipe:
            for ticket_id in shown:
                pipe.exists(keys.ticket(ticket_id))
            found = await pipe.execute()
        gone = [ticket_id for ticket_id, exists in zip(shown, found, strict=True) if not exists]
        if not gone:
            return
        for ticket_id in gone:
            page.shown.pop(ticket_id, None)
        text = self.dispatcher.catalog.text(page.counselor.lang, "console-erased")
        await socket.send_json({"type": "erase", "tickets": gone, "text": text})

    async def _render(self, socket: web.WebSocketResponse, messages: list[dict], lang: str) -> None:
        # The status first: a status naming a new conversation clears the page's log, which must
        # not wipe the summary that comes with it. Offers are drawn from the status, not the log.
        page = self._pages.get(socket)
        if page is None:
            return
        catalog = self.dispatcher.catalog
        lang = page.counselor.lang
        missed = catalog.text(lang, "counselor-offer-missed")
        async with page.lock:
            status = await self._send_status(socket, page, force=True)
            current = status["conversation"]["id"] if status["conversation"] else ""
            for message in messages:
                frame = message_json(message)
                if any(o["id"].startswith(OFFER_ACCEPT) for o in frame["options"]):
                    continue
                if frame["role"] == "system" and frame["text"] == missed:
                    if page.missed_told:  # one notice per pause, not one per missed offer
                        continue
                    page.missed_told = True
                    frame["text"] = catalog.text(lang, "console-offer-missed")
                elif frame["role"] == "system" and (minutes := self._vanished_minutes(frame["text"], lang)):
                    frame["text"] = catalog.text(lang, "console-vanished", minutes=minutes)
                labelled = LABELLED.match(frame["text"]) if frame["role"] == "person" else None
                ticket_id = labelled.group(1) if labelled else current
                if ticket_id:
                    frame["ticket"] = ticket_id
                    page.show(ticket_id)
                await socket.send_json({"type": "message", **frame})

    def _vanished_minutes(self, text: str, lang: str) -> str:
        """The minutes in a "no sign from you, you are offline" notice ('' if TEXT is not one):
        the console words it for a page (go online), not for Telegram (/online)."""
        template = self.dispatcher.catalog.text(lang, "counselor-vanished", minutes="\x00")
        before, _, after = template.partition("\x00")
        if not after or not text.startswith(before) or not text.endswith(after):
            return ""
        minutes = text[len(before) : len(text) - len(after)]
        return minutes if minutes.isdigit() else ""

    async def handle(self, request: web.Request) -> web.StreamResponse:
        socket = web.WebSocketResponse(heartbeat=30, max_msg_size=64 * 1024)
        await socket.prepare(request)
        counselor = self.counselors.by_console_key(request.query.get("key", ""))
        if counselor is None:
            lang = self.dispatcher.language_for(request.headers.get("Accept-Language"))  # the browser's
            text = self.dispatcher.catalog.text(lang, "console-unknown-key")
            await socket.send_json(self.ui(lang))
            # Fatal: the page shows it once and does not reconnect (a key does not heal by retrying).
            await socket.send_json({"type": "error", "text": text, "fatal": True})
            await socket.close(code=UNKNOWN_KEY, message=b"unknown console key")
            return socket
        socket[COUNSELOR_ID] = counselor.id
        page = _Page(counselor)
        self._pages[socket] = page
        self.hub.add(CHANNEL, counselor.id, socket)
        self._watch()
        heartbeat = asyncio.create_task(self._heartbeat(socket, page), name="console-heartbeat")
        try:
            async with page.lock:
                await socket.send_json(self.ui(counselor.lang))
                status = await self._send_status(socket, page, force=True)
                history = await self._history(counselor)
                ticket_id = status["conversation"]["id"] if status["conversation"] and history else ""
                for message in history:
                    message["ticket"] = ticket_id
                await socket.send_json({"type": "history", "messages": history})
            async for frame in socket:
                if frame.type == WSMsgType.TEXT:
                    await self._inbound(socket, page, frame.data)
        finally:
            await cancel_and_wait(heartbeat)
            self.hub.remove(CHANNEL, counselor.id, socket)
            self._pages.pop(socket, None)
            if not self._pages and self._watcher is not None:
                watcher, self._watcher = self._watcher, None
                await cancel_and_wait(watcher)
        return socket

    def _watch(self) -> None:
        """Follow routing events while any console is open in this process."""
        if self._watcher is None or self._watcher.done():
            self._watcher = asyncio.create_task(self._follow_events(), name="console-events")

    async def _follow_events(self) -> None:
        """Every routing event (someone queued, an offer made, taken, passed or missed, a close)
        refreshes the open consoles; a burst of events becomes one status frame per page."""
        while self._pages:
            try:
                async with self.redis.pubsub() as pubsub:
                    await pubsub.subscribe(keys.events())
                    await self._refresh_all()  # whatever happened while not subscribed
                    while self._pages:
                        event = await pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
                        if event is None:
                            continue
                        await asyncio.sleep(EVENTS_SETTLE)
                        while await pubsub.get_message(ignore_subscribe_messages=True, timeout=0):
                            pass
                        await self._refresh_all()
            except asyncio.CancelledError:
                raise
            except Exception:  # Redis away for a moment: the heartbeat still refreshes
                logger.exception("console events subscription failed")
                await asyncio.sleep(1.0)

    async def _refresh_all(self) -> None:
        for socket, page in list(self._pages.items()):
            if socket.closed:
                continue
            with contextlib.suppress(ConnectionError, RuntimeError):
                async with page.lock:
                    await self._send_status(socket, page)

    async def _heartbeat(self, socket: web.WebSocketResponse, page: _Page) -> None:
        """An open console is a counselor who is there (its heartbeat), so a closed laptop lets
        their people go back; the status is re-checked too (the minutes waited, an expired ticket)."""
        while not socket.closed:
            await asyncio.sleep(STATUS_EVERY)
            await self.presence.heartbeat(page.counselor.id)
            if not socket.closed:
                async with page.lock:
                    await self._send_status(socket, page)

    async def _history(self, counselor: Counselor) -> list[dict]:
        state = await self.presence.get(counselor.id)
        if not state.person_id:
            return []
        start = await self.queue.ticket_mark(state.person_id)
        entries = await self.conversations.transcript(state.person_id, start)
        return [message_json(e.__dict__) for e in entries if e.role in ("person", "counselor")]

    async def _inbound(self, socket: web.WebSocketResponse, page: _Page, raw: str) -> None:
        counselor = page.counselor
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
        async with page.lock:
            await self._send_status(socket, page, force=True)
