"""Intake inactivity timers in Redis: when to remind a silent person, and when to close kindly.

One sorted set holds every person in the intake, scored by when their timer fires; any process may
sweep it, and `pop_due` hands each due person to exactly one of them.
"""

from __future__ import annotations

import time

from redis.asyncio import Redis

from routing import keys
from routing.scripts import Scripts

SWEEP_BATCH = 100


class IntakeTimers:
    """Set, clear and take due inactivity timers."""

    def __init__(self, redis: Redis, scripts: Scripts) -> None:
        self.redis = redis
        self.scripts = scripts

    async def set(self, person_id: str, at: float) -> None:
        """Fire the person's timer at `at` (replacing any earlier one)."""
        await self.redis.zadd(keys.intake_due(), {person_id: at})

    async def clear(self, person_id: str) -> None:
        """The person left the intake: no reminder, no expiry."""
        await self.redis.zrem(keys.intake_due(), person_id)

    async def due_at(self, person_id: str) -> float | None:
        """When the person's timer fires next (None when none is set)."""
        return await self.redis.zscore(keys.intake_due(), person_id)

    async def take_due(self, now: float | None = None) -> list[str]:
        """The persons whose timer has fired, each given to one caller only."""
        due = await self.scripts.pop_due(
            keys=[keys.intake_due()], args=[repr(now if now is not None else time.time()), SWEEP_BATCH]
        )
        return list(due)
