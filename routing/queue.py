"""The waiting queue: tickets first come first served, claimed atomically by one counselor."""

from __future__ import annotations

import time
from dataclasses import dataclass

from redis.asyncio import Redis

from routing import keys
from routing.conversations import QUEUED, Conversation, Conversations, Entry
from routing.errors import CounselorBusy, CounselorOffline, QueueEmpty
from routing.scripts import Scripts


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
        }
        async with self.redis.pipeline(transaction=True) as pipe:
            self.conversations.stage_save(pipe, conversation, entries)
            pipe.hset(keys.ticket(ticket_id), mapping=ticket)
            pipe.expire(keys.ticket(ticket_id), self.conversations.retention)
            pipe.zadd(keys.queue(), {ticket_id: sequence})
            await pipe.execute()
        return ticket_id

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

    async def ticket_mark(self, person_id: str) -> int:
        """Where the person's current ticket starts in their transcript (0 if none)."""
        ticket_id = await self.redis.hget(keys.conversation(person_id), "ticket_id")
        mark = await self.redis.hget(keys.ticket(ticket_id), "mark") if ticket_id else None
        return int(mark or 0)

    async def waiting(self) -> int:
        """How many people are waiting."""
        return await self.redis.zcard(keys.queue())
