"""Crisis resources: the shipped data, what a risky message's reply carries, and data validation."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest
import yaml

from flows.resources import CATEGORIES, MAX_LINES, CrisisResources, Resource, ResourceError

RESOURCES = CrisisResources.load()
LANGS = ("ja", "en")
SORTED_CATEGORIES = sorted(CATEGORIES)
# No concern and every single one (parametrized), and every pair (looped): triage may report several.
SINGLE_CATEGORIES = [[], *([category] for category in SORTED_CATEGORIES)]
CATEGORY_PAIRS = [list(pair) for pair in itertools.combinations(SORTED_CATEGORIES, 2)]
CATEGORY_SETS = SINGLE_CATEGORIES + CATEGORY_PAIRS
CATEGORY_IDS = [categories[0] if categories else "none" for categories in SINGLE_CATEGORIES]
EMERGENCY_IDS = {"fire_ambulance_119", "police_110"}


def ids(resources: list[Resource]) -> list[str]:
    return [resource.id for resource in resources]


def is_verified_24h_line(resource: Resource) -> bool:
    return resource.open_24h and not resource.emergency and not resource.uncertain


def test_shipped_data_loads_once_with_source_and_verified_date_everywhere() -> None:
    assert CrisisResources.load() is RESOURCES
    shipped = set(ids(list(RESOURCES.entries)))
    assert {"yorisoi_hotline", "jisou_189", "dv_soudan_plus", "tell_lifeline"} <= shipped
    for resource in RESOURCES.entries:
        assert resource.source, resource.id
        assert all(address.startswith(("http://", "https://")) for address in resource.source)
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", resource.verified), resource.id
        assert resource.phone or resource.url, resource.id
        assert set(resource.categories) <= CATEGORIES, resource.id
        assert not resource.uncertain or resource.uncertain_reason, resource.id


def test_only_119_and_110_are_emergency_numbers() -> None:
    emergency = [resource for resource in RESOURCES.entries if resource.emergency]
    assert [(resource.id, resource.phone) for resource in emergency] == [
        ("fire_ambulance_119", "119"),
        ("police_110", "110"),
    ]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("categories", SINGLE_CATEGORIES, ids=CATEGORY_IDS)
def test_imminent_carries_119_110_first_and_a_verified_24h_line(categories: list[str], lang: str) -> None:
    check_imminent(categories, lang)


def check_imminent(categories: list[str], lang: str) -> None:
    chosen = RESOURCES.for_risk("imminent", categories, lang)
    assert ids(chosen)[:2] == ["fire_ambulance_119", "police_110"]
    lines = chosen[2:]
    assert not EMERGENCY_IDS & set(ids(lines))
    assert 1 <= len(lines) <= MAX_LINES
    assert any(is_verified_24h_line(resource) for resource in lines)
    assert any(resource.general for resource in lines)  # a line for anyone at risk, whatever the concern


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("categories", SINGLE_CATEGORIES, ids=CATEGORY_IDS)
def test_high_carries_24h_lines_but_never_119_or_110(categories: list[str], lang: str) -> None:
    check_high(categories, lang)


def check_high(categories: list[str], lang: str) -> None:
    chosen = RESOURCES.for_risk("high", categories, lang)
    assert not EMERGENCY_IDS & set(ids(chosen))
    assert not any(resource.emergency for resource in chosen)
    assert 1 <= len(chosen) <= MAX_LINES
    assert any(is_verified_24h_line(resource) for resource in chosen)


@pytest.mark.parametrize("lang", LANGS)
def test_the_same_holds_for_every_pair_of_concerns(lang: str) -> None:
    for categories in CATEGORY_PAIRS:
        check_imminent(categories, lang)
        check_high(categories, lang)
        if lang == "en":
            check_english(categories)


@pytest.mark.parametrize("lang", [*LANGS, "zh", "vi", "xx"])
@pytest.mark.parametrize("risk", ["imminent", "high"])
def test_an_uncertain_line_never_appears_without_a_verified_24h_line(risk: str, lang: str) -> None:
    for categories in CATEGORY_SETS:
        chosen = RESOURCES.for_risk(risk, categories, lang)
        if any(resource.uncertain for resource in chosen):
            assert any(is_verified_24h_line(resource) for resource in chosen), (categories, lang)


def test_an_uncertain_line_is_dropped_when_it_would_be_alone() -> None:
    alone = CrisisResources([entry for entry in RESOURCES.entries if not is_verified_24h_line(entry)])
    assert "tell_lifeline" not in ids(alone.for_risk("high", ["suicide"], "en"))
    assert "tell_lifeline" not in ids(alone.for_risk("imminent", ["suicide"], "en"))


@pytest.mark.parametrize("risk", ["moderate", "low", "", "IMMINENT", "unknown"])
def test_lower_or_unknown_risk_carries_nothing(risk: str) -> None:
    assert RESOURCES.for_risk(risk, ["suicide"], "ja") == []


@pytest.mark.parametrize("risk", ["imminent", "high"])
@pytest.mark.parametrize("lang", LANGS)
def test_concern_specific_24h_lines_come_first(risk: str, lang: str) -> None:
    child = ids(RESOURCES.for_risk(risk, ["child_abuse"], lang))
    assert "jisou_189" in child and "kodomo_sos_dial" in child
    dv = ids(RESOURCES.for_risk(risk, ["domestic_violence"], lang))
    assert "dv_soudan_plus" in dv
    assert dv.index("dv_soudan_plus") < dv.index("anata_no_ibasho_chat")
    bullying = ids(RESOURCES.for_risk(risk, ["bullying"], lang))
    assert "kodomo_sos_dial" in bullying


def test_japanese_order_for_suicide_risk() -> None:
    assert ids(RESOURCES.for_risk("imminent", ["suicide"], "ja")) == [
        "fire_ambulance_119",
        "police_110",
        "yorisoi_hotline",
        "anata_no_ibasho_chat",
    ]
    assert ids(RESOURCES.for_risk("high", ["child_abuse"], "ja")) == [
        "jisou_189",
        "kodomo_sos_dial",
        "anata_no_ibasho_chat",
        "yorisoi_hotline",
    ]


@pytest.mark.parametrize("categories", SINGLE_CATEGORIES, ids=CATEGORY_IDS)
def test_english_puts_lines_in_english_first_and_always_yorisoi(categories: list[str]) -> None:
    check_english(categories)


def check_english(categories: list[str]) -> None:
    for risk in ("imminent", "high"):
        chosen = RESOURCES.for_risk(risk, categories, "en")
        lines = [resource for resource in chosen if not resource.emergency]
        assert "yorisoi_hotline" in ids(lines)
        speaks = ["en" in resource.languages for resource in lines if resource.open_24h]
        assert speaks == sorted(speaks, reverse=True)  # English-speaking 24h lines before the others


def test_english_may_add_tell_beside_yorisoi_and_japanese_never_does() -> None:
    english = ids(RESOURCES.for_risk("high", ["suicide"], "en"))
    assert english == ["yorisoi_hotline", "anata_no_ibasho_chat", "tell_lifeline"]
    assert "tell_lifeline" not in ids(RESOURCES.for_risk("high", ["suicide"], "ja"))


def test_choice_is_deterministic_and_ignores_unknown_categories() -> None:
    first = RESOURCES.for_risk("imminent", ["domestic_violence", "child_abuse"], "ja")
    assert first == RESOURCES.for_risk("imminent", ["domestic_violence", "child_abuse"], "ja")
    assert RESOURCES.for_risk("high", ["nonsense"], "ja") == RESOURCES.for_risk("high", [], "ja")


def test_line_in_japanese_and_english() -> None:
    yorisoi = RESOURCES.get("yorisoi_hotline")
    assert yorisoi is not None
    assert yorisoi.line("ja").startswith("よりそいホットライン 0120-279-338（24時間")
    assert yorisoi.line("ja").endswith("）")
    assert yorisoi.line("en").startswith("Yorisoi Hotline 0120-279-338 (24 hours")
    assert yorisoi.line("vi") == yorisoi.line("en")
    chat = RESOURCES.get("anata_no_ibasho_chat")
    assert chat is not None and chat.phone is None
    assert "https://talkme.jp/" in chat.line("ja") and "https://talkme.jp/" in chat.line("en")


# -- validation: errors name the entry and the field ----------------------------------------------

GOOD = {
    "id": "test_line",
    "name": {"ja": "テスト", "en": "Test"},
    "phone": "0120-000-000",
    "url": None,
    "hours": {"ja": "24時間", "en": "24 hours"},
    "open_24h": True,
    "emergency": False,
    "categories": ["suicide"],
    "languages": ["ja"],
    "uncertain": False,
    "source": ["https://example.org/page"],
    "verified": "2026-11-27",
}


def write(tmp_path: Path, *entries: object) -> Path:
    path = tmp_path / "resources.yaml"
    path.write_text(yaml.safe_dump(list(entries), allow_unicode=True), encoding="utf-8")
    return path


def test_a_good_file_loads(tmp_path: Path) -> None:
    loaded = CrisisResources.load(write(tmp_path, GOOD, {**GOOD, "id": "other", "phone": "#8891"}))
    assert ids(list(loaded.entries)) == ["test_line", "other"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"phone": "0120 000 000"}, "phone"),
        ({"phone": "0120-000-000 (free)"}, "phone"),
        ({"phone": 119}, "phone"),
        ({"phone": None, "url": None}, "phone"),
        ({"url": "talkme.jp"}, "url"),
        ({"categories": ["dv"]}, "categories"),
        ({"categories": []}, "categories"),
        ({"languages": ["Japanese"]}, "languages"),
        ({"source": []}, "source"),
        ({"source": ["a page I saw"]}, "source"),
        ({"verified": "27/11/2026"}, "verified"),
        ({"verified": "2026-13-40"}, "verified"),
        ({"uncertain": True}, "uncertain_reason"),
        ({"uncertain": "yes"}, "uncertain"),
        ({"open_24h": "24h"}, "open_24h"),
        ({"emergency": True, "open_24h": False}, "open_24h"),
        ({"name": {"ja": "テスト"}}, "name"),
        ({"hours": "24h"}, "hours"),
        ({"id": "Test Line"}, "id"),
        ({"verifed": "2026-11-27"}, "verifed"),
    ],
)
def test_bad_field_is_named_with_its_entry(tmp_path: Path, change: dict[str, object], field: str) -> None:
    entry = {**GOOD, **change}
    with pytest.raises(ResourceError) as error:
        CrisisResources.load(write(tmp_path, GOOD | {"id": "fine"}, entry))
    label = entry["id"] if isinstance(entry["id"], str) else "test_line"
    assert str(error.value).startswith(f"{label}: {field}:"), str(error.value)


@pytest.mark.parametrize("field", ["phone", "source", "verified", "categories"])
def test_a_missing_field_is_named(tmp_path: Path, field: str) -> None:
    entry = {key: value for key, value in GOOD.items() if key != field}
    with pytest.raises(ResourceError, match=f"^test_line: {field}: missing"):
        CrisisResources.load(write(tmp_path, entry))


def test_duplicate_ids_and_unnamed_entries_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ResourceError, match="^test_line: id: duplicate"):
        CrisisResources.load(write(tmp_path, GOOD, GOOD))
    without_id = {key: value for key, value in GOOD.items() if key != "id"}
    with pytest.raises(ResourceError, match=r"^entry #2: id: missing"):
        CrisisResources.load(write(tmp_path, GOOD, without_id))


def test_broken_yaml_and_wrong_shape_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("- id: [unclosed\n", encoding="utf-8")
    with pytest.raises(ResourceError, match="not valid YAML"):
        CrisisResources.load(path)
    path.write_text("resources: {}\n", encoding="utf-8")
    with pytest.raises(ResourceError, match="non-empty list"):
        CrisisResources.load(path)


def test_an_unquoted_date_is_accepted(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD)
    path.write_text(path.read_text(encoding="utf-8").replace("'2026-11-27'", "2026-11-27"), encoding="utf-8")
    assert CrisisResources.load(path).entries[0].verified == "2026-11-27"


def test_the_category_vocabulary_is_the_triage_vocabulary() -> None:
    from flows.triage import CATEGORIES as TRIAGE_CATEGORIES

    assert set(TRIAGE_CATEGORIES) == CATEGORIES
