"""The counselors file: who may use counselor commands, and how each is recognised.

The file is YAML (`counselors: [{id, name, telegram_user_id, console_key, lang, team, role}]`);
`team` is an "org/team" id from the organizations file (may be left out when there is one team),
`role` is `counselor` (default) or `supervisor` (may also assign waiting people to counselors). It is read
at start-up and re-read when it changes, so `tsunagari counselor add` needs no restart. Errors
name the line.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import yaml

logger = logging.getLogger(__name__)

_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
_RELOAD_EVERY = 2.0


class CounselorFileError(Exception):
    """The counselors file is malformed; the message names the file, line and field."""


@dataclass(frozen=True)
class Counselor:
    """A registered counselor (never shown to a person)."""

    id: str
    name: str
    telegram_user_id: int | None = None
    console_key: str | None = None
    lang: str = "ja"
    team: str | None = None
    role: str = "counselor"

    @property
    def supervisor(self) -> bool:
        return self.role == "supervisor"


ROLES = ("counselor", "supervisor")
_TEAM = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}/[a-z0-9][a-z0-9_-]{0,39}$")


def load_counselors(path: Path) -> list[Counselor]:
    """Parse and validate a counselors file; a missing file means nobody is registered."""
    if not path.exists():
        return []
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise CounselorFileError(f"{path}: not UTF-8 text") from None
    try:
        root = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else "?"
        raise CounselorFileError(f"{path}:{line}: not valid YAML ({getattr(exc, 'problem', '')})") from None
    if root is None:
        return []
    if not isinstance(data, dict) or not isinstance(data.get("counselors", []), list):
        raise CounselorFileError(f"{path}:1: expected a mapping with a 'counselors' list")
    nodes = _item_nodes(root)
    counselors: list[Counselor] = []
    for index, item in enumerate(data.get("counselors") or []):
        line = nodes[index].start_mark.line + 1 if index < len(nodes) else "?"
        counselors.append(_parse(item, f"{path}:{line}"))
    _check_unique(counselors, path)
    return counselors


def _item_nodes(root: yaml.Node) -> list[yaml.Node]:
    for key, value in root.value:
        if key.value == "counselors" and isinstance(value, yaml.SequenceNode):
            return list(value.value)
    return []


def _parse(item: Any, where: str) -> Counselor:
    if not isinstance(item, dict):
        raise CounselorFileError(f"{where}: each counselor must be a mapping")
    unknown = set(item) - {"id", "name", "telegram_user_id", "console_key", "lang", "team", "role"}
    if unknown:
        raise CounselorFileError(f"{where}: unknown field {sorted(unknown)[0]!r}")
    counselor_id = str(item.get("id", ""))
    if not _ID.match(counselor_id):
        raise CounselorFileError(f"{where}: id must be lowercase letters, digits, - or _")
    if not str(item.get("name", "")).strip():
        raise CounselorFileError(f"{where}: name is missing")
    telegram_user_id = item.get("telegram_user_id")
    if telegram_user_id is not None and (
        isinstance(telegram_user_id, bool) or not isinstance(telegram_user_id, int) or telegram_user_id <= 0
    ):
        raise CounselorFileError(f"{where}: telegram_user_id must be a positive number")
    console_key = item.get("console_key")
    if console_key is not None and (not isinstance(console_key, str) or len(console_key) < 16):
        raise CounselorFileError(f"{where}: console_key must be at least 16 characters")
    lang = item.get("lang", "ja")
    if lang not in ("ja", "en"):
        raise CounselorFileError(f"{where}: lang must be ja or en")
    team = item.get("team")
    if team is not None and (not isinstance(team, str) or not _TEAM.match(team)):
        raise CounselorFileError(f"{where}: team must be an organization/team id such as tokyo-npo/night")
    role = item.get("role", "counselor")
    if role not in ROLES:
        raise CounselorFileError(f"{where}: role must be counselor or supervisor")
    return Counselor(counselor_id, str(item["name"]), telegram_user_id, console_key, lang, team, role)


def _check_unique(counselors: list[Counselor], path: Path) -> None:
    for field in ("id", "telegram_user_id", "console_key"):
        seen: set[object] = set()
        for counselor in counselors:
            value = getattr(counselor, field)
            if value is not None and value in seen:
                raise CounselorFileError(f"{path}: {field} {value!r} appears twice")
            seen.add(value)


def add_counselor(path: Path, counselor: Counselor) -> None:
    """Append a counselor to the file (validating the result before writing it)."""
    _parse(_entry(counselor), f"new counselor {counselor.id!r}")
    save_counselors(path, [*load_counselors(path), counselor])


def save_counselors(path: Path, counselors: list[Counselor]) -> None:
    """Write the whole file (validated first), atomically."""
    _check_unique(counselors, path)
    entries = [_entry(c) for c in counselors]
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(yaml.safe_dump({"counselors": entries}, allow_unicode=True, sort_keys=False))
    tmp.replace(path)


def _entry(counselor: Counselor) -> dict[str, Any]:
    """A counselor as written in the file: unset and default fields left out."""
    entry = {k: v for k, v in asdict(counselor).items() if v is not None}
    if entry.get("role") == "counselor":
        del entry["role"]
    return entry


class CounselorDirectory:
    """Looks counselors up; re-reads the file when it changed (checked every 2 s at most)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._mtime: float | None = None
        self._checked = 0.0
        self._by_telegram: dict[int, Counselor] = {}
        self._by_key: dict[str, Counselor] = {}
        self._by_id: dict[str, Counselor] = {}
        self._reload()

    def _reload(self) -> None:
        counselors = load_counselors(self.path)
        self._mtime = self.path.stat().st_mtime if self.path.exists() else None
        self._by_telegram = {c.telegram_user_id: c for c in counselors if c.telegram_user_id}
        self._by_key = {c.console_key: c for c in counselors if c.console_key}
        self._by_id = {c.id: c for c in counselors}

    def _refresh(self) -> None:
        now = time.monotonic()
        if now - self._checked < _RELOAD_EVERY:
            return
        self._checked = now
        mtime = self.path.stat().st_mtime if self.path.exists() else None
        if mtime != self._mtime:
            try:
                self._reload()
            except CounselorFileError as exc:
                # Keep serving with the last good file rather than failing every message.
                logger.error("counselors file not reloaded: %s", exc)
                self._mtime = mtime

    def by_telegram(self, user_id: int) -> Counselor | None:
        self._refresh()
        return self._by_telegram.get(user_id)

    def by_console_key(self, key: str) -> Counselor | None:
        self._refresh()
        return self._by_key.get(key)

    def get(self, counselor_id: str) -> Counselor | None:
        self._refresh()
        return self._by_id.get(counselor_id)
