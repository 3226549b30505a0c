"""The local Bot API server, driven by the real python-telegram-bot client over HTTP."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import aiohttp
import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Forbidden
from telegram.ext import ApplicationBuilder, CommandHandler, ContextTypes

from bot.testing.botapi import LocalBotApi

TOKEN = "123456:TEST"


@pytest.fixture
async def server() -> AsyncIterator[LocalBotApi]:
    api = LocalBotApi(token=TOKEN, bot_username="tsunagari_test_bot")
    await api.start()
    yield api
    await api.stop()


@pytest.fixture
async def bot(server: LocalBotApi) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=server.base_url) as client:
        yield client


def spec_problem(server: LocalBotApi, type_name: str, value: object) -> str | None:
    """What the spec finds wrong with a payload the server produced (None if nothing)."""
    return server.spec.check_value([type_name], value, type_name)


async def test_get_me(server: LocalBotApi, bot: Bot) -> None:
    me = await bot.get_me()
    assert me.id == 123456
    assert me.username == "tsunagari_test_bot"
    assert me.is_bot
    assert spec_problem(server, "User", server.bot_user) is None
    assert server.violations == []


async def test_send_message_with_inline_keyboard(server: LocalBotApi, bot: Bot) -> None:
    aiko = server.user(1001, first_name="Aiko", language_code="ja")
    server.send_text(aiko, "/start")
    keyboard = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("話したい", callback_data="talk")],
            [
                InlineKeyboardButton("情報", callback_data="info"),
                InlineKeyboardButton("Web", url="https://example.org"),
            ],
        ]
    )
    sent = await bot.send_message(aiko.id, "こんにちは", reply_markup=keyboard)
    assert sent.text == "こんにちは"
    assert sent.from_user.id == 123456
    assert sent.chat.id == aiko.id
    assert sent.reply_markup == keyboard

    [received] = await server.wait_for_messages(aiko.id, timeout=1.0)
    assert received["message_id"] == sent.message_id
    assert server.buttons(received) == [
        ("話したい", "talk"),
        ("情報", "info"),
        ("Web", "https://example.org"),
    ]
    assert spec_problem(server, "Message", received) is None
    assert server.sent(aiko.id) == [received]
    assert server.violations == []


async def test_message_ids_count_up_per_chat(server: LocalBotApi, bot: Bot) -> None:
    aiko = server.user(1001, first_name="Aiko", started=True)
    ben = server.user(1002, first_name="Ben", started=True)
    first = await bot.send_message(aiko.id, "one")
    second = await bot.send_message(aiko.id, "two")
    other = await bot.send_message(ben.id, "one")
    assert second.message_id == first.message_id + 1
    assert other.message_id == 1
    assert [m["text"] for m in await server.wait_for_messages(aiko.id, count=2)] == ["one", "two"]


async def test_wait_for_messages_times_out_with_what_arrived(server: LocalBotApi, bot: Bot) -> None:
    aiko = server.user(1001, first_name="Aiko", started=True)
    await bot.send_message(aiko.id, "only one")
    with pytest.raises(AssertionError, match="only one"):
        await server.wait_for_messages(aiko.id, count=2, timeout=0.05)


async def test_text_too_long_is_rejected_like_telegram(server: LocalBotApi, bot: Bot) -> None:
    aiko = server.user(1001, first_name="Aiko", started=True)
    await bot.send_message(aiko.id, "x" * 4096)
    with pytest.raises(BadRequest, match="[Mm]essage is too long"):
        await bot.send_message(aiko.id, "x" * 4097)
    assert server.violations == ["sendMessage: Bad Request: message is too long"]


async def test_html_is_parsed_and_bad_markup_rejected(server: LocalBotApi, bot: Bot) -> None:
    aiko = server.user(1001, first_name="Aiko", started=True)
    sent = await bot.send_message(aiko.id, "<b>待ち</b> 3 &lt; 5", parse_mode="HTML")
    assert sent.text == "待ち 3 < 5"
    assert [(e.type, e.offset, e.length) for e in sent.entities] == [("bold", 0, 2)]
    with pytest.raises(BadRequest, match="(?i)can't parse entities"):
        await bot.send_message(aiko.id, "I <3 you", parse_mode="HTML")


async def test_callback_data_over_64_bytes_is_rejected(server: LocalBotApi, bot: Bot) -> None:
    aiko = server.user(1001, first_name="Aiko", started=True)
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="あ" * 22)]])
    with pytest.raises(BadRequest, match="(?i)BUTTON_DATA_INVALID"):
        await bot.send_message(aiko.id, "hi", reply_markup=keyboard)


async def test_unknown_method_is_404_like_telegram(server: LocalBotApi, bot: Bot) -> None:
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{server.base_url}{TOKEN}/fooBar", data={"a": "1"}) as response,
    ):
        assert response.status == 404
        assert await response.json() == {
            "ok": False,
            "error_code": 404,
            "description": "Not Found",
        }
    assert server.violations == ["fooBar: Not Found"]


async def test_wrong_token_is_401(server: LocalBotApi) -> None:
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"{server.base_url}999:WRONG/getMe") as response,
    ):
        assert response.status == 401
        assert (await response.json())["description"] == "Unauthorized"


async def test_method_names_are_case_insensitive(server: LocalBotApi) -> None:
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"{server.base_url}{TOKEN}/GETME") as response,
    ):
        assert (await response.json())["result"]["username"] == "tsunagari_test_bot"


async def test_json_body_is_accepted(server: LocalBotApi) -> None:
    aiko = server.user(1001, first_name="Aiko", started=True)
    markup = {"inline_keyboard": [[{"text": "ok", "callback_data": "ok"}]]}
    async with (
        aiohttp.ClientSession() as http,
        http.post(
            f"{server.base_url}{TOKEN}/sendMessage",
            json={"chat_id": aiko.id, "text": "hi", "reply_markup": markup},
        ) as response,
    ):
        assert (await response.json())["result"]["reply_markup"] == markup
    assert server.violations == []


async def test_unknown_parameter_is_rejected_and_recorded(server: LocalBotApi, bot: Bot) -> None:
    aiko = server.user(1001, first_name="Aiko", started=True)
    with pytest.raises(BadRequest, match='(?i)unknown parameter "colour"'):
        await bot.send_message(aiko.id, "hi", api_kwargs={"colour": "red"})
    assert len(server.violations) == 1
    assert "colour" in server.violations[0]


async def test_nested_object_types_are_checked(server: LocalBotApi, bot: Bot) -> None:
    aiko = server.user(1001, first_name="Aiko", started=True)
    bad_markup = {"inline_keyboard": [[{"text": "x", "callback_data": 5}]]}
    with pytest.raises(BadRequest, match=r"inline_keyboard\[0\]\[0\]\.callback_data"):
        await bot.send_message(aiko.id, "hi", api_kwargs={"reply_markup": bad_markup})
    with pytest.raises(BadRequest, match="chat_id"):
        await bot.set_my_commands([("start", "Start")], api_kwargs={"scope": {"type": "chat"}})


async def test_unknown_chat_and_unimplemented_method(server: LocalBotApi, bot: Bot) -> None:
    with pytest.raises(BadRequest, match="[Cc]hat not found"):
        await bot.send_message(424242, "hi")
    with pytest.raises(BadRequest, match="not implemented"):
        await bot.send_dice(424242)
    assert server.violations == [
        "sendMessage: Bad Request: chat not found",
        "sendDice: Bad Request: method not implemented by the local Bot API server",
    ]


async def test_get_updates_long_poll_and_offset(server: LocalBotApi, bot: Bot) -> None:
    aiko = server.user(1001, first_name="Aiko", language_code="ja")
    loop = asyncio.get_running_loop()
    started = loop.time()
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.1)  # let the poll reach the server and wait there
    assert not poll.done()
    server.send_text(aiko, "/start hello")
    updates = await asyncio.wait_for(poll, 2)
    assert loop.time() - started < 2  # answered on arrival, not after the 5 s timeout
    [update] = updates
    assert update.message.text == "/start hello"
    assert update.message.from_user.language_code == "ja"
    assert update.message.chat.type == "private"
    [entity] = update.message.entities
    assert (entity.type, entity.offset, entity.length) == ("bot_command", 0, 6)

    # Without a new offset the update is delivered again; with it, it is confirmed and gone.
    assert [u.update_id for u in await bot.get_updates(timeout=0)] == [update.update_id]
    assert await bot.get_updates(offset=update.update_id + 1, timeout=0) == ()
    assert server.pending_updates == []
    assert server.violations == []


async def test_media_messages_parse(server: LocalBotApi, bot: Bot) -> None:
    aiko = server.user(1001, first_name="Aiko")
    server.send_photo(aiko, caption="見て")
    server.send_sticker(aiko)
    server.send_voice(aiko, duration=4)
    server.send_location(aiko)
    photo, sticker, voice, location = (u.message for u in await bot.get_updates(timeout=0))
    assert photo.caption == "見て"
    assert [p.width for p in photo.photo] == [90, 320, 800]
    assert sticker.sticker.type == "regular" and not sticker.sticker.is_animated
    assert voice.voice.file_id
    assert server.pending_updates[2]["message"]["voice"]["duration"] == 4  # PTB warns on .duration
    assert location.location.latitude == pytest.approx(35.681236)
    for update in server.pending_updates:
        assert spec_problem(server, "Update", update) is None


async def test_press_button_gives_callback_query(server: LocalBotApi, bot: Bot) -> None:
    aiko = server.user(1001, first_name="Aiko")
    server.send_text(aiko, "/start")
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("話したい", callback_data="talk")]])
    sent = await bot.send_message(aiko.id, "どうしますか", reply_markup=keyboard)
    [start] = await bot.get_updates(timeout=0)

    server.press_button(aiko, sent.message_id, "talk")
    [update] = await bot.get_updates(offset=start.update_id + 1, timeout=0)
    query = update.callback_query
    assert query.data == "talk"
    assert query.from_user.id == aiko.id
    assert query.message.message_id == sent.message_id
    assert query.message.reply_markup == keyboard
    assert spec_problem(server, "Update", update.to_dict()) is None

    assert await bot.answer_callback_query(query.id, text="OK")
    assert server.callback_answers == [{"callback_query_id": query.id, "text": "OK"}]
    edited = await bot.edit_message_text("話しましょう", chat_id=aiko.id, message_id=sent.message_id)
    assert edited.text == "話しましょう" and edited.reply_markup is None
    assert server.sent(aiko.id)[0]["text"] == "話しましょう"
    with pytest.raises(AssertionError, match="no button"):
        server.press_button(aiko, sent.message_id, "talk")
    assert server.violations == []


async def test_blocked_user_is_forbidden(server: LocalBotApi, bot: Bot) -> None:
    aiko = server.user(1001, first_name="Aiko")
    with pytest.raises(Forbidden, match="can't initiate conversation"):
        await bot.send_message(aiko.id, "hello?")
    server.send_text(aiko, "/start")
    await bot.send_message(aiko.id, "hello")
    server.block(aiko)
    with pytest.raises(Forbidden, match="blocked by the user"):
        await bot.send_message(aiko.id, "still there?")
    assert server.violations == []  # 403s are answers a correct bot gets, not its mistakes


async def test_http_control_routes(server: LocalBotApi, bot: Bot) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.post(
            f"{server.url}/_test/send_text", json={"user_id": 2001, "text": "/start"}
        ) as response:
            assert (await response.json())["message"]["text"] == "/start"
        await bot.send_message(2001, "welcome")
        async with http.post(
            f"{server.url}/_test/wait_for_messages", json={"chat_id": 2001, "timeout": 1}
        ) as response:
            assert [m["text"] for m in await response.json()] == ["welcome"]
        async with http.get(f"{server.url}/_test/sent/2001") as response:
            assert [m["text"] for m in await response.json()] == ["welcome"]
        async with http.get(f"{server.url}/_test/violations") as response:
            assert await response.json() == []


async def test_real_application_polls_and_replies(server: LocalBotApi) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.effective_message.reply_text(
            f"ようこそ {update.effective_user.first_name}", do_quote=True
        )

    app = ApplicationBuilder().token(TOKEN).base_url(server.base_url).build()
    app.add_handler(CommandHandler("start", start))
    aiko = server.user(1001, first_name="Aiko", language_code="ja")
    await app.initialize()
    await app.start()
    await app.updater.start_polling(poll_interval=0, timeout=1)
    try:
        server.send_text(aiko, "/start")
        [reply] = await server.wait_for_messages(aiko.id, timeout=10)
        assert reply["text"] == "ようこそ Aiko"
        assert reply["reply_to_message"]["text"] == "/start"
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
    assert server.violations == []
    methods = [name for name, _ in server.calls]
    assert methods[:2] == ["getMe", "deleteWebhook"]
    assert "sendMessage" in methods
    assert server.pending_updates == []  # the final getUpdates confirmed the /start
