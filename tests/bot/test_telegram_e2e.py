"""Telegram end to end: the real python-telegram-bot client, the local Bot API server, real Redis."""

from __future__ import annotations

import asyncio

import pytest
from telegram.error import TelegramError

from bot.service import Service
from bot.testing.botapi import LocalBotApi
from bot.testing.botapi_spec import ApiError
from bot.testing.botapi_wire import TgUser
from routing.conversations import Conversation
from tests.conftest import COUNSELOR_B, COUNSELOR_C, ServiceFactory

EVERYWHERE = ["human_now", "emergency"]  # "talk to a person now" and "emergency", at every step
WAITING = ["waiting_services", "waiting_leave"]  # the buttons of a person waiting in line
CONCERN = (
    "I moved to Osaka for work in April and I don't really have anyone here. "
    "Most days I don't talk to a single person and it's starting to get to me."
)


def texts(messages: list[dict]) -> list[str]:
    return [m["text"] for m in messages]


def options(botapi: LocalBotApi, message: dict) -> list[str]:
    return [data for _label, data in botapi.buttons(message)]


async def queue_person(botapi: LocalBotApi, user_id: int, concern: str = CONCERN) -> list[dict]:
    """A person goes through the intake in English and ends up waiting. What they heard on joining
    the line: the hand-off prompt, then their place (a counselor is online) or "no counselor right
    now" and "you keep your place" (nobody online); the last one has the waiting buttons."""
    person = botapi.user(user_id, first_name="Aiko", language_code="ja")
    botapi.send_text(person, "/start")
    (welcome,) = await botapi.wait_for_messages(person.id)
    botapi.press_button(person, welcome["message_id"], "consent")
    (language,) = await botapi.wait_for_messages(person.id)
    botapi.press_button(person, language["message_id"], "lang_en")
    await botapi.wait_for_messages(person.id)
    botapi.send_text(person, concern)
    (dying,) = await botapi.wait_for_messages(person.id)  # asked of everyone
    botapi.press_button(person, dying["message_id"], "dying_no")
    (region,) = await botapi.wait_for_messages(person.id)
    botapi.send_text(person, "Osaka")
    (help_mode,) = await botapi.wait_for_messages(person.id)
    botapi.press_button(person, help_mode["message_id"], "help_talk")
    heard = await botapi.wait_for_messages(person.id)
    while options(botapi, heard[-1]) != WAITING:
        heard += await botapi.wait_for_messages(person.id)
    assert "waiting for a counselor" in heard[0]["text"]
    return heard


async def offer(botapi: LocalBotApi, counselor: TgUser) -> dict:
    """The counselor's next message, checked to be an offer with its Accept and Pass buttons."""
    (offered,) = await botapi.wait_for_messages(counselor.id)
    assert offered["text"].startswith("Someone is waiting for you."), offered["text"]
    accept, decline = options(botapi, offered)
    assert accept.startswith("offer_accept:") and decline.startswith("offer_decline:")
    return offered


async def connect_person(botapi: LocalBotApi, user_id: int) -> TgUser:
    """Counselor B goes online, a person queues and is told their place, B is offered them and
    accepts; returns B's Telegram user."""
    counselor = botapi.user(COUNSELOR_B, first_name="Sato")
    botapi.send_text(counselor, "/online")
    await botapi.wait_for_messages(counselor.id)
    _prompt, place = await queue_person(botapi, user_id)
    assert place["text"].startswith("You are number 1 in line.")
    offered = await offer(botapi, counselor)
    botapi.press_button(counselor, offered["message_id"], options(botapi, offered)[0])
    (summary,) = await botapi.wait_for_messages(counselor.id)
    assert "Intake summary" in summary["text"]
    (joined,) = await botapi.wait_for_messages(user_id)
    assert joined["text"].startswith("A counselor has joined.")
    return counselor


async def not_an_offer(botapi: LocalBotApi, counselor_id: int) -> dict:
    """The counselor's next message that is not an offer (the routing loop may make one at any
    moment to a counselor who is free)."""
    while True:
        (message,) = await botapi.wait_for_messages(counselor_id)
        if not message["text"].startswith("Someone is waiting for you."):
            return message


async def test_person_reaches_counselor_and_they_talk_through_the_bot(
    botapi: LocalBotApi, service: Service
) -> None:
    aiko = botapi.user(1001, first_name="Aiko", username="aiko_osaka", language_code="ja")
    counselor = botapi.user(COUNSELOR_B, first_name="Sato", language_code="en")

    botapi.send_text(aiko, "/start")
    (welcome,) = await botapi.wait_for_messages(aiko.id)
    assert "つながり" in welcome["text"] and "119" in welcome["text"]
    assert options(botapi, welcome) == ["consent", "decline", *EVERYWHERE]

    botapi.press_button(aiko, welcome["message_id"], "consent")
    (language,) = await botapi.wait_for_messages(aiko.id)
    assert options(botapi, language) == ["lang_ja", "lang_en", *EVERYWHERE]
    assert botapi.sent(aiko.id)[0].get("reply_markup") is None  # the used keyboard is removed

    botapi.press_button(aiko, language["message_id"], "lang_en")
    (question,) = await botapi.wait_for_messages(aiko.id)
    assert question["text"].startswith("Thank you. What would you like to talk about?")

    assert "cat_loneliness" in options(botapi, question)

    botapi.send_text(aiko, CONCERN)
    (dying,) = await botapi.wait_for_messages(aiko.id)  # asked of everyone, kindly, without alarm
    assert dying["text"].startswith("Thank you. We ask everyone this")
    assert options(botapi, dying) == ["dying_yes", "dying_sometimes", "dying_no", *EVERYWHERE]
    botapi.press_button(aiko, dying["message_id"], "dying_no")
    (region,) = await botapi.wait_for_messages(aiko.id)
    assert "which prefecture" in region["text"]
    botapi.send_text(aiko, "大阪市")
    (help_mode,) = await botapi.wait_for_messages(aiko.id)
    assert options(botapi, help_mode) == ["help_talk", "help_info", "help_both", *EVERYWHERE]
    botapi.press_button(aiko, help_mode["message_id"], "help_talk")
    (kept,) = await botapi.wait_for_messages(aiko.id)  # one message (issue 16)
    assert kept["text"].startswith("No counselor is available right now.")  # nobody online
    assert "0120-279-338" in kept["text"]  # with the services open now
    assert "You keep your place in line" in kept["text"]
    assert options(botapi, kept) == WAITING

    botapi.send_text(counselor, "/online")
    (online,) = await botapi.wait_for_messages(counselor.id)
    assert online["text"].startswith("You are online. People waiting in your languages: 1.")
    offered = await offer(botapi, counselor)  # at once, for the one person waiting
    assert "Language: English" in offered["text"]
    for private in ("Aiko", "aiko_osaka", "1001", CONCERN):  # an offer says only what matching needs
        assert private not in offered["text"]

    botapi.send_text(counselor, "/next")  # takes the offer held
    (summary,) = await botapi.wait_for_messages(counselor.id)
    assert "Intake summary" in summary["text"]
    assert CONCERN in summary["text"]
    assert "Language: English" in summary["text"]
    assert "Where: 大阪市" in summary["text"]
    assert "Wants: Talk with a counselor" in summary["text"]
    assert "Thoughts of dying: No" in summary["text"]
    for private in ("Aiko", "aiko_osaka", "1001"):  # the counselor never sees the person's account
        assert private not in summary["text"]
    (joined,) = await botapi.wait_for_messages(aiko.id)
    assert joined["text"].startswith("A counselor has joined.")

    botapi.send_text(aiko, "Thank you for answering. Nights are the worst, I can't sleep.")
    (relayed,) = await botapi.wait_for_messages(counselor.id)
    assert relayed["text"] == "Thank you for answering. Nights are the worst, I can't sleep."

    botapi.send_text(counselor, "I'm glad you wrote. What usually goes through your mind at night?")
    (answer,) = await botapi.wait_for_messages(aiko.id)
    assert answer["text"] == "I'm glad you wrote. What usually goes through your mind at night?"
    assert "Sato" not in answer["text"]

    botapi.send_text(counselor, "/end")  # without an outcome: asked how it ended
    (how,) = await botapi.wait_for_messages(counselor.id)
    assert how["text"].startswith("How did the conversation end?")
    outcomes = ["resolved", "referred", "person_left", "no_response", "emergency_escalated"]
    ticket = options(botapi, how)[0].rsplit(":", 1)[1]
    assert ticket.startswith("t")
    assert options(botapi, how) == [f"close:{outcome}:{ticket}" for outcome in outcomes]
    botapi.press_button(counselor, how["message_id"], f"close:resolved:{ticket}")
    (ended,) = await botapi.wait_for_messages(counselor.id)
    assert ended["text"] == "You closed the conversation (Resolved)."
    (told,) = await botapi.wait_for_messages(aiko.id)
    assert told["text"].startswith("The counselor has ended this conversation.")
    assert botapi.unread(aiko.id) == [] and botapi.unread(counselor.id) == []


async def test_person_who_leaves_while_connected_frees_the_counselor(
    botapi: LocalBotApi, service: Service
) -> None:
    counselor = await connect_person(botapi, 1002)

    botapi.send_text(1002, "/end")
    (left,) = await botapi.wait_for_messages(1002)
    assert left["text"].startswith("You have left the conversation.")
    (told,) = await botapi.wait_for_messages(counselor.id)
    assert told["text"] == "The person has left the conversation."
    botapi.send_text(counselor, "/offline")
    (offline,) = await botapi.wait_for_messages(counselor.id)
    assert offline["text"].startswith("You are offline.")


async def test_two_counselors_asking_next_at_once_only_one_gets_the_person(
    botapi: LocalBotApi, service: Service
) -> None:
    b = botapi.user(COUNSELOR_B, first_name="B")
    c = botapi.user(COUNSELOR_C, first_name="C")
    for counselor in (b, c):
        botapi.send_text(counselor, "/online")
        await botapi.wait_for_messages(counselor.id)
    wins = {b.id: 0, c.id: 0}
    for round_ in range(100):
        conversation = Conversation(
            person_id=f"p{round_}",
            channel="web",
            address=f"{round_:032x}",
            state="concern",
            lang="en",
            answers={"concern": f"round {round_}"},
        )
        await service.queue.enqueue(conversation, [])
        botapi.send_text(b, "/next")  # both land in one getUpdates batch and race in Redis
        botapi.send_text(c, "/next")
        to_b = await not_an_offer(botapi, b.id)
        to_c = await not_an_offer(botapi, c.id)
        replies = ((b.id, to_b), (c.id, to_c))
        got = [cid for cid, m in replies if "Intake summary" in m["text"]]
        empty = [cid for cid, m in replies if m["text"] == "Nobody is waiting right now."]
        assert len(got) == 1 and len(empty) == 1, (round_, to_b["text"], to_c["text"])
        assert f"round {round_}" in (to_b if got[0] == b.id else to_c)["text"]
        wins[got[0]] += 1
        botapi.send_text(got[0], "/end resolved")
        ended = await not_an_offer(botapi, got[0])
        assert ended["text"] == "You closed the conversation (Resolved)."
    assert sum(wins.values()) == 100
    assert await service.queue.waiting() == 0


async def test_restart_mid_intake_resumes_at_the_same_step(
    botapi: LocalBotApi, start_service: ServiceFactory
) -> None:
    first = await start_service()
    person = botapi.user(1003, first_name="Ken", language_code="ja")
    botapi.send_text(person, "/start")
    (welcome,) = await botapi.wait_for_messages(person.id)
    botapi.press_button(person, welcome["message_id"], "consent")
    (language,) = await botapi.wait_for_messages(person.id)
    await first.stop()  # the Application stops; Redis and the conversation stay

    await start_service()
    botapi.send_text(person, "/start")  # after a restart, /start shows where they were
    (again,) = await botapi.wait_for_messages(person.id)
    assert again["text"] == language["text"]
    assert options(botapi, again) == ["lang_ja", "lang_en", *EVERYWHERE]
    botapi.press_button(person, language["message_id"], "lang_ja")
    (question,) = await botapi.wait_for_messages(person.id)
    assert question["text"].startswith("ありがとうございます。どんなことを話したいですか？")
    botapi.send_text(person, "仕事をやめてから、誰とも話していません。")
    (dying,) = await botapi.wait_for_messages(person.id)
    assert "みなさんに同じことをうかがっています" in dying["text"]  # asked of everyone
    botapi.press_button(person, dying["message_id"], "dying_no")
    (region,) = await botapi.wait_for_messages(person.id)
    assert "お住まいの都道府県" in region["text"]
    welcomes = [m for m in botapi.sent(person.id) if m["text"] == welcome["text"]]
    assert len(welcomes) == 1  # consent was not asked again


async def test_media_gets_a_kind_text_reply_and_the_intake_goes_on(
    botapi: LocalBotApi, service: Service
) -> None:
    person = botapi.user(1004, first_name="Mei", language_code="ja")
    botapi.send_text(person, "/start")
    (welcome,) = await botapi.wait_for_messages(person.id)
    for send in (botapi.send_photo, botapi.send_sticker, botapi.send_voice, botapi.send_location):
        send(person)
        sorry, prompt = await botapi.wait_for_messages(person.id, count=2)
        assert sorry["text"].startswith("ごめんなさい、ここでは文字のメッセージしか読めません。")
        assert prompt["text"] == welcome["text"]
        assert options(botapi, prompt) == ["consent", "decline", *EVERYWHERE]
    botapi.press_button(person, welcome["message_id"], "consent")
    (language,) = await botapi.wait_for_messages(person.id)
    assert options(botapi, language) == ["lang_ja", "lang_en", *EVERYWHERE]


async def test_unknown_command_gets_the_help_text(botapi: LocalBotApi, service: Service) -> None:
    person = botapi.user(1005, first_name="Yui", language_code="en")
    botapi.send_text(person, "/start")
    (welcome,) = await botapi.wait_for_messages(person.id)
    botapi.send_text(person, "/whatisthis")
    help_text, prompt = await botapi.wait_for_messages(person.id, count=2)
    assert help_text["text"].startswith("Tsunagari connects you with a counselor by chat.")
    assert prompt["text"] == welcome["text"]
    botapi.send_text(person, "hello?")  # text where a button is expected: a gentle nudge, no loss
    nudge, prompt = await botapi.wait_for_messages(person.id, count=2)
    assert nudge["text"] == "Please choose one of the buttons below."


async def test_a_long_message_reaches_the_counselor_whole_and_in_order(
    botapi: LocalBotApi, service: Service
) -> None:
    counselor = await connect_person(botapi, 1006)

    sentence = "会社でも家でも話せる人がいなくて、毎晩ひとりで考えこんでしまいます。{n}\n"
    letter = "".join(sentence.format(n=n) for n in range(400))[:10_000]
    assert len(letter) == 10_000
    botapi.send_text(1006, letter)
    parts = await botapi.wait_for_messages(counselor.id, count=3)
    assert all(1 <= len(p["text"]) <= 4096 for p in parts)
    assert "".join(p["text"] for p in parts) == letter
    assert botapi.unread(counselor.id) == []


async def test_the_command_menu_is_published_in_japanese_by_default_and_in_english(
    botapi: LocalBotApi, service: Service
) -> None:
    default = botapi.methods.commands[('{"type": "default"}', "")]
    english = botapi.methods.commands[('{"type": "default"}', "en")]

    names = ["start", "talk", "emergency", "cancel", "forget", "help", "end"]
    assert [c["command"] for c in default] == names == [c["command"] for c in english]
    assert default[1]["description"] == "いますぐ人と話す"
    assert english[1]["description"] == "Talk to a person now"


async def test_a_telegram_start_that_fails_half_way_leaves_nothing_running(
    botapi: LocalBotApi, start_service: ServiceFactory
) -> None:
    async def refuse(params: dict) -> bool:  # after getMe, once PTB's update fetcher runs
        raise ApiError(403, "Forbidden: bot was blocked")

    botapi.methods.handlers["deleteWebhook"] = refuse

    with pytest.raises(TelegramError):
        await start_service()

    running = {task.get_name() for task in asyncio.all_tasks()}
    assert not running & {"intake-timers", "routing", "socket-hub"}
    assert not any(name.startswith(("Application:", "Updater:")) for name in running), running


async def test_unregistered_user_gets_the_intake_not_counselor_commands(
    botapi: LocalBotApi, service: Service
) -> None:
    stranger = botapi.user(5555, first_name="Not a counselor", language_code="en")
    botapi.send_text(stranger, "/online")
    help_text, welcome = await botapi.wait_for_messages(stranger.id, count=2)
    assert help_text["text"].startswith("Tsunagari connects you with a counselor")
    assert welcome["text"].startswith("Hello, this is Tsunagari.")
    botapi.send_text(stranger, "/next")
    reply = await botapi.wait_for_messages(stranger.id, count=2)
    assert not any("Intake summary" in m["text"] or "Nobody is waiting" in m["text"] for m in reply)


async def test_media_while_connected_is_answered_kindly_and_a_caption_still_reaches_the_counselor(
    botapi: LocalBotApi, service: Service
) -> None:
    counselor = await connect_person(botapi, 1007)
    botapi.send_sticker(1007)
    (sorry,) = await botapi.wait_for_messages(1007)
    assert sorry["text"].startswith("Sorry, I can only read text messages here.")
    botapi.send_photo(1007, caption="This is the view from my window. I haven't gone out in a month.")
    (sorry_again,) = await botapi.wait_for_messages(1007)
    assert sorry_again["text"] == sorry["text"]
    (caption,) = await botapi.wait_for_messages(counselor.id)
    assert caption["text"] == "This is the view from my window. I haven't gone out in a month."
    assert botapi.unread(counselor.id) == []


async def test_a_persons_first_words_never_overtake_the_intake_summary(
    botapi: LocalBotApi, service: Service
) -> None:
    counselor = botapi.user(COUNSELOR_B, first_name="Sato")
    botapi.send_text(counselor, "/online")
    await botapi.wait_for_messages(counselor.id)
    for person in range(3001, 3021):
        await queue_person(botapi, person)
        await offer(botapi, counselor)
        botapi.send_text(counselor, "/next")  # both in one batch: the claim and the words race
        botapi.send_text(person, "Hello? Is anyone there?")
        (first,) = await botapi.wait_for_messages(counselor.id)
        assert "Intake summary" in first["text"], first["text"]
        received = [first["text"]]
        while "Hello? Is anyone there?" not in received:  # relayed live, or kept as a note
            received += texts(await botapi.wait_for_messages(counselor.id))
        assert received.count("Hello? Is anyone there?") == 1
        botapi.send_text(counselor, "/end resolved")
        (ended,) = await botapi.wait_for_messages(counselor.id)
        assert ended["text"] == "You closed the conversation (Resolved)."
