"""Referral records for evaluation: which service, for which concern, where; never who.

Every time a person is shown a service (the intake's "information", the fallback when nobody can
take them, a counselor's "send a referral"), one count goes up for (source, service, category,
prefecture). Aggregates only: no person id, no time of day, nothing to re-identify anyone by.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from redis.asyncio import Redis

from routing import keys

SOURCES = ("intake", "fallback", "counselor")


@dataclass(frozen=True)
class ReferralCount:
    """How many times a service was offered from one source, for one concern and place."""

    source: str
    service_id: str
    category: str
    prefecture: str
    count: int


class Referrals:
    """Count referrals; read the counts back for statistics."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    async def record(
        self, source: str, service_ids: Sequence[str], categories: Sequence[str], prefecture: str
    ) -> None:
        """One referral per service shown, under the person's first concern ('none' without one)."""
        if source not in SOURCES:
            raise ValueError(f"source must be one of {', '.join(SOURCES)}")
        category = categories[0] if categories else "none"
        async with self.redis.pipeline(transaction=False) as pipe:
            for service_id in service_ids:
                pipe.hincrby(keys.referrals(), f"{source}|{service_id}|{category}|{prefecture or '-'}", 1)
                pipe.hincrby(keys.metrics(), f"referrals:{source}", 1)
            await pipe.execute()

    async def counts(self) -> list[ReferralCount]:
        """Every count, largest first."""
        raw = await self.redis.hgetall(keys.referrals())
        counts = [ReferralCount(*name.split("|"), int(value)) for name, value in raw.items()]
        return sorted(counts, key=lambda c: (-c.count, c.source, c.service_id, c.category, c.prefecture))
