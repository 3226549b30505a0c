"""Two worker processes, 50 counselors, 1,000 persons on one Redis: each ticket assigned exactly once,
none lost, every one closed, capacity never exceeded.

The worker processes (tests/routing/workers.py) run 25 counselors each, all at once: they match
(so offers race between processes), accept or now and then decline, pull, and close with outcomes,
while this process enqueues the persons.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

from redis.asyncio import Redis

from routing import keys
from routing.conversations import Entry
from routing.queue import RISK_BANDS

from .conftest import Routing, person

WORKER_SCRIPT = Path(__file__).with_name("workers.py")
ROOT = Path(__file__).resolve().parents[2]
READY, STOP = "test:ready", "test:stop"  # as in workers.py
PERSONS = 1000
LANGUAGE_SETS = (["ja"], ["en"], ["ja", "en"])
# 50 counselors: ja, en and bilingual teams in turn, capacity 1 or 2; 25 in each process.
COUNSELORS = [(f"c{i:02d}", LANGUAGE_SETS[i % 3], 1 + (i // 3) % 2) for i in range(50)]
CAPACITY = {cid: capacity for cid, _, capacity in COUNSELORS}


@dataclass
class WorkerProcess:
    index: int
    process: asyncio.subprocess.Process
    results: Path
    stderr: Path
    exited: asyncio.Task = field(init=False)

    def __post_init__(self) -> None:
        self.exited = asyncio.create_task(self.process.wait())

    def failure(self) -> str:
        err = self.stderr.read_text(errors="replace")[-6000:]
        return f"worker {self.index} exited with code {self.process.returncode}; its stderr:\n{err}"

    def check_alive(self) -> None:
        if self.exited.done():
            raise AssertionError(self.failure())

    async def finish(self, timeout: float) -> dict:
        try:
            await asyncio.wait_for(asyncio.shield(self.exited), timeout)
        except TimeoutError:
            raise AssertionError(f"worker {self.index} did not stop within {timeout} s") from None
        assert self.process.returncode == 0, self.failure()
        return json.loads(self.results.read_text())

    async def kill(self) -> None:
        if not self.exited.done():
            self.process.kill()
            await self.exited


async def start_worker(redis_url: str, index: int, counselors: list, tmp_path: Path) -> WorkerProcess:
    spec = json.dumps({"worker": index, "seed": index, "counselors": counselors})
    results, stderr = tmp_path / f"worker{index}.json", tmp_path / f"worker{index}.err"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    with stderr.open("wb") as err:
        process = await asyncio.create_subprocess_exec(
            sys.executable, str(WORKER_SCRIPT), redis_url, spec, str(results),
            stdout=err, stderr=err, env=env, cwd=ROOT,
        )  # fmt: skip
    return WorkerProcess(index, process, results, stderr)


async def until(
    condition: Callable[[], Awaitable[bool]],
    workers: list[WorkerProcess],
    timeout: float,
    what: str,
    state: Callable[[], Awaitable[str]],
) -> None:
    """Wait for the condition, failing at once (with the worker's stderr) if a worker dies."""
    deadline = time.monotonic() + timeout
    while not await condition():
        for worker in workers:
            worker.check_alive()
        if time.monotonic() > deadline:
            raise AssertionError(f"not {what} within {timeout} s: {await state()}")
        await asyncio.sleep(0.02)


async def sample_loads(redis: Redis, violations: list[str]) -> None:
    """From outside the workers too: nobody ever holds more than their capacity."""
    while True:
        async with redis.pipeline(transaction=False) as pipe:
            for cid, _, _ in COUNSELORS:
                pipe.hlen(keys.counselor_holds(cid))
            loads = await pipe.execute()
        for (cid, _, capacity), load in zip(COUNSELORS, loads, strict=True):
            if load > capacity:
                violations.append(f"{cid} held {load} > capacity {capacity}")
        await asyncio.sleep(0.01)


async def ticket_statuses(redis: Redis, tickets: list[str]) -> list[dict[str, str]]:
    async with redis.pipeline(transaction=False) as pipe:
        for tid in tickets:
            pipe.hgetall(keys.ticket(tid))
        return await pipe.execute()


async def test_two_worker_processes_connect_each_of_1000_tickets_exactly_once_and_lose_none(
    routing: Routing, redis: Redis, redis_url: str, tmp_path: Path
) -> None:
    started = time.monotonic()
    workers = [
        await start_worker(redis_url, 0, COUNSELORS[:25], tmp_path),
        await start_worker(redis_url, 1, COUNSELORS[25:], tmp_path),
    ]
    violations: list[str] = []
    sampler = asyncio.create_task(sample_loads(redis, violations))
    tickets: list[str] = []

    async def closed_count() -> int:
        return int(await redis.hget(keys.metrics(), "events:closed") or 0)

    async def state() -> str:
        statuses = Counter(t.get("status") for t in await ticket_statuses(redis, tickets))
        waiting = await routing.queue.waiting()
        return (
            f"{len(tickets)} enqueued, {await closed_count()} closed, {waiting} waiting, statuses {statuses}"
        )

    async def both_ready() -> bool:
        return await redis.scard(READY) == 2

    async def all_closed() -> bool:
        return await closed_count() >= PERSONS

    try:
        await until(both_ready, workers, 20, "both workers online", state)
        rng = random.Random(2024)
        languages = ("ja", "ja", "en")
        arrivals = [
            person(f"p{i:04d}", rng.choice(languages), rng.choice(RISK_BANDS)) for i in range(PERSONS)
        ]
        for start in range(0, PERSONS, 25):  # arrivals in bursts, so that people wait and counselors race
            batch = arrivals[start : start + 25]
            tickets += await asyncio.gather(
                *(routing.queue.enqueue(c, [Entry("person", "hi")]) for c in batch)
            )
            for worker in workers:
                worker.check_alive()
        await until(all_closed, workers, 25, "every ticket closed", state)
        await redis.set(STOP, "1")
        reports = [await worker.finish(timeout=10) for worker in workers]
    finally:
        sampler.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await sampler
        for worker in workers:
            await worker.kill()

    connected = [(tid, cid) for report in reports for tid, cid in report["connected"]]
    by_ticket = Counter(tid for tid, _ in connected)
    twice = {tid: [cid for t, cid in connected if t == tid] for tid, n in by_ticket.items() if n > 1}
    assert not twice, f"{len(twice)} tickets connected more than once, e.g. {list(twice.items())[:5]}"
    missing = sorted(set(tickets) - set(by_ticket))
    assert not missing, f"{len(missing)} tickets never connected, e.g. {missing[:10]}"
    assert set(by_ticket) == set(tickets)

    closes = [(tid, cid, outcome) for report in reports for tid, cid, outcome in report["closed"]]
    assert sorted(tid for tid, _, _ in closes) == sorted(tickets), "every ticket closed exactly once"
    holder, outcome_of = dict(connected), {tid: outcome for tid, _, outcome in closes}
    for tid, ticket in zip(tickets, await ticket_statuses(redis, tickets), strict=True):
        assert ticket["status"] == "closed", f"{tid}: {ticket}"
        assert (ticket["counselor_id"], ticket["outcome"]) == (holder[tid], outcome_of[tid]), (
            f"{tid}: {ticket}"
        )
    assert all(holder[tid] == cid for tid, cid, _ in closes), "closed by the counselor who had it"
    metrics = await redis.hgetall(keys.metrics())
    assert int(metrics["events:accepted"]) == int(metrics["events:closed"]) == PERSONS  # Redis agrees

    assert await routing.queue.waiting() == 0 and await redis.zcard(keys.offers()) == 0
    loads = {cid: await redis.hlen(keys.counselor_holds(cid)) for cid, _, _ in COUNSELORS}
    assert not any(loads.values()), f"holds left: { {c: n for c, n in loads.items() if n} }"
    violations += [v for report in reports for v in report["violations"]]
    assert not violations, f"capacity exceeded: {violations[:10]}"
    assert all(report["max_load"][cid] <= CAPACITY[cid] for report in reports for cid in report["max_load"])

    for report in reports:  # both processes really took part, through offers and pulls alike
        counts = report["counts"]
        assert counts.get("offers", 0) > 0 and counts.get("accepts", 0) > 0 and counts.get("pulls", 0) > 0, (
            counts
        )
        assert counts.get("offers_left_at_offline", 0) == 0, counts
    assert sum(report["counts"].get("declines", 0) for report in reports) > 0
    assert time.monotonic() - started < 30, f"took {time.monotonic() - started:.1f} s"
