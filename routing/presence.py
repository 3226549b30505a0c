"""Counselors' presence: online, paused or offline; where they are reached; heartbeats.

A counselor is online with their team's profile (languages, skills, capacity). Any sign of life
(a Telegram message, a console connection's ping) is a heartbeat; one silent past the timeout is
reaped by `Queue.vanish`, which gives their people back to the line.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Protocol

from redis.asyncio import Redis

from routing import keys
from routing.errors import CounselorBusy
from routing.scripts import Scripts


class TeamProfile(Protocol):
    """What routing needs of a team (routing.organizations.Team provides it)."""

    id: str
    org: str
    languages: tuple[str, ...]
    categories: frozenset[str]
    regions: frozenset[str]
    capacity: int


@dataclass
class CounselorState:
    """What Redis knows of a counselor right now."""

    counselor_id: str
    online: bool
    status: str  # online | paused | offline
    channel: str
    address: str
    person_id: str  # the conversation their words go to ('' when none)
    ticket_id: str
    team: str
    holds: dict[str, str]  # ticket id -> 'offered' | 'connected'

    @property
    def connected(self) -> list[str]:
        return [ticket for ticket, kind in self.holds.items() if kind == "connected"]

    @property
    def offered(self) -> list[str]:
        return [ticket for ticket, kind in self.holds.items() if kind == "offered"]


class Presence:
    """Go online or offline, heartbeat, and look counselors up."""

    def __init__(self, redis: Redis, scripts: Scripts, all_categories: frozenset[str] = frozenset()) -> None:
        self.redis = redis
        self.scripts = scripts
        self.all_categories = all_categories

    async def go_online(self, counselor_id: str, channel: str, address: str, team: TeamProfile) -> None:
        """Online (or back from a pause) with the team's profile, reachable at (channel, address)."""
        every = team.categories >= self.all_categories if self.all_categories else False
        await self.scripts.go_online(
            args=[
                repr(time.time()),
                0,
                counselor_id,
                channel,
                address,
                team.org,
                team.id,
                listed(team.languages),
                ",*," if every else listed(sorted(team.categories)),
                listed(sorted(team.regions)),
                team.capacity,
            ]  # fmt: skip
        )

    async def go_offline(self, counselor_id: str) -> list[str]:
        """Offline, giving back any offers (their ids); CounselorBusy while in a conversation."""
        result = await self.scripts.go_offline(args=[repr(time.time()), 0, counselor_id])
        if result[0] == "busy":
            raise CounselorBusy(counselor_id)
        return list(result[1:])

    async def heartbeat(self, counselor_id: str, now: float | None = None) -> bool:
        """A sign of life from a counselor who is online; False when they are not online."""
        now = time.time() if now is None else now
        changed = await self.redis.zadd(keys.presence(), {counselor_id: now}, xx=True, ch=True)
        if changed:
            async with self.redis.pipeline(transaction=False) as pipe:
                pipe.hset(keys.counselor(counselor_id), "seen_at", repr(now))
                pipe.hdel(keys.counselor(counselor_id), "warned")
                await pipe.execute()
        return bool(changed) or await self.redis.zscore(keys.presence(), counselor_id) is not None

    async def warn_once(self, counselor_id: str) -> bool:
        """True the first time a silent counselor is asked "still there?" (until they answer)."""
        return bool(await self.redis.hsetnx(keys.counselor(counselor_id), "warned", "1"))

    async def silent_since(self, cutoff: float) -> list[str]:
        """Online counselors with no heartbeat after `cutoff`."""
        return list(await self.redis.zrangebyscore(keys.presence(), "-inf", cutoff, start=0, num=100))

    async def get(self, counselor_id: str) -> CounselorState:
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.hgetall(keys.counselor(counselor_id))
            pipe.hgetall(keys.counselor_holds(counselor_id))
            fields, holds = await pipe.execute()
        status = fields.get("status", "offline")
        return CounselorState(
            counselor_id=counselor_id,
            online=status in ("online", "paused"),
            status=status,
            channel=fields.get("channel", ""),
            address=fields.get("address", ""),
            person_id=fields.get("person_id", ""),
            ticket_id=fields.get("ticket_id", ""),
            team=fields.get("team", ""),
            holds=holds,
        )

    async def set_address(self, counselor_id: str, channel: str, address: str) -> None:
        """Where to reach a counselor (the last channel they used)."""
        await self.redis.hset(keys.counselor(counselor_id), mapping={"channel": channel, "address": address})

    async def switch(self, counselor_id: str, ticket_id: str, person_id: str) -> None:
        """Which of their conversations a counselor's words go to."""
        await self.redis.hset(
            keys.counselor(counselor_id), mapping={"ticket_id": ticket_id, "person_id": person_id}
        )

    async def online_in(self, team_ids: list[str]) -> dict[str, int]:
        """How many counselors are online in each team."""
        async with self.redis.pipeline(transaction=False) as pipe:
            for team_id in team_ids:
                pipe.scard(keys.team_online(team_id))
            counts = await pipe.execute()
        return dict(zip(team_ids, counts, strict=True))


def listed(items: tuple[str, ...] | list[str]) -> str:
    """A list as the Lua scripts store it: ',a,b,' (membership is one plain find)."""
    return "," + "".join(f"{item}," for item in items)
