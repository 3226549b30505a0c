"""Telegram's ``parse_mode=HTML``: turn marked-up text into plain text plus MessageEntity.

The local Bot API server applies this so a test sees what the person sees (text without tags)
and, more importantly, so that markup Telegram would reject makes the test fail: an unescaped
``<`` or ``&`` in user-provided text is a classic production-only error.

Supported, as documented at https://core.telegram.org/bots/api#html-style: b/strong, i/em,
u/ins, s/strike/del, span class="tg-spoiler", tg-spoiler, a href, code, pre (with an inner
code class="language-x"), blockquote [expandable], tg-emoji emoji-id; the entities &lt; &gt;
&amp; &quot; and numeric ones.
"""

from __future__ import annotations

import html
import re
from typing import Any

from bot.testing.botapi_wire import utf16_len

_TOKEN = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)((?:\s+[^<>]*)?)\s*>|&([^;\s<>&]*);?|[<>&]")
_ATTR = re.compile(r"""([A-Za-z-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")
_SIMPLE = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "code": "code",
    "pre": "pre",
}
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


class EntityParseError(ValueError):
    """Markup Telegram refuses: "Bad Request: can't parse entities: <this message>"."""


def parse_html(source: str) -> tuple[str, list[dict[str, Any]]]:
    """Plain text and entities (offsets in UTF-16 code units) of an HTML-formatted message."""
    out: list[str] = []
    out_len = 0  # UTF-16 length of "".join(out), kept incrementally
    open_tags: list[tuple[str, int, dict[str, Any]]] = []  # (tag, start, entity fields)
    entities: list[dict[str, Any]] = []
    pos = 0
    for match in _TOKEN.finditer(source):
        text = source[pos : match.start()]
        out.append(text)
        out_len += utf16_len(text)
        pos = match.end()
        at = len(source[: match.start()].encode("utf-8"))
        if match.group(2) is not None:
            closing, tag = match.group(1) == "/", match.group(2).lower()
            if not closing:
                fields = _entity_fields(tag, match.group(3) or "", at)
                open_tags.append((tag, out_len, fields))
                continue
            if not open_tags or open_tags[-1][0] != tag:
                expected = open_tags[-1][0] if open_tags else ""
                raise EntityParseError(
                    f'Unmatched end tag at byte offset {at}, expected "</{expected}>", found "</{tag}>"'
                )
            _, start, fields = open_tags.pop()
            if fields and out_len > start:
                entities.append({**fields, "offset": start, "length": out_len - start})
            continue
        char = _entity_char(match, at)
        out.append(char)
        out_len += utf16_len(char)
    if open_tags:
        tag = open_tags[-1][0]
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{tag}"')
    out.append(source[pos:])
    entities.sort(key=lambda e: (e["offset"], -e["length"], e["type"] == "code"))
    return "".join(out), _merge_pre_code(entities)


def _entity_char(match: re.Match[str], at: int) -> str:
    """The text an &entity; or a stray character stands for.

    A bare '<' is an error, as on Telegram; a bare '>' or '&' (or an unknown entity) is kept
    as written, which is lenient where Telegram's behaviour is not documented.
    """
    token, name = match.group(0), match.group(4)
    if token == "<":
        raise EntityParseError(f'Unsupported start tag "" at byte offset {at}')
    if name is not None and token.endswith(";"):
        if name in _NAMED:
            return _NAMED[name]
        if re.fullmatch(r"#(\d+|[xX][0-9a-fA-F]+)", name):
            return html.unescape(token)
    return token


def _entity_fields(tag: str, attr_text: str, at: int) -> dict[str, Any]:
    """The MessageEntity fields a start tag opens; {} for tags that make no entity."""
    attrs = {
        m.group(1).lower(): next((g for g in m.groups()[1:] if g is not None), "")
        for m in _ATTR.finditer(attr_text)
    }
    if tag == "a":
        # Telegram turns tg://user?id= links into text_mention with the full User; a
        # text_link is close enough for tests and needs no user lookup.
        url = attrs.get("href", "")
        return {"type": "text_link", "url": url} if url else {}
    if tag == "span":
        if attrs.get("class") != "tg-spoiler":
            raise EntityParseError(f'Unsupported start tag "span" at byte offset {at}')
        return {"type": "spoiler"}
    if tag == "blockquote":
        return {"type": "expandable_blockquote" if "expandable" in attrs else "blockquote"}
    if tag == "tg-emoji":
        return {"type": "custom_emoji", "custom_emoji_id": attrs.get("emoji-id", "")}
    if tag == "code" and attrs.get("class", "").startswith("language-"):
        return {"type": "code", "language": attrs["class"].removeprefix("language-")}
    if tag in _SIMPLE:
        return {"type": _SIMPLE[tag]}
    raise EntityParseError(f'Unsupported start tag "{tag}" at byte offset {at}')


def _merge_pre_code(entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """<pre><code class="language-py"> is one pre entity with a language, as Telegram does."""
    merged: list[dict[str, Any]] = []
    for entity in entities:
        previous = merged[-1] if merged else None
        if (
            previous is not None
            and previous["type"] == "pre"
            and entity["type"] == "code"
            and (entity["offset"], entity["length"]) == (previous["offset"], previous["length"])
        ):
            if "language" in entity:
                previous["language"] = entity["language"]
            continue
        if entity["type"] == "code":
            entity.pop("language", None)
        merged.append(entity)
    return merged
