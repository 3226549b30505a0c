"""The Bot API methods the local server implements, with Telegram's semantics and errors.

Parameters arrive already decoded and checked against the spec (``botapi_spec``); what is left
here is what the spec can't say: limits (text length, callback_data size), existence (chat,
message, callback query), and the effect on :class:`~bot.testing.botapi_state.BotApiState`.
Error descriptions are Telegram's own wording, since bots sometimes match on them.
"""

from __future__ import annotations

import copy
import itertools
import json
import re
from collections.abc import Awaitable, Callable
from typing import Any

from bot.testing.botapi_html import EntityParseError, parse_html
from bot.testing.botapi_spec import ApiError, bad_request
from bot.testing.botapi_state import BotApiState, ChatRecord
from bot.testing.botapi_wire import JSON, inline_buttons, message, now

Handler = Callable[[dict[str, Any]], Awaitable[Any]]

MAX_TEXT = 4096
CHAT_ACTIONS = frozenset(
    [
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    ]
)
_COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)


class BotApiMethods:
    """Implementations of Bot API methods over one state; ``handlers`` maps name -> coroutine."""

    def __init__(self, state: BotApiState, me: JSON, warn: Callable[[str], None]) -> None:
        self.state = state
        self.me = me  # the bot's User object, as getMe returns it
        # Message.from of the bot's messages carries only the basic User fields.
        self.sender = {k: me[k] for k in ("id", "is_bot", "first_name", "username") if k in me}
        self._warn = warn  # records a violation without failing the request
        self.callback_answers: list[dict[str, Any]] = []
        self.chat_actions: list[tuple[int | str, str]] = []
        self.open_callback_queries: set[str] = set()
        self.commands: dict[tuple[str, str], list[JSON]] = {}  # (scope JSON, language) -> list
        self.profile: dict[tuple[str, str], str] = {}  # (field, language) -> text
        self.handlers: dict[str, Handler] = {
            "getMe": self.get_me,
            "logOut": self.ok,
            "close": self.ok,
            "getUpdates": self.get_updates,
            "setWebhook": self.set_webhook,
            "deleteWebhook": self.delete_webhook,
            "getWebhookInfo": self.get_webhook_info,
            "sendMessage": self.send_message,
            "editMessageText": self.edit_message_text,
            "editMessageReplyMarkup": self.edit_message_reply_markup,
            "deleteMessage": self.delete_message,
            "answerCallbackQuery": self.answer_callback_query,
            "sendChatAction": self.send_chat_action,
            "setMyCommands": self.set_my_commands,
            "getMyCommands": self.get_my_commands,
            "deleteMyCommands": self.delete_my_commands,
        }
        for field, limit in (("name", 64), ("description", 512), ("short_description", 120)):
            suffix = "".join(part.title() for part in field.split("_"))
            self.handlers[f"setMy{suffix}"] = self._profile_setter(field, limit)
            self.handlers[f"getMy{suffix}"] = self._profile_getter(field)

    # -- bot identity, updates, webhook ------------------------------------------------------

    async def ok(self, params: dict[str, Any]) -> bool:
        return True

    async def get_me(self, params: dict[str, Any]) -> JSON:
        return self.me

    async def get_updates(self, params: dict[str, Any]) -> list[JSON]:
        state = self.state
        if state.webhook is not None:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        if "allowed_updates" in params:
            state.allowed_updates = params["allowed_updates"]
        state.confirm(params.get("offset"))
        limit = min(max(params.get("limit", 100), 1), 100)
        # A newer getUpdates ends an older one still waiting, as on Telegram (409 Conflict).
        state.poll_generation += 1
        generation = state.poll_generation
        state.changed()
        await state.wait_until(
            lambda: state.closing or state.poll_generation != generation or bool(state.deliverable()),
            max(params.get("timeout", 0), 0),
        )
        if state.poll_generation != generation:
            raise ApiError(
                409,
                "Conflict: terminated by other getUpdates request; "
                "make sure that only one bot instance is running",
            )
        return state.deliverable()[:limit]

    async def set_webhook(self, params: dict[str, Any]) -> bool:
        if not params["url"]:
            return await self.delete_webhook(params)
        if params.get("drop_pending_updates"):
            self.state.updates.clear()
        self.state.webhook = {k: v for k, v in params.items() if k != "certificate"}
        self._warn("setWebhook: the local Bot API server stores the webhook but never calls it")
        return True

    async def delete_webhook(self, params: dict[str, Any]) -> bool:
        self.state.webhook = None
        if params.get("drop_pending_updates"):
            self.state.updates.clear()
        self.state.changed()
        return True

    async def get_webhook_info(self, params: dict[str, Any]) -> JSON:
        webhook = self.state.webhook or {}
        info: JSON = {
            "url": webhook.get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self.state.updates),
        }
        for key in ("ip_address", "max_connections", "allowed_updates"):
            if key in webhook:
                info[key] = webhook[key]
        return info

    # -- messages ----------------------------------------------------------------------------

    async def send_message(self, params: dict[str, Any]) -> JSON:
        record = self.state.target_chat(params["chat_id"])
        content = self._text_content(params)
        reply_to = self._reply_target(record, params.get("reply_parameters"))
        if reply_to is not None:
            content["reply_to_message"] = reply_to
        msg = message(self.state.take_message_id(record), record.chat, self.sender, **content)
        return copy.deepcopy(self.state.store(record, msg, by_bot=True))

    async def edit_message_text(self, params: dict[str, Any]) -> JSON:
        record, msg = self._message_to_edit(params)
        if "text" not in params:
            raise bad_request("message text is empty")
        content = self._text_content(params)
        if all(msg.get(k) == content.get(k) for k in ("text", "entities", "reply_markup")):
            raise bad_request(NOT_MODIFIED)
        for key in ("text", "entities", "reply_markup"):
            msg.pop(key, None)
        msg.update(content, edit_date=now())
        self.state.changed()
        return copy.deepcopy(msg)

    async def edit_message_reply_markup(self, params: dict[str, Any]) -> JSON:
        _, msg = self._message_to_edit(params)
        markup = self._inline_markup(params.get("reply_markup"))
        if msg.get("reply_markup") == markup:
            raise bad_request(NOT_MODIFIED)
        msg.pop("reply_markup", None)
        if markup is not None:
            msg["reply_markup"] = markup
        msg["edit_date"] = now()
        self.state.changed()
        return copy.deepcopy(msg)

    async def delete_message(self, params: dict[str, Any]) -> bool:
        record = self.state.target_chat(params["chat_id"])
        message_id = params["message_id"]
        if message_id not in record.messages or message_id in record.deleted:
            raise bad_request("message to delete not found")
        record.deleted.add(message_id)
        self.state.changed()
        return True

    def _text_content(self, params: dict[str, Any]) -> JSON:
        """text/entities/reply_markup of a sent or edited message, after Telegram's checks."""
        text, entities = params["text"], params.get("entities")
        parse_mode = params.get("parse_mode")
        if parse_mode and entities is None:
            if parse_mode.lower() == "html":
                try:
                    text, entities = parse_html(text)
                except EntityParseError as exc:
                    raise bad_request(f"can't parse entities: {exc}") from exc
            else:
                self._warn(f"parse_mode {parse_mode!r} is not applied by the local Bot API server")
        if not text.strip():
            raise bad_request("message text is empty")
        if len(text) > MAX_TEXT:
            raise bad_request("message is too long")
        content: JSON = {"text": text}
        if entities:
            content["entities"] = entities
        markup = params.get("reply_markup")
        if markup is not None and "inline_keyboard" in markup:
            content["reply_markup"] = self._inline_markup(markup)
        # Reply keyboards, ForceReply and ReplyKeyboardRemove are checked by the spec but
        # are not part of the returned Message, exactly as on Telegram.
        return content

    @staticmethod
    def _inline_markup(markup: JSON | None) -> JSON | None:
        """An InlineKeyboardMarkup after Telegram's checks on its buttons; None if empty."""
        if markup is None:
            return None
        for button in (b for row in markup["inline_keyboard"] for b in row):
            actions = set(button) - {"text", "icon_custom_emoji_id", "style"}
            if not actions:
                raise bad_request(
                    "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
                )
            data = button.get("callback_data")
            if data is not None and not 1 <= len(data.encode("utf-8")) <= 64:
                raise bad_request("BUTTON_DATA_INVALID")
        if not any(markup["inline_keyboard"]):
            return None
        return copy.deepcopy(markup)

    def _reply_target(self, record: ChatRecord, reply: JSON | None) -> JSON | None:
        if reply is None:
            return None
        if "chat_id" in reply:
            record = self.state.target_chat(reply["chat_id"])
        target = record.messages.get(reply["message_id"])
        if target is None or reply["message_id"] in record.deleted:
            if reply.get("allow_sending_without_reply"):
                return None
            raise bad_request("message to be replied not found")
        # Telegram does not nest replies more than one level deep.
        return {k: v for k, v in copy.deepcopy(target).items() if k != "reply_to_message"}

    def _message_to_edit(self, params: dict[str, Any]) -> tuple[ChatRecord, JSON]:
        if "inline_message_id" in params:
            raise bad_request("MESSAGE_ID_INVALID")  # no inline mode in the local server
        if "chat_id" not in params or "message_id" not in params:
            raise bad_request("message identifier is not specified")
        record = self.state.target_chat(params["chat_id"])
        msg = record.messages.get(params["message_id"])
        if msg is None or params["message_id"] in record.deleted:
            raise bad_request("message to edit not found")
        if msg["from"]["id"] != self.me["id"]:
            raise bad_request("message can't be edited")
        return record, msg

    # -- callback queries, chat actions ------------------------------------------------------

    async def answer_callback_query(self, params: dict[str, Any]) -> bool:
        query_id = params["callback_query_id"]
        if query_id not in self.open_callback_queries:
            raise bad_request("query is too old and response timeout expired or query ID is invalid")
        self.open_callback_queries.discard(query_id)
        self.callback_answers.append(dict(params))
        self.state.changed()
        return True

    async def send_chat_action(self, params: dict[str, Any]) -> bool:
        self.state.target_chat(params["chat_id"])
        if params["action"] not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        self.chat_actions.append((params["chat_id"], params["action"]))
        return True

    # -- commands and profile texts ----------------------------------------------------------

    @staticmethod
    def _commands_key(params: dict[str, Any]) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), params.get("language_code", "")

    async def set_my_commands(self, params: dict[str, Any]) -> bool:
        commands = params["commands"]
        if len(commands) > 100:
            raise bad_request("too many commands")
        for command in commands:
            if not _COMMAND_NAME.fullmatch(command["command"]):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(command["description"]) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        self.commands[self._commands_key(params)] = copy.deepcopy(commands)
        return True

    async def get_my_commands(self, params: dict[str, Any]) -> list[JSON]:
        return self.commands.get(self._commands_key(params), [])

    async def delete_my_commands(self, params: dict[str, Any]) -> bool:
        self.commands.pop(self._commands_key(params), None)
        return True

    def _profile_setter(self, field: str, limit: int) -> Handler:
        async def setter(params: dict[str, Any]) -> bool:
            text = params.get(field, "")
            if len(text) > limit:
                raise bad_request(f"{field.upper()}_INVALID")
            self.profile[(field, params.get("language_code", ""))] = text
            return True

        return setter

    def _profile_getter(self, field: str) -> Handler:
        async def getter(params: dict[str, Any]) -> JSON:
            return {field: self.profile.get((field, params.get("language_code", "")), "")}

        return getter


def find_button(msg: JSON, data: str) -> JSON:
    """The inline button of ``msg`` with this callback_data; AssertionError naming the others."""
    for button in inline_buttons(msg):
        if button.get("callback_data") == data:
            return button
    offered = [(b.get("text"), b.get("callback_data")) for b in inline_buttons(msg)]
    raise AssertionError(
        f"message {msg['message_id']} in chat {msg['chat']['id']} has no button with "
        f"callback_data {data!r}; its buttons (text, callback_data): {offered}"
    )


_query_ids = itertools.count(4_000_000_000_000_000_001)


def next_query_id() -> str:
    """A CallbackQuery id: Telegram's are decimal strings of large numbers."""
    return str(next(_query_ids))
