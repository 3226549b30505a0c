"""The waiting queue: strict risk bands, first come first served within a band; claimed atomically.

A ticket's score is `band * BAND_WIDTH + arrival`, band 0 for imminent down to 3 for low, so the
lowest score (ZRANGE 0 0, O(log n)) is the most urgent ticket that has waited longest. Raising a
waiting person's risk re-scores their ticket with ZADD XX LT: it only ever moves forward.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from redis.asyncio import Redis

from routing import keys
from routing.conversations import QUEUED, Conversation, Conversations, Entry
from routing.errors import CounselorBusy, CounselorOffline, QueueEmpty
from routing.scripts import Scripts

RISK_BANDS = ("imminent", "high", "moderate", "low")  # served in this order
BAND_WIDTH = 10**12  # arrivals per band before scores overlap (doubles are exact up to 2**53)


def score(risk: str, sequence: int) -> int:
    """The queue score of a ticket: its band first, then its arrival."""
    band = RISK_BANDS.index(risk) if risk in RISK_BANDS else len(RISK_BANDS) - 1
    return band * BAND_WIDTH + sequence


@dataclass
class Claim:
    """A ticket a counselor has just taken, with what the person wrote while waiting."""

    ticket_id: str
    person_id: str
    notes: list[Entry]


class Queue:
    """Enqueue, claim, end; all multi-key changes are one transaction or one Lua script."""

    def __init__(self, redis: Redis, scripts: Scripts, conversations: Conversations) -> None:
        self.redis = redis
        self.scripts = scripts
        self.conversations = conversations

    async def enqueue(self, conversation: Conversation, entries: list[Entry]) -> str:
        """Put the person in line (saving the conversation and entries with it); the ticket id."""
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.incr(keys.queue_sequence())
            pipe.llen(keys.transcript(conversation.person_id))
            sequence, length = await pipe.execute()
        ticket_id = f"t{sequence}"
        mark = length + len(entries)
        conversation.state = QUEUED
        conversation.ticket_id = ticket_id
        conversation.counselor_id = ""
        conversation.queued_at = time.time()
        ticket = {
            "person_id": conversation.person_id,
            "lang": conversation.lang,
            "created_at": repr(conversation.queued_at),
            "mark": mark,
            "status": "waiting",
            "sequence": sequence,
            "risk": conversation.risk,
        }
        retention = self.conversations.retention
        async with self.redis.pipeline(transaction=True) as pipe:
            self.conversations.stage_save(pipe, conversation, entries)
            pipe.hset(keys.ticket(ticket_id), mapping=ticket)
            pipe.expire(keys.ticket(ticket_id), retention)
            pipe.sadd(keys.person_tickets(conversation.person_id), ticket_id)
            pipe.expire(keys.person_tickets(conversation.person_id), retention)
            pipe.zadd(keys.queue(), {ticket_id: score(conversation.risk, sequence)})
            await pipe.execute()
        return ticket_id

    async def raise_band(self, ticket_id: str, risk: str) -> bool:
        """Move a waiting ticket up to `risk`'s band (never down); False if it no longer waits."""
        sequence = await self.redis.hget(keys.ticket(ticket_id), "sequence")
        if sequence is None:
            return False
        # XX: a ticket claimed meanwhile is not put back; LT: a band is never lowered.
        changed = await self.redis.zadd(
            keys.queue(), {ticket_id: score(risk, int(sequence))}, xx=True, lt=True, ch=True
        )
        await self.redis.hset(keys.ticket(ticket_id), "risk", risk)
        return bool(changed)

    async def claim(self, counselor_id: str) -> Claim:
        """The longest-waiting ticket for this counselor, or CounselorOffline/Busy/QueueEmpty."""
        result = await self.scripts.claim(
            keys=[keys.queue(), keys.counselor(counselor_id), keys.counselors_online()],
            args=[
                counselor_id,
                repr(time.time()),
                keys.ticket(""),
                keys.conversation(""),
                keys.transcript(""),
                self.conversations.retention,
            ],
        )
        status = result[0]
        if status == "offline":
            raise CounselorOffline(counselor_id)
        if status == "busy":
            raise CounselorBusy(counselor_id)
        if status == "empty":
            raise QueueEmpty()
        notes = [Entry.from_json(raw) for raw in result[3:]]
        return Claim(ticket_id=result[1], person_id=result[2], notes=notes)

    async def end(self, person_id: str, counselor_id: str = "") -> tuple[str, str]:
        """End a waiting or connected conversation; (previous state, counselor id)."""
        previous, counselor = await self.scripts.end(
            keys=[keys.conversation(person_id), keys.queue()],
            args=[
                person_id,
                keys.counselor(""),
                keys.ticket(""),
                repr(time.time()),
                counselor_id,
            ],
        )
        return previous, counselor

    async def erase(self, person_id: str) -> str:
        """Erase everything about a person (ending their conversation first); the counselor freed."""
        _, counselor_id = await self.end(person_id)
        tickets = await self.redis.smembers(keys.person_tickets(person_id))
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.delete(*keys.person_keys(person_id), *(keys.ticket(t) for t in tickets))
            if tickets:
                pipe.zrem(keys.queue(), *tickets)
            pipe.zrem(keys.intake_due(), person_id)
            await pipe.execute()
        return counselor_id

    async def ticket_mark(self, person_id: str) -> int:
        """Where the person's current ticket starts in their transcript (0 if none)."""
        ticket_id = await self.redis.hget(keys.conversation(person_id), "ticket_id")
        mark = await self.redis.hget(keys.ticket(ticket_id), "mark") if ticket_id else None
        return int(mark or 0)

    async def waiting(self) -> int:
        """How many people are waiting."""
        return await self.redis.zcard(keys.queue())
