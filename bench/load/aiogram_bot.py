"""The peer: the same intake as Tsunagari's default one, written the way many would in aiogram 3.

Run by bench/load_bench.py as its own process (`python -m bench.load.aiogram_bot`), configured by
BENCH_BOT_TOKEN, BENCH_BOT_API (the local Bot API server's base URL, ending in /bot) and
BENCH_REDIS_URL (the same Redis Tsunagari uses).

An aiogram `StatesGroup` with its FSM in Redis (`RedisStorage`: state and data as two keys per
chat), one handler per state, the same questions and buttons as flows/intake.yaml (plus the
"talk to a person now" and "emergency" buttons on every question, as Tsunagari shows them). A tap
is answered, its keyboard removed and the next question sent, as Tsunagari does, so both make the
same Bot API calls for a step. Free text is checked against a short list of crisis words (the
triage many bots have): a match sends the emergency numbers first. The Redis pool is sized like
Tsunagari's (a blocking pool of 200): redis-py's default pool fails at 100 concurrent commands,
which 500 persons reach. Dispatcher defaults otherwise (each update its own task).
"""

from __future__ import annotations

import asyncio
import logging
import os

from aiogram import Bot, Dispatcher, F, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.filters import CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.fsm.storage.redis import RedisStorage
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from redis.asyncio import BlockingConnectionPool, Redis

LABELS = {
    "consent": "同意して進む", "decline": "いまはやめておく", "lang_ja": "日本語", "lang_en": "English",
    "cat_loneliness": "さびしい・話す人がいない", "cat_dying": "死にたい・消えたい気持ち",
    "cat_mind": "こころのこと・気分", "cat_family": "家族・人間関係", "cat_violence": "暴力・虐待",
    "cat_school": "学校・いじめ", "cat_work": "仕事のこと", "cat_money": "お金・生活・住まい",
    "cat_other": "そのほか", "dying_yes": "はい", "dying_sometimes": "ときどき", "dying_no": "いいえ",
    "safe_yes": "いまは安全", "safe_no": "安全ではない", "region_skip": "とばす",
    "help_talk": "相談員と話したい", "help_info": "相談先の情報がほしい", "help_both": "両方",
    "human_now": "いますぐ人と話したい", "emergency": "緊急：いま危ない",
}  # fmt: skip
WELCOME = (
    "こんにちは。連絡をくださってありがとうございます。ここでは、さびしさや悩み、人に言いにくいことなど、"
    "どんなことでも、研修を受けた相談員とチャットで話せます。\n\nはじめる前に：\n"
    "• ここは緊急の窓口ではありません。"
    "いま命の危険があるときは、119（救急）か110（警察）に電話してください。\n"
    "• 書いてくださったことは、話す相談員だけが読み、決まった期間のあとに消去します。\n"
    "• 名前を言う必要はありません。\n\nこのまま進んでもよいですか？"
)
LANGUAGE = "どの言語で話しますか？"
CONCERN = (
    "ありがとうございます。どんなことを話したいですか？\n近いものを選ぶか、ご自分の言葉で書いてください。"
)
DYING = (
    "大切なことなので、みなさんに同じことをうかがっています。\n"
    "いま、死にたいと思うほどつらい気持ちはありますか？"
)
SAFE_NOW = "教えてくれてありがとう。いま、あなたは安全ですか？"
REGION = "よろしければ、お住まいの都道府県を教えてください。とばしても大丈夫です。"
HELP_MODE = "どんな形でお手伝いしましょうか？"
QUEUED = "話してくださってありがとうございます。いま相談員を待っています。"
CRISIS = "いますぐ危ないときは 119（救急）か 110（警察）へ。24時間の相談：よりそいホットライン 0120-279-338"
CRISIS_WORDS = ("死にたい", "死のう", "消えたい", "自殺", "殺され", "kill myself", "suicide", "want to die")


class Intake(StatesGroup):
    welcome = State()
    language = State()
    concern = State()
    safety_dying = State()
    safety_now = State()
    region = State()
    help_mode = State()


def keyboard(*options: str) -> InlineKeyboardMarkup:
    rows = [
        [InlineKeyboardButton(text=LABELS[o], callback_data=o)] for o in (*options, "human_now", "emergency")
    ]
    return InlineKeyboardMarkup(inline_keyboard=rows)


QUESTIONS = {
    Intake.welcome: (WELCOME, keyboard("consent", "decline")),
    Intake.language: (LANGUAGE, keyboard("lang_ja", "lang_en")),
    Intake.concern: (CONCERN, keyboard(*(o for o in LABELS if o.startswith("cat_")))),
    Intake.safety_dying: (DYING, keyboard("dying_yes", "dying_sometimes", "dying_no")),
    Intake.safety_now: (SAFE_NOW, keyboard("safe_yes", "safe_no")),
    Intake.region: (REGION, keyboard("region_skip")),
    Intake.help_mode: (HELP_MODE, keyboard("help_talk", "help_info", "help_both")),
}
router = Router()


async def ask(message: Message, state: FSMContext, next_state: State) -> None:
    await state.set_state(next_state)
    text, markup = QUESTIONS[next_state]
    await message.answer(text, reply_markup=markup)


async def tapped(query: CallbackQuery) -> Message:
    """Answer the tap and take its keyboard away; the message to reply under."""
    await query.answer()
    await query.message.edit_reply_markup(reply_markup=None)
    return query.message


@router.message(CommandStart())
async def start(message: Message, state: FSMContext) -> None:
    await state.set_data({})
    await ask(message, state, Intake.welcome)


@router.callback_query(F.data.in_({"human_now", "emergency", "decline"}))
async def hand_off(query: CallbackQuery, state: FSMContext) -> None:
    message = await tapped(query)
    await state.clear()
    await message.answer(CRISIS + "\n\n" + QUEUED if query.data == "emergency" else QUEUED)


@router.callback_query(Intake.welcome, F.data == "consent")
async def consent(query: CallbackQuery, state: FSMContext) -> None:
    await ask(await tapped(query), state, Intake.language)


@router.callback_query(Intake.language, F.data.startswith("lang_"))
async def language(query: CallbackQuery, state: FSMContext) -> None:
    message = await tapped(query)
    await state.update_data(lang=query.data.removeprefix("lang_"))
    await ask(message, state, Intake.concern)


@router.callback_query(Intake.concern, F.data.startswith("cat_"))
async def concern_tapped(query: CallbackQuery, state: FSMContext) -> None:
    message = await tapped(query)
    await state.update_data(concern=query.data)
    await ask(message, state, Intake.safety_dying)


@router.message(Intake.concern, F.text)
async def concern_written(message: Message, state: FSMContext) -> None:
    crisis = any(word in message.text.lower() for word in CRISIS_WORDS)
    await state.update_data(concern=message.text, crisis=crisis)
    if crisis:
        await message.answer(CRISIS)
    await ask(message, state, Intake.safety_dying)


@router.callback_query(Intake.safety_dying, F.data.startswith("dying_"))
async def dying(query: CallbackQuery, state: FSMContext) -> None:
    message = await tapped(query)
    data = await state.update_data(thinking_of_dying=query.data)
    at_risk = query.data != "dying_no" or data.get("crisis")
    await ask(message, state, Intake.safety_now if at_risk else Intake.region)


@router.callback_query(Intake.safety_now, F.data.startswith("safe_"))
async def safe_now(query: CallbackQuery, state: FSMContext) -> None:
    message = await tapped(query)
    if query.data == "safe_no":
        await state.clear()
        await message.answer(CRISIS + "\n\n" + QUEUED)
        return
    await ask(message, state, Intake.region)


@router.callback_query(Intake.region, F.data == "region_skip")
async def region_skipped(query: CallbackQuery, state: FSMContext) -> None:
    await ask(await tapped(query), state, Intake.help_mode)


@router.message(Intake.region, F.text)
async def region_written(message: Message, state: FSMContext) -> None:
    await state.update_data(region=message.text)
    await ask(message, state, Intake.help_mode)


@router.callback_query(Intake.help_mode, F.data.startswith("help_"))
async def help_mode(query: CallbackQuery, state: FSMContext) -> None:
    message = await tapped(query)
    await state.clear()
    await message.answer(QUEUED)


async def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    pool = BlockingConnectionPool.from_url(os.environ["BENCH_REDIS_URL"], max_connections=200, timeout=10)
    storage = RedisStorage(Redis(connection_pool=pool))
    api = TelegramAPIServer.from_base(os.environ["BENCH_BOT_API"].removesuffix("/bot"))
    bot = Bot(os.environ["BENCH_BOT_TOKEN"], session=AiohttpSession(api=api))
    dispatcher = Dispatcher(storage=storage)
    dispatcher.include_router(router)
    await dispatcher.start_polling(bot, polling_timeout=10)


if __name__ == "__main__":
    asyncio.run(main())
