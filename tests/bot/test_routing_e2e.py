"""Routing end to end through the local Bot API server: off-hours fallback, a counselor who
vanishes, offers passed on (declined, missed), a warm transfer, and closing with an outcome.
Real python-telegram-bot client, real Redis, real Lua."""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml
from aiohttp import ClientSession

from bot.service import Service
from bot.settings import Settings
from bot.testing.botapi import LocalBotApi
from bot.testing.botapi_wire import TgUser
from routing import keys
from tests.conftest import COUNSELOR_B, COUNSELOR_C

YORISOI = "0120-279-338"  # よりそいホットライン, open 24 hours (flows/data/crisis_resources.yaml)
CONCERN = "I moved to Osaka for work last year and I have nobody to talk to. Evenings are the worst."
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def organizations(tmp_path: Path, hours: object) -> Path:
    """An organizations file with one team, open as `hours` says, public holidays too (so that the
    tests built on the weekday's hours hold whatever day they run)."""
    path = tmp_path / "organizations.yaml"
    team = {"id": "desk", "name": {"ja": "相談窓口", "en": "Desk"}, "languages": ["ja", "en"]}
    team.update(categories="all", regions=["national"], capacity=1, hours=hours, holidays="open")
    org = {"id": "city", "name": {"ja": "市", "en": "City"}, "teams": [team]}
    path.write_text(yaml.safe_dump({"organizations": [org]}, allow_unicode=True))
    return path


async def read_until(botapi: LocalBotApi, chat_id: int, done: Callable[[dict], bool]) -> list[dict]:
    """Every message the chat receives up to and including the first for which `done` holds."""
    seen: list[dict] = []
    while not seen or not done(seen[-1]):
        seen += await botapi.wait_for_messages(chat_id)
    return seen


def has_button(prefix: str) -> Callable[[dict], bool]:
    return lambda message: any(option.startswith(prefix) for _, option in LocalBotApi.buttons(message))


async def to_the_queue(botapi: LocalBotApi, user_id: int, concern: str = CONCERN) -> list[dict]:
    """A person goes through the intake in English and asks to talk; the reply to that tap."""
    person = botapi.user(user_id, first_name="Aiko", language_code="en")
    botapi.send_text(person, "/start")
    (welcome,) = await botapi.wait_for_messages(user_id)
    botapi.press_button(person, welcome["message_id"], "consent")
    (language,) = await botapi.wait_for_messages(user_id)
    botapi.press_button(person, language["message_id"], "lang_en")
    await botapi.wait_for_messages(user_id)
    botapi.send_text(person, concern)
    (dying,) = await botapi.wait_for_messages(user_id)  # asked of everyone
    botapi.press_button(person, dying["message_id"], "dying_no")
    await botapi.wait_for_messages(user_id)
    botapi.send_text(person, "Osaka")
    (help_mode,) = await botapi.wait_for_messages(user_id)
    botapi.press_button(person, help_mode["message_id"], "help_talk")
    return await read_until(
        botapi, user_id, lambda m: bool(LocalBotApi.buttons(m)) or "write here again" in m["text"]
    )


async def online(botapi: LocalBotApi, user_id: int) -> TgUser:
    counselor = botapi.user(user_id, first_name="Sato")
    botapi.send_text(counselor, "/online")
    (reply,) = await botapi.wait_for_messages(user_id)
    assert "You are online" in reply["text"]
    return counselor


async def talking_with(botapi: LocalBotApi, counselor_id: int, person: int, words: str) -> TgUser:
    """A counselor online, who accepted the person from the queue and has read their first words."""
    counselor = await online(botapi, counselor_id)
    await to_the_queue(botapi, person)
    await accept_offer(botapi, counselor)
    await botapi.wait_for_messages(person)  # joined
    botapi.send_text(person, words)
    await botapi.wait_for_messages(counselor_id)
    return counselor


async def accept_offer(botapi: LocalBotApi, counselor: TgUser) -> dict:
    """The counselor's next offer, accepted; the intake summary they then see."""
    offer = (await read_until(botapi, counselor.id, has_button("offer_accept:")))[-1]
    accept = next(option for _, option in botapi.buttons(offer) if option.startswith("offer_accept:"))
    botapi.press_button(counselor, offer["message_id"], accept)
    (summary,) = await botapi.wait_for_messages(counselor.id)
    assert "Intake summary" in summary["text"]
    return offer


async def test_with_every_team_closed_the_reply_that_would_queue_gives_the_services_open_now(
    botapi: LocalBotApi, settings: Settings, start_service: Callable, tmp_path: Path
) -> None:
    settings.organizations_file = organizations(tmp_path, {"everyday": "closed"})
    service: Service = await start_service()

    reply = await to_the_queue(botapi, 3001)

    text = "\n".join(message["text"] for message in reply)
    assert "No counselor is available right now" in reply[0]["text"]
    assert YORISOI in reply[0]["text"]  # a 24-hour line, open now, in the very reply
    assert "No team opens in the next hours" in text
    person_id = service.dispatcher.pseudonymizer.person_id("telegram", "3001")
    assert (await service.conversations.get(person_id)).state == "closed"
    assert await service.queue.waiting() == 0
    fallback = [c for c in await service.dispatcher.referrals.counts() if c.source == "fallback"]
    assert "yorisoi_hotline" in {c.service_id for c in fallback}  # the 24-hour lines, from the directory


async def test_when_a_team_opens_soon_the_person_is_told_when_and_keeps_a_place(
    botapi: LocalBotApi, settings: Settings, start_service: Callable, tmp_path: Path
) -> None:
    opens = datetime.now(ZoneInfo("Asia/Tokyo")) + timedelta(minutes=40)
    span = f"{opens:%H:%M}-{opens + timedelta(hours=2):%H:%M}"
    settings.organizations_file = organizations(tmp_path, {DAYS[opens.weekday()]: [span]})
    service: Service = await start_service()

    reply = await to_the_queue(botapi, 3002)

    text = "\n".join(message["text"] for message in reply)
    assert "No counselor is available right now" in text and YORISOI in text
    started, now = (opens - timedelta(minutes=40)).date(), datetime.now(opens.tzinfo).date()
    days = {"today" if opens.date() == day else "tomorrow" for day in (started, now)}  # midnight
    assert any(f"A team opens {day} at {opens:%H:%M}" in text for day in days), text
    assert {option for _, option in botapi.buttons(reply[-1])} == {"waiting_services", "waiting_leave"}
    assert await service.queue.waiting("en") == 1

    botapi.press_button(3002, reply[-1]["message_id"], "waiting_services")
    (services,) = await botapi.wait_for_messages(3002)
    assert YORISOI in services["text"] and "You have left the line" in services["text"]
    assert await service.queue.waiting() == 0
    assert await service.redis.hget(keys.metrics(), "outcome:referred") == "1"


async def test_a_counselor_who_vanishes_gives_the_person_back_to_the_front_of_their_band(
    botapi: LocalBotApi, settings: Settings, start_service: Callable
) -> None:
    settings.heartbeat_seconds = 5
    service: Service = await start_service()
    await to_the_queue(botapi, 3003)
    # Someone else of the same band arrives later; the counselor comes online and takes the first.
    await to_the_queue(botapi, 3004, "I feel alone since my mother died. Nobody calls me.")
    gone = await online(botapi, COUNSELOR_B)
    await accept_offer(botapi, gone)
    last_sign = time.monotonic()  # the counselor's tap on Accept was their last sign of life
    botapi.send_text(3003, "Thank you for answering. Tonight was hard again.")
    await botapi.wait_for_messages(3003)  # "A counselor has joined"
    await botapi.wait_for_messages(COUNSELOR_B)  # the words reach the counselor

    # The counselor says nothing more: their person is told, within the heartbeat timeout
    # (timed when the bot sent it, not when this test read it).
    told = await read_until(botapi, 3003, lambda m: "back at the front of the line" in m["text"])
    assert botapi.sent_at(3003, told[-1]["message_id"]) - last_sign <= settings.heartbeat_seconds + 2.5
    # Nobody else is online: the same notice says so, with the services open now (invariant 4).
    fallback = await botapi.wait_for_messages(3003, count=2)
    assert "No counselor is available right now" in fallback[0]["text"] and YORISOI in fallback[0]["text"]
    assert {option for _, option in botapi.buttons(fallback[1])} == {"waiting_services", "waiting_leave"}
    assert told
    sent_to_b = [message["text"] for message in botapi.sent(COUNSELOR_B)]
    assert any("Are you still there?" in text for text in sent_to_b)
    await read_until(botapi, COUNSELOR_B, lambda m: "you were set offline" in m["text"])
    person_a = service.dispatcher.pseudonymizer.person_id("telegram", "3003")
    assert (await service.conversations.get(person_a)).state == "queued"

    # The next counselor is offered the person who was cut off, before the one who came later,
    # and sees what was said before, so nobody has to repeat themselves.
    counselor_c = await online(botapi, COUNSELOR_C)
    offer = await accept_offer(botapi, counselor_c)
    ticket_a = (await service.conversations.get(person_a)).ticket_id
    assert any(option == f"offer_accept:{ticket_a}" for _, option in botapi.buttons(offer))
    history = [m["text"] for m in await botapi.wait_for_messages(COUNSELOR_C, count=3)]
    assert "Thank you for answering. Tonight was hard again." in history


async def test_an_offer_passed_on_and_one_missed_go_to_the_next_counselor_and_keep_the_place(
    botapi: LocalBotApi, settings: Settings, start_service: Callable, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.counselor_side")
    settings.offer_seconds = 2
    service: Service = await start_service()
    counselor_b = await online(botapi, COUNSELOR_B)  # idle longest: offered first
    await online(botapi, COUNSELOR_C)
    await to_the_queue(botapi, 3005)

    offer_b = (await read_until(botapi, COUNSELOR_B, has_button("offer_decline:")))[-1]
    assert "Prefecture: Osaka" in offer_b["text"]  # by name, not the code 27 (issue 16, item 8)
    decline = next(option for _, option in botapi.buttons(offer_b) if option.startswith("offer_decline:"))
    botapi.press_button(counselor_b, offer_b["message_id"], decline)
    assert "Passed on" in (await botapi.wait_for_messages(COUNSELOR_B))[0]["text"]
    assert any(r.getMessage().startswith("passed ticket=") and "counselor=c-b" in r.getMessage()
               for r in caplog.records)  # passes are logged, with ids only (issue 16, item 11)

    # C is offered it next, says nothing, and is paused when the offer times out.
    await read_until(botapi, COUNSELOR_C, has_button("offer_accept:"))
    missed = await read_until(botapi, COUNSELOR_C, lambda m: "You missed an offer" in m["text"])
    assert missed
    assert (await service.presence.get("c-c")).status == "paused"

    # Nobody else may be offered it; B, who passed, can still take it themselves. B's pass held
    # the person back from B for one offer time only, so B may already have been offered them
    # again: /next then takes that offer.
    botapi.send_text(counselor_b, "/next")
    seen = await read_until(botapi, COUNSELOR_B, lambda m: "Intake summary" in m["text"])
    assert all(has_button("offer_accept:")(m) for m in seen[:-1]), [m["text"] for m in seen]
    assert (await service.presence.get("c-c")).status == "paused"  # C was not offered it again
    joined = (await read_until(botapi, 3005, lambda m: "A counselor has joined" in m["text"]))[-1]
    assert joined


async def test_a_warm_transfer_shows_the_new_counselor_the_note_and_the_conversation(
    botapi: LocalBotApi, service: Service
) -> None:
    said = "My boss shouts at me every day and I can't sleep."
    counselor_b = await talking_with(botapi, COUNSELOR_B, 3006, said)
    counselor_c = await online(botapi, COUNSELOR_C)

    botapi.send_text(counselor_b, "/transfer c-c Work harassment; she prefers gentle questions")

    (done,) = await botapi.wait_for_messages(COUNSELOR_B)
    assert "Passed to c-c" in done["text"]
    told = await read_until(botapi, 3006, lambda m: "passing you to a colleague" in m["text"])
    assert told
    received = [
        m["text"] for m in await read_until(botapi, COUNSELOR_C, lambda m: "boss shouts" in m["text"])
    ]
    assert any("Work harassment; she prefers gentle questions" in text for text in received)
    assert any("Intake summary" in text for text in received)
    botapi.send_text(counselor_c, "Hello, I'm here now. I read what you wrote.")
    words = (await read_until(botapi, 3006, lambda m: "I read what you wrote" in m["text"]))[-1]
    assert words
    assert (await service.presence.get("c-b")).holds == {}


async def test_closing_asks_for_an_outcome_and_counts_it(botapi: LocalBotApi, service: Service) -> None:
    counselor_b = await online(botapi, COUNSELOR_B)
    await to_the_queue(botapi, 3007)
    await accept_offer(botapi, counselor_b)

    botapi.send_text(counselor_b, "/end")
    (ask,) = await botapi.wait_for_messages(COUNSELOR_B)
    outcomes = ("resolved", "referred", "person_left", "no_response", "emergency_escalated")
    ticket = (await service.presence.get("c-b")).ticket_id
    assert {option for _, option in botapi.buttons(ask)} == {
        f"close:{outcome}:{ticket}" for outcome in outcomes
    }
    assert (await service.presence.get("c-b")).connected  # nothing closed before the answer

    botapi.press_button(counselor_b, ask["message_id"], f"close:referred:{ticket}")
    (closed,) = await botapi.wait_for_messages(COUNSELOR_B)
    assert "Referred to a service" in closed["text"]
    await read_until(botapi, 3007, lambda m: "The counselor has ended this conversation" in m["text"])
    async with ClientSession() as http, http.get(f"{service.http_url}/metrics") as response:
        body = await response.text()
    assert 'tsunagari_closed_total{outcome="referred"} 1' in body
    assert 'tsunagari_queue_waiting{lang="en",risk="low"} 0' in body
    assert "tsunagari_counselors_online 1" in body
    assert 'tsunagari_counselors_available{lang="en"} 1' in body  # B is free again
    assert 'tsunagari_routing_events_total{type="offered"} 1' in body


async def test_a_returning_person_is_offered_to_their_previous_counselor_when_free(
    botapi: LocalBotApi, service: Service
) -> None:
    counselor_c = await online(botapi, COUNSELOR_C)
    counselor_b = await online(botapi, COUNSELOR_B)
    await to_the_queue(botapi, 3008, "My husband passed away in spring and the house is so quiet.")
    await accept_offer(botapi, counselor_c)  # C takes the first person
    await to_the_queue(botapi, 3009)
    await accept_offer(botapi, counselor_b)  # B takes the second
    botapi.send_text(counselor_c, "/end resolved")  # C is free first: idle the longest
    await read_until(botapi, COUNSELOR_C, lambda m: "You closed the conversation" in m["text"])
    botapi.send_text(counselor_b, "/end resolved")
    await read_until(botapi, COUNSELOR_B, lambda m: "You closed the conversation" in m["text"])

    await read_until(botapi, 3009, lambda m: "The counselor has ended this conversation" in m["text"])

    # The second person comes back: C has been free longer, but B is who they talked with.
    await to_the_queue(botapi, 3009, "It's me again. I tried what we talked about, it helped a little.")

    offer = await accept_offer(botapi, counselor_b)
    assert offer
    assert not [m for m in botapi.unread(COUNSELOR_C) if botapi.buttons(m)]


async def test_a_supervisor_sees_the_line_and_assigns_a_passed_person_within_their_organization(
    botapi: LocalBotApi, settings: Settings, start_service: Callable, tmp_path: Path
) -> None:
    orgs = organizations(tmp_path, "24h")
    data = yaml.safe_load(orgs.read_text())
    other = {
        "id": "npo",
        "name": {"ja": "NPO", "en": "NPO"},
        "teams": [dict(data["organizations"][0]["teams"][0])],
    }
    data["organizations"].append(other)
    orgs.write_text(yaml.safe_dump(data, allow_unicode=True))
    team = {"lang": "en", "team": "city/desk"}
    people = [
        {"id": "c-b", "name": "B", "telegram_user_id": COUNSELOR_B, **team},
        {"id": "c-sv", "name": "Supervisor", "telegram_user_id": COUNSELOR_C, **team, "role": "supervisor"},
        {
            "id": "c-npo",
            "name": "NPO",
            "console_key": "npo-console-key-0001",
            "lang": "en",
            "team": "npo/desk",
        },
    ]
    settings.counselors_file.write_text(yaml.safe_dump({"counselors": people}))
    settings.organizations_file = orgs
    await start_service()
    counselor_b = await online(botapi, COUNSELOR_B)
    await to_the_queue(botapi, 3010)
    offer = (await read_until(botapi, COUNSELOR_B, has_button("offer_decline:")))[-1]
    decline = next(option for _, option in botapi.buttons(offer) if option.startswith("offer_decline:"))
    ticket = decline.removeprefix("offer_decline:")
    botapi.press_button(counselor_b, offer["message_id"], decline)
    await botapi.wait_for_messages(COUNSELOR_B)  # "Passed on": nobody else is there to offer it to

    supervisor = botapi.user(COUNSELOR_C, first_name="Kato")
    botapi.send_text(supervisor, "/queue")
    (line,) = await botapi.wait_for_messages(COUNSELOR_C)
    assert f"{ticket} · " in line["text"] and " · en · " in line["text"]
    botapi.send_text(supervisor, f"/assign {ticket} c-npo")
    (refused,) = await botapi.wait_for_messages(COUNSELOR_C)
    assert "only to counselors of your own organization" in refused["text"]

    botapi.send_text(supervisor, f"/assign {ticket} c-b")
    (assigned,) = await botapi.wait_for_messages(COUNSELOR_C)
    assert f"{ticket} was given to c-b" in assigned["text"]
    (summary,) = await botapi.wait_for_messages(COUNSELOR_B)
    assert "Intake summary" in summary["text"]
    await read_until(botapi, 3010, lambda m: "A counselor has joined" in m["text"])


async def test_an_outcome_tapped_later_closes_the_conversation_it_was_asked_for(
    botapi: LocalBotApi, settings: Settings, start_service: Callable, tmp_path: Path
) -> None:
    settings.organizations_file = organizations(tmp_path, "24h")
    data = yaml.safe_load(settings.organizations_file.read_text())
    data["organizations"][0]["teams"][0]["capacity"] = 2
    settings.organizations_file.write_text(yaml.safe_dump(data, allow_unicode=True))
    people = [{"id": "c-b", "name": "B", "telegram_user_id": COUNSELOR_B, "lang": "en", "team": "city/desk"}]
    settings.counselors_file.write_text(yaml.safe_dump({"counselors": people}))
    service: Service = await start_service()
    counselor_b = await online(botapi, COUNSELOR_B)
    await to_the_queue(botapi, 3011)
    await accept_offer(botapi, counselor_b)
    first = (await service.presence.get("c-b")).ticket_id
    botapi.send_text(counselor_b, "/end")
    ask = (await read_until(botapi, COUNSELOR_B, lambda m: "How did the conversation end?" in m["text"]))[-1]

    # A second person arrives and is taken before the counselor answers the question.
    await to_the_queue(botapi, 3012, "My sister stopped talking to me and I feel so alone.")
    await accept_offer(botapi, counselor_b)
    botapi.press_button(counselor_b, ask["message_id"], f"close:resolved:{first}")

    await read_until(botapi, COUNSELOR_B, lambda m: "You closed the conversation" in m["text"])
    person_1 = service.dispatcher.pseudonymizer.person_id("telegram", "3011")
    person_2 = service.dispatcher.pseudonymizer.person_id("telegram", "3012")
    assert (await service.conversations.get(person_1)).state == "closed"
    assert (await service.conversations.get(person_2)).state == "connected"


async def test_waiting_people_hear_of_their_place_only_when_it_moved_a_lot(
    botapi: LocalBotApi, service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bot.service.NEWS_SWEEP", math.inf)  # only this test's own sweeps tell
    counselor_b = await online(botapi, COUNSELOR_B)
    await to_the_queue(botapi, 3020)
    await accept_offer(botapi, counselor_b)  # B is busy from now on: the others wait
    people = [3021, 3022, 3023]
    for user_id in people:
        told = await to_the_queue(botapi, user_id)
        assert f"You are number {people.index(user_id) + 1} in line" in told[-1]["text"]
    tickets = {u: (await service.conversations.get(service.dispatcher.pseudonymizer.person_id("telegram",
               str(u)))).ticket_id for u in people}  # fmt: skip
    # As if, minutes ago, the last had been told they were 7th and the middle one 3rd.
    await service.redis.hset(keys.ticket(tickets[3023]), mapping={"told_ahead": 6, "told_at": 0})
    await service.redis.hset(keys.ticket(tickets[3022]), mapping={"told_ahead": 2, "told_at": 0})

    await service.dispatcher.waiting_news()

    (news,) = await botapi.wait_for_messages(3023)
    assert "You are number 3 in line" in news["text"]
    assert botapi.unread(3022) == [] and botapi.unread(3021) == []  # moved by one: no message
    await service.dispatcher.waiting_news()  # told just now: nothing again
    assert botapi.unread(3023) == []
