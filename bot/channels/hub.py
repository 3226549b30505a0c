"""Websockets across processes: each process subscribes once to the Redis outboxes and hands
each published message to the sockets it holds, so any process can talk to any web page."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import asdict

from aiohttp import web
from redis.asyncio import Redis

from bot.aio import cancel_and_wait
from bot.channels.base import Outgoing
from routing import keys

logger = logging.getLogger(__name__)

READY_SECONDS = 10.0

# (socket, messages as dicts, lang) -> None: how a kind of page draws delivered messages.
Renderer = Callable[[web.WebSocketResponse, list[dict], str], Awaitable[None]]


class SocketHub:
    """Local websockets by (channel, address), fed from one pattern subscription."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis
        self._sockets: dict[tuple[str, str], set[web.WebSocketResponse]] = {}
        self._renderers: dict[str, Renderer] = {}
        self._task: asyncio.Task[None] | None = None
        self._ready = asyncio.Event()

    def renderer(self, channel: str, render: Renderer) -> None:
        self._renderers[channel] = render

    def add(self, channel: str, address: str, socket: web.WebSocketResponse) -> None:
        self._sockets.setdefault((channel, address), set()).add(socket)

    def remove(self, channel: str, address: str, socket: web.WebSocketResponse) -> None:
        sockets = self._sockets.get((channel, address), set())
        sockets.discard(socket)
        if not sockets:
            self._sockets.pop((channel, address), None)

    async def publish(self, channel: str, address: str, messages: list[Outgoing], lang: str) -> None:
        payload = {"lang": lang, "messages": [asdict(m) for m in messages]}
        await self.redis.publish(keys.outbox(channel, address), json.dumps(payload, ensure_ascii=False))

    async def start(self) -> None:
        """Subscribe to every process's outgoing messages; fails (never hangs) without Redis."""
        self._task = asyncio.create_task(self._listen(), name="socket-hub")
        ready = asyncio.create_task(self._ready.wait())
        await asyncio.wait({ready, self._task}, timeout=READY_SECONDS, return_when=asyncio.FIRST_COMPLETED)
        if ready.done():
            return
        ready.cancel()
        if self._task.done():
            self._task.result()  # raises the reason it could not subscribe
        self._task.cancel()
        raise RuntimeError(f"could not subscribe to the outbox in Redis within {READY_SECONDS:.0f} s")

    async def stop(self) -> None:
        if self._task:
            await cancel_and_wait(self._task)
        await self.close_sockets()

    async def close_sockets(self) -> None:
        """Close every page's socket (pages reconnect by themselves, to this or another process)."""
        for sockets in list(self._sockets.values()):
            for socket in list(sockets):
                await socket.close(code=1012)  # 1012: service restart

    async def _listen(self) -> None:
        prefix = keys.outbox("", "")[:-1]  # "tsunagari:out:"
        async with self.redis.pubsub() as pubsub:
            await pubsub.psubscribe(keys.outbox_pattern())
            self._ready.set()
            async for item in pubsub.listen():
                if item["type"] != "pmessage":
                    continue
                channel, _, address = item["channel"][len(prefix) :].partition(":")
                try:
                    await self._deliver(channel, address, json.loads(item["data"]))
                except Exception:  # one broken page must not stop delivery to the others
                    logger.exception("delivery to a %s socket failed", channel)

    async def _deliver(self, channel: str, address: str, payload: dict) -> None:
        render = self._renderers.get(channel)
        for socket in list(self._sockets.get((channel, address), ())):
            if render and not socket.closed:
                await render(socket, payload["messages"], payload["lang"])


class SocketChannel:
    """A channel whose receivers are websockets (web chat pages, counselor consoles)."""

    def __init__(self, name: str, hub: SocketHub) -> None:
        self.name = name
        self.hub = hub

    async def send(self, address: str, messages: list[Outgoing], lang: str) -> None:
        await self.hub.publish(self.name, address, messages, lang)


def message_json(message: dict) -> dict:
    """The page's view of a message: role, text, options as {id, label}."""
    return {
        "role": message["role"],
        "text": message["text"],
        "options": [{"id": option, "label": label} for option, label in message.get("options", ())],
    }
