"""The counselor side of the dispatcher: counselors' commands, buttons and words.

Commands: /online /offline /next /end [outcome [note]] /transfer <counselor|org/team> [note]
/switch /refer, and for supervisors /queue and /assign <ticket> <counselor>. Buttons: accept or pass an offer,
"still here", and the outcome of a conversation being closed. Every message is a heartbeat.
"""

from __future__ import annotations

import logging
import time

from bot.channels.base import Outgoing
from bot.counselors import Counselor
from bot.delivery import Message
from bot.routing_side import OFFER_ACCEPT, OFFER_DECLINE, STILL_HERE, RoutingSide
from flows.messages import Reply
from routing.conversations import CONNECTED, Conversation, Entry
from routing.errors import (
    CounselorBusy,
    CounselorFull,
    CounselorOffline,
    NotYours,
    QueueEmpty,
    RoutingError,
    TicketGone,
    WrongLanguage,
)
from routing.organizations import Team
from routing.queue import OUTCOMES, Claim

logger = logging.getLogger(__name__)

CLOSE = "close:"
REFER = "refer:"
REFERRAL_CHOICES = 8  # services a counselor may pick from for one person
LINE_SHOWN = 10  # tickets per language a supervisor sees with /queue
REFUSALS = {
    CounselorOffline: "counselor-target-offline",
    CounselorFull: "counselor-target-full",
    WrongLanguage: "counselor-target-language",
    TicketGone: "counselor-ticket-gone",
    NotYours: "counselor-no-conversation",
}


class CounselorSide(RoutingSide):
    """Counselors go online and offline, take offers or the next person, talk, transfer, close."""

    async def counselor_message(self, counselor: Counselor, message: Message) -> None:
        """Handle a counselor's command, button or words; then make any offer that became possible."""
        async with self._locks.hold(f"counselor:{counselor.id}"):
            await self.presence.heartbeat(counselor.id)
            await self._echo(message, counselor.lang)
            command = message.command
            if command is not None:
                await self._counselor_command(counselor, message, command)
            elif message.kind == "option":
                await self._counselor_option(counselor, message)
            elif message.kind != "text":
                await self._reply(message, counselor.lang, [Reply("unsupported-media")])
            else:
                await self._counselor_words(counselor, message)
        # Outside the lock (an offer to this very counselor takes it again); words to a person
        # change nobody's room, so only commands and buttons are followed by a routing round.
        if message.command is not None or message.kind == "option":
            await self.route()

    async def _counselor_command(self, counselor: Counselor, message: Message, command: str) -> None:
        words = message.value.split()[1:]
        if command == "online":
            await self._go_online(counselor, message)
        elif command == "offline":
            await self._go_offline(counselor, message)
        elif command == "next":
            await self._take(counselor, message, None)
        elif command == "end":
            await self._close(counselor, message, words)
        elif command == "transfer":
            await self._transfer(counselor, message, words)
        elif command == "switch":
            await self._switch(counselor, message)
        elif command == "refer":
            await self._referral_choices(counselor, message)
        elif command == "assign" and counselor.supervisor:
            await self._assign(counselor, message, words)
        elif command == "queue" and counselor.supervisor:
            await self._show_line(counselor, message)
        else:  # /start, /help and unknown commands
            await self._reply(message, counselor.lang, [Reply("counselor-help")])

    async def _counselor_option(self, counselor: Counselor, message: Message) -> None:
        value = message.value
        if value.startswith(OFFER_ACCEPT):
            await self._take(counselor, message, value.removeprefix(OFFER_ACCEPT))
        elif value.startswith(OFFER_DECLINE):
            ticket_id = value.removeprefix(OFFER_DECLINE)
            passed = await self.queue.decline(counselor.id, ticket_id)
            logger.info("passed ticket=%s counselor=%s passed=%s", ticket_id, counselor.id, passed)
            await self._reply(
                message, counselor.lang, [Reply("counselor-declined" if passed else "counselor-offer-gone")]
            )
        elif value.startswith(CLOSE):
            outcome, _, ticket_id = value.removeprefix(CLOSE).partition(":")
            await self._close(counselor, message, [outcome], ticket_id)
        elif value.startswith(REFER):
            ticket_id, _, service_id = value.removeprefix(REFER).partition(":")
            await self._refer(counselor, message, ticket_id, service_id)
        elif value == STILL_HERE:
            here = (await self.presence.get(counselor.id)).status != "offline"
            await self._reply(
                message, counselor.lang, [Reply("counselor-thanks-here" if here else "counselor-not-online")]
            )
        else:
            await self._reply(message, counselor.lang, [Reply("counselor-help")])

    def team_of(self, counselor: Counselor) -> Team | None:
        """The counselor's team: as the counselors file says, or the only team there is."""
        if counselor.team:
            return self.organizations.team(counselor.team)
        teams = self.organizations.teams
        return teams[0] if len(teams) == 1 else None

    async def _go_online(self, counselor: Counselor, message: Message) -> None:
        team = self.team_of(counselor)
        if team is None:
            await self._reply(
                message, counselor.lang, [Reply("counselor-no-team", {"team": counselor.team or "-"})]
            )
            return
        await self.presence.go_online(counselor.id, message.channel, message.address, team)
        waiting = sum(
            [await self.queue.waiting(lang) for lang in team.languages if lang in self.queue.languages]
        )
        await self._reply(message, counselor.lang, [Reply("counselor-now-online", {"waiting": waiting})])
        logger.info("counselor online counselor=%s team=%s", counselor.id, team.id)

    async def _go_offline(self, counselor: Counselor, message: Message) -> None:
        try:
            await self.presence.go_offline(counselor.id)
        except CounselorBusy:
            await self._reply(message, counselor.lang, [Reply("counselor-end-first")])
            return
        await self._reply(message, counselor.lang, [Reply("counselor-now-offline")])

    async def _take(self, counselor: Counselor, message: Message, ticket_id: str | None) -> None:
        """Accept an offer (`ticket_id`) or take the next person (/next)."""
        try:
            if ticket_id is None:
                claim = await self.queue.pull(counselor.id)
            else:
                claim = await self.queue.accept(counselor.id, ticket_id)
        except CounselorOffline:
            await self._reply(message, counselor.lang, [Reply("counselor-not-online")])
            return
        except CounselorFull:
            await self._reply(message, counselor.lang, [Reply("counselor-busy")])
            return
        except QueueEmpty:
            await self._reply(message, counselor.lang, [Reply("counselor-queue-empty")])
            return
        except TicketGone:
            await self._reply(message, counselor.lang, [Reply("counselor-offer-gone")])
            return
        await self.presence.set_address(counselor.id, message.channel, message.address)
        await self._connected(counselor.id, claim, message.channel, message.address)

    async def _connected(
        self, counselor_id: str, claim: Claim, channel: str, address: str, note: str = ""
    ) -> None:
        """Show the counselor the summary and what was written while waiting; tell the person."""
        conversation = await self.conversations.get(claim.person_id)
        lang = self._counselor_lang(counselor_id)
        logger.info("connected ticket=%s counselor=%s", claim.ticket_id, counselor_id)
        if conversation is None:  # erased or expired while waiting
            await self.outbox.send(channel, address, self._system(lang, "counselor-person-left"), lang)
            await self.queue.end(claim.person_id, counselor_id)
            return
        messages = [Outgoing(self.summary.text(conversation, lang), role="system")]
        if note:
            messages.append(
                Outgoing(self.catalog.text(lang, "counselor-transfer-note", note=note), role="system")
            )
        notes = [Outgoing(e.text, role=e.role) for e in claim.notes if e.role in ("person", "counselor")]
        if notes:  # after a transfer, what follows is the conversation with the colleague
            ticket = await self.queue.ticket(claim.ticket_id)
            transferred = bool(ticket.get("transferred_from")) or any(e.role == "counselor" for e in notes)
            heading = "counselor-summary-so-far" if transferred else "counselor-summary-waiting"
            messages.append(Outgoing(self.catalog.text(lang, heading), role="system"))
        await self.outbox.send(channel, address, messages + notes, lang)
        # The person may have left while the summary was on its way: then say nothing to them.
        conversation = await self.conversations.get(claim.person_id)
        if conversation and conversation.state == CONNECTED and conversation.counselor_id == counselor_id:
            await self._say(conversation, [Reply("counselor-joined")])

    def _system(self, lang: str, key: str, **params: str | int) -> list[Outgoing]:
        return [Outgoing(self.catalog.text(lang, key, **params), role="system")]

    async def _close(
        self, counselor: Counselor, message: Message, words: list[str], ticket_id: str = ""
    ) -> None:
        """/end with an outcome closes the current conversation; without one, asks which. A tapped
        outcome names its ticket, so it closes the conversation it was asked for, not a newer one."""
        state = await self.presence.get(counselor.id)
        ticket_id = ticket_id or state.ticket_id
        person_id = (await self.queue.ticket(ticket_id)).get("person_id", "") if ticket_id else ""
        if ticket_id not in state.connected or not person_id:
            await self._reply(message, counselor.lang, [Reply("counselor-no-conversation")])
            return
        outcome = words[0] if words else ""
        if outcome not in OUTCOMES:
            await self._ask_outcome(message, counselor.lang, ticket_id)
            return
        note = " ".join(words[1:])
        try:
            previous, _ = await self.queue.close(person_id, outcome, counselor_id=counselor.id, note=note)
        except NotYours:
            await self._reply(message, counselor.lang, [Reply("counselor-no-conversation")])
            return
        outcome_label = self.catalog.text(counselor.lang, f"outcome-{outcome}")
        await self._reply(message, counselor.lang, [Reply("counselor-ended", {"outcome": outcome_label})])
        conversation = await self.conversations.get(person_id)
        if previous == CONNECTED and conversation is not None:
            await self._say(conversation, [Reply("counselor-left")])
        logger.info("closed counselor=%s ticket=%s outcome=%s", counselor.id, ticket_id, outcome)

    async def _ask_outcome(self, message: Message, lang: str, ticket_id: str) -> None:
        """Ask how it ended: one button per outcome, each naming the ticket (close:<outcome>:<t>)."""
        labels = tuple(
            (f"{CLOSE}{outcome}:{ticket_id}", self.catalog.text(lang, f"outcome-{outcome}"))
            for outcome in OUTCOMES
        )
        text = self.catalog.text(lang, "counselor-end-how")
        await self.outbox.send(message.channel, message.address, [Outgoing(text, "system", labels)], lang)

    async def _transfer(self, counselor: Counselor, message: Message, words: list[str]) -> None:
        """/transfer <counselor id | org/team> [note]: a warm hand-over; the person is told."""
        state = await self.presence.get(counselor.id)
        target = words[0] if words else ""
        to_counselor = target if self.counselors.get(target) and target != counselor.id else ""
        to_team = target if not to_counselor and self.organizations.team(target) else ""
        if not state.ticket_id or not (to_counselor or to_team):
            await self._reply(message, counselor.lang, [Reply("counselor-transfer-usage")])
            return
        note = " ".join(words[1:])
        try:
            team = self.organizations.team(to_team)
            result = await self.queue.transfer(
                state.ticket_id,
                counselor.id,
                to_counselor=to_counselor,
                to_team=to_team,
                team_languages=team.languages if team else (),
                note=note,
            )
        except RoutingError as exc:
            await self._reply(
                message, counselor.lang, [Reply(REFUSALS.get(type(exc), "counselor-ticket-gone"))]
            )
            return
        await self._reply(message, counselor.lang, [Reply("counselor-transferred", {"to": target})])
        conversation = await self.conversations.get(state.person_id)
        if conversation is not None and isinstance(result, Claim):
            await self._say(conversation, [Reply("waiting-transferred")])
        elif conversation is not None:  # in that team's line: told if nobody there can take them now
            await self.back_in_line(conversation, "waiting-transferred", team_id=to_team)
        if isinstance(result, Claim):
            target_state = await self.presence.get(to_counselor)
            await self._connected(to_counselor, result, target_state.channel, target_state.address, note)
        logger.info("transferred ticket=%s from=%s to=%s", state.ticket_id, counselor.id, target)

    async def _assign(self, counselor: Counselor, message: Message, words: list[str]) -> None:
        """/assign <ticket> <counselor>: a supervisor passes over the order of the line."""
        if len(words) != 2:
            await self._reply(message, counselor.lang, [Reply("counselor-assign-usage")])
            return
        ticket_id, counselor_id = words
        mine, target = self.team_of(counselor), self.counselors.get(counselor_id)
        theirs = self.team_of(target) if target else None
        if mine is None or theirs is None or mine.org != theirs.org:  # supervisors lead their own org
            await self._reply(message, counselor.lang, [Reply("counselor-assign-other-org")])
            return
        try:
            claim = await self.queue.assign(ticket_id, counselor_id)
        except RoutingError as exc:
            await self._reply(
                message, counselor.lang, [Reply(REFUSALS.get(type(exc), "counselor-ticket-gone"))]
            )
            return
        await self._reply(
            message, counselor.lang, [Reply("counselor-assigned", {"ticket": ticket_id, "to": counselor_id})]
        )
        target = await self.presence.get(counselor_id)
        await self._connected(counselor_id, claim, target.channel, target.address)

    async def _show_line(self, counselor: Counselor, message: Message) -> None:
        """/queue: the head of each line for a supervisor (ids, bands, waits; no person data)."""
        lang, text = counselor.lang, self.catalog.text
        rows = []
        for line_lang in self.queue.languages:
            for ticket in await self.queue.head(line_lang, LINE_SHOWN):
                minutes = max(0, int((time.time() - float(ticket["created_at"])) // 60))
                categories = ", ".join(text(lang, f"category-{c}") for c in ticket["categories"]) or "-"
                risk = text(lang, f"risk-{ticket['risk']}")
                waited = text(lang, "duration-minutes", minutes=minutes)
                rows.append(f"{ticket['id']} · {risk} · {line_lang} · {waited} · {categories}")
        reply = Reply("counselor-line", {"rows": "\n".join(rows)}) if rows else Reply("counselor-queue-empty")
        await self._reply(message, lang, [reply])

    async def _current(self, counselor: Counselor) -> Conversation | None:
        """The connected conversation the counselor's words go to, or None."""
        state = await self.presence.get(counselor.id)
        conversation = await self.conversations.get(state.person_id) if state.person_id else None
        if (
            conversation is None
            or conversation.state != CONNECTED
            or conversation.counselor_id != counselor.id
        ):
            return None
        return conversation

    async def _referral_choices(self, counselor: Counselor, message: Message) -> None:
        """/refer: services for the person's concern, region and language (open now first), as
        buttons; the counselor picks one to send."""
        conversation = await self._current(counselor)
        if conversation is None:
            await self._reply(message, counselor.lang, [Reply("counselor-no-conversation")])
            return
        now = self.clock()  # the service's clock: the same hour as the person's replies
        prefecture = conversation.answers.get("prefecture", "")
        found = self.directory.search(
            conversation.categories,
            prefecture,
            conversation.lang,
            now,
            open_now=False,
            limit=REFERRAL_CHOICES,
            samples=self.directory_samples,
        )
        if not found:
            await self._reply(message, counselor.lang, [Reply("counselor-refer-none")])
            return
        text = self.catalog.text
        options = tuple(
            (
                f"{REFER}{conversation.ticket_id}:{service.id}",  # the person it was asked for
                f"{service.name(counselor.lang)} · "
                + text(counselor.lang, "refer-open-now" if service.open_at(now) else "refer-closed-now"),
            )
            for service in found
        )
        body = text(counselor.lang, "counselor-refer-pick")
        await self.outbox.send(
            message.channel, message.address, [Outgoing(body, "system", options)], counselor.lang
        )

    async def _refer(self, counselor: Counselor, message: Message, ticket_id: str, service_id: str) -> None:
        """Send the chosen service's card to the person it was chosen for, and count the referral."""
        conversation = await self._current(counselor)
        service = self.directory.get(service_id)
        if conversation is None or service is None or conversation.ticket_id != ticket_id:
            await self._reply(message, counselor.lang, [Reply("counselor-no-conversation")])
            return
        card = self.directory.card(service, conversation.lang, self.clock())
        await self._say(conversation, [Reply("referral-card", {"card": card.text()})])
        prefecture = conversation.answers.get("prefecture", "")
        await self.referrals.record("counselor", [service.id], conversation.categories, prefecture)
        await self._reply(
            message, counselor.lang, [Reply("counselor-referred", {"service": service.name(counselor.lang)})]
        )
        logger.info("referred counselor=%s service=%s", counselor.id, service.id)

    async def _switch(self, counselor: Counselor, message: Message) -> None:
        """Move the counselor's words to their next conversation (when they hold several)."""
        state = await self.presence.get(counselor.id)
        connected = sorted(state.connected)
        if len(connected) < 2:
            await self._reply(message, counselor.lang, [Reply("counselor-switch-none")])
            return
        following = (
            connected[(connected.index(state.ticket_id) + 1) % len(connected)]
            if state.ticket_id in connected
            else connected[0]
        )
        ticket = await self.queue.ticket(following)
        await self.presence.switch(counselor.id, following, ticket.get("person_id", ""))
        await self._reply(message, counselor.lang, [Reply("counselor-switched", {"ticket": following})])

    async def _counselor_words(self, counselor: Counselor, message: Message) -> None:
        state = await self.presence.get(counselor.id)
        conversation = await self.conversations.get(state.person_id) if state.person_id else None
        connected = conversation is not None and conversation.state == CONNECTED
        if not connected or conversation.counselor_id != counselor.id:
            await self._reply(message, counselor.lang, [Reply("counselor-no-conversation")])
            return
        entry = Entry("counselor", message.value)
        if not await self.conversations.append(conversation.person_id, [entry], counselor.id):
            # Ended or erased in the meantime: their words go nowhere, and are kept nowhere.
            await self._reply(message, counselor.lang, [Reply("counselor-no-conversation")])
            return
        await self._deliver(conversation, [entry])
