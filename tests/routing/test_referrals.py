"""Referral records: counted by source, service, concern and prefecture; nothing about the person."""

from __future__ import annotations

import pytest
from redis.asyncio import Redis

from routing import keys
from routing.referrals import ReferralCount, Referrals


async def test_each_service_shown_is_counted_under_the_first_concern_and_the_prefecture(redis: Redis) -> None:
    referrals = Referrals(redis)

    await referrals.record("intake", ["yorisoi_hotline", "sample_tokyo"], ["loneliness", "money"], "13")
    await referrals.record("counselor", ["yorisoi_hotline"], ["loneliness"], "13")
    await referrals.record("intake", ["yorisoi_hotline"], ["loneliness"], "13")
    await referrals.record("fallback", ["yorisoi_hotline"], [], "")

    assert await referrals.counts() == [
        ReferralCount("intake", "yorisoi_hotline", "loneliness", "13", 2),
        ReferralCount("counselor", "yorisoi_hotline", "loneliness", "13", 1),
        ReferralCount("fallback", "yorisoi_hotline", "none", "-", 1),
        ReferralCount("intake", "sample_tokyo", "loneliness", "13", 1),
    ]
    assert await redis.hget(keys.metrics(), "referrals:intake") == "3"


async def test_an_unknown_source_is_refused(redis: Redis) -> None:
    with pytest.raises(ValueError, match="source must be one of"):
        await Referrals(redis).record("somewhere", ["yorisoi_hotline"], [], "")
