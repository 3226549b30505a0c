"""Routing benchmark (not a test): offer and claim latency by queue depth, Redis memory per ticket.

Run: `make bench` (or `.venv/bin/python bench/routing_bench.py [--cycles 2000] [--tickets 100000]`).
It starts two embedded Redis servers (bot.redis_server.EmbeddedRedis, as the service and the tests
do) in a temporary directory, prints Markdown tables and writes bench/results/routing.json.

Latency of one language's line at depth 10,000 and 1,000,000, each against depth 100:
- the deep server's line is filled to depth N (after a FLUSHALL) by a bulk loader that clones, N
  times, the keys one real `Queue.enqueue` wrote for a realistic Japanese conversation
  (conversation hash, ticket hash, person-tickets set, line entry, the same TTLs), only ids,
  sequence and score changed. It is a Lua script run in chunks: enqueueing a million people
  through the client would take many minutes. The clone's fields, encodings and TTLs are checked
  against a real enqueue before timing. The intake transcript is left out at every depth (a
  counselor who takes the person reads it from the ticket's mark on, i.e. none of it), so that a
  million tickets fit in ~3 GB; the other server's line stays at depth 100;
- on each server one counselor (capacity 1) runs cycles of: one real enqueue at the back (the
  depth stays N), `match()` + `accept()` of the head ("offer": what an offer costs), close; then
  cycles of: one enqueue, `pull()` ("claim", take next), close. Only the offer and the claim are
  the figures (enqueue and close are timed too, for completeness). The cycles alternate between
  the two servers, so that a busy moment of a shared machine falls on both depths alike: the
  ratio depth N / depth 100 is measured in the same run, pair by pair;
- a PING round trip, measured the same way, is the least any Redis call costs on this machine.
Target: offer and claim p50 at depth 1,000,000 at most 2× those at depth 100 (the line is a sorted
set: its head is O(log N) away).

Memory: INFO used_memory before and after 100,000 real `Queue.enqueue` calls (no loader) on an
empty Redis, per ticket: the routing state alone (ticket hash, line entry, person-tickets set,
conversation hash), then the same with a short intake transcript (7 entries). Target: routing
state at most 2 KiB per ticket. Key encodings and MEMORY USAGE per key are reported. (The
embedded Redis raises `hash-max-ziplist-value` so that the conversation hash, whose JSON values
pass the 64-byte default, stays a compact ziplist; person-tickets holds arrival numbers, an
intset.)

The embedded Redis normally keeps an append-only file; it is switched off here (the AOF costs the
same per write at every depth, and a rewrite of a million tickets mid-run would only add noise).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from redis.asyncio import Redis  # noqa: E402 (after the path is set)

from bot.redis_server import EmbeddedRedis  # noqa: E402
from flows.intake import IntakeFlow  # noqa: E402
from flows.messages import Inbound  # noqa: E402
from locales import Catalog  # noqa: E402
from routing import keys  # noqa: E402
from routing.conversations import Conversation, Conversations, Entry  # noqa: E402
from routing.presence import Presence  # noqa: E402
from routing.queue import Preferences, Queue, score  # noqa: E402
from routing.scripts import Scripts  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "routing.json"
DEPTHS = (10_000, 1_000_000)  # each measured alongside a line of SHALLOW
SHALLOW = 100
RETENTION = 30 * 86400  # the default retention_days (bot/settings.py)
LANG = "ja"
COUNSELOR = "c-bench"
CHUNK = 5_000  # tickets per loader call (about 0.1 s of Lua: well under lua-time-limit)
TARGET_RATIO = 2.0
TARGET_BYTES = 2048
CONCERN = (
    "仕事をやめてから誰とも話していなくて、夜になるとさびしくてたまらないです。お金のことも不安で眠れません"
)


@dataclass(frozen=True)
class BenchTeam:
    """The one team of the benchmark (the fields routing reads of routing.organizations.Team)."""

    id: str = "bench/ja"
    org: str = "bench"
    languages: tuple[str, ...] = (LANG,)
    categories: frozenset[str] = frozenset({"loneliness", "mental_health", "money", "work"})
    regions: frozenset[str] = frozenset({"national"})
    capacity: int = 1


# Clones the keys of one real enqueue. ARGV[1] JSON template: conv and ticket as flat [field, value]
# lists where the values "\0pid", "\0tid", "\0seq", "\0score", "\0addr" are replaced per ticket,
# retention, base (the score of sequence 0), lang; ARGV[2] the first sequence, ARGV[3] how many.
# The same writes as Queue.enqueue without an intake transcript (its PUBLISH has no subscriber).
LOADER = r"""
local t = cjson.decode(ARGV[1])
local first, count = tonumber(ARGV[2]), tonumber(ARGV[3])
local P = 'tsunagari:'
local function fill(template, vars)
  local out = {}
  for i, v in ipairs(template) do out[i] = vars[v] or v end
  return out
end
for seq = first, first + count - 1 do
  local vars = {}
  vars['\0seq'] = string.format('%d', seq)
  vars['\0tid'] = 't' .. vars['\0seq']
  vars['\0pid'] = string.format('%032x', seq)
  vars['\0addr'] = string.format('%d', 5000000000 + seq)
  vars['\0score'] = string.format('%.0f', t.base + seq)
  local pid, tid = vars['\0pid'], vars['\0tid']
  redis.call('HSET', P .. 'conv:' .. pid, unpack(fill(t.conv, vars)))
  redis.call('EXPIRE', P .. 'conv:' .. pid, t.retention)
  redis.call('HSET', P .. 'ticket:' .. tid, unpack(fill(t.ticket, vars)))
  redis.call('EXPIRE', P .. 'ticket:' .. tid, t.retention)
  redis.call('SADD', P .. 'person-tickets:' .. pid, vars['\0seq'])
  redis.call('EXPIRE', P .. 'person-tickets:' .. pid, t.retention)
  redis.call('ZADD', P .. 'queue:' .. t.lang, vars['\0score'], tid)
end
redis.call('SET', P .. 'queue:seq', first + count - 1)
redis.call('HINCRBY', P .. 'metrics', 'events:queued', count)
return count
"""


class Person:
    """A realistic Japanese person at the end of the intake: answers, triage reasons, categories,
    and what the intake said (the real flow and the real Japanese strings)."""

    def __init__(self) -> None:
        flow = IntakeFlow.load()
        catalog = Catalog.load()
        result = flow.start(LANG)
        inbound = [Inbound("option", "consent"), Inbound("option", "lang_ja"), Inbound("text", CONCERN),
                   Inbound("option", "dying_no"), Inbound("text", "神奈川県横浜市"),
                   Inbound("option", "help_talk")]  # fmt: skip
        for message in inbound:
            result = flow.step(result.state, message)
        assert result.handoff == "queued", result.handoff
        self.answers = result.state.answers
        self.triage = result.state.triage

        def options(state: str) -> list[list[str]]:
            return [[o, catalog.text(LANG, f"option-{o}")] for o in flow.steps[state].options]

        self.entries = [
            Entry("bot", catalog.text(LANG, "intake-concern"), options("concern")),
            Entry("person", CONCERN),
            Entry("bot", catalog.text(LANG, "intake-safety-dying"), options("safety_dying")),
            Entry("person", catalog.text(LANG, "option-dying_no")),
            Entry("bot", catalog.text(LANG, "intake-region"), options("region")),
            Entry("person", "神奈川県横浜市"),
            Entry("bot", catalog.text(LANG, "intake-queued")),
        ]  # fmt: skip

    def conversation(self, number: int) -> Conversation:
        return Conversation(
            person_id=f"{number:032x}",
            channel="telegram",
            address=str(5_000_000_000 + number),
            state="help_mode",
            lang=LANG,
            answers=dict(self.answers),
            risk=self.triage.risk,
            categories=list(self.triage.categories),
            reasons=[reason.to_json() for reason in self.triage.reasons],
        )

    def preferences(self) -> Preferences:
        return Preferences(prefecture=self.answers.get("prefecture", ""))


class Bench:
    """The stores on one Redis client."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis
        scripts = Scripts(redis)
        self.conversations = Conversations(redis, scripts, RETENTION)
        self.queue = Queue(redis, scripts, self.conversations, languages=("ja", "en"), offer_seconds=60)
        self.presence = Presence(redis, scripts)
        self.loader = redis.register_script(LOADER)
        self.person = Person()
        self.next_number = 0

    async def flush(self) -> None:
        """FLUSHALL in the background (a million tickets take longer than a client's read timeout),
        then wait until everything is freed, so that used_memory is steady again."""
        await self.redis.flushall(asynchronous=True)
        for _ in range(1200):  # a minute at most
            if not (await self.redis.info("memory"))["lazyfree_pending_objects"]:
                return
            await asyncio.sleep(0.05)
        raise RuntimeError("FLUSHALL ASYNC did not finish within a minute")

    async def enqueue(self, *, transcript: bool = False) -> str:
        self.next_number += 1
        entries = self.person.entries if transcript else []
        conversation = self.person.conversation(self.next_number)
        return await self.queue.enqueue(conversation, list(entries), self.person.preferences())

    async def template(self) -> dict:
        """One real enqueue, turned into the loader's template (then removed)."""
        await self.flush()
        ticket_id = await self.enqueue()
        ticket = await self.redis.hgetall(keys.ticket(ticket_id))
        person_id = ticket["person_id"]
        conv = await self.redis.hgetall(keys.conversation(person_id))
        marks = {person_id: "\0pid", ticket_id: "\0tid", ticket["sequence"]: "\0seq",
                 ticket["score"]: "\0score", conv["address"]: "\0addr"}  # fmt: skip
        await self.flush()
        return {
            "conv": [item for name, value in conv.items() for item in (name, marks.get(value, value))],
            "ticket": [item for name, value in ticket.items() for item in (name, marks.get(value, value))],
            "retention": RETENTION,
            "base": score(ticket["risk"], 0),
            "lang": LANG,
        }

    async def fill(self, depth: int, template: dict) -> float:
        """Flush, then clone the template into a line `depth` long; seconds taken."""
        await self.flush()
        started = time.perf_counter()
        encoded = json.dumps(template, ensure_ascii=False)
        for first in range(1, depth + 1, CHUNK):
            await self.loader(args=[encoded, first, min(CHUNK, depth - first + 1)])
        self.next_number = depth
        assert await self.queue.waiting(LANG) == depth
        return time.perf_counter() - started

    async def check_clone(self) -> None:
        """A loaded ticket has the same fields, encodings and TTLs as one made by Queue.enqueue."""
        real = await self.enqueue()
        head = (await self.redis.zrange(keys.queue(LANG), 0, 0))[0]
        shapes = []
        for ticket_id in (head, real):
            person_id = await self.redis.hget(keys.ticket(ticket_id), "person_id")
            shape = []
            for key in (keys.ticket(ticket_id), keys.conversation(person_id), keys.transcript(person_id),
                        keys.person_tickets(person_id)):  # fmt: skip
                kind = await self.redis.type(key)
                fields = sorted(await self.redis.hkeys(key)) if kind == "hash" else []
                ttl = await self.redis.ttl(key)
                shape.append((kind, await self.redis.object("encoding", key), fields, ttl > RETENTION - 600))
            shapes.append(shape)
        assert shapes[0] == shapes[1], f"the loader does not clone Queue.enqueue faithfully: {shapes}"
        await self.queue.close(await self.redis.hget(keys.ticket(real), "person_id"), "person_left")

    async def offer_cycle(self, timings: dict[str, list[float]]) -> None:
        """One enqueue at the back, then match() + accept() of the head, then close."""
        clock = time.perf_counter
        before = clock()
        await self.enqueue()
        middle = clock()
        offers = await self.queue.match()
        assert len(offers) == 1 and offers[0].counselor_id == COUNSELOR, offers
        claim = await self.queue.accept(COUNSELOR, offers[0].ticket_id)
        after = clock()
        await self.queue.close(claim.person_id, "resolved", counselor_id=COUNSELOR)
        timings["enqueue"].append((middle - before) * 1e6)
        timings["offer"].append((after - middle) * 1e6)
        timings["close"].append((clock() - after) * 1e6)

    async def claim_cycle(self, timings: dict[str, list[float]]) -> None:
        """One enqueue at the back, then pull() of the head, then close."""
        await self.enqueue()
        before = time.perf_counter()
        claim = await self.queue.pull(COUNSELOR)
        timings["claim"].append((time.perf_counter() - before) * 1e6)
        await self.queue.close(claim.person_id, "resolved", counselor_id=COUNSELOR)

    async def ping_cycle(self, timings: dict[str, list[float]]) -> None:
        before = time.perf_counter()
        await self.redis.ping()
        timings["ping"].append((time.perf_counter() - before) * 1e6)

    async def memory(self, tickets: int, *, transcript: bool, concurrency: int = 32) -> dict:
        """used_memory per ticket over `tickets` real enqueues, with per-key usage and encodings."""
        await self.flush()

        async def enqueue_all(count: int) -> None:
            remaining = iter(range(count))

            async def worker() -> None:
                for _ in remaining:
                    await self.enqueue(transcript=transcript)

            await asyncio.gather(*(worker() for _ in range(concurrency)))

        # First open every connection and create the counters, so that only tickets are counted.
        await enqueue_all(concurrency)
        before = (await self.redis.info("memory"))["used_memory"]
        await enqueue_all(tickets)
        after = (await self.redis.info("memory"))["used_memory"]
        assert await self.queue.waiting(LANG) == tickets + concurrency
        head = (await self.redis.zrange(keys.queue(LANG), 0, 0))[0]
        person_id = await self.redis.hget(keys.ticket(head), "person_id")
        per_key = {}
        for name, key in (("ticket", keys.ticket(head)), ("conversation", keys.conversation(person_id)),
                          ("person_tickets", keys.person_tickets(person_id)),
                          ("transcript", keys.transcript(person_id))):  # fmt: skip
            if await self.redis.exists(key):
                per_key[name] = {
                    "memory_usage": await self.redis.memory_usage(key, samples=0),
                    "encoding": await self.redis.object("encoding", key),
                }
                if await self.redis.type(key) == "hash":
                    sizes = {f: await self.redis.hstrlen(key, f) for f in await self.redis.hkeys(key)}
                    per_key[name]["fields"] = len(sizes)
                    per_key[name]["longest_value"] = dict([max(sizes.items(), key=lambda item: item[1])])
        return {"tickets": tickets, "bytes_per_ticket": (after - before) / tickets, "per_key": per_key}


def summary(samples: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(samples, n=100)
    mean = statistics.fmean(samples)
    return {"p50_us": round(cuts[49], 1), "p99_us": round(cuts[98], 1), "mean_us": round(mean, 1)}


async def paired(benches: tuple[Bench, Bench], cycles: int, warm_up: int) -> list[dict[str, list[float]]]:
    """Cycles alternating between the two servers (pings, then offers, then claims), so that a busy
    moment of the machine falls on both alike; microseconds per timed call, warm-up dropped."""
    timings = [{"ping": [], "offer": [], "claim": [], "enqueue": [], "close": []} for _ in benches]
    for kind, names in (("ping_cycle", ["ping"]), ("offer_cycle", ["enqueue", "offer", "close"]),
                        ("claim_cycle", ["claim"])):  # fmt: skip
        for _ in range(warm_up + cycles):
            for bench, kept in zip(benches, timings, strict=True):
                await getattr(bench, kind)(kept)
        for kept in timings:
            for name in names:
                del kept[name][:warm_up]
    return timings


async def run(args: argparse.Namespace) -> dict:
    with tempfile.TemporaryDirectory(prefix="routing-bench-") as folder:
        servers = [EmbeddedRedis(Path(folder) / name) for name in ("shallow", "deep")]
        clients = [Redis.from_url(await server.start(), decode_responses=True) for server in servers]
        try:
            for redis in clients:
                await redis.config_set("appendonly", "no")
            shallow, deep = benches = (Bench(clients[0]), Bench(clients[1]))
            template = await deep.template()
            await shallow.fill(SHALLOW, template)
            latency = {}
            for depth in args.depths:
                load_s = await deep.fill(depth, template)
                for bench in benches:
                    await bench.presence.go_online(COUNSELOR, "telegram", "chat-bench", BenchTeam())
                    await bench.check_clone()
                used = (await deep.redis.info("memory"))["used_memory"]
                near, far = await paired(benches, args.cycles, args.warm_up)
                assert await shallow.queue.waiting(LANG) == SHALLOW
                assert await deep.queue.waiting(LANG) == depth
                latency[str(depth)] = {
                    "load_s": round(load_s, 1),
                    "used_memory_mib": round(used / 2**20, 1),
                    **{name: summary(samples) for name, samples in far.items()},
                    f"paired_depth_{SHALLOW}": {name: summary(samples) for name, samples in near.items()},
                }
                print(f"depth {depth:,}: filled in {load_s:.1f} s, {used / 2**20:,.0f} MiB", file=sys.stderr)
            await deep.flush()
            memory = {
                "routing_state": await deep.memory(args.tickets, transcript=False),
                "with_transcript": await deep.memory(args.tickets, transcript=True),
            }
        finally:
            for redis in clients:
                await redis.aclose()
            for server in servers:
                await server.stop()
    return {"latency": latency, "memory": memory}


COLUMNS = (("ping", "p50_us"), ("offer", "p50_us"), ("offer", "p99_us"), ("claim", "p50_us"),
           ("claim", "p99_us"), ("enqueue", "p50_us"), ("close", "p50_us"))  # fmt: skip
PAIRED = f"paired_depth_{SHALLOW}"


def print_tables(report: dict) -> None:
    """The figures as Markdown tables (the JSON has them all)."""
    latency, memory = report["latency_by_depth"], report["memory"]
    print("| line depth | beside | PING p50 | offer p50 | offer p99 | claim p50 | claim p99 | enqueue p50 "
          "| close p50 |")  # fmt: skip
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for depth, row in latency.items():
        pair = ((f"{SHALLOW:,}", f"{int(depth):,}", row[PAIRED]), (f"{int(depth):,}", "", row))
        for name, beside, figures in pair:
            cells = " | ".join(f"{figures[kind][quantile]:,.0f} µs" for kind, quantile in COLUMNS)
            print(f"| {name} | {beside} | {cells} |")
    print()
    for depth, ratio in report["ratio_to_depth_100"].items():
        offer, claim = ratio["offer"], ratio["claim"]
        print(f"depth {int(depth):,} / depth {SHALLOW} (interleaved): offer p50 {offer['p50_us']}× "
              f"(p99 {offer['p99_us']}×), claim p50 {claim['p50_us']}× (p99 {claim['p99_us']}×)")  # fmt: skip
    verdict = "meets" if report["meets_latency_target"] else "MISSES"
    print(f"target p50 ratio at the deepest line ≤ {report['target_ratio']}×: {verdict} it")
    print("\n| memory per waiting ticket | bytes | ticket | conversation | person-tickets | transcript |")
    print("| --- | ---: | --- | --- | --- | --- |")
    for name, row in memory.items():
        if "per_key" not in row:
            continue
        cells = []
        for key in ("ticket", "conversation", "person_tickets", "transcript"):
            found = row["per_key"].get(key)
            cells.append(f"{found['memory_usage']} B {found['encoding']}" if found else "—")
        print(f"| {name} | {row['bytes_per_ticket']:,.0f} | {' | '.join(cells)} |")
    verdict = "meets" if report["meets_memory_target"] else "MISSES"
    print(f"target routing state ≤ {report['target_bytes_per_ticket']} B per ticket: {verdict} it")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=2_000, help="timed cycles per kind and depth")
    parser.add_argument("--warm-up", type=int, default=200)
    parser.add_argument("--tickets", type=int, default=100_000, help="tickets for the memory figures")
    parser.add_argument("--depths", type=int, nargs="+", default=list(DEPTHS))
    args = parser.parse_args()
    started = time.perf_counter()
    results = asyncio.run(run(args))
    latency, memory = results["latency"], results["memory"]
    ratios = {
        depth: {
            kind: {q: round(row[kind][q] / row[PAIRED][kind][q], 2) for q in ("p50_us", "p99_us")}
            for kind in ("offer", "claim")
        }
        for depth, row in latency.items()
    }
    deepest = ratios[str(max(args.depths))]
    report = {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cycles": args.cycles,
        "latency_by_depth": latency,
        "ratio_to_depth_100": ratios,
        "target_ratio": TARGET_RATIO,
        "meets_latency_target": max(deepest["offer"]["p50_us"], deepest["claim"]["p50_us"]) <= TARGET_RATIO,
        "memory": memory,
        "target_bytes_per_ticket": TARGET_BYTES,
        "meets_memory_target": memory["routing_state"]["bytes_per_ticket"] <= TARGET_BYTES,
        "seconds": round(time.perf_counter() - started, 1),
    }
    print_tables(report)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", "utf-8")
    print(f"wrote {RESULTS.relative_to(ROOT)} in {report['seconds']} s")


if __name__ == "__main__":
    main()
