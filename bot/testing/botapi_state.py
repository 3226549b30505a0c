"""What the local Bot API server remembers: chats, messages, pending updates, and a signal.

One :class:`BotApiState` belongs to one :class:`bot.testing.botapi.LocalBotApi`. The Bot API
methods (``botapi_methods``) and the test API both read and change it; every change calls
:meth:`BotApiState.changed`, which wakes whoever waits for something (a long-polling
getUpdates, a test in ``wait_for_messages``) without any sleep-polling.
"""

from __future__ import annotations

import asyncio
import copy
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.testing.botapi_spec import ApiError, bad_request
from bot.testing.botapi_wire import JSON, TgUser, update_kind

# Delivered when allowed_updates is unset or empty (the Bot API's documented default).
DEFAULT_UPDATE_KINDS_EXCLUDED = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


@dataclass
class ChatRecord:
    """One chat as the server knows it."""

    chat: JSON  # the wire-format Chat
    started: bool = False  # a private chat where the person has written to the bot
    blocked: bool = False
    next_message_id: int = 1  # message ids count up per chat, shared by both sides
    messages: dict[int, JSON] = field(default_factory=dict)  # message_id -> Message
    sent_ids: list[int] = field(default_factory=list)  # ids the bot sent, in order
    deleted: set[int] = field(default_factory=set)
    read_cursor: int = 0  # index into sent_ids of the next message wait_for_messages returns
    sent_at: dict[int, float] = field(default_factory=dict)  # message_id -> time.monotonic() sent


class BotApiState:
    """Chats, messages and the update queue, with change notification."""

    def __init__(self) -> None:
        self.users: dict[int, TgUser] = {}
        self.chats: dict[int, ChatRecord] = {}
        self.updates: list[JSON] = []  # pending, oldest first
        self.next_update_id = 100_000_001  # Telegram's ids are large; any start works
        self.allowed_updates: list[str] = []
        self.webhook: JSON | None = None  # setWebhook parameters while a webhook is set
        self.poll_generation = 0  # counts getUpdates calls, so a newer one can end an older
        self.closing = False  # set by stop(): long polls return at once
        self._changed = asyncio.Event()

    # -- notification ------------------------------------------------------------------------

    def changed(self) -> None:
        """Wake every waiter; each re-checks its own condition."""
        # A fresh Event per generation: waiters hold the old one, which stays set, so nobody
        # misses a change that happens between their check and their wait.
        event, self._changed = self._changed, asyncio.Event()
        event.set()

    async def wait_until(self, condition: Callable[[], bool], timeout: float) -> bool:
        """Wait until ``condition()`` holds (True) or ``timeout`` seconds pass (False)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not condition():
            remaining = deadline - loop.time()
            if remaining <= 0:
                return False
            try:
                await asyncio.wait_for(self._changed.wait(), remaining)
            except TimeoutError:
                return condition()
        return True

    # -- chats and messages ------------------------------------------------------------------

    def add_chat(self, chat: JSON, *, started: bool = False) -> ChatRecord:
        """Register a chat, keeping what is known if it exists."""
        record = self.chats.get(chat["id"])
        if record is None:
            record = self.chats[chat["id"]] = ChatRecord(chat=chat)
        record.chat = chat
        record.started = record.started or started
        return record

    def chat(self, chat_id: int) -> ChatRecord:
        """The chat with this id; a test error if it was never registered."""
        if chat_id not in self.chats:
            raise LookupError(f"chat {chat_id} is unknown: create it with server.user(...) first")
        return self.chats[chat_id]

    def target_chat(self, chat_id: int | str) -> ChatRecord:
        """The chat a Bot API request addresses, with Telegram's errors when it can't."""
        record = None
        if isinstance(chat_id, int):
            record = self.chats.get(chat_id)
        elif chat_id.startswith("@"):
            wanted = chat_id[1:].lower()
            record = next(
                (
                    r
                    for r in self.chats.values()
                    if r.chat.get("type") != "private" and str(r.chat.get("username", "")).lower() == wanted
                ),
                None,
            )
        if record is None:
            raise bad_request("chat not found")
        if record.chat["type"] == "private":
            if record.blocked:
                raise ApiError(403, "Forbidden: bot was blocked by the user")
            if not record.started:
                raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
        return record

    def store(self, record: ChatRecord, msg: JSON, *, by_bot: bool) -> JSON:
        """Keep a new message; a bot message also joins the chat's sent list."""
        record.messages[msg["message_id"]] = msg
        if by_bot:
            record.sent_ids.append(msg["message_id"])
            record.sent_at[msg["message_id"]] = time.monotonic()
            self.changed()
        return msg

    def take_message_id(self, record: ChatRecord) -> int:
        message_id = record.next_message_id
        record.next_message_id += 1
        return message_id

    def sent(self, chat_id: int) -> list[JSON]:
        """Copies of the bot's messages to a chat, oldest first, edits applied."""
        record = self.chat(chat_id)
        return [copy.deepcopy(record.messages[i]) for i in record.sent_ids if i not in record.deleted]

    # -- updates -----------------------------------------------------------------------------

    def add_update(self, kind: str, payload: JSON) -> JSON:
        """Queue an Update carrying ``payload`` under ``kind`` ('message', ...)."""
        update = {"update_id": self.next_update_id, kind: payload}
        self.next_update_id += 1
        self.updates.append(update)
        self.changed()
        return update

    def confirm(self, offset: int | None) -> None:
        """getUpdates' offset: forget updates before it; a negative one keeps the last -offset."""
        if offset is None:
            return
        if offset < 0:
            self.updates = self.updates[offset:]
        else:
            self.updates = [u for u in self.updates if u["update_id"] >= offset]

    def deliverable(self) -> list[JSON]:
        """Pending updates of the allowed kinds; others are dropped, as Telegram drops them."""
        if self.allowed_updates:
            allowed = set(self.allowed_updates)
            self.updates = [u for u in self.updates if update_kind(u) in allowed]
        else:
            self.updates = [u for u in self.updates if update_kind(u) not in DEFAULT_UPDATE_KINDS_EXCLUDED]
        return self.updates
