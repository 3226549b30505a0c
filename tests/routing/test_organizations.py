"""The organizations file: loading, the default, lookups, and errors that name the line and field."""

from __future__ import annotations

from datetime import datetime
from importlib import resources
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from flows.triage import CATEGORIES
from routing.hours import Span
from routing.organizations import Organizations, OrganizationsError

JST = ZoneInfo("Asia/Tokyo")

# Line numbers matter to the error tests below: a team field appended to BASE is on line 9.
BASE = """\
organizations:
  - id: tokyo-npo
    name: {ja: 東京つながりNPO, en: Tokyo Tsunagari NPO}
    teams:
      - id: night
        name: {ja: 夜間チーム, en: Night team}
        languages: [ja, en]
        hours: {everyday: ["17:00-翌08:00"]}
"""


def jst(month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=JST)


def write(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "organizations.yaml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


# -- loading ----------------------------------------------------------------------------------


def test_a_missing_file_means_the_default_front_door(tmp_path: Path) -> None:
    organizations = Organizations.load(tmp_path / "nothing.yaml")
    assert [org.id for org in organizations.organizations] == ["default"]
    assert [team.id for team in organizations.teams] == ["default/all"]


def test_default_takes_everyone_in_ja_and_en_always() -> None:
    organizations = Organizations.default()
    team = organizations.team("default/all")
    assert team is not None
    assert (team.org, team.languages, team.capacity) == ("default", ("ja", "en"), 1)
    assert team.categories == frozenset(CATEGORIES)
    assert team.regions == frozenset({"national"})
    assert organizations.languages == ("en", "ja")
    assert organizations.teams_for("ja") == [team] == organizations.teams_for("en")
    assert organizations.teams_for("vi") == []
    assert team.fits([], None) and team.fits(["money"], "47")
    assert team.is_open(jst(1, 1, 3, 0))  # New Year's Day at 03:00
    assert team.hours.always_open


# The rest of the documented example, appended to BASE: every optional team field, and a second organization.
EXAMPLE = """\
        categories: [loneliness, suicide]
        regions: [13, "14", 東京都, Saitama, "１"]
        capacity: 2
        time_zone: Asia/Tokyo
        holidays: sunday
        closed_dates: [2026-12-31]
  - id: city_desk-2
    name: {ja: 区役所}
    teams:
      - {id: desk, name: {ja: 窓口}, languages: [ja, ja], hours: 24h}
"""


def test_the_documented_example_loads_with_every_field(tmp_path: Path) -> None:
    organizations = Organizations.load(write(tmp_path, BASE + EXAMPLE))
    night = organizations.team("tokyo-npo/night")
    assert night is not None
    assert night.org == "tokyo-npo"
    assert night.name == {"ja": "夜間チーム", "en": "Night team"}
    assert night.languages == ("ja", "en")
    assert night.categories == frozenset({"loneliness", "suicide"})
    assert night.regions == frozenset({"13", "14", "11", "01"})
    assert night.capacity == 2
    assert night.hours.days[0] == (Span(17 * 60, 32 * 60),)
    assert night.hours.holidays == "sunday"
    assert night.is_open(jst(1, 6, 3, 0)) and not night.is_open(jst(1, 6, 9, 0))
    assert not night.is_open(jst(12, 31, 20, 0))  # closed date
    desk = organizations.team("city_desk-2/desk")
    assert desk is not None and desk.languages == ("ja",) and desk.hours.always_open
    assert organizations.languages == ("en", "ja")
    assert [team.id for team in organizations.teams_for("en")] == ["tokyo-npo/night"]
    assert organizations.team("night") is None


def test_fits_needs_a_shared_category_and_a_served_region(tmp_path: Path) -> None:
    text = BASE + "        categories: [money, housing]\n        regions: [13]\n"
    team = Organizations.load(write(tmp_path, text)).teams[0]
    assert team.fits(["housing", "loneliness"], "13")
    assert not team.fits(["loneliness"], "13")
    assert not team.fits([], "13")
    assert not team.fits(["money"], "27")
    assert team.serves_region("13") and not team.serves_region("27")
    # Someone who gave no prefecture, or one we cannot read, still reaches the team.
    assert team.fits(["money"], "") and team.fits(["money"], None) and team.serves_region("99")


def test_the_demo_file_loads_and_is_labelled_a_sample() -> None:
    demo = resources.files("routing").joinpath("data", "organizations.demo.yaml")
    assert "sample" in demo.read_text(encoding="utf-8").lower()
    with resources.as_file(demo) as path:
        organizations = Organizations.load(path)
    assert [org.id for org in organizations.organizations] == ["demo-city", "demo-npo"]
    desk = organizations.team("demo-city/desk")
    always = organizations.team("demo-npo/always")
    evening = organizations.team("demo-npo/evening")
    assert desk and always and evening
    assert (desk.languages, desk.regions, desk.capacity) == (("ja",), frozenset({"13"}), 1)
    assert desk.is_open(jst(1, 5, 10, 0)) and not desk.is_open(jst(1, 10, 10, 0))  # Monday, Saturday
    assert not desk.is_open(jst(1, 12, 10, 0))  # Coming of Age Day
    assert desk.serves_region("13") and not desk.serves_region("27")
    assert (always.languages, always.capacity) == (("ja", "en"), 2)
    assert always.is_open(jst(1, 1, 3, 0))
    assert evening.is_open(jst(1, 6, 3, 0)) and not evening.is_open(jst(1, 6, 12, 0))
    assert [team.id for team in organizations.teams_for("en")] == ["demo-npo/always"]


# -- errors -------------------------------------------------------------------------------------


def test_an_error_names_the_file_line_field_and_problem(tmp_path: Path) -> None:
    path = write(tmp_path, BASE + "        capacity: 0\n")
    with pytest.raises(OrganizationsError) as caught:
        Organizations.load(path)
    assert str(caught.value) == f"{path}:9: tokyo-npo/night.capacity: 0 is not a whole number from 1 to 10"
    assert (caught.value.line, caught.value.field) == (9, "tokyo-npo/night.capacity")


TEAM_ERRORS = [
    ("        capcity: 2\n", 9, "tokyo-npo.teams[0].capcity", "unknown field"),
    ("        capacity: 11\n", 9, "tokyo-npo/night.capacity", "11 is not a whole number from 1 to 10"),
    ("        capacity: two\n", 9, "tokyo-npo/night.capacity", "'two' is not a whole number"),
    ("        capacity: true\n", 9, "tokyo-npo/night.capacity", "True is not a whole number"),
    ("        categories: [loneliness, lonely]\n", 9, "tokyo-npo/night.categories[1]",
     "unknown category 'lonely'; expected all, or a list of: loneliness, suicide,"),
    ("        categories: []\n", 9, "tokyo-npo/night.categories", "expected all, or a list of:"),
    ("        regions:\n          - national\n          - 48\n", 11, "tokyo-npo/night.regions[1]",
     "48 is not national, a prefecture code 01..47"),
    ("        regions: [Atlantis]\n", 9, "tokyo-npo/night.regions[0]", "'Atlantis' is not national"),
    ("        regions: [東京都と千葉県]\n", 9, "tokyo-npo/night.regions[0]", "'東京都と千葉県' is not"),
    ("        regions: [0]\n", 9, "tokyo-npo/night.regions[0]", "0 is not national"),
    ("        regions: []\n", 9, "tokyo-npo/night.regions", "expected a list"),
    ("        time_zone: Mars/Olympus\n", 9, "tokyo-npo/night.time_zone",
     "'Mars/Olympus' is not a known time zone"),
    ("        holidays: sometimes\n", 9, "tokyo-npo/night.holidays", "'sometimes' is not one of closed"),
    ("        closed_dates: [2026-12-31, 2026-02-30]\n", 9, "tokyo-npo/night.closed_dates[1]",
     "'2026-02-30' is not a YYYY-MM-DD date"),
    ("        closed_dates: 2026-12-31\n", 9, "tokyo-npo/night.closed_dates", "expected a list of dates"),
    ("        id: again\n", 9, "tokyo-npo.teams[0].id", "appears twice"),
]  # fmt: skip


@pytest.mark.parametrize(("extra", "line", "field", "problem"), TEAM_ERRORS)
def test_team_field_errors_name_the_line_and_field(
    tmp_path: Path, extra: str, line: int, field: str, problem: str
) -> None:
    assert_error(tmp_path, BASE + extra, line, field, problem)


REPLACED_ERRORS = [
    ("organizations:", "organisations:", 1, "organisations", "unknown field"),
    ("id: tokyo-npo", "id: Tokyo NPO", 2, "organizations[0].id", "'Tokyo NPO' is not lowercase"),
    ("id: night", "id: night/1", 5, "tokyo-npo.teams[0].id", "'night/1' is not lowercase"),
    ("    name: {ja: 東京つながりNPO, en: Tokyo Tsunagari NPO}\n", "", 2, "tokyo-npo.name",
     "expected a mapping"),
    ("        name: {ja: 夜間チーム, en: Night team}\n", "", 5, "tokyo-npo/night.name", "expected a mapping"),
    ("en: Night team", "en: ''", 6, "tokyo-npo/night.name.en", "must be non-empty text"),
    ("en: Night team", "english: Night", 6, "tokyo-npo/night.name", "'english' is not a language code"),
    ("        languages: [ja, en]\n", "", 5, "tokyo-npo/night.languages", "expected a list such as [ja, en]"),
    ("languages: [ja, en]", "languages: [ja, japanese]", 7, "tokyo-npo/night.languages[1]",
     "'japanese' is not a code like ja or en"),
    ('        hours: {everyday: ["17:00-翌08:00"]}\n', "", 5, "tokyo-npo/night.hours", "missing"),
    ('["17:00-翌08:00"]', '["17:00-翌08:00"], mon: ["25:00-26:00"]', 8, "tokyo-npo/night.hours.mon[0]",
     "'25:00-26:00' is not HH:MM-HH:MM"),
    ("everyday:", "evryday:", 8, "tokyo-npo/night.hours", "unknown day 'evryday'"),
]  # fmt: skip


@pytest.mark.parametrize(("old", "new", "line", "field", "problem"), REPLACED_ERRORS)
def test_errors_in_the_base_file_name_the_line_and_field(
    tmp_path: Path, old: str, new: str, line: int, field: str, problem: str
) -> None:
    assert old in BASE
    assert_error(tmp_path, BASE.replace(old, new), line, field, problem)


def test_hours_errors_point_at_the_hours_line_in_a_block_mapping(tmp_path: Path) -> None:
    text = BASE.replace('        hours: {everyday: ["17:00-翌08:00"]}\n', "") + (
        "        capacity: 1\n        hours:\n          weekdays:\n            - 09:00-17:00\n"
        "            - 18:00-2100\n"
    )
    # The hours mapping starts on line 10, the line after "hours:".
    assert_error(tmp_path, text, 10, "tokyo-npo/night.hours.weekdays[1]", "'18:00-2100' is not HH:MM-HH:MM")


def test_duplicate_organization_and_team_ids_are_refused(tmp_path: Path) -> None:
    twice = BASE + BASE.replace("organizations:\n", "")
    assert_error(tmp_path, twice, 9, "organizations[1].id", "'tokyo-npo' appears twice")
    two_teams = BASE + '      - {id: night, name: {ja: 夜}, languages: [ja], hours: "24h"}\n'
    assert_error(tmp_path, two_teams, 9, "tokyo-npo.teams[1].id", "'night' appears twice")


def test_the_same_team_id_in_two_organizations_is_fine(tmp_path: Path) -> None:
    other = BASE.replace("organizations:\n", "").replace("id: tokyo-npo", "id: osaka-npo")
    organizations = Organizations.load(write(tmp_path, BASE + other))
    assert [team.id for team in organizations.teams] == ["tokyo-npo/night", "osaka-npo/night"]


@pytest.mark.parametrize(
    ("content", "line", "field", "problem"),
    [
        ("東京".encode("shift_jis") + b"\n", 1, "file", "not UTF-8 text"),
        ("organizations:\n  - id: a\n    name: [unclosed\n", 4, "file", "not valid YAML"),
        ("", 1, "organizations", "expected a mapping with an 'organizations' list"),
        ("- id: a\n", 1, "organizations", "expected a mapping with an 'organizations' list"),
        ("organizations: []\n", 1, "organizations", "expected a list of organizations"),
        ("organizations:\n  - just-a-name\n", 2, "organizations[0]", "expected a mapping"),
        ("organizations:\n  - id: a\n    name: {ja: A}\n    teams: []\n", 4, "a.teams", "expected a list of"),
    ],
)
def test_file_level_errors(tmp_path: Path, content: str | bytes, line: int, field: str, problem: str) -> None:
    assert_error(tmp_path, content, line, field, problem)


def assert_error(tmp_path: Path, text: str | bytes, line: int, field: str, problem: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(OrganizationsError) as caught:
        Organizations.load(path)
    error = caught.value
    assert (error.line, error.field) == (line, field), str(error)
    assert error.problem.startswith(problem), str(error)
    assert str(error) == f"{path}:{line}: {field}: {error.problem}"
