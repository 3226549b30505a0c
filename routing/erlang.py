"""Erlang C: how long people wait for one of c counselors (the M/M/c queue), for staffing estimates.

The model: people arrive at random (a Poisson process, rate λ per unit of time), each conversation
lasts an exponential time (mean 1/μ), c counselors take one person each, first come first served,
and nobody gives up. The offered load is a = λ/μ (in erlangs: how many counselors would be busy on
average); the line is stable only when a < c. Then

    P_W = C(c, a) = (a^c / c!) · c/(c − a)  /  ( Σ_{k=0}^{c−1} a^k / k!  +  (a^c / c!) · c/(c − a) )

is the probability that an arriving person has to wait (every counselor busy), and the mean wait in
line is W_q = C(c, a) / (cμ − λ); a wait, when there is one, is exponential with rate cμ − λ.

Reference: L. Kleinrock, Queueing Systems, Volume 1: Theory (Wiley, 1975), section 3.5, the M/M/m
system ("Erlang's C formula"); also Gross, Shortle, Thompson & Harris, Fundamentals of Queueing
Theory (4th ed., Wiley, 2008), section 2.3. tests/routing/test_erlang_c.py checks the routing
engine against these formulas.
"""

from __future__ import annotations

import math


def erlang_c(c: int, a: float) -> float:
    """The probability of waiting, C(c, a), for c servers and an offered load of a = λ/μ erlangs.

    Computed through the Erlang B recursion B(0) = 1, B(k) = a·B(k−1) / (k + a·B(k−1)) and
    C = c·B / (c − a·(1 − B)), which equals the closed form above without factorials that overflow.
    An overloaded line (a ≥ c) always makes people wait: 1.0.
    """
    if c < 1 or a < 0:
        raise ValueError("need at least one server and a load of zero or more")
    if a >= c:
        return 1.0
    blocking = 1.0
    for k in range(1, c + 1):
        blocking = a * blocking / (k + a * blocking)
    return c * blocking / (c - a * (1 - blocking))


def mean_wait(c: int, lam: float, mu: float) -> float:
    """The mean wait in line W_q = C(c, λ/μ) / (cμ − λ), in the unit of time of λ and μ.

    Infinite when the line is not stable (λ ≥ cμ): it grows without bound.
    """
    if lam < 0 or mu <= 0:
        raise ValueError("rates must be positive (λ may be zero)")
    if lam >= c * mu:
        return math.inf
    return erlang_c(c, lam / mu) / (c * mu - lam)
