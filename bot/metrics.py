"""/metrics in the Prometheus text format: queue health read from Redis at scrape time, so any
worker reports the truth, and counters kept in Redis by the routing scripts. Aggregates only: no
person-level label, ever. Every label set is present from start-up (zero until something happens),
so a dashboard or an alert never has to guess whether a missing series means zero."""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence

from redis.asyncio import Redis

from routing import keys
from routing.queue import OUTCOMES, RISK_BANDS, score
from routing.referrals import SOURCES
from routing.scripts import BAND_WIDTH

# Every routing event the Lua scripts and the queue count (routing/lua/*.lua, routing/queue.py).
EVENT_TYPES = (
    "queued", "offered", "accepted", "declined", "offer_expired", "dropped", "raised", "transferred",
    "closed", "counselor_online", "counselor_offline", "counselor_vanished",
)  # fmt: skip

Sample = tuple[str, float]


def _band_range(band: int) -> tuple[float, str]:
    """The queue scores of one risk band, front insertions included (routing/queue.py score)."""
    low = score(RISK_BANDS[band], 0, front=True)
    return low, f"({low + BAND_WIDTH}"


async def render(redis: Redis, languages: Sequence[str]) -> str:
    """The whole /metrics page."""
    async with redis.pipeline(transaction=False) as pipe:
        for lang in languages:
            for band in range(len(RISK_BANDS)):
                low, high = _band_range(band)
                pipe.zcount(keys.queue(lang), low, high)
                pipe.zrangebyscore(keys.queue(lang), low, high, start=0, num=1)
            pipe.zcard(keys.available(lang))
        pipe.smembers(keys.counselors_online())
        pipe.zcard(keys.offers())
        pipe.hgetall(keys.metrics())
        *per_lang, online, offers, counters = await pipe.execute()
    width = 2 * len(RISK_BANDS) + 1
    rows = [per_lang[index * width : (index + 1) * width] for index in range(len(languages))]
    firsts = [row[2 * band + 1] for row in rows for band in range(len(RISK_BANDS))]
    heads = [first[0] if first else None for first in firsts]
    ordered_online = sorted(online)
    async with redis.pipeline(transaction=False) as pipe:
        for ticket_id in heads:
            if ticket_id is not None:
                pipe.hget(keys.ticket(ticket_id), "created_at")
        for counselor_id in ordered_online:
            pipe.hvals(keys.counselor_holds(counselor_id))
        answers = await pipe.execute()
    created = iter(answers[: sum(head is not None for head in heads)])
    holds = answers[len(answers) - len(ordered_online) :]
    now = time.time()
    waiting: list[Sample] = []
    oldest: list[Sample] = []
    for lang, row in zip(languages, rows, strict=True):
        for band, risk in enumerate(RISK_BANDS):
            labels = f'lang="{lang}",risk="{risk}"'
            waiting.append((labels, row[2 * band]))
            at = next(created) if row[2 * band + 1] else None
            oldest.append((labels, round(max(0.0, now - float(at)), 3) if at else 0))
    states = [state for held in holds for state in held]
    families = [
        ("queue_waiting", "gauge", "People waiting for a counselor, by language and risk band.", waiting),
        ("queue_oldest_wait_seconds", "gauge",
         "How long the person who has waited longest in each line and band has waited (0: nobody).", oldest),
        ("offers_in_flight", "gauge", "Offers made to a counselor and not yet answered.", [("", offers)]),
        ("conversations_active", "gauge", "Conversations connected to a counselor now.",
         [("", states.count("connected"))]),
        ("counselors_online", "gauge", "Counselors online (including paused).", [("", len(online))]),
        ("counselors_available", "gauge", "Counselors who can be offered a person now, by language.",
         [(f'lang="{lang}"', row[-1]) for lang, row in zip(languages, rows, strict=True)]),
        ("routing_events_total", "counter", "Routing events by type.",
         _counted(counters, "events:", "type", EVENT_TYPES)),
        ("closed_total", "counter", "Conversations closed, by outcome.",
         _counted(counters, "outcome:", "outcome", OUTCOMES)),
        ("fallback_total", "counter", "People told at once that nobody can serve them now.",
         [("", int(counters.get("fallback:shown", 0)))]),
        ("referrals_total", "counter", "Services shown or sent to people, by source.",
         _counted(counters, "referrals:", "source", SOURCES)),
    ]  # fmt: skip
    return _text(families)


def _counted(counters: dict[str, str], prefix: str, label: str, known: Iterable[str]) -> list[Sample]:
    """A counter for every known label value (0 until it happens), then any other value counted."""
    values = {name: 0 for name in known}
    for name, value in counters.items():
        if name.startswith(prefix):
            values[name.removeprefix(prefix)] = int(value)
    return [(f'{label}="{name}"', value) for name, value in values.items()]


def _text(families: list[tuple[str, str, str, list[Sample]]]) -> str:
    lines = []
    for name, kind, help_text, samples in families:
        lines += [f"# HELP tsunagari_{name} {help_text}", f"# TYPE tsunagari_{name} {kind}"]
        lines += [f"tsunagari_{name}{{{labels}}} {value}" if labels else f"tsunagari_{name} {value}"
                  for labels, value in samples]  # fmt: skip
    return "\n".join(lines) + "\n"
