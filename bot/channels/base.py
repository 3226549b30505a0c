"""What every channel adapter offers the dispatcher: send rendered messages to an address."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Protocol

from routing.conversations import Role

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outgoing:
    """A rendered message: text in the receiver's language, and buttons as (id, label)."""

    text: str
    role: Role = "bot"
    options: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    # The receiver's own words shown back (web pages draw only what the server sends;
    # Telegram already shows them, so it skips these).
    echo: bool = False


class Channel(Protocol):
    """A way to reach persons or counselors (Telegram, web chat, console)."""

    name: str

    async def send(self, address: str, messages: list[Outgoing], lang: str) -> None:
        """Deliver messages in order to one address."""
        ...


class Outbox:
    """The channels this process can deliver through, by name."""

    def __init__(self) -> None:
        self._channels: dict[str, Channel] = {}

    def register(self, channel: Channel) -> None:
        self._channels[channel.name] = channel

    async def send(self, channel: str, address: str, messages: list[Outgoing], lang: str) -> None:
        if not messages:
            return
        if channel not in self._channels:
            logger.warning("no %s channel in this process; %d messages not sent", channel, len(messages))
            return
        await self._channels[channel].send(address, messages, lang)
