"""The directory of services: hours through entries, ranking, cards, check, CSV/YAML import and export."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from routing.directory import (
    CSV_HEADER,
    Directory,
    DirectoryError,
    card,
    check,
    hours_text,
    parse_hours,
    read_file,
    write_csv,
    write_yaml,
)

JST = ZoneInfo("Asia/Tokyo")
TODAY = date(2026, 11, 28)


def jst(month: int, day: int, hour: int = 0, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=JST)


def entry(service_id: str, **fields: str) -> str:
    """One YAML entry; every field is a line, so an entry is easy to count lines in."""
    base = {
        "names": f"{{ja: {service_id}の窓口, en: {service_id} desk}}",
        "organization": "Org",
        "categories": "[money]",
        "regions": "[national]",
        "channels": '[{kind: phone, value: "0120-000-000"}]',
        "hours": "weekdays 09:00-17:00",
        "languages": "[ja]",
        "sources": "[https://example.org/source]",
        "verified": "2026-11-27",
    }
    lines = [f"- id: {service_id}"] + [f"  {key}: {value}" for key, value in (base | fields).items()]
    return "\n".join(lines) + "\n"


def directory(tmp_path: Path, *entries: str, strict: bool = True) -> Directory:
    path = tmp_path / "directory.yaml"
    path.write_text("".join(entries), encoding="utf-8")
    return Directory.load(path, strict=strict)


@pytest.fixture(scope="module")
def shipped() -> Directory:
    return Directory.load()


# -- hours through directory entries ---------------------------------------------------------


def test_overnight_line_is_open_at_three_the_next_morning_and_closed_at_noon(shipped: Directory) -> None:
    befrienders = shipped.get("tokyo_jisatsu_boushi_center")
    assert befrienders is not None
    assert befrienders.open_at(jst(12, 1, 2, 0))  # Monday 20:00 -> Tuesday 02:30
    assert not befrienders.open_at(jst(12, 1, 3, 0)) and not befrienders.open_at(jst(12, 1, 12, 0))
    assert befrienders.next_open(jst(12, 1, 12, 0), timedelta(days=1)) == jst(12, 1, 20, 0)


def test_overnight_span_crosses_a_month_boundary(tmp_path: Path) -> None:
    night = directory(tmp_path, entry("night", hours='"everyday 17:00-翌08:00; holidays open"'))
    service = night.services[0]
    assert service.open_at(jst(11, 30, 23, 0)) and service.open_at(jst(12, 1, 7, 59))
    assert not service.open_at(jst(12, 1, 8, 0))
    # New Year's Eve to New Year's Day: a year boundary too.
    assert service.open_at(jst(1, 1, 3, 0, year=2027))


def test_24h_lines_are_open_at_any_hour_and_on_holidays(shipped: Directory) -> None:
    for service_id in ("yorisoi_hotline", "anata_no_ibasho_chat", "jisou_189", "kodomo_sos_dial"):
        service = shipped.get(service_id)
        assert service is not None and service.crisis
        assert service.open_at(jst(1, 1, 4, 0, year=2027)) and service.open_at(jst(11, 3, 15, 0))


def test_weekday_office_is_closed_on_a_japanese_holiday(shipped: Directory) -> None:
    office = shipped.get("kodomo_jinken_110")
    assert office is not None
    assert office.open_at(jst(11, 4, 10, 0))  # Wednesday
    assert not office.open_at(jst(11, 3, 10, 0))  # Tuesday, 文化の日


def test_trial_line_and_local_hours_are_never_open(shipped: Directory) -> None:
    trial, local = shipped.get("kodoku_koritsu_dial_9999"), shipped.get("dv_soudan_navi")
    assert trial is not None and local is not None
    assert not trial.open_at(jst(12, 30, 12, 0)) and not local.open_at(jst(12, 1, 10, 0))


def test_a_channel_keeps_its_own_hours(shipped: Directory) -> None:
    plus = shipped.get("dv_soudan_plus")
    assert plus is not None
    phone, chat = plus.channels
    assert phone.is_open(jst(12, 1, 3, 0)) and not chat.is_open(jst(12, 1, 3, 0))
    assert chat.is_open(jst(12, 1, 13, 0))


@pytest.mark.parametrize(
    ("text", "ja", "en"),
    [
        ("24h", "24時間", "24 hours"),
        ("everyday 17:00-翌08:00; holidays open", "毎日 17:00–翌8:00", "daily 17:00–8:00 next day"),
        ("weekdays 09:00-17:00", "平日 9:00–17:00", "weekdays 9:00–17:00"),
        (
            "weekdays 09:00-21:00; sat 09:00-17:00",
            "平日 9:00–21:00 / 土 9:00–17:00",
            "weekdays 9:00–21:00; Sat 9:00–17:00",
        ),
        ("varies", "地域の窓口により異なる", "depends on the local office"),
    ],
)
def test_hours_text_for_common_shapes(text: str, ja: str, en: str) -> None:
    hours, known = parse_hours(text)
    assert (hours_text(hours, "ja", known), hours_text(hours, "en", known)) == (ja, en)


# -- search and ranking ------------------------------------------------------------------------


def test_more_shared_categories_rank_first_and_general_lines_come_after_specific(tmp_path: Path) -> None:
    found = directory(
        tmp_path,
        entry("general", categories="[suicide]"),
        entry("one", categories="[money]"),
        entry("two", categories="[money, housing]"),
        entry("unrelated", categories="[elderly]"),
    ).search(["money", "housing"], "13", "ja", jst(12, 1, 10, 0))
    assert [s.id for s in found] == ["two", "one", "general"]


def test_local_before_national_and_city_only_for_its_municipality(tmp_path: Path) -> None:
    entries = (
        entry("national"),
        entry("tokyo", regions='["13"]'),
        entry("osaka", regions='["27"]'),
        entry("minato", regions='["13"]', municipalities='["131032"]'),
    )
    at = jst(12, 1, 10, 0)
    found = directory(tmp_path, *entries).search(["money"], "13", "ja", at)
    assert [s.id for s in found] == ["tokyo", "national"]
    in_minato = Directory.load(tmp_path / "directory.yaml").search(
        ["money"], "13", "ja", at, municipality="131032"
    )
    assert [s.id for s in in_minato] == ["minato", "tokyo", "national"]
    assert [s.id for s in Directory.load(tmp_path / "directory.yaml").search(["money"], None, "ja", at)] == [
        "national"
    ]


def test_open_now_before_later_and_open_now_filter(tmp_path: Path) -> None:
    found = directory(
        tmp_path, entry("evening", hours='"everyday 18:00-22:00; holidays open"'), entry("office")
    )
    at = jst(12, 1, 10, 0)
    assert [s.id for s in found.search(["money"], "13", "ja", at)] == ["office"]
    later = found.search(["money"], "13", "ja", jst(12, 1, 19, 0), open_now=False)
    assert [s.id for s in later] == ["evening", "office"]


def test_uncertain_entry_is_never_returned_alone_and_ranks_after_certain(tmp_path: Path) -> None:
    unsure = entry("unsure", uncertain="true", uncertain_reason="old source")
    alone = directory(tmp_path, unsure)
    assert alone.search(["money"], "13", "ja", jst(12, 1, 10, 0)) == []
    both = directory(tmp_path, unsure, entry("sure"))
    assert [s.id for s in both.search(["money"], "13", "ja", jst(12, 1, 10, 0))] == ["sure", "unsure"]


def test_search_by_language_falls_back_to_japanese(tmp_path: Path) -> None:
    found = directory(tmp_path, entry("japanese"), entry("english", languages="[en]"))
    at = jst(12, 1, 10, 0)
    assert [s.id for s in found.search(["money"], "13", "en", at)] == ["english"]
    assert [s.id for s in found.search(["money"], "13", "ja", at)] == ["japanese"]
    assert [s.id for s in found.search(["money"], "13", "vi", at)] == ["japanese"]


def test_shipped_search_at_night_gives_24h_lines_not_emergency_numbers(shipped: Directory) -> None:
    found = shipped.search(["domestic_violence"], "13", "ja", jst(12, 1, 3, 0), limit=10)
    ids = [s.id for s in found]
    # All three list domestic_violence and are open 24 hours: file order decides.
    assert ids[:3] == ["yorisoi_hotline", "anata_no_ibasho_chat", "dv_soudan_plus"]
    assert "police_110" not in ids and "kodoku_koritsu_dial_9999" not in ids
    assert all(s.open_at(jst(12, 1, 3, 0)) for s in found)
    assert shipped.search(["domestic_violence"], "13", "ja", jst(12, 1, 3, 0)) == found[:5]


def test_crisis_lines_are_24h_with_emergency_numbers_first(shipped: Directory) -> None:
    lines = shipped.crisis_lines("ja", jst(12, 1, 3, 0))
    assert [s.id for s in lines[:2]] == ["police_110", "fire_ambulance_119"]
    assert {"yorisoi_hotline", "anata_no_ibasho_chat"} <= {s.id for s in lines}


# -- cards ----------------------------------------------------------------------------------


def test_card_text_in_japanese_and_english(shipped: Directory) -> None:
    yorisoi = shipped.get("yorisoi_hotline")
    assert yorisoi is not None
    ja = card(yorisoi, "ja", jst(12, 1, 3, 0))
    assert ja.text() == "よりそいホットライン\n☎ 0120-279-338 · 24時間\n🌐 https://www.since2011.net/yorisoi/"
    assert ja.open_now and ja.phone == "0120-279-338" and ja.url == "https://www.since2011.net/yorisoi/"
    en = shipped.card(shipped.get("kodomo_jinken_110"), "en", jst(12, 1, 3, 0))  # type: ignore[arg-type]
    assert en.title == "Children's Human Rights 110" and not en.open_now
    assert en.lines[0] == "☎ 0120-007-110 · weekdays 8:30–17:15"
    # Japanese-only services found for someone writing in English say so on the card.
    assert shipped.card(yorisoi, "en", jst(12, 1, 3, 0)).lines[-1] == "(in Japanese only)"


def test_samples_are_shown_only_when_asked_for(shipped: Directory) -> None:
    tuesday_morning = jst(12, 1, 10, 0)
    real = shipped.search(["loneliness"], "13", "ja", tuesday_morning, limit=10)
    demo = shipped.search(["loneliness"], "13", "ja", tuesday_morning, limit=10, samples=True)
    assert not any(s.sample for s in real)
    assert demo[0].id == "sample_tokyo_prefecture"  # local before national, in the demo


def test_english_at_night_is_not_told_a_japanese_only_line_speaks_english(shipped: Directory) -> None:
    found = shipped.search(["domestic_violence"], "13", "en", jst(12, 1, 3, 0), limit=10)
    for service in found:
        assert "en" in service.languages or shipped.card(service, "en", jst(12, 1, 3, 0)).lines[-1] == (
            "(in Japanese only)"
        )
    assert all(not (s.id == "yorisoi_hotline" and "en" in s.languages) for s in found)


def test_sample_cards_say_sample(shipped: Directory) -> None:
    sample = shipped.get("sample_minato_city")
    assert sample is not None and sample.sample
    assert card(sample, "ja", jst(12, 1, 10, 0)).title.count("サンプル") == 1
    assert card(sample, "en", jst(12, 1, 10, 0)).title.endswith("(sample)")


# -- check ------------------------------------------------------------------------------------


def test_shipped_directory_passes_check(shipped: Directory) -> None:
    assert len(shipped.services) == 48
    assert check(shipped, TODAY) == []
    assert all(s.sources and s.verified == date(2026, 11, 27) for s in shipped.services)


def test_check_finds_each_kind_of_problem_with_its_line(tmp_path: Path) -> None:
    found = directory(
        tmp_path,
        entry("stale", verified="2025-11-01"),  # lines 1-10
        entry("bad-phone", channels='[{kind: phone, value: "call me"}]'),  # 11-20: channels on 16
        entry("bad-hours", hours='"weekdays 25:00-26:00"'),  # hours on 27
        entry("bad-url", channels='[{kind: web, value: "example.org"}]'),
        entry("bad-category", categories="[astrology]"),
        entry("stale"),  # duplicate id
        entry("twin", names="{ja: bad-categoryの窓口, en: x}"),  # same name and phone as bad-category
        entry("unsure", uncertain="true"),
        strict=False,
    )
    problems = {(p.service_id, p.field.split("[")[0].split(".")[0]): p for p in check(found, TODAY)}
    assert problems[("stale", "verified")].line == 1
    assert problems[("bad-phone", "channels")].line == 16
    assert problems[("bad-hours", "hours")].line == 27
    assert ("bad-url", "channels") in problems and ("bad-category", "categories") in problems
    assert problems[("stale", "id")].line == 51
    assert ("twin", "names") in problems and ("unsure", "uncertain_reason") in problems


def test_strict_load_names_the_file_line_and_field(tmp_path: Path) -> None:
    with pytest.raises(
        DirectoryError, match=r"directory.yaml:7: bad\.hours\.weekdays\[0\]: .*25:00"
    ) as caught:
        directory(tmp_path, entry("bad", hours='"weekdays 25:00-26:00"'))
    assert caught.value.line == 7


# -- import and export ------------------------------------------------------------------------


def csv_text(*rows: str) -> str:
    return ",".join(CSV_HEADER) + "\n" + "".join(row + "\n" for row in rows)


def csv_row(service_id: str, **cells: str) -> str:
    values = {
        "id": service_id, "name_ja": "相談", "name_en": "Desk", "organization": "Org", "categories": "money",
        "regions": "national", "channels": "phone:0120-000-000|web:https://example.org/",
        "channel_hours": "|24h", "hours": "weekdays 09:00-17:00; sat 10:00-12:00", "languages": "ja|en",
        "sources": "https://example.org/s", "verified": "2026-11-27",
    } | cells  # fmt: skip
    return ",".join(f'"{values.get(column, "")}"' for column in CSV_HEADER)


def test_csv_import_reads_every_field(tmp_path: Path) -> None:
    path = tmp_path / "import.csv"
    path.write_text(csv_text(csv_row("desk", free="true")), encoding="utf-8")
    (service,) = read_file(path)
    assert service.free and service.languages == ("ja", "en") and service.categories == {"money"}
    assert service.channels[1].hours.always_open and not service.channels[0].hours.always_open
    assert service.open_at(jst(12, 5, 11, 0))  # Saturday


def test_csv_bad_row_names_its_line_and_field_and_nothing_is_imported(tmp_path: Path) -> None:
    path = tmp_path / "import.csv"
    path.write_text(
        csv_text(csv_row("good"), csv_row("also-good"), csv_row("bad", channels="phone:call-me")),
        encoding="utf-8",
    )
    with pytest.raises(DirectoryError, match=r"import.csv:4: bad\.channels\[0\]\.value: 'call-me'") as caught:
        read_file(path)
    assert caught.value.line == 4 and caught.value.field == "bad.channels[0].value"


def test_csv_reports_every_bad_row(tmp_path: Path) -> None:
    path = tmp_path / "import.csv"
    path.write_text(
        csv_text(csv_row("one", hours="sometimes"), csv_row("two", verified="yesterday")), encoding="utf-8"
    )
    with pytest.raises(DirectoryError) as caught:
        read_file(path)
    assert [(p.line, p.field) for p in caught.value.problems] == [(2, "hours"), (3, "verified")]


@pytest.mark.parametrize("suffix", ["yaml", "csv"])
def test_export_round_trips_the_shipped_directory(shipped: Directory, tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"export.{suffix}"
    (write_yaml if suffix == "yaml" else write_csv)(shipped.services, path)
    assert tuple(read_file(path)) == shipped.services


def test_the_crisis_replies_lines_agree_with_the_directory() -> None:
    """The intake's crisis replies read flows/data/crisis_resources.yaml (flows/ stays free of
    routing/); every line there is in the directory under the same id and number, and the 24-hour
    ones are the directory's crisis lines, so the two can never drift apart."""
    from flows.resources import CrisisResources

    shipped = Directory.load()
    digits = str.maketrans("", "", "-# ")
    for resource in CrisisResources.load().entries:
        service = shipped.get(resource.id)
        assert service is not None, f"{resource.id} is not in the directory"
        if resource.phone:
            phones = {c.value.translate(digits) for c in service.channels if c.kind == "phone"}
            assert resource.phone.translate(digits) in phones, resource.id
        if resource.open_24h and not resource.uncertain:
            assert service.crisis and service.emergency == resource.emergency, resource.id
    crisis_ids = {s.id for s in shipped.services if s.crisis}
    assert crisis_ids == {r.id for r in CrisisResources.load().entries if r.open_24h and not r.uncertain}
