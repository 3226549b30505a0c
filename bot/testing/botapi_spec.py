"""Checks Bot API requests against the machine-readable Telegram Bot API spec.

The local Bot API server (``bot.testing.botapi``) runs every request the bot makes through
:class:`BotApiSpec` so that a test fails when the bot sends something api.telegram.org would
reject: an unknown method, a missing or unknown parameter, or a value of the wrong type, checked
recursively through object types such as InlineKeyboardMarkup or ReplyParameters.

The spec is ``telegram-bot-api.json`` shipped next to this module (a byte copy of api.json from
PaulSonOfLars/telegram-bot-api-spec; provenance in ``telegram-bot-api.SOURCE.txt``).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

SPEC_RESOURCE = "telegram-bot-api.json"

# Union types (e.g. BotCommandScope) name their variant in a first field described as
# 'Scope type, must be chat' or 'Type of the reaction, always "emoji"'.
_DISCRIMINATOR = re.compile(r'(?:must be|always) [“"]?([a-z_]+)')
_INTEGER = re.compile(r"[+-]?\d+")


class ApiError(Exception):
    """An error answer of the Bot API: ``{"ok": false, "error_code": ..., "description": ...}``."""

    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description


def bad_request(detail: str) -> ApiError:
    """A 400 error worded like Telegram's ("Bad Request: ...")."""
    return ApiError(400, f"Bad Request: {detail}")


@dataclass(frozen=True)
class FieldSpec:
    """One parameter of a method or one field of an object type."""

    name: str
    types: tuple[str, ...]
    required: bool


@dataclass(frozen=True)
class MethodSpec:
    """A Bot API method: its canonical (camelCase) name and its parameters."""

    name: str
    fields: Mapping[str, FieldSpec]


# A type error found while walking a value: where it is (for the deepest-error heuristic)
# and what is wrong.
_Problem = tuple[str, str]


def _fields(raw: Mapping[str, Any]) -> dict[str, FieldSpec]:
    return {
        f["name"]: FieldSpec(f["name"], tuple(f["types"]), bool(f["required"])) for f in raw.get("fields", [])
    }


class BotApiSpec:
    """The Bot API methods and types of one spec file, with request decoding and checking."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.version: str = data.get("version", "?")
        self._methods: dict[str, MethodSpec] = {
            name.lower(): MethodSpec(name, _fields(raw)) for name, raw in data["methods"].items()
        }
        self._types: dict[str, dict[str, FieldSpec]] = {
            name: _fields(raw) for name, raw in data["types"].items()
        }
        self._subtypes: dict[str, list[str]] = {
            name: list(raw["subtypes"]) for name, raw in data["types"].items() if "subtypes" in raw
        }
        # ('type', 'chat') for BotCommandScopeChat: the field value that selects a union variant.
        self._discriminators: dict[str, tuple[str, str]] = {}
        for name, raw in data["types"].items():
            first = raw.get("fields", [])[:1]
            match = first and _DISCRIMINATOR.search(first[0]["description"])
            if match:
                self._discriminators[name] = (first[0]["name"], match.group(1))

    @classmethod
    def load(cls, spec_path: str | Path | None = None) -> BotApiSpec:
        """The spec at ``spec_path``, or the copy shipped in this package; parsed once each."""
        return _load_cached(str(spec_path) if spec_path is not None else None)

    def method(self, name: str) -> MethodSpec | None:
        """The method called ``name``; Telegram matches method names case-insensitively."""
        return self._methods.get(name.lower())

    def decode_params(
        self, method: MethodSpec, raw: Mapping[str, Any], files: Collection[str] = ()
    ) -> dict[str, Any]:
        """Decode and check the parameters of one request; raise a 400 ApiError if invalid.

        ``raw`` holds strings (query string and form fields, where PTB JSON-encodes every
        non-string value) or already typed values (a JSON body). ``files`` names the
        multipart parts that carried a file upload (an InputFile).
        """
        params: dict[str, Any] = {}
        for name, value in raw.items():
            spec = method.fields.get(name)
            if spec is None:
                raise bad_request(f'unknown parameter "{name}" for method {method.name}')
            params[name] = self._decode_field(spec, value, name in files)
        for spec in method.fields.values():
            if spec.required and spec.name not in params:
                # Telegram's wording, e.g. "chat_id is empty", "message text is empty".
                raise bad_request("message text is empty" if spec.name == "text" else f"{spec.name} is empty")
        return params

    def check_value(self, types: Collection[str], value: Any, path: str) -> str | None:
        """None if ``value`` has one of ``types``, else a message saying where and why not."""
        problem = self._check_any(tuple(types), value, path)
        return None if problem is None else f"{problem[0]}: {problem[1]}"

    # -- decoding of top-level parameters ----------------------------------------------------

    def _decode_field(self, spec: FieldSpec, value: Any, is_file: bool) -> Any:
        if is_file:
            if "InputFile" in spec.types:
                return value
            raise bad_request(f'parameter "{spec.name}" can not be a file upload')
        problems: list[_Problem] = []
        for type_name in spec.types:
            try:
                decoded = self._decode_one(type_name, value)
            except ValueError as exc:
                problems.append((spec.name, f"expected {type_name}: {exc}"))
                continue
            problem = self._check_any((type_name,), decoded, spec.name)
            if problem is None:
                return decoded
            problems.append(problem)
        where, why = max(problems, key=lambda p: _depth(p[0]))
        raise bad_request(f'invalid parameter "{spec.name}": {where}: {why}')

    @staticmethod
    def _decode_one(type_name: str, value: Any) -> Any:
        """Turn a form/query string into the Python value for ``type_name``."""
        if not isinstance(value, str):
            return value  # a JSON body already carries typed values
        if type_name in ("String", "InputFile"):
            return value
        if type_name == "Integer":
            if not _INTEGER.fullmatch(value.strip()):
                raise ValueError(f"{value!r} is not an integer")
            return int(value)
        if type_name == "Float":
            return float(value)
        if type_name in ("Boolean", "True"):
            lowered = value.strip().lower()
            if lowered in ("true", "1"):
                return True
            if lowered in ("false", "0"):
                return False
            raise ValueError(f"{value!r} is not a boolean")
        # Arrays and objects travel JSON-serialized.
        try:
            return json.loads(value)
        except json.JSONDecodeError as exc:
            raise ValueError(f"can't parse JSON: {exc.msg}") from exc

    # -- recursive type checks ---------------------------------------------------------------

    def _check_any(self, types: tuple[str, ...], value: Any, path: str) -> _Problem | None:
        problems: list[_Problem] = []
        for type_name in types:
            problem = self._check_one(type_name, value, path)
            if problem is None:
                return None
            problems.append(problem)
        # The deepest problem is the most useful: it comes from the type the value was
        # evidently meant to be (e.g. InlineKeyboardMarkup rather than ForceReply).
        return max(problems, key=lambda p: _depth(p[0]))

    def _check_one(self, type_name: str, value: Any, path: str) -> _Problem | None:
        if type_name.startswith("Array of "):
            if not isinstance(value, list):
                return path, f"expected {type_name}, got {_json_type(value)}"
            inner = type_name.removeprefix("Array of ")
            for index, item in enumerate(value):
                problem = self._check_one(inner, item, f"{path}[{index}]")
                if problem is not None:
                    return problem
            return None
        if type_name in _PRIMITIVES:
            return (
                None
                if _PRIMITIVES[type_name](value)
                else (
                    path,
                    f"expected {type_name}, got {_json_type(value)}",
                )
            )
        if type_name in self._subtypes:
            return self._check_union(type_name, value, path)
        if type_name not in self._types:
            return path, f"type {type_name} is not in the Bot API spec"
        return self._check_object(type_name, value, path)

    def _check_object(self, type_name: str, value: Any, path: str) -> _Problem | None:
        if not isinstance(value, dict):
            return path, f"expected {type_name} object, got {_json_type(value)}"
        fields = self._types[type_name]
        for key, item in value.items():
            spec = fields.get(key)
            if spec is None:
                return f"{path}.{key}", f"unknown field of {type_name}"
            problem = self._check_any(spec.types, item, f"{path}.{key}")
            if problem is not None:
                return problem
        for spec in fields.values():
            if spec.required and spec.name not in value:
                return f"{path}.{spec.name}", f"required field of {type_name} is missing"
        return None

    def _check_union(self, type_name: str, value: Any, path: str) -> _Problem | None:
        variants = self._subtypes[type_name]
        if isinstance(value, dict):
            for variant in variants:
                key, expected = self._discriminators.get(variant, ("", ""))
                if key and value.get(key) == expected:
                    return self._check_one(variant, value, path)
            keys = {self._discriminators.get(v, ("", ""))[0] for v in variants}
            if len(keys) == 1 and (key := keys.pop()) and key in value:
                return f"{path}.{key}", f"{value[key]!r} is not a kind of {type_name}"
        return self._check_any(tuple(variants), value, path)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


_PRIMITIVES = {
    "Integer": _is_int,
    "Float": lambda v: _is_int(v) or isinstance(v, float),
    "Boolean": lambda v: isinstance(v, bool),
    "True": lambda v: v is True,
    "String": lambda v: isinstance(v, str),
    # Inside objects (InputMedia.media) a file is referenced as "attach://<part>" or file_id.
    "InputFile": lambda v: isinstance(v, str),
}


def _depth(path: str) -> int:
    return path.count(".") + path.count("[")


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


@functools.lru_cache(maxsize=4)
def _load_cached(spec_path: str | None) -> BotApiSpec:
    if spec_path is None:
        text = resources.files("bot.testing").joinpath(SPEC_RESOURCE).read_text("utf-8")
    else:
        text = Path(spec_path).read_text("utf-8")
    return BotApiSpec(json.loads(text))
