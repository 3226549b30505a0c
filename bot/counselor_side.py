"""The counselor side of the dispatcher: counselors' commands and words, and notices to them."""

from __future__ import annotations

import logging

from bot.channels.base import Outgoing
from bot.counselors import Counselor
from bot.delivery import Delivery, Message
from bot.summary import IntakeSummary
from flows.messages import Reply
from routing.conversations import CONNECTED, Entry
from routing.errors import CounselorBusy, CounselorOffline, QueueEmpty
from routing.queue import Queue

logger = logging.getLogger(__name__)


class CounselorSide(Delivery):
    """Counselors go online and offline, take the next person, talk, and end."""

    queue: Queue
    summary: IntakeSummary

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

    async def _counselor_command(self, counselor: Counselor, message: Message, command: str) -> None:
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
        summary = [Outgoing(self.summary.text(conversation, counselor.lang), role="system")]
        notes = [Outgoing(e.text, role="person") for e in claim.notes if e.role == "person"]
        if notes:
            heading = self.catalog.text(counselor.lang, "counselor-summary-waiting")
            summary.append(Outgoing(heading, role="system"))
        await self.outbox.send(message.channel, message.address, summary + notes, counselor.lang)
        # The person may have left while the summary was on its way: then say nothing to them.
        conversation = await self.conversations.get(claim.person_id)
        if conversation and conversation.state == CONNECTED and conversation.counselor_id == counselor.id:
            await self._say(conversation, [Reply("counselor-joined")])

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
