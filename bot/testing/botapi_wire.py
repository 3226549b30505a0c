"""Builders for Bot API wire-format objects (User, Chat, Message, CallbackQuery, ...).

Everything here returns plain JSON-ready dicts shaped exactly like api.telegram.org's, so the
local Bot API server can hand them to python-telegram-bot unchanged. Field names follow the
Bot API spec (``from`` rather than ``from_user``); optional fields are left out, not null.
"""

from __future__ import annotations

import itertools
import re
import time
from dataclasses import dataclass
from typing import Any

JSON = dict[str, Any]

# "/start", "/start@tsunagari_test_bot": what Telegram marks as a bot_command at offset 0.
_COMMAND = re.compile(r"/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?")

# Telegram file ids are opaque base64url strings; a process-wide counter keeps ours unique
# and deterministic within a run.
_file_counter = itertools.count(1)


@dataclass(frozen=True)
class TgUser:
    """A Telegram user talking to the bot; their private chat has the same id."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None
    is_bot: bool = False

    def to_wire(self) -> JSON:
        """The User object."""
        user: JSON = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            value = getattr(self, key)
            if value is not None:
                user[key] = value
        return user

    def private_chat(self) -> JSON:
        """The Chat object of this user's private chat with the bot."""
        chat: JSON = {"id": self.id, "type": "private", "first_name": self.first_name}
        if self.last_name is not None:
            chat["last_name"] = self.last_name
        if self.username is not None:
            chat["username"] = self.username
        return chat


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of MessageEntity offsets and lengths."""
    return len(text.encode("utf-16-le")) // 2


def now() -> int:
    """A Unix timestamp, as in Message.date."""
    return int(time.time())


def command_entities(text: str) -> list[JSON]:
    """The bot_command entity Telegram adds when a message starts with /command."""
    match = _COMMAND.match(text)
    if match is None:
        return []
    return [{"type": "bot_command", "offset": 0, "length": utf16_len(match.group(0))}]


def message(message_id: int, chat: JSON, sender: JSON, **content: Any) -> JSON:
    """A Message: identity, sender and chat, plus content fields (text, photo, ...)."""
    return {"message_id": message_id, "from": sender, "chat": chat, "date": now(), **content}


def text_content(text: str) -> JSON:
    """Content fields of a text message typed by a person."""
    content: JSON = {"text": text}
    entities = command_entities(text)
    if entities:
        content["entities"] = entities
    return content


def _file_ids(kind: str) -> tuple[str, str]:
    n = next(_file_counter)
    # Real ids start with a type-dependent prefix ("AgACAgIAAxkBAAI" for photos); only their
    # opacity and uniqueness matter to a bot.
    return f"{kind}AgADLocal{n:08d}Aa", f"AQAD{n:08d}"


def photo_content(caption: str | None = None) -> JSON:
    """A photo as Telegram delivers it: several PhotoSize, smallest first."""
    sizes = []
    for width, height, size in ((90, 67, 1234), (320, 240, 15320), (800, 600, 67890)):
        file_id, unique_id = _file_ids("AgAC")
        sizes.append(
            {
                "file_id": file_id,
                "file_unique_id": unique_id,
                "width": width,
                "height": height,
                "file_size": size,
            }
        )
    content: JSON = {"photo": sizes}
    if caption is not None:
        content["caption"] = caption
    return content


def sticker_content(emoji: str = "👍") -> JSON:
    """A static regular sticker from a set, with its thumbnail."""
    file_id, unique_id = _file_ids("CAAC")
    thumb_id, thumb_unique = _file_ids("AAMC")
    return {
        "sticker": {
            "file_id": file_id,
            "file_unique_id": unique_id,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
            "set_name": "TsunagariTestStickers",
            "thumbnail": {
                "file_id": thumb_id,
                "file_unique_id": thumb_unique,
                "width": 128,
                "height": 128,
                "file_size": 4350,
            },
            "file_size": 21846,
        }
    }


def voice_content(duration: int = 3) -> JSON:
    """A voice note (OGG/Opus, as Telegram clients record them)."""
    file_id, unique_id = _file_ids("AwAC")
    return {
        "voice": {
            "file_id": file_id,
            "file_unique_id": unique_id,
            "duration": duration,
            "mime_type": "audio/ogg",
            "file_size": 4000 * duration,
        }
    }


def location_content(latitude: float, longitude: float) -> JSON:
    """A one-off location share."""
    return {"location": {"latitude": float(latitude), "longitude": float(longitude)}}


def callback_query(query_id: str, sender: JSON, msg: JSON, chat_instance: str, data: str) -> JSON:
    """A CallbackQuery from pressing an inline button under ``msg``."""
    return {
        "id": query_id,
        "from": sender,
        "message": msg,
        "chat_instance": chat_instance,
        "data": data,
    }


def inline_buttons(msg: JSON) -> list[JSON]:
    """All buttons of a message's inline keyboard, row by row."""
    markup = msg.get("reply_markup") or {}
    return [button for row in markup.get("inline_keyboard", []) for button in row]


def update_kind(update: JSON) -> str:
    """'message', 'callback_query', ...: the one field of an Update besides update_id."""
    return next(key for key in update if key != "update_id")
