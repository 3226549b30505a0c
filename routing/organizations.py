"""The organizations file: many organizations, one front door.

Owns loading and validating the file that says which organizations answer through Tsunagari, and
which teams each runs: the languages, categories and regions a team takes, how many conversations
each of its counselors holds at once, and when it is open. A missing file means one organization
with one team that takes everyone, always (the behaviour before organizations existed). Errors
name the file, the line and the field: `organizations.yaml:12: tokyo-npo/night.capacity: ...`.

    organizations:
      - id: tokyo-npo                      # lowercase letters, digits, - and _
        name: {ja: 東京つながりNPO, en: Tokyo Tsunagari NPO}
        teams:
          - id: night                      # the team's global id is "tokyo-npo/night"
            name: {ja: 夜間チーム, en: Night team}
            languages: [ja, en]            # required: codes of 2-3 lowercase letters
            categories: all                # default all; or a list of triage categories
            regions: [national]            # default national; or prefecture codes "01".."47"
                                           # (13 or 東京都 or Tokyo are read as "13")
            capacity: 2                    # conversations per counselor at once, 1..10, default 1
            time_zone: Asia/Tokyo          # default Asia/Tokyo
            hours: {everyday: ["17:00-翌08:00"]}   # required; or "24h" (see routing/hours.py)
            holidays: closed               # on public holidays: closed | open | sunday (Sunday's
                                           # hours); default closed, but open for hours: 24h
            closed_dates: [2026-12-31]     # optional
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn

import yaml

from flows.regions import Prefectures
from flows.triage import CATEGORIES
from routing.hours import DEFAULT_TIME_ZONE, HoursError, WeeklyHours

NATIONAL = "national"
ALL_CATEGORIES = frozenset(CATEGORIES)
MAX_CAPACITY = 10

_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")
_LANGUAGE = re.compile(r"[a-z]{2,3}")
_ORGANIZATION_FIELDS = ("id", "name", "teams")
_TEAM_FIELDS = (
    "id", "name", "languages", "categories", "regions", "capacity", "time_zone", "hours", "holidays",
    "closed_dates",
)  # fmt: skip
_Nodes = dict[str, yaml.Node]  # a mapping's value nodes by key: each holds its field's line


class _Loader(yaml.SafeLoader):
    """Safe YAML, but dates stay text, so a bad one ("2026-02-30") is reported with its field and line."""


_Loader.add_constructor("tag:yaml.org,2002:timestamp", yaml.SafeLoader.construct_yaml_str)


class OrganizationsError(Exception):
    """The organizations file is malformed: "{path}:{line}: {field}: {problem}"."""

    def __init__(self, path: Path, line: int, field: str, problem: str) -> None:
        super().__init__(f"{path}:{line}: {field}: {problem}")
        self.path, self.line, self.field, self.problem = path, line, field, problem


@dataclass(frozen=True)
class Team:
    """One team of counselors: whom it takes (languages, categories, regions) and when it is open."""

    id: str  # global: "org/team"
    org: str
    name: dict[str, str] = field(hash=False)
    languages: tuple[str, ...]
    categories: frozenset[str]
    regions: frozenset[str]
    capacity: int
    hours: WeeklyHours

    def serves_region(self, code: str | None) -> bool:
        """Whether the team takes people from this prefecture; an unknown or empty code goes to everyone."""
        # Someone who did not say where they live must still reach a team.
        known = bool(code) and Prefectures.load().get(str(code)) is not None
        return NATIONAL in self.regions or not known or code in self.regions

    def fits(self, categories: Iterable[str], prefecture: str | None) -> bool:
        """Whether the team takes this concern (any category, or it takes all) from this prefecture."""
        takes = self.categories >= ALL_CATEGORIES or not self.categories.isdisjoint(categories)
        return takes and self.serves_region(prefecture)

    def is_open(self, at: datetime) -> bool:
        """Whether the team's hours cover `at` (an aware datetime)."""
        return self.hours.is_open(at)


@dataclass(frozen=True)
class Organization:
    """An organization and its teams."""

    id: str
    name: dict[str, str] = field(hash=False)
    teams: tuple[Team, ...]


class Organizations:
    """Every organization and team, looked up by team id or language."""

    def __init__(self, organizations: Sequence[Organization]) -> None:
        self.organizations = tuple(organizations)
        self.teams = tuple(team for org in self.organizations for team in org.teams)
        self.languages = tuple(sorted({lang for team in self.teams for lang in team.languages}))
        self._by_id = {team.id: team for team in self.teams}

    @classmethod
    def load(cls, path: Path) -> Organizations:
        """Parse and validate the file; a missing file means `Organizations.default()`."""
        if not path.exists():
            return cls.default()
        return cls(_Reader(path).read())

    @classmethod
    def default(cls) -> Organizations:
        """One organization with one team that takes everyone, in ja and en, always."""
        team = Team(
            "default/all", "default", {"ja": "相談窓口", "en": "Consultation"}, ("ja", "en"), ALL_CATEGORIES,
            frozenset({NATIONAL}), 1, WeeklyHours.always(),
        )  # fmt: skip
        return cls([Organization("default", {"ja": "つながり", "en": "Tsunagari"}, (team,))])

    def team(self, team_id: str) -> Team | None:
        """The team with this global id ("org/team"), or None."""
        return self._by_id.get(team_id)

    def teams_for(self, lang: str) -> list[Team]:
        """The teams that speak this language, in file order."""
        return [team for team in self.teams if lang in team.languages]


class _Reader:
    """Reads one file, walking the data and its YAML nodes together so every error has a line."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def read(self) -> list[Organization]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise OrganizationsError(self.path, 1, "file", "not UTF-8 text") from None
        try:
            root, data = yaml.compose(text, Loader=_Loader), yaml.load(text, Loader=_Loader)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            problem = f"not valid YAML ({getattr(exc, 'problem', '')})"
            raise OrganizationsError(self.path, mark.line + 1 if mark else 1, "file", problem) from None
        if root is None or not isinstance(data, dict):
            self.fail(root, "organizations", "expected a mapping with an 'organizations' list")
        nodes = self.fields(data, root, "", ("organizations",))
        if not isinstance(data.get("organizations"), list) or not data["organizations"]:
            self.fail(nodes.get("organizations", root), "organizations", "expected a list of organizations")
        taken: set[str] = set()
        return [
            self.organization(entry, node, f"organizations[{index}]", taken)
            for index, entry, node in _items(data["organizations"], nodes["organizations"])
        ]

    def organization(self, entry: Any, node: yaml.Node, where: str, taken: set[str]) -> Organization:
        nodes = self.fields(entry, node, where, _ORGANIZATION_FIELDS)
        org_id = self.id(entry, nodes, node, where, taken)
        name = self.name(entry, nodes, node, org_id)
        if not isinstance(entry.get("teams"), list) or not entry["teams"]:
            self.fail(nodes.get("teams", node), f"{org_id}.teams", "expected a list of at least one team")
        team_ids: set[str] = set()
        teams = [
            self.team(team, team_node, org_id, f"{org_id}.teams[{index}]", team_ids)
            for index, team, team_node in _items(entry["teams"], nodes["teams"])
        ]
        return Organization(org_id, name, tuple(teams))

    def team(self, entry: Any, node: yaml.Node, org_id: str, where: str, taken: set[str]) -> Team:
        nodes = self.fields(entry, node, where, _TEAM_FIELDS)
        team_id = f"{org_id}/{self.id(entry, nodes, node, where, taken)}"
        languages = entry.get("languages")
        if not isinstance(languages, list) or not languages:
            self.fail(
                nodes.get("languages", node), f"{team_id}.languages", "expected a list such as [ja, en]"
            )
        for index, lang in enumerate(languages):
            if not isinstance(lang, str) or not _LANGUAGE.fullmatch(lang):
                problem = f"{lang!r} is not a code like ja or en"
                self.fail(_item(nodes["languages"], index), f"{team_id}.languages[{index}]", problem)
        capacity = entry.get("capacity", 1)
        if isinstance(capacity, bool) or not isinstance(capacity, int) or not 1 <= capacity <= MAX_CAPACITY:
            problem = f"{capacity!r} is not a whole number from 1 to {MAX_CAPACITY}"
            self.fail(nodes["capacity"], f"{team_id}.capacity", problem)
        return Team(
            team_id, org_id, self.name(entry, nodes, node, team_id), tuple(dict.fromkeys(languages)),
            self.categories(entry, nodes, team_id), self.regions(entry, nodes, team_id), capacity,
            self.hours(entry, nodes, node, team_id),
        )  # fmt: skip

    def categories(self, entry: dict[str, Any], nodes: _Nodes, team_id: str) -> frozenset[str]:
        value = entry.get("categories", "all")
        if value == "all":
            return ALL_CATEGORIES
        allowed = f"all, or a list of: {', '.join(CATEGORIES)}"
        if not isinstance(value, list) or not value:
            self.fail(nodes["categories"], f"{team_id}.categories", f"expected {allowed}")
        for index, category in enumerate(value):
            if not isinstance(category, str) or category not in ALL_CATEGORIES:
                problem = f"unknown category {category!r}; expected {allowed}"
                self.fail(_item(nodes["categories"], index), f"{team_id}.categories[{index}]", problem)
        return frozenset(value)

    def regions(self, entry: dict[str, Any], nodes: _Nodes, team_id: str) -> frozenset[str]:
        values = entry.get("regions", [NATIONAL])
        if not isinstance(values, list) or not values:
            self.fail(
                nodes["regions"], f"{team_id}.regions", "expected a list such as [national] or [13, 14]"
            )
        regions = set()
        for index, value in enumerate(values):
            region = _region(value)
            if region is None:
                problem = f"{value!r} is not national, a prefecture code 01..47 or a prefecture's name"
                self.fail(_item(nodes["regions"], index), f"{team_id}.regions[{index}]", problem)
            regions.add(region)
        return frozenset(regions)

    def hours(self, entry: dict[str, Any], nodes: _Nodes, node: yaml.Node, team_id: str) -> WeeklyHours:
        if "hours" not in entry:
            self.fail(node, f"{team_id}.hours", "missing (write hours: 24h for always open)")
        try:
            return WeeklyHours.parse(
                entry["hours"],
                time_zone=entry.get("time_zone", DEFAULT_TIME_ZONE),
                holidays=entry.get("holidays"),
                closed_dates=entry.get("closed_dates", ()),
            )
        except HoursError as exc:
            # The error says which argument was wrong (hours, holidays, ...), and so whose line to show.
            self.fail(nodes.get(exc.argument, node), f"{team_id}.{exc.field}", exc.problem)

    def id(self, entry: dict[str, Any], nodes: _Nodes, node: yaml.Node, where: str, taken: set[str]) -> str:
        value = entry.get("id")
        if not isinstance(value, str) or not _ID.fullmatch(value):
            self.fail(
                nodes.get("id", node), f"{where}.id", f"{value!r} is not lowercase letters, digits, - or _"
            )
        if value in taken:
            self.fail(nodes["id"], f"{where}.id", f"{value!r} appears twice")
        taken.add(value)
        return value

    def name(self, entry: dict[str, Any], nodes: _Nodes, node: yaml.Node, owner: str) -> dict[str, str]:
        value = entry.get("name")
        if not isinstance(value, dict) or not value:
            self.fail(
                nodes.get("name", node), f"{owner}.name", "expected a mapping such as {ja: ..., en: ...}"
            )
        for lang, text in value.items():
            if not isinstance(lang, str) or not _LANGUAGE.fullmatch(lang):
                self.fail(nodes["name"], f"{owner}.name", f"{lang!r} is not a language code like ja or en")
            if not isinstance(text, str) or not text.strip():
                self.fail(nodes["name"], f"{owner}.name.{lang}", "must be non-empty text")
        return dict(value)

    def fields(self, entry: Any, node: yaml.Node, where: str, allowed: Sequence[str]) -> _Nodes:
        """Check a mapping's keys; return each key's value node (the node that holds the line)."""
        if not isinstance(entry, dict) or not isinstance(node, yaml.MappingNode):
            self.fail(node, where, "expected a mapping")
        nodes: _Nodes = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            field_name = f"{where}.{key}" if where else key
            if key not in allowed:
                self.fail(key_node, field_name, f"unknown field; expected one of {', '.join(allowed)}")
            if key in nodes:
                self.fail(key_node, field_name, "appears twice")
            nodes[key] = value_node
        return nodes

    def fail(self, node: yaml.Node | None, field_name: str, problem: str) -> NoReturn:
        raise OrganizationsError(self.path, node.start_mark.line + 1 if node else 1, field_name, problem)


def _items(values: list[Any], node: yaml.Node) -> Iterator[tuple[int, Any, yaml.Node]]:
    """A list's items with their nodes (compose and safe_load read the same text, so they pair up)."""
    for index, (value, item_node) in enumerate(zip(values, node.value, strict=True)):
        yield index, value, item_node


def _item(node: yaml.Node, index: int) -> yaml.Node:
    """The node of a list's item, for its own line in a block list."""
    return node.value[index] if isinstance(node, yaml.SequenceNode) else node


def _region(value: Any) -> str | None:
    """ "national", or a prefecture's code from 13, "13", "東京都" or "Tokyo"; None if it is neither."""
    if value == NATIONAL:
        return NATIONAL
    if isinstance(value, bool) or not isinstance(value, int | str):
        return None
    text = unicodedata.normalize("NFKC", str(value)).strip()
    prefectures = Prefectures.load()
    if re.fullmatch(r"[0-9]{1,2}", text):
        prefecture = prefectures.get(f"{int(text):02d}")
        return prefecture.code if prefecture else None
    # The parser forgives what people type ("Tokyo and Chiba" is Tokyo); a file must name one exactly.
    region = prefectures.parse(text)
    found = region.prefecture if region else None
    names = {found.name_ja, found.name_ja[:-1], found.name_en.casefold()} if found else set()
    return found.code if found and text.casefold() in names else None
