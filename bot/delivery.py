"""Inbound messages, and how replies are rendered from locales/ and delivered to people.

`Delivery` is the part of the dispatcher that every side uses: render replies in the receiver's
language, record them in a person's transcript, and send them through the outbox.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.channels.base import Outbox, Outgoing
from bot.counselors import CounselorDirectory
from bot.locks import KeyedLocks
from flows.messages import Reply
from locales import Catalog
from routing.conversations import Conversation, Conversations, Entry
from routing.presence import Presence


@dataclass(frozen=True)
class Message:
    """One inbound message from a channel, before anyone knows who sent it."""

    channel: str
    address: str
    kind: Literal["text", "option", "unsupported"]
    value: str = ""
    lang_hint: str | None = None

    @property
    def command(self) -> str | None:
        """`start` for '/start' or '/start@SomeBot extra'; None for plain text."""
        if self.kind != "text" or not self.value.startswith("/"):
            return None
        words = self.value[1:].split(maxsplit=1)
        return words[0].split("@", 1)[0].lower() if words else ""


class Delivery:
    """Rendering and delivery, shared by the person and counselor sides of the dispatcher."""

    catalog: Catalog
    conversations: Conversations
    presence: Presence
    outbox: Outbox
    counselors: CounselorDirectory
    default_lang: str
    _locks: KeyedLocks

    async def _counselor_says(self, counselor_id: str, key: str, **params: str | int) -> None:
        lang = self._counselor_lang(counselor_id)
        text = self.catalog.text(lang, key, **params)
        await self._to_counselor(counselor_id, [Outgoing(text, role="system")])

    async def _to_counselor(self, counselor_id: str, messages: list[Outgoing]) -> None:
        """Deliver to wherever the counselor was last reached, after whatever the counselor's own
        command is still sending (so a person's first words never overtake the intake summary).
        Only persons' paths call this: locks are always taken person first, then counselor."""
        async with self._locks.hold(f"counselor:{counselor_id}"):
            state = await self.presence.get(counselor_id)
            if state.channel and state.address:
                lang = self._counselor_lang(counselor_id)
                await self.outbox.send(state.channel, state.address, messages, lang)

    def _counselor_lang(self, counselor_id: str) -> str:
        counselor = self.counselors.get(counselor_id)
        return counselor.lang if counselor else self.default_lang

    # ---- rendering and delivery ----------------------------------------------------------

    def _lang(self, message: Message) -> str:
        return self.language_for(message.lang_hint)

    def language_for(self, hint: str | None) -> str:
        """A shipped language from a client's hint ('en-US' -> 'en'), else the default."""
        code = (hint or "").lower()[:2]
        return code if code in self.catalog.languages else self.default_lang

    def _option_label(self, lang: str, option: str) -> str:
        """A button's label as the person saw it (the raw id for a button we do not know)."""
        if option.startswith("close:"):  # a counselor's outcome; else a counselor's button
            key = f"outcome-{option.removeprefix('close:').partition(':')[0]}"
        elif ":" in option:  # offer_accept:<t>, offer_decline:<t>, refer:<service>
            key = f"option-{option.partition(':')[0]}"
        else:
            key = f"option-{option}"
        return self.catalog.text(lang, key) if self.catalog.has(self.default_lang, key) else option

    @staticmethod
    def _outgoing(entries: list[Entry], role: str | None = None) -> list[Outgoing]:
        return [
            Outgoing(e.text, role=role or e.role, options=tuple((o[0], o[1]) for o in e.options))
            for e in entries
        ]

    def _render(self, lang: str, replies: list[Reply], channel: str = "") -> list[Entry]:
        """Replies as the person reads them on `channel` (messages say "tap End" on the web chat
        and "send /end" where commands are typed)."""
        entries = []
        for reply in replies:
            options = [[o, self.catalog.text(lang, f"option-{o}")] for o in reply.options]
            entries.append(Entry("bot", self._text(lang, reply, channel), options))
        return entries

    def _render_one(self, lang: str, replies: list[Reply], channel: str = "") -> Entry:
        """Several replies as one message (one thing to read, in order), with all their buttons."""
        entries = self._render(lang, replies, channel)
        options = [option for entry in entries for option in entry.options]
        return Entry("bot", "\n\n".join(entry.text for entry in entries), options)

    def _text(self, lang: str, reply: Reply, channel: str) -> str:
        params: dict[str, object] = {"channel": channel or "other"}
        for name, value in reply.params.items():  # a part with its own wording, rendered first
            params[name] = self._text(lang, value, channel) if isinstance(value, Reply) else value
        return self.catalog.text(lang, reply.key, **params).strip()

    async def _say(
        self,
        conversation: Conversation,
        replies: list[Reply],
        *,
        save: bool = False,
        said: Entry | None = None,
    ) -> None:
        """Render replies for the person, record them (and the state when `save`), deliver."""
        entries = self._render(conversation.lang, replies, conversation.channel)
        recorded = [said, *entries] if said else entries
        if save:
            await self.conversations.save(conversation, recorded)
        else:
            await self.conversations.append(conversation.person_id, recorded)
        await self._deliver(conversation, entries)

    async def _deliver(self, conversation: Conversation, entries: list[Entry]) -> None:
        await self.outbox.send(
            conversation.channel, conversation.address, self._outgoing(entries), conversation.lang
        )

    async def _echo(self, message: Message, lang: str) -> None:
        """Show the sender their own message on channels that draw only what we send."""
        if message.kind == "unsupported":
            return
        text = self._option_label(lang, message.value) if message.kind == "option" else message.value
        role = "person" if message.channel != "console" else "counselor"
        await self.outbox.send(message.channel, message.address, [Outgoing(text, role, echo=True)], lang)

    async def _reply(self, message: Message, lang: str, replies: list[Reply]) -> None:
        """Answer whoever sent `message` without touching any conversation (counselors, help)."""
        messages = self._outgoing(self._render(lang, replies, message.channel), role="system")
        await self.outbox.send(message.channel, message.address, messages, lang)
