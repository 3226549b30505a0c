"""Conversations and their transcripts in Redis: what state a person is in, and what was said."""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from typing import Literal

from redis.asyncio import Redis

from routing import keys
from routing.scripts import Scripts

Role = Literal["person", "bot", "counselor", "system"]

# Conversation states outside the intake (the intake's own states come from flows/).
QUEUED = "queued"
CONNECTED = "connected"
CLOSED = "closed"

MAX_REASONS = 12  # the newest triage reasons kept (the summary shows 8): keeps the hash compact


@dataclass
class Entry:
    """One line of a transcript, as the person saw it (options are [id, label] pairs)."""

    role: Role
    text: str
    options: list[list[str]] = field(default_factory=list)
    at: float = field(default_factory=time.time)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, raw: str) -> Entry:
        return cls(**json.loads(raw))


@dataclass
class Conversation:
    """A person's current conversation. `address` is how their channel reaches them."""

    person_id: str
    channel: str
    address: str
    state: str
    lang: str
    answers: dict[str, str] = field(default_factory=dict)
    ticket_id: str = ""
    counselor_id: str = ""
    queued_at: float = 0.0
    # Triage so far (flows/triage): never lowered by the system. Reasons as Reason.to_json() dicts.
    risk: str = "low"
    categories: list[str] = field(default_factory=list)
    reasons: list[dict] = field(default_factory=list)
    reminded_at: float = 0.0  # when the inactivity reminder was sent (0: not since the last message)

    def to_hash(self) -> dict[str, str]:
        fields = asdict(self)
        fields.update(self.triage_hash())
        fields["answers"] = json.dumps(self.answers, ensure_ascii=False)
        fields["queued_at"] = repr(self.queued_at)
        fields["reminded_at"] = repr(self.reminded_at)
        return fields

    def triage_hash(self) -> dict[str, str]:
        """The triage fields as stored (also written alone when risk rises while waiting)."""
        return {
            "risk": self.risk,
            "categories": json.dumps(self.categories),
            "reasons": json.dumps(self.reasons[-MAX_REASONS:], ensure_ascii=False),
        }

    @classmethod
    def from_hash(cls, fields: dict[str, str]) -> Conversation:
        return cls(
            person_id=fields["person_id"],
            channel=fields["channel"],
            address=fields["address"],
            state=fields["state"],
            lang=fields["lang"],
            answers=json.loads(fields.get("answers") or "{}"),
            ticket_id=fields.get("ticket_id", ""),
            counselor_id=fields.get("counselor_id", ""),
            queued_at=float(fields.get("queued_at") or 0),
            risk=fields.get("risk") or "low",
            categories=json.loads(fields.get("categories") or "[]"),
            reasons=json.loads(fields.get("reasons") or "[]"),
            reminded_at=float(fields.get("reminded_at") or 0),
        )


class Conversations:
    """Read and write conversations; every write renews the retention period."""

    def __init__(self, redis: Redis, scripts: Scripts, retention_seconds: int) -> None:
        self.redis = redis
        self.scripts = scripts
        self.retention = retention_seconds

    async def get(self, person_id: str) -> Conversation | None:
        fields = await self.redis.hgetall(keys.conversation(person_id))
        return Conversation.from_hash(fields) if fields else None

    async def save(self, conversation: Conversation, entries: list[Entry]) -> None:
        """Store the conversation and append transcript entries in one transaction."""
        async with self.redis.pipeline(transaction=True) as pipe:
            self.stage_save(pipe, conversation, entries)
            await pipe.execute()

    def stage_save(self, pipe: Redis, conversation: Conversation, entries: list[Entry]) -> None:
        """Add the writes of `save` to a transaction another store is building (see Queue)."""
        conv_key = keys.conversation(conversation.person_id)
        if conversation.state != QUEUED:
            pipe.hdel(conv_key, "waiting_acked")
        pipe.hset(conv_key, mapping=conversation.to_hash())
        pipe.expire(conv_key, self.retention)
        self._stage_append(pipe, conversation.person_id, entries)

    def _stage_append(self, pipe: Redis, person_id: str, entries: list[Entry]) -> None:
        """Append entries; activity renews the retention of the transcript and the conversation."""
        if entries:
            transcript_key = keys.transcript(person_id)
            pipe.rpush(transcript_key, *(entry.to_json() for entry in entries))
            pipe.expire(transcript_key, self.retention)
            pipe.expire(keys.conversation(person_id), self.retention)

    async def append(self, person_id: str, entries: list[Entry], counselor_id: str = "") -> bool:
        """Keep what the bot (or `counselor_id`) said to the person; False, keeping nothing, when
        the conversation is gone (or, for a counselor, no longer theirs): never re-create it."""
        if not entries:
            return True
        kept = await self.scripts.append(
            keys=[keys.conversation(person_id), keys.transcript(person_id)],
            args=[self.retention, counselor_id, *(entry.to_json() for entry in entries)],
        )
        return bool(kept)

    async def record_person(self, person_id: str, entry: Entry) -> tuple[str, str]:
        """Keep a waiting or connected person's message; (state, counselor_id) at that instant."""
        state, counselor_id = await self.scripts.record_person(
            keys=[keys.conversation(person_id), keys.transcript(person_id)],
            args=[entry.to_json(), self.retention],
        )
        return state, counselor_id

    async def save_triage(self, conversation: Conversation) -> None:
        """Store a risk that rose outside the intake (waiting or connected)."""
        await self.redis.hset(keys.conversation(conversation.person_id), mapping=conversation.triage_hash())

    async def acknowledge_waiting(self, person_id: str) -> bool:
        """True the first time a waiting person writes: "kept for the counselor" is said once."""
        return bool(await self.redis.hsetnx(keys.conversation(person_id), "waiting_acked", "1"))

    async def transcript(self, person_id: str, start: int = 0) -> list[Entry]:
        raw = await self.redis.lrange(keys.transcript(person_id), start, -1)
        return [Entry.from_json(item) for item in raw]
