"""A routing worker process for tests/routing/test_routing_concurrency.py (not a test module).

    python tests/routing/workers.py REDIS_URL SPEC_JSON RESULTS_PATH

SPEC_JSON: {"worker": 0, "seed": 1, "counselors": [[id, [languages], capacity], ...]}. The worker
puts its counselors online, says it is ready (SADD test:ready), then runs one loop per counselor,
all at once, on the shared Redis: take offers (sometimes declining), pull the next person, make
offers for everyone with match(), close conversations with an outcome. It stops when the test sets
test:stop, then writes what it saw to RESULTS_PATH as JSON: every (ticket, counselor) connected and
every close, the highest load seen per counselor, and any capacity violation. Any exception ends
the process with a traceback and a non-zero exit code.
"""

from __future__ import annotations

import asyncio
import json
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

from redis.asyncio import Redis

from routing.conversations import Conversations
from routing.errors import CounselorFull, QueueEmpty, TicketGone
from routing.presence import Presence
from routing.queue import OUTCOMES, Claim, Queue
from routing.scripts import Scripts

READY = "test:ready"
STOP = "test:stop"
RETENTION = 3600


@dataclass(frozen=True)
class Team:
    id: str
    org: str
    languages: tuple[str, ...]
    categories: frozenset[str] = frozenset()
    regions: frozenset[str] = frozenset({"national"})
    capacity: int = 1


@dataclass
class Seen:
    """What this process saw its counselors do."""

    connected: list[tuple[str, str]] = field(default_factory=list)  # (ticket, counselor)
    closed: list[tuple[str, str, str]] = field(default_factory=list)  # (ticket, counselor, outcome)
    max_load: dict[str, int] = field(default_factory=dict)
    violations: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def count(self, name: str, n: int = 1) -> None:
        self.counts[name] = self.counts.get(name, 0) + n

    def load(self, counselor_id: str, holds: int, capacity: int) -> None:
        self.max_load[counselor_id] = max(self.max_load.get(counselor_id, 0), holds)
        if holds > capacity:
            self.violations.append(f"{counselor_id} held {holds} > capacity {capacity}")

    def took(self, claim: Claim, counselor_id: str) -> None:
        self.connected.append((claim.ticket_id, counselor_id))


class Worker:
    def __init__(self, redis: Redis, seen: Seen, seed: int) -> None:
        scripts = Scripts(redis)
        self.redis = redis
        self.queue = Queue(redis, scripts, Conversations(redis, scripts, RETENTION), offer_seconds=30)
        self.presence = Presence(redis, scripts)
        self.seen = seen
        self.seed = seed
        self.stop = asyncio.Event()

    async def watch_stop(self) -> None:
        while not self.stop.is_set():
            await asyncio.sleep(0.02)
            if await self.redis.exists(STOP):
                self.stop.set()

    async def counselor(self, counselor_id: str, capacity: int) -> None:
        rng = random.Random(f"{self.seed}-{counselor_id}")
        while not self.stop.is_set():
            state = await self.presence.get(counselor_id)
            self.seen.load(counselor_id, len(state.holds), capacity)
            if state.connected and rng.random() < 0.4:
                await self.close(counselor_id, rng.choice(state.connected), rng.choice(OUTCOMES))
            elif state.offered:
                await self.answer_offer(counselor_id, state.offered[0], decline=rng.random() < 0.1)
            elif rng.random() < 0.5:  # "take next", pressed whether or not they have room
                await self.pull(counselor_id)
            else:
                self.seen.count("offers", len(await self.queue.match()))
                await asyncio.sleep(rng.uniform(0, 0.004))

    async def close(self, counselor_id: str, ticket_id: str, outcome: str) -> None:
        person_id = (await self.queue.ticket(ticket_id))["person_id"]
        previous, holder = await self.queue.close(person_id, outcome, counselor_id=counselor_id)
        if (previous, holder) != ("connected", counselor_id):
            raise AssertionError(f"{counselor_id} closing {ticket_id} found {previous!r} held by {holder!r}")
        self.seen.closed.append((ticket_id, counselor_id, outcome))

    async def answer_offer(self, counselor_id: str, ticket_id: str, *, decline: bool) -> None:
        if decline:
            self.seen.count("declines", int(await self.queue.decline(counselor_id, ticket_id)))
            return
        try:
            self.seen.took(await self.queue.accept(counselor_id, ticket_id), counselor_id)
            self.seen.count("accepts")
        except TicketGone:
            self.seen.count("gone")

    async def pull(self, counselor_id: str) -> None:
        try:
            self.seen.took(await self.queue.pull(counselor_id), counselor_id)
            self.seen.count("pulls")
        except QueueEmpty:
            self.seen.count("empty")
            await asyncio.sleep(0.003)
        except CounselorFull:
            self.seen.count("full")


async def main(url: str, spec: dict, results: Path) -> None:
    redis = Redis.from_url(url, decode_responses=True, max_connections=64)
    seen = Seen()
    worker = Worker(redis, seen, spec["seed"])
    counselors = [(cid, tuple(langs), capacity) for cid, langs, capacity in spec["counselors"]]
    for cid, langs, capacity in counselors:
        team = Team(id=f"team-{'-'.join(langs)}", org="org", languages=langs, capacity=capacity)
        await worker.presence.go_online(cid, "console", f"console-{cid}", team)
    await redis.sadd(READY, spec["worker"])
    watcher = asyncio.create_task(worker.watch_stop())
    await asyncio.gather(*(worker.counselor(cid, capacity) for cid, _, capacity in counselors))
    await watcher
    for cid, _, _ in counselors:
        seen.count("offers_left_at_offline", len(await worker.presence.go_offline(cid)))
    await redis.aclose()
    report = {
        "connected": seen.connected,
        "closed": seen.closed,
        "max_load": seen.max_load,
        "violations": seen.violations,
        "counts": seen.counts,
    }
    results.write_text(json.dumps(report))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], json.loads(sys.argv[2]), Path(sys.argv[3])))
