"""One directory entry from its fields, as YAML or a CSV row gives them, with every problem noted.

The reader never stops at the first bad field: it notes a `Problem` (with the field's line) and goes
on, so an import can report every bad row and `check` every bad entry. A caller that needs a clean
file (loading, importing) refuses it when any problem was noted.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from flows.triage import CATEGORIES
from routing.directory.model import KINDS, URL_KINDS, Channel, Problem, Service
from routing.directory.schedule import parse_hours
from routing.hours import HoursError, WeeklyHours

# routing/organizations.py reads "13", 13, 東京都 and Tokyo as "13"; the directory does the same.
from routing.organizations import _region

FIELDS = (
    "id", "names", "organization", "categories", "regions", "municipalities", "channels", "hours",
    "languages", "audience", "free", "emergency", "crisis", "uncertain", "uncertain_reason", "sample",
    "sources", "verified", "note",
)  # fmt: skip
REQUIRED = ("id", "names", "organization", "categories", "regions", "channels", "hours", "languages",
            "sources", "verified")  # fmt: skip
ALL_CATEGORIES = frozenset(CATEGORIES)
_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")  # "refer:<ticket>:<id>" fits Telegram's 64 bytes
_LANGUAGE = re.compile(r"[a-z]{2,3}")
_PHONE = re.compile(r"[#+]?[0-9]+(-[0-9]+)*")
_MUNICIPALITY = re.compile(r"[0-9]{5,6}")
_TRUE, _FALSE = ("true", "yes", "1"), ("false", "no", "0", "")


def valid_phone(value: str) -> bool:
    """Digits with "-" between groups, and an optional leading "#" (short codes) or "+"."""
    return bool(_PHONE.fullmatch(value))


def valid_url(value: str) -> bool:
    """An http(s) address with a host and no spaces."""
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and not re.search(r"\s", value)


class EntryReader:
    """Builds one `Service`; `line(field)` says where a field is, `problems` collects what is wrong."""

    def __init__(self, entry: Mapping[str, Any], line: Callable[[str], int], problems: list[Problem]) -> None:
        self.entry, self.line, self.problems = entry, line, problems
        self.id = str(entry.get("id") or "?")
        self._count = len(problems)

    def note(self, field: str, message: str) -> None:
        # "channels[0].value" is on the line of its field, "channels".
        self.problems.append(Problem(self.id, field, message, self.line(re.split(r"[.\[]", field)[0])))

    def read(self) -> Service | None:
        """The service, or None when a required field is missing or unusable (a problem says which)."""
        for key in self.entry:
            if key not in FIELDS:
                self.note(str(key), f"unknown field; expected one of {', '.join(FIELDS)}")
        for key in REQUIRED:
            if self.entry.get(key) in (None, "", [], {}):
                self.note(key, "missing")
        if not _ID.fullmatch(self.id):
            self.note("id", f"{self.id!r} is not lowercase letters, digits, - or _")
        hours, known = self.hours(self.entry.get("hours"), "hours", None)
        service = Service(
            id=self.id, names=self.texts("names", required=("ja", "en")),
            organization=self.text("organization"), categories=self.categories(),
            regions=self.regions(), channels=self.channels(hours, known), hours=hours,
            languages=self.languages(), sources=self.sources(), verified=self.verified(),
            municipalities=self.municipalities(), audience=self.texts("audience"),
            free=self.flag("free"), emergency=self.flag("emergency"), crisis=self.flag("crisis"),
            uncertain=self.flag("uncertain"), uncertain_reason=self.text("uncertain_reason"),
            sample=self.flag("sample"), note=self.text("note"), hours_known=known,
        )  # fmt: skip
        if service.uncertain and not service.uncertain_reason:
            self.note("uncertain_reason", "an uncertain entry must say why (uncertain_reason)")
        missing = any(p.field in REQUIRED and p.message == "missing" for p in self.problems[self._count :])
        return None if missing else service

    def text(self, field: str) -> str:
        value = self.entry.get(field)
        if value is None:
            return ""
        if not isinstance(value, str):
            self.note(field, f"{value!r} is not text")
            return ""
        return value.strip()

    def texts(self, field: str, required: tuple[str, ...] = ()) -> dict[str, str]:
        value = self.entry.get(field) or {}
        if not isinstance(value, Mapping):
            self.note(field, "expected a mapping such as {ja: ..., en: ...}")
            return {}
        texts = {}
        for lang, text in value.items():
            if not isinstance(lang, str) or not _LANGUAGE.fullmatch(lang):
                self.note(field, f"{lang!r} is not a language code like ja or en")
            elif not isinstance(text, str) or not text.strip():
                self.note(f"{field}.{lang}", "must be non-empty text")
            else:
                texts[lang] = text.strip()
        for lang in required:
            if value and lang not in texts:
                self.note(f"{field}.{lang}", "missing")
        return texts

    def items(self, field: str) -> list[Any]:
        value = self.entry.get(field) or []
        if not isinstance(value, list):
            self.note(field, "expected a list")
            return []
        return value

    def categories(self) -> frozenset[str]:
        found = set()
        for index, category in enumerate(self.items("categories")):
            if category in ALL_CATEGORIES:
                found.add(category)
            else:
                self.note(f"categories[{index}]", f"unknown category {category!r}; expected one of "
                          f"{', '.join(CATEGORIES)}")  # fmt: skip
        return frozenset(found)

    def regions(self) -> frozenset[str]:
        found = set()
        for index, value in enumerate(self.items("regions")):
            region = _region(value)
            if region is None:
                self.note(f"regions[{index}]", f"{value!r} is not national or a prefecture code 01..47")
            else:
                found.add(region)
        return frozenset(found)

    def municipalities(self) -> frozenset[str]:
        found = set()
        for index, value in enumerate(self.items("municipalities")):
            code = str(value).strip()
            if isinstance(value, bool) or not _MUNICIPALITY.fullmatch(code):
                self.note(f"municipalities[{index}]", f"{value!r} is not a 5 or 6 digit municipality code")
            elif code[:2] not in self.regions():
                self.note(f"municipalities[{index}]", f"{code} is not in a prefecture listed in regions")
            else:
                found.add(code)
        return frozenset(found)

    def languages(self) -> tuple[str, ...]:
        found = []
        for index, lang in enumerate(self.items("languages")):
            if not isinstance(lang, str) or not _LANGUAGE.fullmatch(lang):
                self.note(f"languages[{index}]", f"{lang!r} is not a code like ja or en")
            else:
                found.append(lang)
        return tuple(dict.fromkeys(found))

    def sources(self) -> tuple[str, ...]:
        found = []
        for index, url in enumerate(self.items("sources")):
            if not isinstance(url, str) or not valid_url(url.strip()):
                self.note(f"sources[{index}]", f"{url!r} is not an http(s) address")
            else:
                found.append(url.strip())
        return tuple(found)

    def channels(self, hours: WeeklyHours, known: bool) -> tuple[Channel, ...]:
        found = []
        for index, value in enumerate(self.items("channels")):
            where = f"channels[{index}]"
            if isinstance(value, str):
                kind, _, text = value.partition(":")
                value = {"kind": kind.strip(), "value": text.strip()}
            if not isinstance(value, Mapping) or set(value) - {"kind", "value", "hours"}:
                self.note(where, "expected {kind: phone|chat|sns|web|walk_in, value: ..., hours: optional}")
                continue
            kind, text = value.get("kind"), str(value.get("value") or "").strip()
            if kind not in KINDS:
                self.note(f"{where}.kind", f"{kind!r} is not one of {', '.join(KINDS)}")
            elif kind == "phone" and not valid_phone(text):
                self.note(f"{where}.value", f"{text!r} is not a phone number (digits, -, leading # or +)")
            elif kind in URL_KINDS and not valid_url(text):
                self.note(f"{where}.value", f"{text!r} is not an http(s) address")
            elif not text:
                self.note(f"{where}.value", "missing")
            channel_hours, channel_known = self.hours(value.get("hours"), f"{where}.hours", (hours, known))
            found.append(Channel(str(kind), text, channel_hours, channel_known))
        return tuple(found)

    def hours(
        self, value: Any, field: str, default: tuple[WeeklyHours, bool] | None
    ) -> tuple[WeeklyHours, bool]:
        if value in (None, ""):
            # A missing service `hours` is already noted as missing; a channel's defaults to the service's.
            return default or parse_hours("closed")
        try:
            return parse_hours(value, field)
        except HoursError as exc:
            # The field says which part (hours.mon[0]), but the line is the hours field's.
            self.problems.append(Problem(self.id, exc.field, exc.problem, self.line(field.split(".")[0])))
            return parse_hours("closed")

    def flag(self, field: str) -> bool:
        value = self.entry.get(field, False)
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text not in _TRUE + _FALSE:
            self.note(field, f"{value!r} is not true or false")
        return text in _TRUE

    def verified(self) -> date:
        value = self.entry.get("verified")
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value).strip())
        except ValueError:
            if value not in (None, ""):
                self.note("verified", f"{value!r} is not a YYYY-MM-DD date")
            return date.min
