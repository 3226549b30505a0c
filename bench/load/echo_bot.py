"""The transport floor: a bare python-telegram-bot echo bot, as in PTB's own examples.

Run by bench/load_bench.py as its own process (`python -m bench.load.echo_bot`), configured by
BENCH_BOT_TOKEN and BENCH_BOT_API (the local Bot API server's base URL, ending in /bot).

It keeps no state and reads nothing: a text is echoed, a tap is answered and its data sent back,
each reply with one inline keyboard holding every button of the scenario. Application defaults
(updates one after another, long polling), so what it costs per step is python-telegram-bot's
own work: the least any python-telegram-bot bot can spend.
"""

from __future__ import annotations

import logging
import os

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, ContextTypes, MessageHandler, filters

from bench.load.scenario import BUTTONS

KEYBOARD = InlineKeyboardMarkup([[InlineKeyboardButton(data, callback_data=data)] for data in BUTTONS])


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.message.reply_text(update.message.text, reply_markup=KEYBOARD)


async def tapped(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    await query.answer()
    await context.bot.send_message(query.message.chat.id, query.data or "?", reply_markup=KEYBOARD)


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    application = (
        Application.builder()
        .token(os.environ["BENCH_BOT_TOKEN"])
        .base_url(os.environ["BENCH_BOT_API"])
        .build()
    )
    application.add_handler(MessageHandler(filters.TEXT, echo))
    application.add_handler(CallbackQueryHandler(tapped))
    application.run_polling(timeout=10, poll_interval=0.0)


if __name__ == "__main__":
    main()
