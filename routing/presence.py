"""Counselors' presence: online or offline, where they are reached, whom they are talking with."""

from __future__ import annotations

import time
from dataclasses import dataclass

from redis.asyncio import Redis

from routing import keys
from routing.errors import CounselorBusy
from routing.scripts import Scripts


@dataclass
class CounselorState:
    """What Redis knows of a counselor right now."""

    counselor_id: str
    online: bool
    channel: str
    address: str
    person_id: str


class Presence:
    """Go online or offline, and look counselors up."""

    def __init__(self, redis: Redis, scripts: Scripts) -> None:
        self.redis = redis
        self.scripts = scripts

    async def go_online(self, counselor_id: str, channel: str, address: str) -> None:
        """Online, reachable at (channel, address) from now on."""
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(
                keys.counselor(counselor_id),
                mapping={
                    "status": "online",
                    "channel": channel,
                    "address": address,
                    "seen_at": repr(time.time()),
                },
            )
            pipe.sadd(keys.counselors_online(), counselor_id)
            await pipe.execute()

    async def go_offline(self, counselor_id: str) -> None:
        """Offline; CounselorBusy while they hold a conversation."""
        result = await self.scripts.go_offline(
            keys=[keys.counselor(counselor_id), keys.counselors_online()], args=[counselor_id]
        )
        if result == "busy":
            raise CounselorBusy(counselor_id)

    async def get(self, counselor_id: str) -> CounselorState:
        return self._state(counselor_id, await self.redis.hgetall(keys.counselor(counselor_id)))

    @staticmethod
    def _state(counselor_id: str, fields: dict[str, str]) -> CounselorState:
        return CounselorState(
            counselor_id=counselor_id,
            online=fields.get("status") == "online",
            channel=fields.get("channel", ""),
            address=fields.get("address", ""),
            person_id=fields.get("person_id", ""),
        )

    async def set_address(self, counselor_id: str, channel: str, address: str) -> None:
        """Where to reach a counselor (the last channel they used)."""
        await self.redis.hset(
            keys.counselor(counselor_id), mapping={"channel": channel, "address": address}
        )

    async def idle_online(self) -> list[CounselorState]:
        """Online counselors who are not in a conversation."""
        ids = sorted(await self.redis.smembers(keys.counselors_online()))
        async with self.redis.pipeline(transaction=False) as pipe:
            for counselor_id in ids:
                pipe.hgetall(keys.counselor(counselor_id))
            found = await pipe.execute()
        states = [self._state(counselor_id, fields) for counselor_id, fields in zip(ids, found, strict=True)]
        return [state for state in states if state.online and not state.person_id]
