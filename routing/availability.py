"""Who can serve a person now, and an honest estimate of their wait.

`serving` follows safety invariant 4: a person is told at once when no team that could serve them
(their language) is open with someone online. The estimate uses what was measured, not hopes: the
recent handling times, and the counselors online for the person's language.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from redis.asyncio import Redis

from routing import keys
from routing.organizations import Organizations
from routing.presence import Presence

RECENT = 100  # handling times the estimate averages over


@dataclass(frozen=True)
class Opening:
    """Whether the person's language is served now, and if not, when a team opens next."""

    serving: bool
    # Not serving: when a team opens next, within the horizon (now, when one is open but nobody
    # is online yet: a counselor may come online any minute). None: nothing opens soon.
    opens_at: datetime | None = None


class Availability:
    """Open-now checks against the organizations' hours and who is online; waiting estimates."""

    def __init__(
        self,
        redis: Redis,
        organizations: Organizations,
        presence: Presence,
        *,
        horizon: timedelta = timedelta(hours=2),
        default_handle_seconds: float = 1200,
    ) -> None:
        self.redis = redis
        self.organizations = organizations
        self.presence = presence
        self.horizon = horizon
        self.default_handle_seconds = default_handle_seconds

    async def opening(self, lang: str, at: datetime | None = None, team_id: str = "") -> Opening:
        """Serving now (a team for `lang`, or that team, open with someone online), or when one
        opens next."""
        at = at or datetime.now(UTC)
        teams = [team for team in self.organizations.teams_for(lang) if team_id in ("", team.id)]
        online = await self.presence.online_in([team.id for team in teams])
        if any(team.is_open(at) and online[team.id] for team in teams):
            return Opening(True)
        upcoming = [opens for team in teams if (opens := team.hours.next_open(at, self.horizon)) is not None]
        return Opening(False, min(upcoming) if upcoming else None)

    async def estimate_seconds(self, lang: str, ahead: int) -> float | None:
        """About how long until a counselor takes someone with `ahead` people before them (None
        when nobody is online for the language: no honest number to give)."""
        teams = self.organizations.teams_for(lang)
        online = await self.presence.online_in([team.id for team in teams])
        servers = sum(online[team.id] * team.capacity for team in teams)
        if servers == 0:
            return None
        recent = [float(value) for value in await self.redis.lrange(keys.handled_stats(), 0, RECENT - 1)]
        handle = sum(recent) / len(recent) if recent else self.default_handle_seconds
        # With every counselor busy, one frees up every handle/servers seconds on average.
        return (ahead + 1) * handle / servers


def minutes_label(seconds: float) -> int:
    """Minutes rounded up to a multiple of 5 (a promise of precision we cannot keep is unkind)."""
    return max(5, 5 * math.ceil(seconds / 300))
