"""The routing engine against queueing theory: with c counselors, people wait as in an M/M/c queue.

A discrete-event simulation in virtual time (routing/simulation.py, also `tsunagari simulate`)
drives the real engine on the real Redis: people arrive as a Poisson process (rate λ), each
conversation lasts an exponential time (mean 1/μ), c counselors of one team speak the one
language, capacity 1. The engine alone decides who is served next: on each arrival and each
departure it calls `queue.match()` and accepts every offer at once. (Offers + accept rather than
pulls by idle counselors: it exercises match, the offer bookkeeping and accept, which a pull
skips.) A person's wait is the virtual time of their connection minus that of their arrival.
The measured share of people who wait, P(wait > 0), and their mean wait must both be within 10%
of Erlang C (routing/erlang.py).

Why c = 2 and ρ = 0.5 (and not c = 3, ρ = 0.7): a mean of waits is a mean of strongly correlated
samples (one long busy period delays many people), so its spread shrinks slowly. An exact FIFO
M/M/c simulation over 200 seeds gives the relative standard deviation of the measured mean wait
with 20,000 people as ~8% at c = 3, ρ = 0.7 (10% would be a 1.3σ check, failing for one seed in
five even with a correct engine; 10% at 3σ would need ~110,000 people, minutes on the engine),
~6% at c = 3, ρ = 0.5 and ~5% at c = 2, ρ = 0.5. With 32,000 measured people at c = 2, ρ = 0.5
it is ~4% (P(wait > 0): ~1.6%), so 10% is a 2.5σ (6σ) check; and the test checks from its own data
that 10% is at least two standard errors (batch means: 50 batches of 640 people, each far longer
than the time the line takes to forget its past).
c = 2 still has a line whose order and offers decide who waits; with one more counselor P(wait > 0)
would fall from 1/3 to 1/11 and the mean wait from 1/3 to 1/22 of a conversation, far outside 10%.
Erlang C holds for any order that never leaves a counselor idle while someone waits, so this
checks that the engine does not (and that it never offers to a counselor who is talking, frees
them on close, loses nobody), not first come first served; test_queue.py checks the order.
"""

from __future__ import annotations

import statistics

import pytest

from routing.erlang import erlang_c, mean_wait
from routing.simulation import simulate

from .conftest import Routing

SEED = 20240611
COUNSELORS = 2
RHO = 0.5  # utilisation λ / (cμ)
MU = 1.0  # conversations ended per unit of virtual time by one counselor
WARM_UP = 1_000  # the first people find an empty line, not the steady state: their waits are dropped
MEASURED = 32_000
TOLERANCE = 0.10
BATCHES = 50  # batch means: the spread of consecutive batch averages estimates the standard error


@pytest.mark.timeout(600)  # ~50 s on 2 shared cores; ~90 s with other test runs beside it
async def test_waits_match_erlang_c(routing: Routing) -> None:
    lam = RHO * COUNSELORS * MU
    waits = await simulate(routing.queue, routing.presence, COUNSELORS, lam, MU, WARM_UP + MEASURED, SEED)
    waits = waits[WARM_UP:]

    share_waiting = sum(wait > 0 for wait in waits) / len(waits)
    mean = statistics.fmean(waits)
    expected_share = erlang_c(COUNSELORS, lam / MU)
    expected_mean = mean_wait(COUNSELORS, lam, MU)
    size = len(waits) // BATCHES
    batch_means = [statistics.fmean(waits[i * size : (i + 1) * size]) for i in range(BATCHES)]
    standard_error = statistics.stdev(batch_means) / BATCHES**0.5
    assert standard_error <= TOLERANCE / 2 * mean, "too few people for a 10% check to mean much"
    assert abs(share_waiting / expected_share - 1) <= TOLERANCE, (share_waiting, expected_share)
    assert abs(mean / expected_mean - 1) <= TOLERANCE, (mean, expected_mean, standard_error)


def test_erlang_c_agrees_with_closed_forms() -> None:
    assert erlang_c(1, 0.7) == pytest.approx(0.7)  # M/M/1: a person waits when the one is busy, ρ
    assert mean_wait(1, 0.7, 1.0) == pytest.approx(0.7 / 0.3)  # M/M/1: ρ / (μ − λ)
    assert erlang_c(2, 1.0) == pytest.approx(1 / 3)
    assert erlang_c(3, 1.0) == pytest.approx(1 / 11)
    assert erlang_c(3, 3.0) == 1.0 and mean_wait(3, 3.0, 1.0) == float("inf")  # overloaded
