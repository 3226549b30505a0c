"""What a person hears when nobody can serve them, and in English at night (issue 16, items 3
and 4), end to end through the local Bot API server: real PTB client, real Redis, real Lua.

The night is fixed (the dispatcher's clock): which services are open now and which teams open
soon are read at that hour, whatever hour the tests run."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.service import Service
from bot.settings import Settings
from bot.testing.botapi import LocalBotApi
from tests.bot.test_routing_e2e import accept_offer, has_button, online, organizations, read_until
from tests.conftest import COUNSELOR_B

NIGHT = datetime(2026, 12, 2, 2, 30, tzinfo=ZoneInfo("Asia/Tokyo"))  # a Wednesday, not a holiday
YORISOI = "0120-279-338"  # よりそいホットライン: 24 hours, in Japanese
TELL = "03-5774-0992"  # TELL Lifeline: English, daily 09:00-23:00 as of 2019 (uncertain)
INOCHI_NAVI = "0570-783-556"  # いのちの電話 (ナビダイヤル): 10:00-22:00, closed at NIGHT
IMMINENT_JA = "今夜死にたい。薬はもう用意してある"
IMMINENT_EN = "I am going to kill myself tonight. I already have the pills ready."
WAITING = {"waiting_services", "waiting_leave"}


async def at_night(settings: Settings, start_service: Callable, tmp_path: Path, hours: object) -> Service:
    """A service whose one team (ja, en) keeps `hours`, nobody online, at NIGHT."""
    settings.organizations_file = organizations(tmp_path, hours)
    service: Service = await start_service()
    service.dispatcher.clock = lambda: NIGHT
    return service


def waiting_buttons(message: dict) -> set[str]:
    return {option for _, option in LocalBotApi.buttons(message)}


async def first_words(botapi: LocalBotApi, user_id: int, lang: str, words: str) -> list[dict]:
    """A person opens the chat and, on the welcome, writes `words`; every reply up to the one that
    ends the exchange (the waiting buttons, or the invitation to write again)."""
    person = botapi.user(user_id, first_name="Haru", language_code=lang)
    botapi.send_text(person, "/start")
    await botapi.wait_for_messages(user_id)
    botapi.send_text(person, words)
    return await read_until(
        botapi,
        user_id,
        lambda m: (
            bool(waiting_buttons(m) & WAITING) or "write here again" in m["text"] or "また書いて" in m["text"]
        ),
    )


async def through_the_intake(
    botapi: LocalBotApi, user_id: int, lang: str, concern: str, region: str
) -> list[dict]:
    """A person answers every question in `lang` and asks to talk; the replies to that tap."""
    person = botapi.user(user_id, first_name="Aiko", language_code=lang)
    botapi.send_text(person, "/start")
    (welcome,) = await botapi.wait_for_messages(user_id)
    botapi.press_button(person, welcome["message_id"], "consent")
    (language,) = await botapi.wait_for_messages(user_id)
    botapi.press_button(person, language["message_id"], f"lang_{lang}")
    await botapi.wait_for_messages(user_id)
    botapi.send_text(person, concern)
    (dying,) = await botapi.wait_for_messages(user_id)
    botapi.press_button(person, dying["message_id"], "dying_no")
    await botapi.wait_for_messages(user_id)
    botapi.send_text(person, region)
    (help_mode,) = await botapi.wait_for_messages(user_id)
    botapi.press_button(person, help_mode["message_id"], "help_talk")
    return await read_until(
        botapi, user_id, lambda m: bool(waiting_buttons(m) & WAITING) or "write here again" in m["text"]
    )


def section(text: str, start: str, end: str | None = None) -> str:
    """The part of `text` from the line holding `start` to the line holding `end` (or the end)."""
    begin = text.index(start)
    stop = text.index(end, begin) if end else len(text)
    return text[begin:stop]


# ---- item 3: a person in crisis while nobody is online ----------------------------------------


async def test_a_person_in_crisis_with_nobody_online_gets_one_coherent_message_numbers_first(
    botapi: LocalBotApi, settings: Settings, start_service: Callable, tmp_path: Path
) -> None:
    service = await at_night(settings, start_service, tmp_path, "24h")  # open, but nobody online

    replies = await first_words(botapi, 4601, "ja", IMMINENT_JA)

    assert len(replies) == 1, [m["text"] for m in replies]  # one message, not four
    (reply,) = replies
    text = reply["text"]
    lines = text.splitlines()
    # 119 and 110 first, in the first lines, where they cannot scroll out of view.
    assert "119" in lines[0] and "110" in lines[0]
    assert text.index("119") < text.index(YORISOI) < text.index("いまここでお話しできる相談員がいません")
    # Then what happens next, without "you will be connected first" above "nobody is here".
    assert "いちばん先に相談員につながるようにしました" not in text
    assert "あなたの順番はいちばん先です" in section(text, "いまここでお話しできる相談員がいません")
    # No long list of links below the numbers: the 24-hour lines are the services open now.
    assert text.count("https://") <= 1 and len(lines) <= 14, text
    assert waiting_buttons(reply) == WAITING  # they may keep waiting, or leave
    person_id = service.dispatcher.pseudonymizer.person_id("telegram", "4601")
    conversation = await service.conversations.get(person_id)
    assert (conversation.state, conversation.risk) == ("queued", "imminent")
    assert await service.queue.waiting("ja") == 1


async def test_with_no_team_opening_soon_the_crisis_message_says_so_after_the_numbers(
    botapi: LocalBotApi, settings: Settings, start_service: Callable, tmp_path: Path
) -> None:
    service = await at_night(settings, start_service, tmp_path, {"weekdays": ["09:00-17:00"]})

    (reply,) = await first_words(botapi, 4602, "en", IMMINENT_EN)

    text = reply["text"]
    assert "119" in text.splitlines()[0] and "110" in text.splitlines()[0]
    assert text.index(YORISOI) < text.index("No counselor can answer here in the next hours")
    assert "front of the line" not in text  # no promise of a place that is not kept
    assert waiting_buttons(reply) == set()
    person_id = service.dispatcher.pseudonymizer.person_id("telegram", "4602")
    assert (await service.conversations.get(person_id)).state == "closed"


# ---- item 4: English at night -------------------------------------------------------------------


async def test_english_crisis_reply_at_night_never_puts_a_line_with_hours_under_any_hour(
    botapi: LocalBotApi, settings: Settings, start_service: Callable, tmp_path: Path
) -> None:
    await at_night(settings, start_service, tmp_path, "24h")

    replies = await first_words(botapi, 4603, "en", IMMINENT_EN)

    text = "\n\n".join(message["text"] for message in replies)
    assert "In English, only at set hours" in text, text
    any_hour = section(text, "at any hour", "only at set hours")
    assert YORISOI in any_hour and "in Japanese" in any_hour  # honest about the language
    assert TELL not in any_hour and "09:00-23:00" not in any_hour
    assert TELL in section(text, "In English, only at set hours", "No counselor")
    yorisoi = next(line for line in text.splitlines() if YORISOI in line)
    assert "24 hours in Japanese" in yorisoi and "press 2" in yorisoi  # the English line keeps hours


async def test_english_at_night_is_told_honestly_what_exists_in_english_now(
    botapi: LocalBotApi, settings: Settings, start_service: Callable, tmp_path: Path
) -> None:
    service = await at_night(settings, start_service, tmp_path, "24h")
    concern = "I moved to Osaka for work last year and I have nobody to talk to. Evenings are the worst."

    replies = await through_the_intake(botapi, 4604, "en", concern, "Osaka")

    reply, text = replies[-1], "\n\n".join(message["text"] for message in replies)
    assert "None of the services we know of answers in English at this hour" in text, text
    open_now = section(text, "No counselor is available right now", "In English, only at set hours")
    assert "None of the services we know of answers in English at this hour" in open_now
    assert YORISOI in open_now and INOCHI_NAVI not in open_now  # open at 02:30, not closed ones
    cards = [card for card in open_now.split("\n\n")[1:] if card.strip()]
    assert cards and all("(in Japanese only)" in card for card in cards)
    later = section(text, "In English, only at set hours", "You keep your place")
    assert TELL in later and "not confirmed recently" in later
    assert waiting_buttons(reply) == WAITING
    assert "You are now waiting for a counselor" not in text  # never "in line" above "nobody here"
    assert text.index("No counselor is available right now") < text.index("You keep your place")

    # A counselor comes online and looks for a service to refer them to: English first.
    counselor = await online(botapi, COUNSELOR_B)
    await accept_offer(botapi, counselor)
    await botapi.wait_for_messages(4604)  # "A counselor has joined"
    botapi.send_text(counselor, "/refer")
    (choices,) = await read_until(botapi, COUNSELOR_B, has_button("refer:"))
    offered = [option for _, option in botapi.buttons(choices)]
    ids = [option.rpartition(":")[2] for option in offered]
    # Those that speak English first, then Japanese ones beside them (an unconfirmed line alone
    # would be no honest answer).
    assert "tell_lifeline" in ids and "yorisoi_hotline" in ids, ids
    assert ids.index("tell_lifeline") < ids.index("yorisoi_hotline")
    assert service.dispatcher.directory.get("tell_lifeline").uncertain  # type: ignore[union-attr]


async def test_japanese_at_night_gets_the_services_open_at_that_hour(
    botapi: LocalBotApi, settings: Settings, start_service: Callable, tmp_path: Path
) -> None:
    await at_night(settings, start_service, tmp_path, "24h")

    replies = await through_the_intake(
        botapi, 4605, "ja", "一人暮らしで、話す相手が誰もいなくてさびしい", "大阪府"
    )

    reply, text = replies[-1], "\n\n".join(message["text"] for message in replies)
    assert "いま相談員を待っています" not in text  # never "in line" above "nobody here"
    assert text.index("いまお話しできる相談員がいません") < text.index("順番はそのまま残り")
    assert YORISOI in text and INOCHI_NAVI not in text  # いのちの電話 closes at 22:00
    assert "日本語のみ" not in text and "見つかりませんでした" not in text
    assert waiting_buttons(reply) == WAITING
