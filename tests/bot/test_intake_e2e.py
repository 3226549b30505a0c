"""The intake end to end through the local Bot API server: crisis replies, "talk to a person now"
from every state, /forget, /cancel and the inactivity reminder. Real PTB client, real Redis."""

from __future__ import annotations

import asyncio
import logging
import re
import time

import pytest
from redis.asyncio import Redis

from bot.service import Service
from bot.testing.botapi import LocalBotApi
from bot.testing.botapi_wire import TgUser
from flows.intake import IntakeFlow
from routing import keys
from routing.scripts import Scripts
from routing.timers import IntakeTimers
from tests.conftest import COUNSELOR_B, ServiceFactory

IMMINENT = "もう無理。今夜、薬を全部飲んで死のうと思ってる"
HIGH = "毎日つらくて、正直もう死にたい"
YORISOI = "0120-279-338"  # よりそいホットライン, 24 hours (flows/data/crisis_resources.yaml)
WAITING = ["waiting_services", "waiting_leave"]  # the buttons of a person waiting in line

# How to reach each open state of the default flow by taps (the test below checks it is all of them).
PATHS = {
    "welcome": [],
    "language": ["consent"],
    "concern": ["consent", "lang_en"],
    "safety_dying": ["consent", "lang_en", "cat_dying"],
    "safety_now": ["consent", "lang_en", "cat_dying", "dying_yes"],
    "region": ["consent", "lang_en", "cat_loneliness", "dying_no"],
    "help_mode": ["consent", "lang_en", "cat_loneliness", "dying_no", "region_skip"],
    "referral": ["consent", "lang_en", "cat_loneliness", "dying_no", "region_skip", "help_info"],
}


async def start(botapi: LocalBotApi, user_id: int, lang: str = "ja") -> dict:
    person = botapi.user(user_id, first_name="Haru", language_code=lang)
    botapi.send_text(person, "/start")
    (welcome,) = await botapi.wait_for_messages(person.id)
    return welcome


async def tap_through(botapi: LocalBotApi, user_id: int, taps: list[str]) -> dict:
    """From /start, tap each button in turn; the last message shown."""
    last = await start(botapi, user_id)
    for tap in taps:
        botapi.press_button(user_id, last["message_id"], tap)
        last = await next_question(botapi, user_id)
    return last


def options(botapi: LocalBotApi, message: dict) -> list[str]:
    return [data for _label, data in botapi.buttons(message)]


async def queued(botapi: LocalBotApi, user_id: int) -> list[dict]:
    """What a person hears on joining the line while no counselor is online: one message (issue
    16): the crisis lines first when the step carries them, "no counselor right now" with the
    services open now (in a crisis, the 24-hour lines above), and "you keep your place" with the
    waiting buttons; any replies before it are returned before it. They stay in line (the default
    organization is open 24 hours)."""
    messages = await botapi.wait_for_messages(user_id)
    while not options(botapi, messages[-1]):
        messages += await botapi.wait_for_messages(user_id)
    told = messages[-1]
    assert YORISOI in told["text"], told["text"]
    assert options(botapi, told) == WAITING, told["text"]
    return messages


async def take_next(botapi: LocalBotApi, counselor: TgUser, count: int = 1) -> list[dict]:
    """A counselor goes online with exactly one person waiting, is offered them at once and
    accepts; the summary and the `count - 1` messages after it (what was written while waiting)."""
    botapi.send_text(counselor, "/online")
    online, offer = await botapi.wait_for_messages(counselor.id, count=2)
    assert "People waiting in your languages: 1." in online["text"]
    accept, decline = options(botapi, offer)
    assert accept.startswith("offer_accept:") and decline.startswith("offer_decline:")
    botapi.press_button(counselor, offer["message_id"], accept)
    return await botapi.wait_for_messages(counselor.id, count=count)


async def next_question(botapi: LocalBotApi, user_id: int) -> dict:
    """The next message with buttons (a crisis reply may come before it)."""
    while True:
        (message,) = await botapi.wait_for_messages(user_id)
        if botapi.buttons(message):
            return message


async def test_a_crisis_message_at_the_very_first_step_gets_the_emergency_numbers_in_that_reply(
    botapi: LocalBotApi, service: Service
) -> None:
    await start(botapi, 2001)

    botapi.send_text(2001, IMMINENT)
    (told,) = await queued(botapi, 2001)

    text = told["text"]
    assert "119" in text and "110" in text and YORISOI in text
    assert text.index("110") < text.index("いまここでお話しできる相談員がいません")  # said at once
    assert "あなたの順番はいちばん先です" in text
    conversation = await service.conversations.get(
        service.dispatcher.pseudonymizer.person_id("telegram", "2001")
    )
    assert (conversation.state, conversation.risk) == ("queued", "imminent")


async def test_a_high_risk_message_at_the_very_first_step_gets_the_24h_lines_in_that_reply(
    botapi: LocalBotApi, service: Service
) -> None:
    welcome = await start(botapi, 2002)

    botapi.send_text(2002, HIGH)
    lines, prompt = await botapi.wait_for_messages(2002, count=2)

    assert YORISOI in lines["text"] and "ひとりで抱えなくて大丈夫" in lines["text"]
    assert prompt["text"] == welcome["text"]  # then the question again, kindly, without "choose a button"


async def test_a_first_message_without_start_is_read_by_triage_too(
    botapi: LocalBotApi, service: Service
) -> None:
    person = botapi.user(2003, first_name="Ren", language_code="en")

    botapi.send_text(person, "I wrote a note and I'm going to jump off the bridge tonight")
    (told,) = await queued(botapi, person.id)

    assert "119" in told["text"] and "110" in told["text"]
    assert "No counselor is free to answer here right now" in told["text"]
    assert "You are at the front of the line" in told["text"]


async def test_the_imminent_person_is_served_before_people_who_came_earlier(
    botapi: LocalBotApi, service: Service
) -> None:
    counselor = botapi.user(COUNSELOR_B, first_name="Sato", language_code="en")
    for early in (2011, 2012):
        last = await tap_through(
            botapi, early, ["consent", "lang_en", "cat_loneliness", "dying_no", "region_skip"]
        )
        botapi.press_button(early, last["message_id"], "help_talk")
        await queued(botapi, early)
    await start(botapi, 2013)
    botapi.send_text(2013, IMMINENT)
    await queued(botapi, 2013)

    botapi.send_text(counselor, "/online")
    online, offer = await botapi.wait_for_messages(counselor.id, count=2)
    assert "People waiting in your languages: 3." in online["text"]
    assert "Risk: IMMINENT" in offer["text"]  # the offer made at once is the imminent person
    botapi.send_text(counselor, "/next")  # takes the offer held
    (summary,) = await botapi.wait_for_messages(counselor.id)

    assert "Risk (triage): IMMINENT" in summary["text"]
    assert "薬を全部飲" in summary["text"] or "今夜" in summary["text"]  # the words that fired are shown
    assert IMMINENT in summary["text"]  # what they wrote before any question is kept for the counselor
    (joined,) = await botapi.wait_for_messages(2013)
    assert "相談員がつながりました" in joined["text"]


@pytest.mark.parametrize(
    ("first_id", "lang", "words"),
    [
        (2031, "lang_en", "took like 40 tylenol, feeling sick now"),
        (2041, "lang_ja", "さっき睡眠薬を30錠くらい飲んだ。もう眠くなってきた"),
    ],
)
async def test_an_overdose_told_at_the_concern_step_gets_the_numbers_at_once_and_goes_first(
    botapi: LocalBotApi, service: Service, first_id: int, lang: str, words: str
) -> None:
    """Issue 10: pills taken with an amount, in words no rule was written for, are imminent."""
    counselor = botapi.user(COUNSELOR_B, first_name="Sato", language_code="en")
    for early in (first_id, first_id + 1):  # two low-risk people came earlier
        last = await tap_through(
            botapi, early, ["consent", "lang_en", "cat_loneliness", "dying_no", "region_skip"]
        )
        botapi.press_button(early, last["message_id"], "help_talk")
        await queued(botapi, early)
    person = first_id + 2
    await tap_through(botapi, person, ["consent", lang])

    botapi.send_text(person, words)
    (crisis,) = await queued(botapi, person)
    assert "119" in crisis["text"] and "110" in crisis["text"]  # the very next reply

    botapi.send_text(counselor, "/online")
    online, offer = await botapi.wait_for_messages(counselor.id, count=2)
    assert "People waiting in your languages: 3." in online["text"]
    assert "Risk: IMMINENT" in offer["text"]  # served before the two who came earlier
    botapi.send_text(counselor, "/next")
    (summary,) = await botapi.wait_for_messages(counselor.id)
    assert "• IMMINENT · suicide" in summary["text"]  # the counselor sees why, in words: risk, concern
    assert words.split("。")[0][:12] in summary["text"]


async def test_unremarkable_words_meet_the_direct_question_and_not_safe_brings_the_numbers_at_once(
    botapi: LocalBotApi, service: Service
) -> None:
    counselor = botapi.user(COUNSELOR_B, first_name="Sato", language_code="en")
    await tap_through(botapi, 2020, ["consent", "lang_en"])

    botapi.send_text(2020, "I want to talk about my job")
    (asked,) = await botapi.wait_for_messages(2020)  # the very next reply: no crisis lines, the question
    assert asked["text"].startswith("Thank you. We ask everyone this, because it matters")
    assert "thoughts of dying" in asked["text"]
    assert options(botapi, asked) == ["dying_yes", "dying_sometimes", "dying_no", "human_now", "emergency"]

    botapi.press_button(2020, asked["message_id"], "dying_yes")
    lines, safe_now = await botapi.wait_for_messages(2020, count=2)
    assert YORISOI in lines["text"]  # a yes is heard: the 24-hour lines, once
    assert "Are you safe right now?" in safe_now["text"]

    botapi.press_button(2020, safe_now["message_id"], "safe_no")
    (crisis,) = await queued(botapi, 2020)
    assert "119" in crisis["text"] and "110" in crisis["text"] and YORISOI in crisis["text"]
    assert "front of the line" in crisis["text"]

    (summary,) = await take_next(botapi, counselor)
    assert "Risk (triage): IMMINENT" in summary["text"]
    assert "What they want to talk about: I want to talk about my job" in summary["text"]
    assert "Thoughts of dying: Yes" in summary["text"]  # the counselor sees both answers
    assert "Safe now: I am not safe" in summary["text"]


async def test_talk_to_a_person_now_from_every_intake_state_reaches_the_queue(
    botapi: LocalBotApi, service: Service
) -> None:
    flow: IntakeFlow = service.dispatcher.flow
    assert set(PATHS) == {name for name in [*flow.steps, *flow.handoffs] if flow.is_open(name)}
    for number, (state, taps) in enumerate(PATHS.items()):
        user_id = 2100 + number
        last = await tap_through(botapi, user_id, taps)
        person_id = service.dispatcher.pseudonymizer.person_id("telegram", str(user_id))
        assert (await service.conversations.get(person_id)).state == state
        assert "human_now" in [data for _, data in botapi.buttons(last)]

        botapi.press_button(user_id, last["message_id"], "human_now")
        (prompt,) = await queued(botapi, user_id)

        assert "You keep your place" in prompt["text"] or "順番はそのまま残り" in prompt["text"], state
        assert (await service.conversations.get(person_id)).state == "queued"
    assert await service.queue.waiting() == len(PATHS)


async def test_the_talk_and_emergency_commands_work_like_the_buttons(
    botapi: LocalBotApi, service: Service
) -> None:
    await tap_through(botapi, 2201, ["consent"])
    botapi.send_text(2201, "/talk")
    (prompt,) = await queued(botapi, 2201)
    assert "順番はそのまま残り" in prompt["text"]

    botapi.send_text(2201, "/emergency")  # while waiting: the numbers now, and the front of the line
    (crisis,) = await botapi.wait_for_messages(2201)
    assert "119" in crisis["text"] and YORISOI in crisis["text"]
    person_id = service.dispatcher.pseudonymizer.person_id("telegram", "2201")
    assert (await service.conversations.get(person_id)).risk == "imminent"


async def test_risk_rising_while_waiting_answers_at_once_and_moves_the_person_up(
    botapi: LocalBotApi, service: Service
) -> None:
    counselor = botapi.user(COUNSELOR_B, first_name="Sato", language_code="en")
    for user_id in (2301, 2302):
        await tap_through(botapi, user_id, ["consent", "lang_en"])
        botapi.send_text(user_id, "/talk")
        await queued(botapi, user_id)

    botapi.send_text(2302, "honestly I've been stockpiling my meds and I think tonight is the night")
    (crisis,) = await botapi.wait_for_messages(2302)
    assert "119" in crisis["text"] and "110" in crisis["text"]

    botapi.send_text(counselor, "/online")
    _online, offer = await botapi.wait_for_messages(counselor.id, count=2)
    assert "Risk: IMMINENT" in offer["text"]  # 2302 came second but is offered first
    botapi.send_text(counselor, "/next")  # takes the offer held
    summary, heading, note = await botapi.wait_for_messages(counselor.id, count=3)
    assert "Risk (triage): IMMINENT" in summary["text"]
    assert note["text"].startswith("honestly I've been stockpiling")


async def test_a_connected_person_in_crisis_gets_the_numbers_and_the_counselor_is_alerted(
    botapi: LocalBotApi, service: Service
) -> None:
    counselor = botapi.user(COUNSELOR_B, first_name="Sato", language_code="en")
    await tap_through(botapi, 2401, ["consent", "lang_ja"])
    botapi.send_text(2401, "/talk")
    await queued(botapi, 2401)
    await take_next(botapi, counselor)
    await botapi.wait_for_messages(2401)

    botapi.send_text(2401, "今から屋上に行って飛び降りる")
    (crisis,) = await botapi.wait_for_messages(2401)
    relayed, alert = await botapi.wait_for_messages(counselor.id, count=2)

    assert "119" in crisis["text"]
    assert relayed["text"] == "今から屋上に行って飛び降りる"
    assert alert["text"].startswith("Triage raised this person's risk to IMMINENT.")


async def test_forget_erases_every_key_of_the_person_and_frees_the_counselor(
    botapi: LocalBotApi, service: Service, redis: Redis
) -> None:
    counselor = botapi.user(COUNSELOR_B, first_name="Sato", language_code="en")
    words = "夫に毎晩どなられていて、家にいるのがこわいです"
    await tap_through(botapi, 2501, ["consent", "lang_ja"])
    botapi.send_text(2501, words)
    dying = await next_question(botapi, 2501)  # asked of everyone
    botapi.press_button(2501, dying["message_id"], "dying_no")
    safe_now = await next_question(botapi, 2501)  # violence now: "are you safe right now?"
    botapi.press_button(2501, safe_now["message_id"], "safe_yes")
    await next_question(botapi, 2501)
    botapi.send_text(2501, "横浜市")
    (help_mode,) = await botapi.wait_for_messages(2501)
    botapi.press_button(2501, help_mode["message_id"], "help_talk")
    await queued(botapi, 2501)
    await take_next(botapi, counselor)
    await botapi.wait_for_messages(2501)
    botapi.send_text(2501, "昨日もドアをけられました")
    await botapi.wait_for_messages(counselor.id)
    person_id = service.dispatcher.pseudonymizer.person_id("telegram", "2501")
    assert await redis.exists(f"tsunagari:conv:{person_id}")

    botapi.send_text(2501, "/forget")
    (confirm,) = await botapi.wait_for_messages(2501)
    assert [data for _, data in botapi.buttons(confirm)] == ["forget_yes", "forget_no"]
    botapi.press_button(2501, confirm["message_id"], "forget_yes")
    (done,) = await botapi.wait_for_messages(2501)
    (told,) = await botapi.wait_for_messages(counselor.id)

    assert "すべて消しました" in done["text"]
    assert told["text"] == "The person has left the conversation."
    secrets = [person_id, "2501", words, "昨日もドアをけられました", "横浜市"]
    found = [(key, secret) async for key, secret in keys_holding(redis, secrets)]
    assert found == []
    botapi.send_text(counselor, "/next")  # the counselor is free again
    (empty,) = await botapi.wait_for_messages(counselor.id)
    assert empty["text"] == "Nobody is waiting right now."


async def keys_holding(redis: Redis, secrets: list[str]):
    """Every (key, secret) where a key's name or any of its values holds the secret (SCAN, all types).

    A secret does not count inside a longer number, so a chat id such as 2501 is not "found" in a
    wait statistic such as 3.82501 seconds (CI once failed on exactly that), while "chat:2501",
    "telegram|2501" or "2501.0" still are.
    """
    patterns = {secret: re.compile(rf"(?<![0-9.]){re.escape(secret)}(?![0-9])") for secret in secrets}
    async for key in redis.scan_iter(count=1000):
        kind = await redis.type(key)
        if kind == "hash":
            values = [*(await redis.hgetall(key)).items()]
            values = [part for pair in values for part in pair]
        elif kind == "list":
            values = await redis.lrange(key, 0, -1)
        elif kind == "set":
            values = list(await redis.smembers(key))
        elif kind == "zset":
            values = await redis.zrange(key, 0, -1)
        else:
            values = [await redis.get(key) or ""]
        for secret, pattern in patterns.items():
            if pattern.search(key) or any(pattern.search(value) for value in values):
                yield key, secret


async def test_forget_no_keeps_everything(botapi: LocalBotApi, service: Service) -> None:
    await tap_through(botapi, 2502, ["consent"])
    botapi.send_text(2502, "/forget")
    (confirm,) = await botapi.wait_for_messages(2502)
    botapi.press_button(2502, confirm["message_id"], "forget_no")
    kept, prompt = await botapi.wait_for_messages(2502, count=2)
    assert kept["text"] == "わかりました。何も消していません。"
    assert "どの言語で話しますか" in prompt["text"]


async def test_cancel_starts_the_questions_again(botapi: LocalBotApi, service: Service) -> None:
    welcome = await tap_through(botapi, 2601, [])
    await tap_through(botapi, 2601, ["consent", "lang_en", "cat_loneliness"])
    botapi.send_text(2601, "/cancel")
    again, prompt = await botapi.wait_for_messages(2601, count=2)
    assert again["text"] == "All right, let us start again from the beginning."
    assert prompt["text"].startswith("Hello, this is Tsunagari.") or prompt["text"] == welcome["text"]


QUICK = {"intake_reminder_seconds": 1.0, "intake_expiry_seconds": 2.5}  # room for a slow machine


async def test_a_silent_person_gets_one_reminder_then_the_intake_closes_kindly(
    botapi: LocalBotApi, start_service: ServiceFactory
) -> None:
    service = await start_service(**QUICK)
    await tap_through(botapi, 2701, ["consent", "lang_en"])
    (reminder,) = await botapi.wait_for_messages(2701)
    assert reminder["text"].startswith("Are you still there?")
    (expired,) = await botapi.wait_for_messages(2701)
    assert expired["text"].startswith("We have not heard from you for a while")
    await asyncio.sleep(1.5)
    assert botapi.unread(2701) == []  # one reminder, one close, nothing more
    person_id = service.dispatcher.pseudonymizer.person_id("telegram", "2701")
    assert (await service.conversations.get(person_id)).state == "closed"
    botapi.send_text(2701, "/start")  # they are welcome back
    (welcome,) = await botapi.wait_for_messages(2701)
    assert welcome["text"].startswith("Hello, this is Tsunagari.") or "つながり" in welcome["text"]


async def test_a_person_who_answers_after_the_reminder_is_not_closed(
    botapi: LocalBotApi, start_service: ServiceFactory
) -> None:
    await start_service(**QUICK)
    last = await tap_through(botapi, 2702, ["consent"])
    (reminder,) = await botapi.wait_for_messages(2702)
    assert reminder["text"].startswith("まだそこにいますか")
    botapi.press_button(2702, last["message_id"], "lang_ja")
    (concern,) = await botapi.wait_for_messages(2702)
    assert "どんなことを話したいですか" in concern["text"]
    (second,) = await botapi.wait_for_messages(2702)  # the timer started again: a new reminder
    assert second["text"].startswith("まだそこにいますか")


async def test_a_reminder_that_fell_due_while_the_service_was_down_is_sent_after_the_restart(
    botapi: LocalBotApi, start_service: ServiceFactory, redis: Redis, caplog: pytest.LogCaptureFixture
) -> None:
    first = await start_service()
    await tap_through(botapi, 2703, ["consent", "lang_en"])
    await first.stop()
    person_id = first.dispatcher.pseudonymizer.person_id("telegram", "2703")
    due_a_minute_ago = time.time() - 60  # and nobody running
    await IntakeTimers(redis, Scripts(redis)).set(person_id, due_a_minute_ago)

    # Telegram takes half a second to come up while the sweeps would run every 10 ms: the
    # reminder goes out once polling has started, at the first try.
    get_me = botapi.methods.handlers["getMe"]

    async def slow_get_me(params: dict) -> dict:
        await asyncio.sleep(0.5)
        return await get_me(params)

    botapi.methods.handlers["getMe"] = slow_get_me
    restarted_at = len(botapi.calls)
    await start_service(intake_reminder_seconds=0.04, intake_expiry_seconds=600)

    (reminder,) = await botapi.wait_for_messages(2703)
    assert reminder["text"].startswith("Are you still there?")
    calls = [method for method, _ in botapi.calls[restarted_at:]]
    assert calls.index("sendMessage") > calls.index("deleteWebhook"), calls  # polling had started
    failed = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert failed == []


async def test_a_stopping_service_finishes_the_reminder_in_hand_and_puts_the_rest_back(
    botapi: LocalBotApi, start_service: ServiceFactory, redis: Redis
) -> None:
    service = await start_service(intake_reminder_seconds=2, intake_expiry_seconds=600)
    await start(botapi, 2704)
    await start(botapi, 2705)
    taken = asyncio.Event()
    remind = service.dispatcher.intake_timer

    async def slow_remind(person_id: str) -> None:  # the sweep has taken both timers out of Redis
        taken.set()
        await asyncio.sleep(0.3)
        await remind(person_id)

    service.dispatcher.intake_timer = slow_remind
    first, second = (service.dispatcher.pseudonymizer.person_id("telegram", str(u)) for u in (2704, 2705))
    # Both due in one ZADD (IntakeTimers.set adds one), so that one sweep takes both.
    await redis.zadd(keys.intake_due(), {first: time.time() - 2, second: time.time() - 1})
    await asyncio.wait_for(taken.wait(), 10)
    # Stopped while the first reminder is in hand, twice over (as by a second signal).
    await asyncio.gather(service.stop(), service.stop())

    (reminder,) = await botapi.wait_for_messages(2704)
    assert reminder["text"].startswith("まだそこにいますか")  # finished, not dropped half way
    assert botapi.unread(2705) == []
    assert await redis.zscore(keys.intake_due(), second) is not None  # back for the next process


async def test_a_sweep_stuck_past_the_grace_is_cancelled_and_the_service_still_stops(
    botapi: LocalBotApi,
    start_service: ServiceFactory,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr("bot.service.SWEEP_GRACE", 0.3)
    service = await start_service(**QUICK)
    taken = asyncio.Event()

    async def stuck(person_id: str) -> None:  # e.g. a send that never returns
        taken.set()
        await asyncio.sleep(3600)

    service.dispatcher.intake_timer = stuck
    await start(botapi, 2706)
    await asyncio.wait_for(taken.wait(), 10)

    await asyncio.wait_for(service.stop(), 10)

    assert "intake-timers still busy after 0.3 s; cancelling it" in caplog.text


async def test_danger_written_after_a_command_is_read_not_lost(botapi: LocalBotApi, service: Service) -> None:
    await start(botapi, 2801)

    botapi.send_text(2801, "/talk " + IMMINENT)
    (crisis,) = await queued(botapi, 2801)

    assert "119" in crisis["text"] and YORISOI in crisis["text"]
    assert "あなたの順番はいちばん先です" in crisis["text"]


async def test_an_old_not_safe_button_tapped_while_waiting_is_not_ignored(
    botapi: LocalBotApi, service: Service
) -> None:
    dying = await tap_through(botapi, 2802, ["consent", "lang_en", "cat_dying"])
    botapi.press_button(2802, dying["message_id"], "dying_yes")
    safe_now = await next_question(botapi, 2802)
    botapi.send_text(2802, "/talk")
    await queued(botapi, 2802)

    botapi.press_button(2802, safe_now["message_id"], "safe_no")
    (crisis,) = await botapi.wait_for_messages(2802)

    assert "119" in crisis["text"] and "110" in crisis["text"]
    person_id = service.dispatcher.pseudonymizer.person_id("telegram", "2802")
    assert (await service.conversations.get(person_id)).risk == "imminent"


async def test_a_message_too_long_to_keep_is_still_read_for_danger(
    botapi: LocalBotApi, service: Service
) -> None:
    await tap_through(botapi, 2804, ["consent", "lang_ja"])

    botapi.send_text(2804, IMMINENT + "\n" + "ずっとひとりで、" * 2_000)
    crisis, too_long = await botapi.wait_for_messages(2804, count=2)

    assert "119" in crisis["text"]
    assert "長すぎて" in too_long["text"]
