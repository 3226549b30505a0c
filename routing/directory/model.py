"""The directory's records: a service, its contact channels, and the errors and problems about them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from routing.hours import WeeklyHours

NATIONAL = "national"
KINDS = ("phone", "chat", "sns", "web", "walk_in")
URL_KINDS = ("chat", "sns", "web")
# Lines for anyone whose concern is heavy: they fit every search, after the specific matches.
GENERAL = frozenset({"suicide", "loneliness"})


class DirectoryError(Exception):
    """A directory file is malformed: "{path}:{line}: {field}: {problem}"."""

    def __init__(
        self, path: Path | str, line: int, field: str, problem: str, problems: tuple[Problem, ...] = ()
    ) -> None:
        super().__init__(f"{path}:{line}: {field}: {problem}")
        self.path, self.line, self.field, self.problem = path, line, field, problem
        # Every problem found (an import checks every row before refusing); the message names the first.
        self.problems = problems


@dataclass(frozen=True)
class Problem:
    """Something `check` (or a lenient load) found wrong with one entry."""

    service_id: str
    field: str
    message: str
    line: int


@dataclass(frozen=True)
class Channel:
    """One way to reach a service: a phone number, a chat/SNS/web address or a walk-in address."""

    kind: str
    value: str
    hours: WeeklyHours
    # False when the source says "depends on the local office": never counted as open.
    hours_known: bool = True

    def is_open(self, at: datetime) -> bool:
        """Whether the channel answers at `at` (never, if its hours are not known)."""
        return self.hours_known and self.hours.is_open(at)


@dataclass(frozen=True)
class Service:
    """One listed service: who runs it, whom it is for, how to reach it and when, and where that is from."""

    id: str
    names: dict[str, str] = field(hash=False)
    organization: str
    categories: frozenset[str]
    regions: frozenset[str]
    channels: tuple[Channel, ...]
    hours: WeeklyHours
    languages: tuple[str, ...]
    sources: tuple[str, ...]
    verified: date
    municipalities: frozenset[str] = frozenset()
    audience: dict[str, str] = field(default_factory=dict, hash=False)
    free: bool = False
    emergency: bool = False
    crisis: bool = False
    uncertain: bool = False
    uncertain_reason: str = ""
    sample: bool = False
    note: str = ""  # for operators; never shown to a person
    hours_known: bool = True

    def name(self, lang: str) -> str:
        """The name in `lang`, else English, else Japanese."""
        return self.names.get(lang) or self.names.get("en") or self.names["ja"]

    def open_at(self, at: datetime) -> bool:
        """Whether any channel answers at `at` (an aware datetime)."""
        return any(channel.is_open(at) for channel in self.channels)

    def next_open(self, at: datetime, within: timedelta) -> datetime | None:
        """`at` if open now, else the first time any channel opens by `at + within`, else None."""
        times = [
            opens
            for channel in self.channels
            if channel.hours_known and (opens := channel.hours.next_open(at, within)) is not None
        ]
        return min(times, default=None)

    @property
    def phone(self) -> str | None:
        """The first phone number, or None."""
        return next((c.value for c in self.channels if c.kind == "phone"), None)
