"""The dispatcher: routes each inbound message by who sent it and where their conversation is.

A person in the intake goes through flows/; a waiting person's words are kept for the counselor;
a connected person's words are relayed. Counselors' commands drive the queue. Every reply is
rendered from locales/ in the receiver's language and recorded in the person's transcript.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime

from bot.channels.base import Outbox, Outgoing
from bot.counselor_side import CounselorSide
from bot.counselors import CounselorDirectory
from bot.delivery import Message
from bot.identity import Pseudonymizer
from bot.locks import KeyedLocks
from bot.routing_side import WAITING_OPTIONS
from bot.summary import IntakeSummary
from flows.intake import IntakeFlow
from flows.messages import Inbound, IntakeState, Reply, StepResult
from flows.triage import Reason, TriageResult, risk_rank
from locales import Catalog
from routing.availability import Availability
from routing.conversations import CLOSED, CONNECTED, QUEUED, Conversation, Conversations, Entry
from routing.directory import Directory
from routing.organizations import Organizations
from routing.presence import Presence
from routing.queue import Queue
from routing.referrals import Referrals
from routing.timers import IntakeTimers

logger = logging.getLogger(__name__)

MAX_TEXT = 10_000
BUILT_IN_COMMANDS = ("cancel", "forget", "help", "end")  # after /start and the flow's own
FORGET_OPTIONS = ("forget_yes", "forget_no")
# Buttons for what is a command elsewhere (the web chat's End, Start again, Erase): each does what
# its command does. "Start again" is /cancel: the questions again, or a new conversation after one
# ended (never while waiting or talking).
ACTIONS = {"act_end": "end", "act_restart": "cancel", "act_forget": "forget"}

__all__ = ["Dispatcher", "Message"]


class Dispatcher(CounselorSide):
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
        timers: IntakeTimers,
        organizations: Organizations,
        availability: Availability,
        directory: Directory,
        referrals: Referrals,
        directory_samples: bool = False,
        default_lang: str = "ja",
        continuity_seconds: float = 14 * 86400,
        reminder_seconds: float = 600,
        expiry_seconds: float = 1800,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        # What "now" is for hours (teams open, services open now): tests set a fixed night.
        self.clock = clock or (lambda: datetime.now(UTC))
        self.flow = flow
        self.catalog = catalog
        self.conversations = conversations
        self.queue = queue
        self.presence = presence
        self.outbox = outbox
        self.pseudonymizer = pseudonymizer
        self.counselors = counselors
        self.timers = timers
        self.organizations = organizations
        self.availability = availability
        self.directory = directory
        self.directory_samples = directory_samples
        self.referrals = referrals
        self.continuity_seconds = continuity_seconds
        self.default_lang = default_lang
        self.reminder_seconds = reminder_seconds
        self.expiry_seconds = expiry_seconds
        self.summary = IntakeSummary(catalog)
        self._locks = KeyedLocks()

    @property
    def person_commands(self) -> tuple[str, ...]:
        """The commands a person can send, in menu order: /start, the flow's, then built-in ones."""
        return ("start", *self.flow.commands, *BUILT_IN_COMMANDS)

    # ---- persons -------------------------------------------------------------------------

    async def person_message(self, message: Message) -> None:
        """Handle one message from a person, in order with their other messages."""
        message = self._words_behind_a_slash(message)
        person_id = self.pseudonymizer.person_id(message.channel, message.address)
        async with self._locks.hold(person_id):
            conversation = await self.conversations.get(person_id)
            lang = conversation.lang if conversation else self._lang(message)
            await self._echo(message, lang)
            message = self._as_command(message)
            if message.command == "forget":
                await self._reply(message, lang, [Reply("forget-confirm", options=FORGET_OPTIONS)])
            elif message.kind == "option" and message.value in FORGET_OPTIONS:
                await self._forget(person_id, message, lang, conversation)
            elif conversation is None or conversation.state == CLOSED:
                await self._open(person_id, message)
            else:
                await self._continue(conversation, message)

    async def person_connected(self, channel: str, address: str, lang_hint: str | None) -> None:
        """A web chat opened: a person without a conversation is welcomed at once."""
        message = Message(channel, address, "text", "/start", lang_hint)
        person_id = self.pseudonymizer.person_id(channel, address)
        async with self._locks.hold(person_id):
            conversation = await self.conversations.get(person_id)
            if conversation is None:
                await self._open(person_id, message)

    async def _open(self, person_id: str, message: Message) -> None:
        """A new conversation. Its first words are read by triage at once (a crisis cannot wait
        for the welcome), and "talk to a person now" or "emergency" works even before it."""
        lang = self._lang(message)
        command = message.command
        action = self._anywhere_option(message)
        replies: list[Reply] = []
        if command not in (None, "start", "cancel") and action is None:  # /help, /end, unknown commands
            replies.append(Reply("help"))
        words = message.value if message.kind == "text" and command is None else None
        result = self.flow.start(lang, text=words)
        if action and not result.handoff:
            result = self.flow.step(result.state, Inbound("option", action))
        conversation = Conversation(
            person_id=person_id,
            channel=message.channel,
            address=message.address,
            state=result.state.state,
            lang=result.state.lang,
        )
        result.replies[:0] = replies
        said = Entry("person", words) if words else None
        await self._apply(conversation, result, said)
        logger.info("conversation started person=%s channel=%s", person_id, message.channel)

    @staticmethod
    def _as_command(message: Message) -> Message:
        """An action button as the command it stands for (after it was echoed with its label)."""
        if message.kind != "option" or message.value not in ACTIONS:
            return message
        return Message(
            message.channel, message.address, "text", f"/{ACTIONS[message.value]}", message.lang_hint
        )

    def _words_behind_a_slash(self, message: Message) -> Message:
        """'/talk 今から飛び降りる' or '/死にたい': words of danger are read as words, never lost
        to a command (the crisis path, which queues at the front, comes first)."""
        if message.command is None:
            return message
        words = message.value.split(maxsplit=1)
        text = words[1] if len(words) > 1 else message.value[1:]
        if risk_rank(self.flow.triage.assess(text).risk) < risk_rank("high"):
            return message
        return Message(message.channel, message.address, "text", text, message.lang_hint)

    def _anywhere_option(self, message: Message) -> str | None:
        """The flow's everywhere-action this message asks for: a button, or its command."""
        if message.kind == "option" and message.value in self.flow.spec.anywhere:
            return message.value
        command = message.command
        return self.flow.command_option(command) if command else None

    async def _continue(self, conversation: Conversation, message: Message) -> None:
        command = message.command
        action = self._anywhere_option(message)
        if conversation.state in self.flow.steps:  # any message is a sign of life in the intake
            await self.timers.set(conversation.person_id, time.time() + self.reminder_seconds)
        if action is not None:
            await self._anywhere(conversation, message, action)
        elif command is not None:
            await self._person_command(conversation, command)
        elif message.kind == "unsupported":
            await self._say(conversation, [Reply("unsupported-media"), *self._prompt(conversation)])
        elif len(message.value) > MAX_TEXT:
            # Too long to keep whole, but never too long to be read for danger.
            before = self._triage(conversation)
            after, crisis = self.flow.assess(before, message.value, conversation.lang)
            await self._store_triage(conversation, before, after, conversation.state)
            await self._say(conversation, [*crisis, Reply("text-too-long", {"limit": MAX_TEXT})])
        elif conversation.state == QUEUED and message.kind == "option" and message.value in WAITING_OPTIONS:
            await self.leave_line(conversation, message.value)
        elif conversation.state in (QUEUED, CONNECTED):
            if message.kind == "option" and self.flow.signal(message.value) != TriageResult.empty():
                await self._anywhere(conversation, message, message.value)  # e.g. an old "I'm not safe"
            elif message.kind == "option":  # an old intake button: nothing to pass on
                await self._say(conversation, self._prompt(conversation) or [Reply("already-connected")])
            else:
                await self._person_words(conversation, message.value)
        elif not self.flow.is_open(conversation.state):
            # The flow file changed under a conversation: begin again rather than fail each time.
            await self._open(conversation.person_id, message)
        else:
            await self._intake_step(conversation, message)

    async def _anywhere(self, conversation: Conversation, message: Message, action: str) -> None:
        """ "Talk to a person now" / "emergency" from wherever the person is."""
        if self.flow.is_open(conversation.state):
            await self._intake_step(conversation, Message(message.channel, message.address, "option", action))
            return
        if conversation.state not in (QUEUED, CONNECTED):
            await self._open(conversation.person_id, message)
            return
        # Already waiting or talking: an emergency raises the risk (and the crisis lines come now).
        before = self._triage(conversation)
        found = self.flow.signal(action)
        crisis = self.flow.safety.for_message(before, found, conversation.lang)
        await self._store_triage(conversation, before, before.merge(found), conversation.state)
        await self._say(conversation, crisis or self._prompt(conversation) or [Reply("already-connected")])

    async def _person_command(self, conversation: Conversation, command: str) -> None:
        if command == "start":
            await self._say(conversation, self._prompt(conversation) or [Reply("already-connected")])
        elif command == "end":
            await self._person_leaves(conversation)
        elif command == "cancel":
            await self._restart(conversation)
        else:  # /help and any unknown command
            await self._say(conversation, [Reply("help"), *self._prompt(conversation)])

    async def _restart(self, conversation: Conversation) -> None:
        """/cancel: the questions again from the start (never while waiting or talking)."""
        if conversation.state in (QUEUED, CONNECTED):
            await self._say(conversation, [Reply("cancel-not-now"), *self._prompt(conversation)])
            return
        result = self.flow.start(conversation.lang, triage=self._triage(conversation))
        result.replies.insert(0, Reply("intake-restarted"))
        await self._apply(conversation, result)

    def _prompt(self, conversation: Conversation) -> list[Reply]:
        """What to show again of where the person is (nothing extra while connected)."""
        if conversation.state == CONNECTED:
            return []
        if conversation.state == QUEUED:
            return [Reply("intake-queued")]
        return self.flow.prompt(self._intake_state(conversation))

    async def _intake_step(self, conversation: Conversation, message: Message) -> None:
        inbound = Inbound("option" if message.kind == "option" else "text", message.value)
        said = self._person_entry(conversation, message)
        result = self.flow.step(self._intake_state(conversation), inbound)
        await self._apply(conversation, result, said)

    async def _apply(self, conversation: Conversation, result: StepResult, said: Entry | None = None) -> None:
        """Take an intake step's outcome: store it, queue or close, reply, and set the timer."""
        conversation.state = result.state.state
        conversation.lang = result.state.lang
        conversation.answers = result.state.answers
        conversation.reminded_at = 0.0
        self._set_triage(conversation, result.state.triage)
        kind = self.flow.handoff_kind(result.handoff) if result.handoff else None
        if result.handoff and kind != "queue":  # a queue hand-off fills them once it knows who is open
            await self.fill_services(conversation, result.replies, self.flow.spec.handoffs[result.handoff])
        if kind == "queue":
            await self.timers.clear(conversation.person_id)
            await self.queue_person(
                conversation, result.replies, said, self.flow.spec.handoffs[result.handoff]
            )
            return
        if kind == "closed":
            conversation.state = CLOSED
        await self._say(conversation, result.replies, save=True, said=said)
        if conversation.state in self.flow.steps:
            await self.timers.set(conversation.person_id, time.time() + self.reminder_seconds)
        else:
            await self.timers.clear(conversation.person_id)

    def _person_entry(self, conversation: Conversation, message: Message) -> Entry:
        """The person's own message as it goes into the transcript (a tap as its label)."""
        if message.kind == "option":
            return Entry("person", self._option_label(conversation.lang, message.value))
        return Entry("person", message.value)

    async def _person_words(self, conversation: Conversation, text: str) -> None:
        """Words from a waiting or connected person: kept for, or relayed to, the counselor, and
        read by triage (risk can rise while waiting; the crisis lines come in the very reply)."""
        state, counselor_id = await self.conversations.record_person(
            conversation.person_id, Entry("person", text)
        )
        before = self._triage(conversation)
        after, crisis = self.flow.assess(before, text, conversation.lang)
        if crisis:  # first, before anything else can make the person wait
            await self._say(conversation, crisis)
        if state == CONNECTED and counselor_id:
            await self._to_counselor(
                counselor_id, [Outgoing(await self._labelled(counselor_id, conversation, text), "person")]
            )
        await self._store_triage(conversation, before, after, state, counselor_id)
        if crisis:
            return
        if state == QUEUED and await self.conversations.acknowledge_waiting(conversation.person_id):
            await self._say(conversation, [Reply("waiting-added")])
        elif state not in (QUEUED, CONNECTED):  # the counselor ended it as they wrote
            await self._say(conversation, [Reply("counselor-left")])

    async def _store_triage(
        self,
        conversation: Conversation,
        before: TriageResult,
        after: TriageResult,
        state: str,
        counselor_id: str = "",
    ) -> None:
        """Keep a changed triage; a risk that rose moves the ticket up, or alerts the counselor."""
        if after == before:
            return
        self._set_triage(conversation, after)
        await self.conversations.save_triage(conversation)
        if risk_rank(after.risk) <= risk_rank(before.risk):
            return
        logger.info("risk raised person=%s risk=%s", conversation.person_id, after.risk)
        # A connected ticket keeps the band too: it goes back at its front if the counselor vanishes.
        raised = state in (QUEUED, CONNECTED) and await self.queue.raise_band(
            conversation.ticket_id, after.risk
        )
        moved = state == QUEUED and raised
        if state == QUEUED and not moved:
            # Taken meanwhile? Then the counselor, who saw the old risk, must hear of it.
            current = await self.conversations.get(conversation.person_id)
            if current is not None and current.state == CONNECTED:
                state, counselor_id = CONNECTED, current.counselor_id
        counselor_id = counselor_id or conversation.counselor_id
        # The counselor is already reading every word: interrupt only when it becomes serious.
        if state == CONNECTED and counselor_id and risk_rank(after.risk) >= risk_rank("high"):
            lang = self._counselor_lang(counselor_id)
            fresh = [r.to_json() for r in after.reasons if r not in before.reasons]
            await self._counselor_says(
                counselor_id,
                "counselor-risk-raised",
                risk=self.catalog.text(lang, f"risk-{after.risk}"),
                reasons=self.summary.reasons(fresh, lang),
            )

    async def _person_leaves(self, conversation: Conversation) -> None:
        previous, counselor_id = await self.queue.end(conversation.person_id)
        conversation.state = CLOSED
        # From the intake the state must be saved here; end.lua already closed a queued one.
        await self._say(conversation, [Reply("person-left")], save=previous not in (QUEUED, CONNECTED))
        await self.timers.clear(conversation.person_id)
        if counselor_id:
            await self._counselor_says(counselor_id, "counselor-person-left")
        logger.info("person left person=%s from=%s", conversation.person_id, previous)

    async def _forget(
        self, person_id: str, message: Message, lang: str, conversation: Conversation | None
    ) -> None:
        """The person's answer to "erase everything?": erase (and end) or keep."""
        if message.value == "forget_no":
            prompt = self._prompt(conversation) if conversation and conversation.state != CLOSED else []
            await self._reply(message, lang, [Reply("forget-kept"), *prompt])
            return
        counselor_id = await self.queue.erase(person_id)
        await self._reply(message, lang, [Reply("forget-done")])
        if counselor_id:
            await self._counselor_says(counselor_id, "counselor-person-left")
        logger.info("erased person=%s", person_id)

    async def intake_timer(self, person_id: str) -> None:
        """A person has been silent in the intake: one gentle reminder, then a kind close."""
        async with self._locks.hold(person_id):
            conversation = await self.conversations.get(person_id)
            if conversation is None or conversation.state not in self.flow.steps:
                return
            if (await self.timers.due_at(person_id) or 0) > time.time():
                return  # the person wrote after this timer was taken: a fresh one is running
            if not conversation.reminded_at:
                conversation.reminded_at = time.time()
                await self._say(conversation, [Reply("intake-reminder")], save=True)
                later = self.expiry_seconds - self.reminder_seconds
                await self.timers.set(person_id, conversation.reminded_at + later)
                return
            replies = [Reply("intake-expired")]
            if risk_rank(conversation.risk) >= risk_rank("high"):  # leave them the 24-hour lines
                replies.insert(0, self.flow.safety.reply("high", conversation.categories, conversation.lang))
            conversation.state = CLOSED
            await self._say(conversation, replies, save=True)
            logger.info("intake expired person=%s", person_id)

    def _intake_state(self, conversation: Conversation) -> IntakeState:
        return IntakeState(
            conversation.state, conversation.lang, dict(conversation.answers), self._triage(conversation)
        )

    @staticmethod
    def _triage(conversation: Conversation) -> TriageResult:
        reasons = tuple(Reason(**reason) for reason in conversation.reasons)
        return TriageResult(conversation.risk, tuple(conversation.categories), reasons)

    @staticmethod
    def _set_triage(conversation: Conversation, result: TriageResult) -> None:
        conversation.risk = result.risk
        conversation.categories = list(result.categories)
        conversation.reasons = [reason.to_json() for reason in result.reasons]
