"""The waiting line and everything that moves a ticket: offers, pulls, transfers, closes.

Each language has its own line (a sorted set): language is a requirement. A ticket's score is
`band * BAND_WIDTH + arrival`, band 0 for imminent down to 3 for low, so the lowest score (ZRANGE
0 0, O(log n)) is the most urgent ticket that has waited longest. A ticket given back by a
counselor who vanished goes to the front of its band (`front=True`). Preferences (returning
person's counselor or organization, category and region skills) choose among counselors, never
among tickets, so bands and first come first served hold for everyone. Every change is one Lua
script (routing/lua/) or one MULTI, so any number of processes may share the line.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

from redis.asyncio import Redis

from routing import keys
from routing.conversations import QUEUED, Conversation, Conversations, Entry
from routing.errors import (
    CounselorFull,
    CounselorOffline,
    NotYours,
    QueueEmpty,
    TicketGone,
    WrongLanguage,
)
from routing.presence import listed as _listed
from routing.scripts import BAND_WIDTH, Scripts

RISK_BANDS = ("imminent", "high", "moderate", "low")  # served in this order
OUTCOMES = ("resolved", "referred", "person_left", "no_response", "emergency_escalated")
SCAN = 50  # tickets looked at per language for one counselor (past team transfers and declines)
MATCHES_PER_CALL = 50  # offers made in one script call (keeps each call short for Redis)


def score(risk: str, sequence: int, *, front: bool = False) -> int:
    """The queue score of a ticket: its band first, then its arrival (the band's front if asked)."""
    band = RISK_BANDS.index(risk) if risk in RISK_BANDS else len(RISK_BANDS) - 1
    return band * BAND_WIDTH + sequence - (BAND_WIDTH // 2 if front else 0)


@dataclass
class Claim:
    """A ticket a counselor has just taken, with what the person wrote while waiting."""

    ticket_id: str
    person_id: str
    notes: list[Entry]

    @classmethod
    def from_result(cls, result: list[str]) -> Claim:
        return cls(result[1], result[2], [Entry.from_json(raw) for raw in result[3:]])


@dataclass(frozen=True)
class Offer:
    """A ticket reserved for one counselor until they accept, decline, or the deadline passes."""

    ticket_id: str
    counselor_id: str
    person_id: str


@dataclass(frozen=True)
class Returned:
    """A ticket given back to the line by a counselor who vanished ('connected' or 'offered')."""

    ticket_id: str
    person_id: str
    was: str


@dataclass(frozen=True)
class Preferences:
    """What a ticket would like, if a counselor who fits is free (never worth a longer wait)."""

    prefecture: str = ""
    counselor_id: str = ""
    org: str = ""


class Queue:
    """Enqueue, offer, take, transfer, close; all multi-key changes are atomic."""

    def __init__(
        self,
        redis: Redis,
        scripts: Scripts,
        conversations: Conversations,
        languages: tuple[str, ...] = ("ja", "en"),
        offer_seconds: float = 60,
    ) -> None:
        self.redis = redis
        self.scripts = scripts
        self.conversations = conversations
        self.languages = languages
        self.offer_seconds = offer_seconds

    def _args(self, *args: object) -> list[object]:
        return [repr(time.time()), self.conversations.retention, *args]

    async def enqueue(
        self, conversation: Conversation, entries: list[Entry], preferences: Preferences | None = None
    ) -> str:
        """Put the person in line (saving the conversation and entries with it); the ticket id."""
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.incr(keys.queue_sequence())
            pipe.llen(keys.transcript(conversation.person_id))
            sequence, length = await pipe.execute()
        ticket_id = f"t{sequence}"
        preferences = preferences or Preferences()
        conversation.state = QUEUED
        conversation.ticket_id = ticket_id
        conversation.counselor_id = ""
        conversation.queued_at = time.time()
        ticket_score = score(conversation.risk, sequence)
        ticket = {
            "person_id": conversation.person_id,
            "lang": conversation.lang,
            "created_at": repr(conversation.queued_at),
            "mark": length + len(entries),
            "status": "waiting",
            "sequence": sequence,
            "score": ticket_score,
            "risk": conversation.risk,
            "cats": _listed(conversation.categories),
            "pref": preferences.prefecture,
            "prefer_c": preferences.counselor_id,
            "prefer_o": preferences.org,
        }
        retention = self.conversations.retention
        event = _event("queued", ticket=ticket_id, risk=conversation.risk, lang=conversation.lang)
        async with self.redis.pipeline(transaction=True) as pipe:
            self.conversations.stage_save(pipe, conversation, entries)
            pipe.hset(keys.ticket(ticket_id), mapping=ticket)
            pipe.expire(keys.ticket(ticket_id), retention)
            # The arrival number alone: a set of small integers is stored compactly (intset).
            pipe.sadd(keys.person_tickets(conversation.person_id), sequence)
            pipe.expire(keys.person_tickets(conversation.person_id), retention)
            pipe.zadd(keys.queue(conversation.lang), {ticket_id: ticket_score})
            pipe.publish(keys.events(), event)
            pipe.hincrby(keys.metrics(), "events:queued", 1)
            await pipe.execute()
        return ticket_id

    async def raise_band(self, ticket_id: str, risk: str) -> bool:
        """Raise a ticket to `risk`'s band, never down: a waiting one moves up in line, an offered or
        connected one keeps the band for when it goes back; False if nothing changed."""
        sequence = await self.redis.hget(keys.ticket(ticket_id), "sequence")
        if sequence is None:
            return False
        moved = await self.scripts.raise_(args=self._args(ticket_id, score(risk, int(sequence)), risk))
        return bool(moved)

    async def match(self) -> list[Offer]:
        """Make every offer that can be made now: each one the best ticket for some counselor."""
        offers: list[Offer] = []
        deadline = repr(time.time() + self.offer_seconds)
        while True:  # one call makes up to MATCHES_PER_CALL; more only when there was more to do
            result = await self.scripts.match(
                args=self._args(deadline, SCAN, MATCHES_PER_CALL, *self.languages)
            )
            offers += [Offer(*result[i : i + 3]) for i in range(0, len(result), 3)]
            if len(result) < 3 * MATCHES_PER_CALL:
                return offers

    async def accept(self, counselor_id: str, ticket_id: str) -> Claim:
        """Take an offered ticket; TicketGone when the offer moved on or the person left."""
        result = await self.scripts.accept(args=self._args(counselor_id, ticket_id))
        if result[0] != "ok":
            raise TicketGone(ticket_id)
        return Claim.from_result(result)

    async def decline(
        self, counselor_id: str, ticket_id: str, *, missed: bool = False, due_by: float | None = None
    ) -> bool:
        """Pass an offer on; False if it was not theirs. A pass keeps that ticket and those after it
        from the counselor for `offer_seconds`; a missed offer pauses them instead. `due_by`: only
        if the offer's deadline had passed by then (a timeout found by a sweep)."""
        event = "offer_expired" if missed else "declined"
        person = await self.scripts.decline(
            args=self._args(
                counselor_id,
                ticket_id,
                "1" if missed else "0",
                event,
                self.offer_seconds,
                "" if due_by is None else repr(due_by),
            )  # fmt: skip
        )
        return bool(person)

    async def expire_offers(self, now: float | None = None) -> list[Offer]:
        """Pass on every offer past its deadline; the offers that were passed on."""
        now = time.time() if now is None else now
        due = await self.redis.zrangebyscore(keys.offers(), "-inf", now, start=0, num=100)
        expired = []
        for ticket_id in due:
            counselor_id = await self.redis.hget(keys.ticket(ticket_id), "counselor_id")
            if counselor_id and await self.decline(counselor_id, ticket_id, missed=True, due_by=now):
                expired.append(Offer(ticket_id, counselor_id, ""))
            elif not counselor_id:
                await self.redis.zrem(keys.offers(), ticket_id)
        return expired

    async def pull(self, counselor_id: str) -> Claim:
        """The counselor takes the best ticket for them now (accepting an offer they hold first)."""
        for _ in range(MATCHES_PER_CALL):
            result = await self.scripts.pull(args=self._args(counselor_id, SCAN))
            status = result[0]
            if status == "offer":
                try:
                    return await self.accept(counselor_id, result[1])
                except TicketGone:  # the person left meanwhile (accept freed the offer): next one
                    continue
            _raise_refusal(status, counselor_id, "")
            return Claim.from_result(result)
        raise QueueEmpty()

    async def assign(self, ticket_id: str, counselor_id: str) -> Claim:
        """A supervisor gives a waiting ticket to a counselor (capacity and language still hold)."""
        result = await self.scripts.assign(args=self._args(counselor_id, ticket_id))
        _raise_refusal(result[0], counselor_id, ticket_id)
        return Claim.from_result(result)

    async def transfer(
        self,
        ticket_id: str,
        counselor_id: str,
        *,
        to_counselor: str = "",
        to_team: str = "",
        team_languages: tuple[str, ...] = (),
        note: str = "",
    ) -> Claim | str:
        """Hand a conversation on with a note: the new counselor's Claim, or the person id when it
        went to the front of its band for a team (which must speak the person's language)."""
        if bool(to_counselor) == bool(to_team):
            raise ValueError("transfer to a counselor or to a team")
        languages = _listed(team_languages) if to_team else ""
        result = await self.scripts.transfer(
            args=self._args(counselor_id, ticket_id, to_counselor, to_team, note, languages)
        )
        if result[0] == "queued":
            if not result[1]:  # the conversation lapsed meanwhile: it was dropped, not handed on
                raise TicketGone(ticket_id)
            return result[1]
        _raise_refusal(result[0], to_counselor, ticket_id)
        return Claim.from_result(result)

    async def close(
        self, person_id: str, outcome: str, *, counselor_id: str = "", note: str = ""
    ) -> tuple[str, str]:
        """End a waiting or connected conversation with an outcome; (previous state, counselor)."""
        if outcome not in OUTCOMES:
            raise ValueError(f"outcome must be one of {', '.join(OUTCOMES)}")
        previous, holder = await self.scripts.close(args=self._args(person_id, counselor_id, outcome, note))
        if previous == "not_yours":
            raise NotYours(holder)
        return previous, holder

    async def end(self, person_id: str, counselor_id: str = "") -> tuple[str, str]:
        """The person leaves (or a counselor ends without saying how); (previous state, counselor)."""
        try:
            return await self.close(person_id, "person_left", counselor_id=counselor_id)
        except NotYours as exc:
            return "not_yours", str(exc)

    async def vanish(self, counselor_id: str, cutoff: float) -> list[Returned] | None:
        """A counselor silent since `cutoff` goes offline; what went back (None: alive after all)."""
        result = await self.scripts.vanish(args=self._args(counselor_id, repr(cutoff)))
        if result[0] == "alive":
            return None
        rest = result[1:]
        return [Returned(*rest[i : i + 3]) for i in range(0, len(rest), 3)]

    async def erase(self, person_id: str) -> str:
        """Erase everything about a person (ending their conversation first); the counselor freed."""
        _, counselor_id = await self.end(person_id)
        tickets = [f"t{sequence}" for sequence in await self.redis.smembers(keys.person_tickets(person_id))]
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.delete(*keys.person_keys(person_id), *(keys.ticket(t) for t in tickets))
            if tickets:
                for lang in self.languages:
                    pipe.zrem(keys.queue(lang), *tickets)
                pipe.zrem(keys.offers(), *tickets)
            pipe.zrem(keys.intake_due(), person_id)
            # Told after the keys are gone, so an open console that checks finds them gone (no person
            # data: ticket ids only, as every routing event).
            pipe.publish(keys.events(), _event("erased", tickets=tickets))
            await pipe.execute()
        return counselor_id if counselor_id != "not_yours" else ""

    async def ticket(self, ticket_id: str) -> dict[str, str]:
        """A ticket's fields (empty when it expired or was erased)."""
        return await self.redis.hgetall(keys.ticket(ticket_id))

    async def ticket_mark(self, person_id: str) -> int:
        """Where the person's current ticket starts in their transcript (0 if none)."""
        ticket_id = await self.redis.hget(keys.conversation(person_id), "ticket_id")
        mark = await self.redis.hget(keys.ticket(ticket_id), "mark") if ticket_id else None
        return int(mark or 0)

    async def ahead(self, ticket_id: str) -> int | None:
        """How many wait before this ticket in its line (None when it no longer waits)."""
        fields = await self.redis.hmget(keys.ticket(ticket_id), ["lang", "status", "score"])
        lang, status, ticket_score = fields
        if status not in ("waiting", "offered") or ticket_score is None:
            return None
        return await self.redis.zcount(keys.queue(lang), "-inf", f"({ticket_score}")

    async def head(self, lang: str, count: int) -> list[dict]:
        """The first tickets of a line, in order: id, risk, created_at, categories (no person data)."""
        ids = await self.redis.zrange(keys.queue(lang), 0, count - 1)
        async with self.redis.pipeline(transaction=False) as pipe:
            for ticket_id in ids:
                pipe.hmget(keys.ticket(ticket_id), ["risk", "created_at", "cats"])
            found = await pipe.execute()
        return [
            {
                "id": ticket_id,
                "risk": risk,
                "created_at": created,
                "categories": [c for c in cats.split(",") if c],
            }
            for ticket_id, (risk, created, cats) in zip(ids, found, strict=True)
            if risk is not None
        ]

    async def waiting(self, lang: str | None = None) -> int:
        """How many people are waiting (in one language, or in all)."""
        languages = (lang,) if lang else self.languages
        async with self.redis.pipeline(transaction=False) as pipe:
            for name in languages:
                pipe.zcard(keys.queue(name))
            counts = await pipe.execute()
        return sum(counts)


def _event(kind: str, **fields: object) -> str:
    return json.dumps({"type": kind, "at": time.time(), **fields}, separators=(",", ":"))


REFUSALS = {
    "offline": CounselorOffline,
    "full": CounselorFull,
    "language": WrongLanguage,
    "not_yours": NotYours,
    "empty": QueueEmpty,
}


def _raise_refusal(status: str, counselor_id: str, ticket_id: str) -> None:
    """A script's refusal as the routing error that names it ('ok': none; unknown: TicketGone)."""
    if status == "ok":
        return
    if status == "empty":
        raise QueueEmpty()
    if status in REFUSALS:
        raise REFUSALS[status](counselor_id)
    raise TicketGone(ticket_id)
