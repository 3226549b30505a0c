"""The directory of services end to end through the local Bot API server: "information" in the
intake lists services open now for the person's concern and prefecture, a counselor's referral
card reaches the person, and every referral is counted (service, concern, region; nobody)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import yaml

from bot.service import Service
from bot.settings import Settings
from bot.testing.botapi import LocalBotApi
from routing.referrals import ReferralCount
from tests.bot.test_routing_e2e import accept_offer, has_button, online, read_until, to_the_queue
from tests.conftest import COUNSELOR_B


def entry(service_id: str, name: str, phone: str, regions: list[str], hours: str, **extra: object) -> dict:
    return {
        "id": service_id, "names": {"ja": name, "en": name}, "organization": "test",
        "categories": ["loneliness"], "regions": regions, "hours": hours,
        "channels": [{"kind": "phone", "value": phone}],
        "languages": ["ja", "en"], "free": True, "sources": ["https://example.invalid/test"],
        "verified": "2026-11-27", **extra,
    }  # fmt: skip


async def to_how_to_help(botapi: LocalBotApi, user_id: int, concern: str, where: str | None) -> dict:
    """A person goes through the intake in English to "how would you like help?"; that question."""
    person = botapi.user(user_id, first_name="Mei", language_code="en")
    botapi.send_text(person, "/start")
    for tap in ("consent", "lang_en", concern, "dying_no"):
        (question,) = await botapi.wait_for_messages(user_id)
        botapi.press_button(person, question["message_id"], tap)
    (region,) = await botapi.wait_for_messages(user_id)
    if where is None:
        botapi.press_button(person, region["message_id"], "region_skip")
    else:
        botapi.send_text(person, where)
    (help_mode,) = await botapi.wait_for_messages(user_id)
    return help_mode


def directory(tmp_path: Path) -> Path:
    path = tmp_path / "directory.yaml"
    services = [
        entry("tokyo_lonely", "Tokyo Not Alone Line", "03-1111-2222", ["13"], "24h"),
        entry("osaka_lonely", "Osaka Evening Line", "06-3333-4444", ["27"], "24h"),
        entry("tokyo_closed", "Tokyo Office Hours Desk", "03-5555-6666", ["13"], "closed"),
        entry("national_line", "National Listening Line", "0120-000-111", ["national"], "24h"),
    ]
    path.write_text(yaml.safe_dump(services, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


async def test_information_lists_services_open_now_for_the_concern_and_prefecture(
    botapi: LocalBotApi, settings: Settings, start_service: Callable, tmp_path: Path
) -> None:
    settings.directory_file = directory(tmp_path)
    service: Service = await start_service()
    help_mode = await to_how_to_help(botapi, 3201, "cat_loneliness", "東京都世田谷区")

    botapi.press_button(help_mode["chat"]["id"], help_mode["message_id"], "help_info")

    (services,) = await botapi.wait_for_messages(3201)
    text = services["text"]
    assert "Tokyo Not Alone Line" in text and "03-1111-2222" in text
    assert "National Listening Line" in text
    assert text.index("Tokyo Not Alone Line") < text.index("National Listening Line")  # local first
    assert "Osaka" not in text  # another prefecture's service
    assert "Office Hours Desk" not in text  # closed now
    counts = await service.dispatcher.referrals.counts()
    assert ReferralCount("intake", "tokyo_lonely", "loneliness", "13", 1) in counts
    assert not [c for c in counts if c.service_id in ("osaka_lonely", "tokyo_closed")]


async def test_a_counselors_referral_card_reaches_the_person_and_is_counted(
    botapi: LocalBotApi, settings: Settings, start_service: Callable, tmp_path: Path
) -> None:
    settings.directory_file = directory(tmp_path)
    service: Service = await start_service()
    counselor = await online(botapi, COUNSELOR_B)
    await to_the_queue(botapi, 3202)  # in Osaka, lonely
    await accept_offer(botapi, counselor)
    await read_until(botapi, 3202, lambda m: "A counselor has joined" in m["text"])

    botapi.send_text(counselor, "/refer")
    (choices,) = await botapi.wait_for_messages(COUNSELOR_B)
    offered = [option for _, option in botapi.buttons(choices)]
    ticket = (await service.presence.get("c-b")).ticket_id
    assert offered[0] == f"refer:{ticket}:osaka_lonely" and f"refer:{ticket}:tokyo_lonely" not in offered
    botapi.press_button(counselor, choices["message_id"], f"refer:{ticket}:osaka_lonely")

    (sent,) = await botapi.wait_for_messages(COUNSELOR_B)
    assert "Sent: Osaka Evening Line" in sent["text"]
    (card,) = await botapi.wait_for_messages(3202)
    assert "Your counselor sent you a service" in card["text"] and "06-3333-4444" in card["text"]
    counts = await service.dispatcher.referrals.counts()
    assert ReferralCount("counselor", "osaka_lonely", "loneliness", "27", 1) in counts
    assert not has_button("refer:")(card)


async def test_a_line_that_answers_day_and_night_is_always_among_the_services(
    botapi: LocalBotApi, settings: Settings, start_service: Callable, tmp_path: Path
) -> None:
    path = tmp_path / "directory.yaml"
    services = [
        {**entry("mind_desk", "Mind Desk", "03-7777-8888", ["national"], "24h"),
         "categories": ["mental_health"]},
        {**entry("night_line", "Night Line", "0120-999-000", ["national"], "24h"), "crisis": True,
         "categories": ["domestic_violence"]},
    ]  # fmt: skip
    path.write_text(yaml.safe_dump(services, allow_unicode=True, sort_keys=False), encoding="utf-8")
    settings.directory_file = path
    await start_service()
    help_mode = await to_how_to_help(botapi, 3203, "cat_mind", None)

    botapi.press_button(help_mode["chat"]["id"], help_mode["message_id"], "help_info")

    (shown,) = await botapi.wait_for_messages(3203)
    assert "Mind Desk" in shown["text"] and "Night Line" in shown["text"] and "0120-999-000" in shown["text"]


async def test_both_with_every_team_closed_lists_the_services_once_and_counts_them_once(
    botapi: LocalBotApi, settings: Settings, start_service: Callable, tmp_path: Path
) -> None:
    settings.directory_file = directory(tmp_path)
    teams = [{"id": "desk", "name": {"ja": "窓口", "en": "Desk"}, "languages": ["ja", "en"], "hours": "24h"}]
    orgs = tmp_path / "organizations.yaml"
    orgs.write_text(yaml.safe_dump({"organizations": [{"id": "city", "name": {"ja": "市", "en": "City"},
                                                        "teams": teams}]}))  # fmt: skip
    settings.organizations_file = orgs  # open around the clock, but nobody online: kept in line
    service: Service = await start_service()
    help_mode = await to_how_to_help(botapi, 3204, "cat_loneliness", "東京都")

    botapi.press_button(help_mode["chat"]["id"], help_mode["message_id"], "help_both")

    replies = await read_until(botapi, 3204, lambda m: bool(LocalBotApi.buttons(m)))
    text = "\n".join(m["text"] for m in replies)
    assert len(replies) == 1 and text.count("03-1111-2222") == 1  # listed once, in one message
    assert text.index("No counselor is available right now") < text.index("03-1111-2222")
    assert "You are now waiting for a counselor" not in text  # never "in line" above "nobody here"
    counts = await service.dispatcher.referrals.counts()
    assert [(c.source, c.count) for c in counts if c.service_id == "tokyo_lonely"] == [("intake", 1)]
