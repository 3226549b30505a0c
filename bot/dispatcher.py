"""The dispatcher: routes each inbound message by who sent it and where their conversation is.

A person in the intake goes through flows/; a waiting person's words are kept for the counselor;
a connected person's words are relayed. Counselors' commands drive the queue. Every reply is
rendered from locales/ in the receiver's language and recorded in the person's transcript.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Literal

from bot.channels.base import Outbox, Outgoing
from bot.counselors import Counselor, CounselorDirectory
from bot.identity import Pseudonymizer
from bot.locks import KeyedLocks
from flows.intake import IntakeFlow
from flows.messages import Inbound, IntakeState, Reply
from locales import Catalog
from routing.conversations import CLOSED, CONNECTED, QUEUED, Conversation, Conversations, Entry
from routing.errors import CounselorBusy, CounselorOffline, QueueEmpty
from routing.presence import Presence
from routing.queue import Queue

logger = logging.getLogger(__name__)

MAX_TEXT = 10_000
PERSON_COMMANDS = ("start", "help", "end")
COUNSELOR_COMMANDS = ("online", "offline", "next", "end")


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


class Dispatcher:
    """Handles persons' and counselors' messages; one conversation at a time per person."""

    def __init__(
        self,
        *,
        flow: IntakeFlow,
        catalog: Catalog,
        conversations: Conversations,
        queue: Queue,
        presence: Presence,
        outbox: Outbox,
        pseudonymizer: Pseudonymizer,
        counselors: CounselorDirectory,
        default_lang: str = "ja",
    ) -> None:
        self.flow = flow
        self.catalog = catalog
        self.conversations = conversations
        self.queue = queue
        self.presence = presence
        self.outbox = outbox
        self.pseudonymizer = pseudonymizer
        self.counselors = counselors
        self.default_lang = default_lang
        self._locks = KeyedLocks()

    # ---- persons -------------------------------------------------------------------------

    async def person_message(self, message: Message) -> None:
        """Handle one message from a person, in order with their other messages."""
        person_id = self.pseudonymizer.person_id(message.channel, message.address)
        async with self._locks.hold(person_id):
            conversation = await self.conversations.get(person_id)
            lang = conversation.lang if conversation else self._lang(message)
            await self._echo(message, lang)
            if conversation is None or conversation.state == CLOSED:
                if message.command not in (None, "start"):  # /help, /end, unknown commands
                    await self._reply(message, self._lang(message), [Reply("help")])
                await self._start(person_id, message)
                return
            await self._continue(conversation, message)

    async def person_connected(self, channel: str, address: str, lang_hint: str | None) -> None:
        """A web chat opened: a person without a conversation is welcomed at once."""
        message = Message(channel, address, "text", "/start", lang_hint)
        person_id = self.pseudonymizer.person_id(channel, address)
        async with self._locks.hold(person_id):
            conversation = await self.conversations.get(person_id)
            if conversation is None:
                await self._start(person_id, message)

    async def _start(self, person_id: str, message: Message) -> None:
        result = self.flow.start(self._lang(message))
        conversation = Conversation(
            person_id=person_id,
            channel=message.channel,
            address=message.address,
            state=result.state.state,
            lang=result.state.lang,
        )
        await self._say(conversation, result.replies, save=True)
        logger.info("conversation started person=%s channel=%s", person_id, message.channel)

    async def _continue(self, conversation: Conversation, message: Message) -> None:
        command = message.command
        if command is not None:
            await self._person_command(conversation, command)
        elif message.kind == "unsupported":
            await self._say(conversation, [Reply("unsupported-media"), *self._prompt(conversation)])
        elif len(message.value) > MAX_TEXT:
            await self._say(conversation, [Reply("text-too-long", {"limit": MAX_TEXT})])
        elif conversation.state in (QUEUED, CONNECTED):
            if message.kind == "option":  # an old intake button: nothing to pass on
                await self._say(conversation, self._prompt(conversation))
            else:
                await self._person_words(conversation, message.value)
        elif not self.flow.knows(conversation.state):
            # The flow file changed under a conversation: begin again rather than fail each time.
            await self._start(conversation.person_id, message)
        else:
            await self._intake_step(conversation, message)

    async def _person_command(self, conversation: Conversation, command: str) -> None:
        if command == "start":
            await self._say(conversation, self._prompt(conversation))
        elif command == "end":
            await self._person_leaves(conversation)
        else:  # /help and any unknown command
            await self._say(conversation, [Reply("help"), *self._prompt(conversation)])

    def _prompt(self, conversation: Conversation) -> list[Reply]:
        """What to show again of where the person is (nothing extra while connected)."""
        if conversation.state == CONNECTED:
            return []
        if conversation.state == QUEUED:
            return [Reply("intake-queued")]
        state = IntakeState(conversation.state, conversation.lang, conversation.answers)
        return self.flow.prompt(state)

    async def _intake_step(self, conversation: Conversation, message: Message) -> None:
        state = IntakeState(conversation.state, conversation.lang, conversation.answers)
        inbound = Inbound("option" if message.kind == "option" else "text", message.value)
        said = self._person_entry(conversation, message)
        result = self.flow.step(state, inbound)
        conversation.state = result.state.state
        conversation.lang = result.state.lang
        conversation.answers = result.state.answers
        if result.handoff and self.flow.handoff_kind(result.handoff) == "queue":
            entries = [said, *self._render(conversation.lang, result.replies)]
            await self.queue.enqueue(conversation, entries)
            await self._deliver(conversation, entries[1:])
            logger.info(
                "queued person=%s ticket=%s", conversation.person_id, conversation.ticket_id
            )
            await self._tell_idle_counselors()
            return
        if result.handoff:  # a closing hand-off
            conversation.state = CLOSED
        await self._say(conversation, result.replies, save=True, said=said)

    def _person_entry(self, conversation: Conversation, message: Message) -> Entry:
        """The person's own message as it goes into the transcript (a tap as its label)."""
        if message.kind == "option":
            return Entry("person", self._option_label(conversation.lang, message.value))
        return Entry("person", message.value)

    async def _person_words(self, conversation: Conversation, text: str) -> None:
        """Words from a waiting or connected person: kept for, or relayed to, the counselor."""
        state, counselor_id = await self.conversations.record_person(
            conversation.person_id, Entry("person", text)
        )
        if state == CONNECTED and counselor_id:
            await self._to_counselor(counselor_id, [Outgoing(text, role="person")])
        elif state == QUEUED and await self.conversations.acknowledge_waiting(
            conversation.person_id
        ):
            await self._say(conversation, [Reply("waiting-added")])

    async def _person_leaves(self, conversation: Conversation) -> None:
        previous, counselor_id = await self.queue.end(conversation.person_id)
        conversation.state = CLOSED
        # From the intake the state must be saved here; end.lua already closed a queued one.
        await self._say(conversation, [Reply("person-left")], save=previous not in (QUEUED, CONNECTED))
        if counselor_id:
            await self._counselor_says(counselor_id, "counselor-person-left")
        logger.info("person left person=%s from=%s", conversation.person_id, previous)

    # ---- counselors ----------------------------------------------------------------------

    async def counselor_message(self, counselor: Counselor, message: Message) -> None:
        """Handle a counselor's command or words (to the person they are connected with)."""
        async with self._locks.hold(f"counselor:{counselor.id}"):
            await self._echo(message, counselor.lang)
            command = message.command
            if command is not None:
                await self._counselor_command(counselor, message, command)
            elif message.kind != "text":
                await self._reply(message, counselor.lang, [Reply("unsupported-media")])
            else:
                await self._counselor_words(counselor, message)

    async def _counselor_command(
        self, counselor: Counselor, message: Message, command: str
    ) -> None:
        if command == "online":
            await self.presence.go_online(counselor.id, message.channel, message.address)
            waiting = await self.queue.waiting()
            reply = Reply("counselor-now-online", {"waiting": waiting})
            await self._reply(message, counselor.lang, [reply])
        elif command == "offline":
            try:
                await self.presence.go_offline(counselor.id)
                await self._reply(message, counselor.lang, [Reply("counselor-now-offline")])
            except CounselorBusy:
                await self._reply(message, counselor.lang, [Reply("counselor-end-first")])
        elif command == "next":
            await self._take_next(counselor, message)
        elif command == "end":
            await self._counselor_ends(counselor, message)
        else:  # /start, /help and unknown commands
            await self._reply(message, counselor.lang, [Reply("counselor-help")])

    async def _take_next(self, counselor: Counselor, message: Message) -> None:
        try:
            claim = await self.queue.claim(counselor.id)
        except CounselorOffline:
            await self._reply(message, counselor.lang, [Reply("counselor-not-online")])
            return
        except CounselorBusy:
            await self._reply(message, counselor.lang, [Reply("counselor-busy")])
            return
        except QueueEmpty:
            await self._reply(message, counselor.lang, [Reply("counselor-queue-empty")])
            return
        await self.presence.set_address(counselor.id, message.channel, message.address)
        conversation = await self.conversations.get(claim.person_id)
        logger.info("claimed ticket=%s counselor=%s", claim.ticket_id, counselor.id)
        if conversation is None:  # erased or expired while waiting
            await self._reply(message, counselor.lang, [Reply("counselor-person-left")])
            await self.queue.end(claim.person_id, counselor.id)
            return
        summary = [Outgoing(self.summary_text(conversation, counselor.lang), role="system")]
        notes = [Outgoing(e.text, role="person") for e in claim.notes if e.role == "person"]
        if notes:
            heading = self.catalog.text(counselor.lang, "counselor-summary-waiting")
            summary.append(Outgoing(heading, role="system"))
        await self.outbox.send(message.channel, message.address, summary + notes, counselor.lang)
        # The person may have left while the summary was on its way: then say nothing to them.
        conversation = await self.conversations.get(claim.person_id)
        if conversation and conversation.state == CONNECTED and conversation.counselor_id == counselor.id:
            await self._say(conversation, [Reply("counselor-joined")])

    def summary_rows(self, conversation: Conversation, lang: str) -> list[list[str]]:
        """The intake summary as (label, value) rows; never the person's handle or address."""
        minutes = max(0, int((time.time() - conversation.queued_at) // 60))
        text = self.catalog.text
        return [
            [text(lang, "summary-language"), text(lang, f"language-name-{conversation.lang}")],
            [text(lang, "summary-waited"), text(lang, "duration-minutes", minutes=minutes)],
            [text(lang, "summary-concern"), conversation.answers.get("concern", "-")],
        ]

    def summary_text(self, conversation: Conversation, lang: str) -> str:
        """The intake summary as one chat message for the counselor."""
        lines = [self.catalog.text(lang, "counselor-summary")]
        for label, value in self.summary_rows(conversation, lang):
            lines.append(f"{label}:\n{value}" if "\n" in value or len(value) > 40 else f"{label}: {value}")
        return "\n".join(lines)

    async def _counselor_ends(self, counselor: Counselor, message: Message) -> None:
        state = await self.presence.get(counselor.id)
        if not state.person_id:
            await self._reply(message, counselor.lang, [Reply("counselor-no-conversation")])
            return
        previous, _ = await self.queue.end(state.person_id, counselor.id)
        await self._reply(message, counselor.lang, [Reply("counselor-ended")])
        conversation = await self.conversations.get(state.person_id)
        if previous == CONNECTED and conversation is not None:
            await self._say(conversation, [Reply("counselor-left")])
        logger.info("counselor ended counselor=%s", counselor.id)

    async def _counselor_words(self, counselor: Counselor, message: Message) -> None:
        state = await self.presence.get(counselor.id)
        conversation = await self.conversations.get(state.person_id) if state.person_id else None
        connected = conversation is not None and conversation.state == CONNECTED
        if not connected or conversation.counselor_id != counselor.id:
            await self._reply(message, counselor.lang, [Reply("counselor-no-conversation")])
            return
        entry = Entry("counselor", message.value)
        await self.conversations.append(conversation.person_id, [entry])
        await self._deliver(conversation, [entry])

    async def _tell_idle_counselors(self) -> None:
        """Let online counselors with free hands know someone is waiting."""
        waiting = await self.queue.waiting()
        for state in await self.presence.idle_online():
            try:
                await self._counselor_says(state.counselor_id, "counselor-person-waiting", waiting=waiting)
            except Exception:  # one unreachable counselor must not undo the person's place in line
                logger.exception("could not notify counselor=%s", state.counselor_id)

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
        key = f"option-{option}"
        return self.catalog.text(lang, key) if self.catalog.has(self.default_lang, key) else option

    @staticmethod
    def _outgoing(entries: list[Entry], role: str | None = None) -> list[Outgoing]:
        return [
            Outgoing(e.text, role=role or e.role, options=tuple((o[0], o[1]) for o in e.options))
            for e in entries
        ]

    def _render(self, lang: str, replies: list[Reply]) -> list[Entry]:
        entries = []
        for reply in replies:
            options = [[o, self.catalog.text(lang, f"option-{o}")] for o in reply.options]
            text = self.catalog.text(lang, reply.key, **reply.params)
            entries.append(Entry("bot", text, options))
        return entries

    async def _say(
        self,
        conversation: Conversation,
        replies: list[Reply],
        *,
        save: bool = False,
        said: Entry | None = None,
    ) -> None:
        """Render replies for the person, record them (and the state when `save`), deliver."""
        entries = self._render(conversation.lang, replies)
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
        messages = self._outgoing(self._render(lang, replies), role="system")
        await self.outbox.send(message.channel, message.address, messages, lang)
