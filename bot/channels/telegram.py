"""The Telegram channel: python-telegram-bot's Application, for persons and counselors alike.

Updates are processed concurrently across chats but strictly in order within one chat (see
`PerChatUpdateProcessor`), so a reply never overtakes the state it depends on.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import Any

from telegram import (
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
)
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.ext import (
    Application,
    ApplicationBuilder,
    BaseUpdateProcessor,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.channels.base import Outgoing
from bot.counselors import CounselorDirectory
from bot.dispatcher import Dispatcher, Message
from bot.locks import KeyedLocks

logger = logging.getLogger(__name__)

CHANNEL = "telegram"
TELEGRAM_TEXT_LIMIT = 4096
MAX_CONCURRENT_UPDATES = 256
# Bot API connections kept alive. httpx scans every pooled connection on each request, so a pool
# as large as the updates in flight (PTB's default, 256) costs more CPU per request than waiting a
# moment for a free one: at 500 persons, 12.3 ms of CPU per step with 256, 7.9 with 32 and 6.2 with
# 16 (`make bench-load`, against the local server, where a request takes no time on the wire). 32
# keeps room for api.telegram.org's round trips: at 150 ms each, 32 connections carry about 200
# requests/s, above the 30 messages/s Telegram lets a bot send.
CONNECTION_POOL = 32
POOL_TIMEOUT = 30.0  # seconds a request may wait for a free connection before it fails


def split_text(text: str, limit: int = TELEGRAM_TEXT_LIMIT) -> list[str]:
    """Cut a long text into pieces Telegram accepts, at a line break or space where possible."""
    pieces: list[str] = []
    while len(text) > limit:
        # Prefer a line break, then a space, in the second half; else cut hard (losing nothing).
        cut = text.rfind("\n", limit // 2, limit - 1) + 1  # keep the break with the piece before it
        if cut <= 0:
            cut = text.rfind(" ", limit // 2, limit - 1) + 1
        if cut <= 0:
            cut = limit
        pieces.append(text[:cut])
        text = text[cut:]
    pieces.append(text)
    # Telegram refuses a blank message; a blank tail carries nothing the person wrote.
    return [piece for piece in pieces if piece.strip()] or pieces[:1]


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """Concurrent across chats, in order within a chat (asyncio locks are FIFO)."""

    def __init__(self) -> None:
        super().__init__(max_concurrent_updates=MAX_CONCURRENT_UPDATES)
        self._locks = KeyedLocks()

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat = update.effective_chat if isinstance(update, Update) else None
        async with self._locks.hold(str(chat.id if chat else 0)):
            await coroutine

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""


class TelegramChannel:
    """Sends rendered messages through the bot, and feeds updates to the dispatcher."""

    name = CHANNEL

    def __init__(
        self,
        token: str,
        api_url: str | None,
        dispatcher: Dispatcher,
        counselors: CounselorDirectory,
    ) -> None:
        builder = (
            ApplicationBuilder()
            .token(token)
            .concurrent_updates(PerChatUpdateProcessor())
            .connection_pool_size(CONNECTION_POOL)
            .pool_timeout(POOL_TIMEOUT)
        )
        if api_url:
            builder = builder.base_url(api_url).base_file_url(api_url.replace("/bot", "/file/bot"))
        self.application: Application = builder.build()
        self._token = token
        self.dispatcher = dispatcher
        self.counselors = counselors
        self.application.add_handler(
            MessageHandler(filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE, self._on_message)
        )
        self.application.add_handler(CallbackQueryHandler(self._on_button))
        self.application.add_error_handler(self._on_error)

    async def _publish_commands(self) -> None:
        """Publish the person commands in each language (the default list in Japanese), for the
        menu Telegram shows beside the text field. Without them the bot still works: logged only."""
        catalog = self.dispatcher.catalog
        for lang in catalog.languages:
            commands = [
                BotCommand(name, catalog.text(lang, f"command-{name}"))
                for name in self.dispatcher.person_commands
            ]
            try:
                await self.application.bot.set_my_commands(
                    commands, language_code=None if lang == "ja" else lang
                )
            except TelegramError as exc:
                logger.warning("telegram command menu (%s) not published: %s", lang, type(exc).__name__)

    async def start(self) -> None:
        """Start long polling (Application.initialize, start, updater.start_polling)."""
        await self.application.initialize()
        await self._publish_commands()  # post_init hooks run only under run_polling()
        await self.application.start()
        assert self.application.updater is not None
        await self.application.updater.start_polling(
            poll_interval=0.0, timeout=10, drop_pending_updates=False
        )
        logger.info("telegram polling started")

    async def stop(self) -> None:
        """Stop polling and shut the Application down (pending updates stay on the server)."""
        if self.application.updater and self.application.updater.running:
            await self.application.updater.stop()
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()

    async def send(self, address: str, messages: list[Outgoing], lang: str) -> None:
        """Send in order; long texts are split at Telegram's limit, buttons go on the last part."""
        chat_id = int(address)
        for message in messages:
            if message.echo:
                continue
            pieces = split_text(message.text)
            for index, piece in enumerate(pieces):
                markup = None
                if message.options and index == len(pieces) - 1:
                    markup = InlineKeyboardMarkup(
                        [
                            [InlineKeyboardButton(label, callback_data=option)]
                            for option, label in message.options
                        ]
                    )
                await self._send_one(chat_id, piece, markup)

    async def _send_one(self, chat_id: int, text: str, markup: InlineKeyboardMarkup | None) -> None:
        for _attempt in range(3):
            try:
                await self.application.bot.send_message(chat_id, text, reply_markup=markup)
                return
            except RetryAfter as exc:  # flood control: wait as told, then try again
                delay = exc.retry_after
                await asyncio.sleep(delay.total_seconds() if hasattr(delay, "total_seconds") else delay)
            except Forbidden:
                logger.warning("telegram chat blocked the bot; message not delivered")
                return
            except BadRequest as exc:  # e.g. the chat is gone: retrying cannot help
                logger.error("telegram refused a message: %s", exc.message)
                return
            except (TimedOut, NetworkError) as exc:
                # The error names what failed (a timeout, a refused connection), never the text;
                # the token is cut out in case an HTTP library put the URL in it.
                reason = f"{type(exc).__name__}: {exc.message}".replace(self._token, "<token>")
                logger.warning("telegram send failed (%s); retrying", reason)
                await asyncio.sleep(1)
        logger.error("telegram message not delivered after retries")

    def _message_from(self, update: Update) -> Message | None:
        tg = update.effective_message
        user = update.effective_user
        if tg is None or user is None or update.effective_chat is None:
            return None
        address = str(update.effective_chat.id)
        if tg.text is not None:
            return Message(CHANNEL, address, "text", tg.text, user.language_code)
        return Message(CHANNEL, address, "unsupported", "", user.language_code)

    async def _on_message(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Any private message: a counselor's or a person's."""
        message = self._message_from(update)
        if message is None:
            return
        messages = [message]
        caption = update.effective_message.caption
        if message.kind == "unsupported" and caption:  # keep the words that came with a photo
            messages.append(Message(CHANNEL, message.address, "text", caption, message.lang_hint))
        counselor = self.counselors.by_telegram(update.effective_user.id)
        for each in messages:
            if counselor is not None:
                await self.dispatcher.counselor_message(counselor, each)
            else:
                await self.dispatcher.person_message(each)

    async def _on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A button press: acknowledge it, remove the keyboard, and treat it as the sender's choice
        (a person's answer, or a counselor's accept, pass, outcome or "still here")."""
        query = update.callback_query
        await query.answer()
        if query.message is None or update.effective_chat is None:
            return
        try:
            await query.edit_message_reply_markup(reply_markup=None)
        except TelegramError:  # the message may be too old to edit; the choice still counts
            logger.info("could not remove an old keyboard")
        message = Message(
            CHANNEL,
            str(update.effective_chat.id),
            "option",
            query.data or "",
            update.effective_user.language_code if update.effective_user else None,
        )
        user = update.effective_user
        counselor = self.counselors.by_telegram(user.id) if user else None
        if counselor is not None:
            await self.dispatcher.counselor_message(counselor, message)
        else:
            await self.dispatcher.person_message(message)

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log the failure (never message text) and tell the sender kindly to try again."""
        logger.error("update failed: %s", type(context.error).__name__, exc_info=context.error)
        if isinstance(update, Update) and update.effective_chat is not None:
            text = self.dispatcher.catalog.text(self.dispatcher.default_lang, "error-try-again")
            try:
                await self.application.bot.send_message(update.effective_chat.id, text)
            except TelegramError:
                logger.warning("could not tell the sender about the failure")
