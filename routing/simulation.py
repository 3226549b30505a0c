"""An M/M/c experiment run through the real routing engine, in virtual time.

People arrive as a Poisson process (rate λ), each conversation lasts an exponential time (mean
1/μ), c counselors of one team take one person each. The engine alone decides who is served next:
on each arrival and each departure the simulation calls `Queue.match()` and accepts every offer
at once. The engine stamps real time; the simulation keeps its own virtual clock, and a person's
wait is the virtual time they were connected minus the virtual time they arrived. Used by
`tsunagari simulate` and by tests/routing/test_erlang_c.py (which compares the waits with
routing/erlang.py).
"""

from __future__ import annotations

import heapq
import random
from dataclasses import dataclass

from routing.conversations import Conversation
from routing.presence import Presence
from routing.queue import Queue

LANG = "ja"


class SimulationError(RuntimeError):
    """The engine did something the experiment proves impossible (a test failure, not bad input)."""


@dataclass(frozen=True)
class SimulatedTeam:
    """One team, one language, capacity 1: the M/M/c assumptions."""

    id: str = "simulation/team"
    org: str = "simulation"
    languages: tuple[str, ...] = (LANG,)
    categories: frozenset[str] = frozenset({"loneliness"})
    regions: frozenset[str] = frozenset({"national"})
    capacity: int = 1


async def simulate(
    queue: Queue,
    presence: Presence,
    counselors: int,
    lam: float,
    mu: float,
    people: int,
    seed: int = 20240611,
) -> list[float]:
    """The virtual wait of every person, in arrival order (on a Redis holding nothing else)."""
    ids = [f"c{n}" for n in range(counselors)]
    for counselor_id in ids:
        await presence.go_online(counselor_id, "simulation", counselor_id, SimulatedTeam())
    gaps = random.Random(seed)  # one stream per quantity: who is served first never shifts them
    lengths = random.Random(seed + 1)
    arrived: list[float] = []
    length: list[float] = []
    waits: dict[str, float] = {}
    talking: set[str] = set()
    # (virtual time, tie-break, counselor ('' for an arrival), person)
    events: list[tuple[float, int, str, str]] = [(gaps.expovariate(lam), 0, "", "p0")]
    tick = 1

    async def offer_and_accept(now: float) -> None:
        nonlocal tick
        for offer in await queue.match():
            if offer.counselor_id in talking:
                raise SimulationError(f"an offer to {offer.counselor_id}, who is talking")
            claim = await queue.accept(offer.counselor_id, offer.ticket_id)
            talking.add(offer.counselor_id)
            number = int(claim.person_id[1:])
            waits[claim.person_id] = now - arrived[number]
            heapq.heappush(events, (now + length[number], tick, offer.counselor_id, claim.person_id))
            tick += 1

    while events:
        now, _, counselor_id, person_id = heapq.heappop(events)
        if counselor_id:
            closed = await queue.close(person_id, "resolved", counselor_id=counselor_id)
            if closed != ("connected", counselor_id):
                raise SimulationError(f"closing {person_id} found {closed}")
            talking.discard(counselor_id)
        else:
            arrived.append(now)
            length.append(lengths.expovariate(mu))
            if len(arrived) < people:
                heapq.heappush(events, (now + gaps.expovariate(lam), tick, "", f"p{len(arrived)}"))
                tick += 1
            person = Conversation(person_id, "simulation", person_id, "concern", LANG)
            await queue.enqueue(person, [])
        await offer_and_accept(now)
    if await queue.waiting() != 0:
        raise SimulationError("people were left in line")
    return [waits[f"p{n}"] for n in range(people)]
