"""Crisis resources: emergency numbers and hotlines, kept as data with their sources.

Owns flows/data/crisis_resources.yaml: loading and validating it (`CrisisResources.load`), and
choosing which resources the reply to a risky message carries (`CrisisResources.for_risk`).
Pure: the shipped file is read once per process; no I/O when choosing.
"""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from flows.triage import CATEGORIES as TRIAGE_CATEGORIES

DATA_FILE = "crisis_resources.yaml"
# A resource's categories come from the triage vocabulary.
CATEGORIES = frozenset(TRIAGE_CATEGORIES)
# Lines that fit anyone at risk, whatever else they wrote about.
GENERAL_CATEGORIES = frozenset({"suicide", "loneliness"})
EMERGENCY_RISK = "imminent"
RISKS_WITH_RESOURCES = frozenset({"imminent", "high"})
MAX_LINES = 4  # non-emergency lines per reply: more is a wall of numbers to someone in crisis

_REQUIRED = (
    "id", "name", "phone", "url", "hours", "open_24h", "emergency", "categories", "languages",
    "uncertain", "source", "verified",
)
_OPTIONAL = ("uncertain_reason", "note")
_TEXT_LANGUAGES = ("ja", "en")
_ID = re.compile(r"[a-z0-9_]+")
_PHONE = re.compile(r"#?[0-9]+(?:-[0-9]+)*")
_URL = re.compile(r"https?://[^\s]+")
_LANGUAGE = re.compile(r"[a-z]{2,3}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class ResourceError(Exception):
    """The resource file is malformed; the message names the entry id and the field."""


@dataclass(frozen=True)
class Resource:
    """One emergency number or hotline, with where it was seen and when it was last checked."""

    id: str
    name: dict[str, str]
    phone: str | None
    url: str | None
    hours: dict[str, str]
    open_24h: bool
    emergency: bool
    categories: tuple[str, ...]
    languages: tuple[str, ...]
    uncertain: bool
    source: tuple[str, ...]
    verified: str
    uncertain_reason: str = ""

    def line(self, lang: str) -> str:
        """One chat line: name, phone (or the address when there is none) and hours, in ja or en."""
        text_lang = "ja" if lang == "ja" else "en"
        contact = self.phone or self.url or ""
        if text_lang == "ja":
            return f"{self.name['ja']} {contact}（{self.hours['ja']}）"
        return f"{self.name['en']} {contact} ({self.hours['en']})"

    @property
    def general(self) -> bool:
        """Whether this line is for anyone at risk (suicide, loneliness), not only for one concern."""
        return not GENERAL_CATEGORIES.isdisjoint(self.categories)

    def fits(self, categories: frozenset[str]) -> bool:
        """Whether this line is for one of these concerns, or for anyone at risk."""
        return self.general or not categories.isdisjoint(self.categories)


class CrisisResources:
    """The validated resource list, and the choice of resources for a risk band."""

    def __init__(self, entries: Sequence[Resource]) -> None:
        self.entries = tuple(entries)

    @classmethod
    def load(cls, path: Path | None = None) -> CrisisResources:
        """The shipped resources (read once), or those in `path`; raises ResourceError on bad data."""
        if path is None:
            return _shipped()
        return cls.from_text(path.read_text(encoding="utf-8"), str(path))

    @classmethod
    def from_text(cls, text: str, origin: str = DATA_FILE) -> CrisisResources:
        """Resources parsed and validated from YAML text."""
        try:
            raw = yaml.safe_load(text)
        except yaml.YAMLError as error:
            raise ResourceError(f"{origin}: not valid YAML: {error}") from error
        if not isinstance(raw, list) or not raw:
            raise ResourceError(f"{origin}: expected a non-empty list of entries")
        entries = [_parse_entry(index, body) for index, body in enumerate(raw)]
        seen: set[str] = set()
        for entry in entries:
            if entry.id in seen:
                raise ResourceError(f"{entry.id}: id: duplicate")
            seen.add(entry.id)
        return cls(entries)

    def get(self, resource_id: str) -> Resource | None:
        """The resource with this id, or None."""
        return next((entry for entry in self.entries if entry.id == resource_id), None)

    def for_risk(self, risk: str, categories: Sequence[str], lang: str) -> list[Resource]:
        """What a reply must carry: at imminent, 119/110 then 24-hour lines; at high, 24-hour lines."""
        if risk not in RISKS_WITH_RESOURCES:
            return []
        emergency = [entry for entry in self.entries if entry.emergency] if risk == EMERGENCY_RISK else []
        return emergency + self._lines(frozenset(categories), lang)

    def _lines(self, wanted: frozenset[str], lang: str) -> list[Resource]:
        """Fitting 24-hour lines: in the person's language first, then lines for their concern, then
        lines for anyone at risk; file order within each."""

        def rank(entry: Resource) -> tuple[bool, bool, bool]:
            return lang not in entry.languages, wanted.isdisjoint(entry.categories), entry.general

        fitting = [entry for entry in self.entries if not entry.emergency and entry.fits(wanted)]
        always_open = sorted((entry for entry in fitting if entry.open_24h), key=rank)
        chosen = always_open[:MAX_LINES]
        general = [entry for entry in always_open if entry.general and not entry.uncertain]
        if general and not any(entry.general for entry in chosen):
            # Whatever their concern, someone at risk also gets a line for anyone at risk.
            chosen[-1] = general[0]
        if lang != "ja":
            # A line that speaks their language is worth showing even when not open all night.
            spoken = [entry for entry in fitting if not entry.open_24h and lang in entry.languages]
            chosen += sorted(spoken, key=rank)[: MAX_LINES - len(chosen)]
        if not any(entry.open_24h and not entry.uncertain for entry in chosen):
            # An uncertain line is never the only help offered to someone in crisis.
            chosen = [entry for entry in chosen if not entry.uncertain]
        return chosen


@functools.cache
def _shipped() -> CrisisResources:
    text = resources.files("flows").joinpath("data", DATA_FILE).read_text(encoding="utf-8")
    return CrisisResources.from_text(text)


def _parse_entry(index: int, body: Any) -> Resource:
    """One validated entry; errors name the entry id (or its position) and the field."""
    named = isinstance(body, dict) and isinstance(body.get("id"), str)
    label = body["id"] if named else f"entry #{index + 1}"
    if not isinstance(body, dict):
        raise ResourceError(f"{label}: expected a mapping of fields")
    for field in _REQUIRED:
        if field not in body:
            raise ResourceError(f"{label}: {field}: missing")
    for field in body:
        if field not in _REQUIRED and field not in _OPTIONAL:
            raise ResourceError(f"{label}: {field}: unknown field")
    _check(label, "id", _ID.fullmatch(str(body["id"])) is not None, "lowercase letters, digits and _ only")
    uncertain = _flag(label, body, "uncertain")
    reason = body.get("uncertain_reason") or ""
    _check(label, "uncertain_reason", not uncertain or _is_text(reason), "required when uncertain is true")
    entry = Resource(
        id=body["id"],
        name=_texts(label, body, "name"),
        phone=_optional(label, body, "phone", _PHONE, "digits, '-' and '#' only, e.g. 0120-279-338"),
        url=_optional(label, body, "url", _URL, "an http(s) address"),
        hours=_texts(label, body, "hours"),
        open_24h=_flag(label, body, "open_24h"),
        emergency=_flag(label, body, "emergency"),
        categories=_words(label, body, "categories"),
        languages=_words(label, body, "languages"),
        uncertain=uncertain,
        source=_words(label, body, "source"),
        verified=_date(label, body["verified"]),
        uncertain_reason=str(reason).strip(),
    )
    _check_meaning(label, entry)
    return entry


def _check_meaning(label: str, entry: Resource) -> None:
    """Rules across fields and vocabularies."""
    _check(label, "phone", entry.phone is not None or entry.url is not None, "a phone or a url is required")
    unknown = sorted(set(entry.categories) - CATEGORIES)
    _check(label, "categories", not unknown, f"not in the triage vocabulary: {unknown}")
    bad_languages = [code for code in entry.languages if not _LANGUAGE.fullmatch(code)]
    _check(label, "languages", not bad_languages, f"not ISO 639 codes: {bad_languages}")
    bad_sources = [address for address in entry.source if not _URL.fullmatch(address)]
    _check(label, "source", not bad_sources, f"not http(s) addresses: {bad_sources}")
    if entry.emergency:
        _check(label, "open_24h", entry.open_24h, "an emergency number must be open 24h")
        _check(label, "uncertain", not entry.uncertain, "an emergency number cannot be uncertain")


def _check(label: str, field: str, ok: bool, problem: str) -> None:
    if not ok:
        raise ResourceError(f"{label}: {field}: {problem}")


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _flag(label: str, body: dict[str, Any], field: str) -> bool:
    _check(label, field, isinstance(body[field], bool), "must be true or false")
    return bool(body[field])


def _texts(label: str, body: dict[str, Any], field: str) -> dict[str, str]:
    value = body[field]
    ok = isinstance(value, dict) and all(_is_text(value.get(lang)) for lang in _TEXT_LANGUAGES)
    _check(label, field, ok, f"needs non-empty text for each of {list(_TEXT_LANGUAGES)}")
    return {str(lang): str(text).strip() for lang, text in value.items()}


def _optional(
    label: str, body: dict[str, Any], field: str, shape: re.Pattern[str], problem: str
) -> str | None:
    value = body[field]
    if value is None:
        return None
    _check(label, field, isinstance(value, str) and shape.fullmatch(value) is not None, problem)
    return str(value)


def _words(label: str, body: dict[str, Any], field: str) -> tuple[str, ...]:
    value = body[field]
    ok = isinstance(value, list) and bool(value) and all(_is_text(item) for item in value)
    _check(label, field, ok, "must be a non-empty list of strings")
    return tuple(item.strip() for item in value)


def _date(label: str, value: Any) -> str:
    """An ISO date; YAML may hand over a date object when the value is not quoted."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    ok = isinstance(value, str) and _DATE.fullmatch(value) is not None
    if ok:
        try:
            datetime.date.fromisoformat(value)
        except ValueError:
            ok = False
    _check(label, "verified", ok, "must be an ISO date, e.g. 2026-11-27")
    return str(value)
