"""The routing side of the dispatcher: putting people in line, offers, waiting news, vanished
counselors.

The decisions are routing/'s (Lua, atomic, any number of processes); this module tells people and
counselors what was decided, in their language. A person is never left without an answer: queued
and told their place, or told at once that no one can serve them now, with services open now.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime

from bot.channels.base import Outgoing
from bot.delivery import Delivery
from bot.summary import IntakeSummary
from flows.intake import IntakeFlow
from flows.messages import Reply
from flows.spec import HandoffSpec
from routing import keys
from routing.availability import Availability, Opening, minutes_label
from routing.conversations import CLOSED, QUEUED, Conversation, Entry
from routing.directory import Directory, Service
from routing.organizations import Organizations
from routing.queue import Offer, Preferences, Queue
from routing.referrals import Referrals

logger = logging.getLogger(__name__)

WAITING_OPTIONS = ("waiting_services", "waiting_leave")
NEWS_EVERY = 180.0  # seconds between two updates of one person's place, at most
NEWS_DEPTH = 200  # people at the head of each line who get news of their place
OFFER_ACCEPT = "offer_accept:"
OFFER_DECLINE = "offer_decline:"
STILL_HERE = "still_here"


class RoutingSide(Delivery):
    """Queue people, make and send offers, keep waiting people informed, reap silent counselors."""

    queue: Queue
    availability: Availability
    directory: Directory
    directory_samples: bool
    referrals: Referrals
    organizations: Organizations
    summary: IntakeSummary
    flow: IntakeFlow
    continuity_seconds: float
    clock: Callable[[], datetime]

    async def queue_person(
        self, conversation: Conversation, replies: list[Reply], said: Entry | None, handoff: HandoffSpec
    ) -> None:
        """The intake hands the person to a counselor. If a team for their language is open with
        someone online, they join the line and learn their place; if not, the very reply says so,
        with the services open now, and they keep their place only when a team opens soon."""
        opening = await self.availability.opening(conversation.lang, at=self.clock())
        if not opening.serving:
            await self._nobody_now(conversation, replies, said, handoff, opening)
            return
        await self.fill_services(conversation, replies, handoff)
        rendered = self._render(conversation.lang, replies, conversation.channel)
        await self.queue.enqueue(
            conversation, [said, *rendered] if said else rendered, await self._preferences(conversation)
        )
        await self._deliver(conversation, rendered)
        self._queued_log(conversation, opening)
        await self.tell_place(conversation)
        await self.route()

    async def _nobody_now(
        self,
        conversation: Conversation,
        replies: list[Reply],
        said: Entry | None,
        handoff: HandoffSpec,
        opening: Opening,
    ) -> None:
        """Nobody can serve them now (safety invariant 4): one message, to read top to bottom.
        First what the step must carry (the crisis lines: 119/110 before anything else), then what
        happens next. "You are in line" is never said above "nobody is here": the hand-off prompt
        goes. A person in crisis is not handed a long list of links below the numbers: the 24-hour
        lines are the services open now for them. They keep their place when a team opens soon."""
        await self.redis_count("fallback:shown")
        lang = conversation.lang
        crisis = [reply for reply in replies if reply.crisis]
        others = [reply for reply in replies if not reply.crisis and reply.key != handoff.prompt.key]
        kept = opening.opens_at is not None
        if crisis:
            after = [self._crisis_next(opening, lang, conversation.risk == "imminent")]
        else:
            source = "intake" if handoff.services else "fallback"
            after = [await self._closed_now(conversation, source)]
            after.append(self._keep(opening, lang) if kept else Reply("waiting-none-soon"))
        message = self._render_one(lang, [*crisis, *others, *after], conversation.channel)
        recorded = [said, message] if said else [message]
        if kept:
            await self.queue.enqueue(conversation, recorded, await self._preferences(conversation))
        else:  # not kept in line: nothing opens in the next hours
            conversation.state = CLOSED
            await self.conversations.save(conversation, recorded)
        await self._deliver(conversation, [message])
        if kept:
            self._queued_log(conversation, opening)
            await self.route()
        else:
            logger.info("no team open person=%s lang=%s", conversation.person_id, lang)

    def _crisis_next(self, opening: Opening, lang: str, front: bool) -> Reply:
        """What happens next, said below the crisis lines, for someone at high or imminent risk."""
        params: dict[str, str | int | Reply] = {"front": "yes" if front else "no"}
        if opening.opens_at is None:
            return Reply("crisis-nobody-none-soon")
        if opening.opens_at <= self.clock():  # open, but nobody online yet
            return Reply("crisis-nobody-wait", params, options=WAITING_OPTIONS)
        params["opens"] = self._clock(opening.opens_at, lang)
        return Reply("crisis-nobody-opens", params, options=WAITING_OPTIONS)

    @staticmethod
    def _queued_log(conversation: Conversation, opening: Opening) -> None:
        logger.info(
            "queued person=%s ticket=%s risk=%s serving=%s",
            conversation.person_id,
            conversation.ticket_id,
            conversation.risk,
            opening.serving,
        )

    async def fill_services(
        self, conversation: Conversation, replies: list[Reply], handoff: HandoffSpec
    ) -> bool:
        """A hand-off that lists services ("information", "both") lists the directory's services
        open now for the person's concern, region and language; True if it did."""
        if not handoff.services:
            return False
        for reply in replies:
            if reply.key == handoff.prompt.key:
                reply.params["services"] = await self.services_text(conversation, "intake")
        return True

    async def back_in_line(self, conversation: Conversation, key: str, team_id: str = "") -> None:
        """Tell a person put back in line (their counselor vanished, a transfer to a team) where
        they are; if nobody can serve them now, that too, with the services open now (safety
        invariant 4). They keep their place whatever happens: they already waited their turn."""
        replies = [Reply(key)]
        opening = await self.availability.opening(conversation.lang, at=self.clock(), team_id=team_id)
        if not opening.serving:
            await self.redis_count("fallback:shown")
            replies += [await self._closed_now(conversation), self._keep(opening, conversation.lang)]
        await self._say(conversation, replies)

    async def _closed_now(self, conversation: Conversation, source: str = "fallback") -> Reply:
        """Nobody can serve them now; the services open now for their concern."""
        return Reply("waiting-closed-now", {"services": await self.services_text(conversation, source)})

    async def services_text(self, conversation: Conversation, source: str) -> str:
        """The services open now for the person's concern, region and language, as cards (each
        counted as a referral); the 24-hour lines if the directory has nothing open that fits.
        In another language than Japanese, honestly: when nothing open now speaks it, that is said
        first, and the services in their language that open later follow, marked closed now."""
        prefecture = conversation.answers.get("prefecture", "")
        now, lang = self.clock(), conversation.lang
        found = self.directory.search(
            conversation.categories, prefecture, lang, now, samples=self.directory_samples
        )
        if not any(service.crisis for service in found):  # always one line that answers day and night
            found += [
                s for s in self.directory.crisis_lines(lang, now) if not s.emergency and s not in found
            ][:1]
        if not found:
            return self.flow.safety.lines("high", conversation.categories, conversation.lang)
        later = self._later_in_language(conversation, prefecture, now) if lang != "ja" else []
        await self.referrals.record(
            source, [s.id for s in [*found, *later]], conversation.categories, prefecture
        )
        cards = "\n\n".join(self.directory.card(service, lang, now).text() for service in found)
        if lang != "ja" and not any(lang in service.languages for service in found):
            cards = self.catalog.text(lang, "services-none-in-language") + "\n" + cards
        if later:
            listed = "\n\n".join(self.directory.card(service, lang, now).text() for service in later)
            cards += "\n\n" + self.catalog.text(lang, "services-later-in-language", services=listed)
        return cards

    def _later_in_language(self, conversation: Conversation, prefecture: str, now: datetime) -> list[Service]:
        """Services in the person's language for their concern that are closed now but open within
        the week (at most two, so the services open now stay in view)."""
        lang = conversation.lang
        return [
            service
            for service in self.directory.search(
                conversation.categories, prefecture, lang, now, open_now=False, samples=self.directory_samples
            )
            if lang in service.languages and not service.open_at(now)
        ][:2]

    def _keep(self, opening: Opening, lang: str) -> Reply:
        """Why they keep their place, with the buttons to leave or to have services instead."""
        if opening.opens_at is None:
            return Reply("waiting-kept-anyway", options=WAITING_OPTIONS)
        if opening.opens_at <= self.clock():  # open, but nobody online yet
            return Reply("waiting-unstaffed", options=WAITING_OPTIONS)
        return Reply("waiting-keep", {"opens": self._clock(opening.opens_at, lang)}, options=WAITING_OPTIONS)

    async def _preferences(self, conversation: Conversation) -> Preferences:
        """Region for skills; the previous counselor and organization if they came back lately."""
        fields = await self.conversations.redis.hmget(
            keys.conversation(conversation.person_id), ["last_counselor", "last_org", "last_closed_at"]
        )
        last_counselor, last_org, closed_at = fields
        recent = bool(closed_at) and time.time() - float(closed_at) <= self.continuity_seconds
        return Preferences(
            prefecture=conversation.answers.get("prefecture", ""),
            counselor_id=(last_counselor or "") if recent else "",
            org=(last_org or "") if recent else "",
        )

    def _clock(self, at: datetime, lang: str) -> str:
        """An opening time as a person reads it, in the team's time zone (Japan for now)."""
        local = at.astimezone(self.organizations.teams[0].hours.time_zone)
        key = (
            "clock-today"
            if local.date() == self.clock().astimezone(local.tzinfo).date()
            else "clock-tomorrow"
        )
        return self.catalog.text(lang, key, time=local.strftime("%H:%M"))

    async def tell_place(self, conversation: Conversation) -> None:
        """Tell a waiting person their place and an honest estimate; remember what was said."""
        ahead = await self.queue.ahead(conversation.ticket_id)
        if ahead is None:
            return
        seconds = await self.availability.estimate_seconds(conversation.lang, ahead)
        if seconds is None:
            reply = Reply("waiting-place-unknown", {"position": ahead + 1}, options=WAITING_OPTIONS)
        else:
            params = {"position": ahead + 1, "minutes": minutes_label(seconds)}
            reply = Reply("waiting-place", params, options=WAITING_OPTIONS)
        await self.conversations.redis.hset(
            keys.ticket(conversation.ticket_id), mapping={"told_ahead": ahead, "told_at": repr(time.time())}
        )
        await self._say(conversation, [reply])

    async def waiting_news(self) -> None:
        """News for people whose place moved a lot since they were last told (never spam)."""
        now = time.time()
        redis = self.conversations.redis
        for lang in self.queue.languages:
            line = await redis.zrange(keys.queue(lang), 0, NEWS_DEPTH - 1)
            async with redis.pipeline(transaction=False) as pipe:  # one round trip per line
                for ticket_id in line:
                    pipe.hmget(keys.ticket(ticket_id), ["told_ahead", "told_at", "person_id"])
                found = await pipe.execute()
            for ahead, (ticket_id, told) in enumerate(zip(line, found, strict=True)):
                if told[0] is None or now - float(told[1] or 0) < NEWS_EVERY:
                    continue
                told_ahead = int(told[0])
                if told_ahead - ahead < max(2, told_ahead // 2):
                    continue
                async with self._locks.hold(told[2]):
                    conversation = await self.conversations.get(told[2])
                    if conversation and conversation.state == QUEUED and conversation.ticket_id == ticket_id:
                        await self.tell_place(conversation)

    async def leave_line(self, conversation: Conversation, option: str) -> None:
        """A waiting person leaves the line, or asks for services instead of waiting."""
        services = option == "waiting_services"
        outcome = "referred" if services else "person_left"
        previous, counselor_id = await self.queue.close(conversation.person_id, outcome)
        if counselor_id:  # a counselor took them just before the tap: they must know
            await self._counselor_says(counselor_id, "counselor-person-left")
        conversation.state = CLOSED
        if services:
            lines = await self.services_text(conversation, "intake")
            await self._say(conversation, [Reply("waiting-services", {"services": lines})])
        else:
            await self._say(conversation, [Reply("waiting-left")])
        logger.info("left the line person=%s services=%s", conversation.person_id, services)

    async def _labelled(self, counselor_id: str, conversation: Conversation, text: str) -> str:
        """A person's words as their counselor sees them: marked with the ticket when the counselor
        holds several conversations, so nobody answers the wrong person."""
        held = await self.presence.get(counselor_id)
        return f"[{conversation.ticket_id}] {text}" if len(held.connected) > 1 else text

    async def redis_count(self, name: str) -> None:
        await self.conversations.redis.hincrby(keys.metrics(), name, 1)

    # ---- offers ----------------------------------------------------------------------------

    async def route(self) -> None:
        """Make every offer that can be made now, and put each before its counselor. Never fails
        its caller: what is not offered now is offered on the next round."""
        try:
            offers = await self.queue.match()
        except Exception:
            logger.exception("matching failed")
            return
        for offer in offers:
            try:
                await self._send_offer(offer)
            except Exception:  # unreachable: the offer times out and passes to the next counselor
                logger.exception(
                    "offer not delivered ticket=%s counselor=%s", offer.ticket_id, offer.counselor_id
                )

    async def _send_offer(self, offer: Offer) -> None:
        conversation = await self.conversations.get(offer.person_id)
        if conversation is None:
            return
        lang = self._counselor_lang(offer.counselor_id)
        text = self.catalog.text
        body = text(
            lang,
            "counselor-offer",
            risk=text(lang, f"risk-{conversation.risk}"),
            categories=self.summary.categories(conversation, lang),
            language=text(lang, f"language-name-{conversation.lang}"),
            region=self.summary.region(conversation, lang),  # 東京都, not the code 13
            seconds=int(self.queue.offer_seconds),
        )
        options = (
            (OFFER_ACCEPT + offer.ticket_id, text(lang, "option-offer_accept")),
            (OFFER_DECLINE + offer.ticket_id, text(lang, "option-offer_decline")),
        )
        await self._to_counselor(offer.counselor_id, [Outgoing(body, role="system", options=options)])
        logger.info("offered ticket=%s counselor=%s", offer.ticket_id, offer.counselor_id)

    async def expire_offers(self) -> None:
        """Pass on offers nobody answered; their counselors are paused, and told so."""
        for offer in await self.queue.expire_offers():
            logger.info("offer missed ticket=%s counselor=%s", offer.ticket_id, offer.counselor_id)
            await self._counselor_says(offer.counselor_id, "counselor-offer-missed")

    # ---- presence --------------------------------------------------------------------------

    async def reap_silent(self, timeout: float) -> None:
        """Counselors silent past the timeout go offline; their people go back to the front of
        their band and are told (safety invariant 5). Those silent for two thirds of it are asked
        whether they are still there, once."""
        now = time.time()
        cutoff = now - timeout
        for counselor_id in await self.presence.silent_since(cutoff):
            returned = await self.queue.vanish(counselor_id, cutoff)
            if returned is None:
                continue
            logger.info("counselor vanished counselor=%s returned=%d", counselor_id, len(returned))
            for ticket in returned:
                if ticket.was == "connected":
                    async with self._locks.hold(ticket.person_id):
                        conversation = await self.conversations.get(ticket.person_id)
                        if conversation is not None and conversation.state == QUEUED:
                            await self.back_in_line(conversation, "waiting-requeued")
            await self._counselor_says(counselor_id, "counselor-vanished", minutes=int(timeout // 60))
        for counselor_id in await self.presence.silent_since(now - timeout * 2 / 3):
            if await self.presence.warn_once(counselor_id):
                text = self.catalog.text
                lang = self._counselor_lang(counselor_id)
                options = ((STILL_HERE, text(lang, "option-still_here")),)
                message = Outgoing(text(lang, "counselor-still-there"), role="system", options=options)
                await self._to_counselor(counselor_id, [message])
