"""The directory in memory: lookups, and the search that picks services for a person's concern.

Search rules, in order:
- place: national services always apply; a prefecture service only to people in that prefecture;
  a city service (municipalities) only when the search names one of its municipalities;
- category: a service fits when it shares a category with the concern; a general line (categories
  include suicide or loneliness) fits anyone, after every specific match;
- language: services that speak `lang`; when none of those is certain (confirmed by a recent
  source), the Japanese ones after them (a Japanese line the person can still try beats an empty
  answer, and an unconfirmed line in their language is never given alone; the card says which
  languages);
- time: open_now=True keeps services open at `at`; open_now=False keeps those opening within a week
  and those whose hours depend on the local office, so a closed trial line never shows;
- emergency numbers (119/110) are not referrals: the crisis replies show them (`crisis_lines`);
- ranked by more shared categories, city before prefecture before national, open now before later,
  certain before uncertain, then file order; an uncertain entry is never returned alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from routing.directory.cards import Card, card
from routing.directory.files import read_entries
from routing.directory.model import GENERAL, NATIONAL, DirectoryError, Problem, Service

SHIPPED = Path(__file__).resolve().parent.parent / "data" / "directory.yaml"
SOON = timedelta(days=7)


class Directory:
    """Every listed service, in file order, with the line each starts on."""

    def __init__(
        self,
        services: Sequence[Service],
        lines: dict[str, int] | None = None,
        problems: Sequence[Problem] = (),
    ) -> None:
        self.services = tuple(services)
        self.lines = dict(lines or {})
        # Problems a lenient load kept (check() reports them); a strict load has none.
        self.problems = tuple(problems)
        self._by_id = {service.id: service for service in self.services}
        self._order = {service.id: index for index, service in enumerate(self.services)}

    @classmethod
    def load(cls, path: Path | None = None, *, strict: bool = True) -> Directory:
        """Read a YAML or CSV file (None: the shipped directory); strict raises on any problem."""
        path = path or SHIPPED
        services, lines, problems = read_entries(path)
        if problems and strict:
            first = problems[0]
            field = f"{first.service_id}.{first.field}"
            raise DirectoryError(path, first.line, field, first.message, tuple(problems))
        return cls(services, lines, problems)

    def get(self, service_id: str) -> Service | None:
        """The service with this id, or None."""
        return self._by_id.get(service_id)

    def search(
        self,
        categories: Iterable[str],
        prefecture: str | None,
        lang: str,
        at: datetime | None = None,
        *,
        open_now: bool = True,
        limit: int = 5,
        municipality: str | None = None,
        samples: bool = False,
    ) -> list[Service]:
        """The best-fitting services for this concern, place, language and time (see module docstring).
        Sample entries (made-up services that show the format) only with `samples=True` (the demo)."""
        at = at or datetime.now(UTC)
        wanted = frozenset(categories)
        fitting = [
            s
            for s in self.services
            if (samples or not s.sample) and self._fits(s, wanted, prefecture, municipality, at, open_now)
        ]
        speaking = [s for s in fitting if lang in s.languages]
        if not any(not s.uncertain for s in speaking):
            speaking += [s for s in fitting if "ja" in s.languages and s not in speaking]
        in_lang = sorted(
            (s for s in speaking if lang in s.languages), key=lambda s: self._rank(s, wanted, prefecture, at)
        )
        others = sorted(
            (s for s in speaking if lang not in s.languages),
            key=lambda s: self._rank(s, wanted, prefecture, at),
        )
        ranked = [*in_lang, *others][: max(limit, 0)]
        # hotlines.yaml: never send someone to an unconfirmed line without a confirmed one beside it.
        return ranked if any(not s.uncertain for s in ranked) else []

    def crisis_lines(self, lang: str, at: datetime | None = None) -> list[Service]:
        """The 24-hour crisis lines (emergency numbers first), in `lang` where any speaks it, else ja."""
        at = at or datetime.now(UTC)
        lines = [s for s in self.services if s.crisis and not s.uncertain and s.open_at(at)]
        speaking = [s for s in lines if lang in s.languages or s.emergency]
        chosen = speaking if any(not s.emergency for s in speaking) else lines
        return sorted(chosen, key=lambda s: (not s.emergency, self._order[s.id]))

    def card(self, service: Service, lang: str, at: datetime) -> Card:
        """The card channels render for this service (see routing/directory/cards.py)."""
        return card(service, lang, at)

    def _fits(
        self, service: Service, wanted: frozenset[str], prefecture: str | None, municipality: str | None,
        at: datetime, open_now: bool,
    ) -> bool:  # fmt: skip
        if service.emergency or not (service.categories & wanted or service.categories & GENERAL):
            return False
        if service.municipalities:
            placed = municipality in service.municipalities
        else:
            placed = NATIONAL in service.regions or (prefecture is not None and prefecture in service.regions)
        if not placed:
            return False
        if open_now:
            return service.open_at(at)
        unknown = any(not channel.hours_known for channel in service.channels)
        return unknown or service.next_open(at, SOON) is not None

    def _rank(
        self, service: Service, wanted: frozenset[str], prefecture: str | None, at: datetime
    ) -> tuple[int, int, int, bool, bool, int]:
        if service.municipalities:
            place = 0
        elif prefecture is not None and prefecture in service.regions:
            place = 1
        else:
            place = 2
        when = 0 if service.open_at(at) else 1 if service.next_open(at, SOON) else 2
        # A web page alone (a portal) comes after services where someone answers.
        page_only = all(channel.kind == "web" for channel in service.channels)
        fit = -len(service.categories & wanted)
        return (fit, place, when, page_only, service.uncertain, self._order[service.id])
