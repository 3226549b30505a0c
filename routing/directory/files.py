"""Directory files: the YAML the project ships and operators edit, and CSV for spreadsheets.

YAML is a list of entries (see routing/data/directory.yaml for every field). CSV has one row per
service and this header (columns in any order; empty cells mean "not given"):

    id,name_ja,name_en,organization,categories,regions,municipalities,channels,channel_hours,hours,
    languages,audience_ja,audience_en,free,emergency,crisis,uncertain,uncertain_reason,sample,
    sources,verified,note

- list fields (categories, regions, municipalities, languages, sources) separate items with "|":
  `suicide|loneliness`, `national`, `13|14`;
- channels are `kind:value` pairs separated by "|": `phone:0120-279-338|web:https://example.org/`;
  channel_hours gives each channel's hours in the same order ("|" between, empty = the service's);
- hours use the mini-language of routing/directory/schedule.py: `24h`, `varies`, `closed`,
  `weekdays 09:00-17:00; sat 10:00-12:00`, `everyday 17:00-翌08:00; holidays open`;
- flags are true/false (empty = false); verified is YYYY-MM-DD.

Reading checks every entry (every row) before returning any: if one is wrong, `DirectoryError` names
the file, the line and the field of the first problem, lists them all in `.problems`, and nothing
is returned.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from routing.directory.entries import EntryReader
from routing.directory.model import DirectoryError, Problem, Service
from routing.directory.schedule import format_hours

CSV_HEADER = (
    "id", "name_ja", "name_en", "organization", "categories", "regions", "municipalities", "channels",
    "channel_hours", "hours", "languages", "audience_ja", "audience_en", "free", "emergency", "crisis",
    "uncertain", "uncertain_reason", "sample", "sources", "verified", "note",
)  # fmt: skip
_LISTS = ("categories", "regions", "municipalities", "languages", "sources")
_FLAGS = ("free", "emergency", "crisis", "uncertain", "sample")


class _Loader(yaml.SafeLoader):
    """Safe YAML, but dates stay text, so a bad one ("2026-02-30") is reported with its field and line."""


_Loader.add_constructor("tag:yaml.org,2002:timestamp", yaml.SafeLoader.construct_yaml_str)


def read_file(path: Path) -> list[Service]:
    """Every service in a YAML or CSV file (by suffix); `DirectoryError` and nothing if any entry is wrong."""
    services, lines, problems = read_entries(path)
    if problems:
        first = problems[0]
        raise DirectoryError(
            path, first.line, f"{first.service_id}.{first.field}", first.message, tuple(problems)
        )
    return services


def read_entries(path: Path) -> tuple[list[Service], dict[str, int], list[Problem]]:
    """The services that could be built, each one's line, and every problem (for a lenient load)."""
    rows = _csv_rows(path) if path.suffix.lower() == ".csv" else _yaml_rows(path)
    services, lines, problems = [], {}, []
    for entry, line_of in rows:
        reader = EntryReader(entry, line_of, problems)
        service = reader.read()
        if service is None:
            continue
        if service.id in lines:
            problems.append(Problem(service.id, "id", f"{service.id!r} appears twice", line_of("id")))
            continue
        services.append(service)
        lines[service.id] = line_of("id")
    return services, lines, problems


def write_yaml(services: Iterable[Service], path: Path) -> None:
    """Write services in the shipped YAML format (read_file reads them back equal)."""
    entries = [_yaml_entry(service) for service in services]
    path.write_text(yaml.safe_dump(entries, allow_unicode=True, sort_keys=False, width=110), encoding="utf-8")


def write_csv(services: Iterable[Service], path: Path) -> None:
    """Write services as CSV with CSV_HEADER (read_file reads them back equal)."""
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, CSV_HEADER)
        writer.writeheader()
        for service in services:
            writer.writerow(_csv_row(service))


def _yaml_rows(path: Path) -> list[tuple[dict[str, Any], Any]]:
    text = _text(path)
    try:
        root, data = yaml.compose(text, Loader=_Loader), yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = f"not valid YAML ({getattr(exc, 'problem', '')})"
        raise DirectoryError(path, mark.line + 1 if mark else 1, "file", problem) from None
    if not isinstance(data, list) or not isinstance(root, yaml.SequenceNode):
        raise DirectoryError(path, 1, "file", "expected a list of services")
    rows = []
    for index, (entry, node) in enumerate(zip(data, root.value, strict=True)):
        if not isinstance(entry, dict) or not isinstance(node, yaml.MappingNode):
            raise DirectoryError(path, node.start_mark.line + 1, f"[{index}]", "expected a mapping")
        nodes = {str(key.value): value for key, value in node.value}
        start = node.start_mark.line + 1
        rows.append(
            (entry, lambda field, n=nodes, s=start: n[field].start_mark.line + 1 if field in n else s)
        )
    return rows


def _csv_rows(path: Path) -> list[tuple[dict[str, Any], Any]]:
    reader = csv.DictReader(_text(path).splitlines(keepends=True))
    missing = [column for column in ("id", "name_ja", "name_en") if column not in (reader.fieldnames or [])]
    unknown = [column for column in reader.fieldnames or [] if column not in CSV_HEADER]
    if missing or unknown:
        problem = f"missing columns {missing}" if missing else f"unknown columns {unknown}"
        raise DirectoryError(path, 1, "header", f"{problem}; expected {','.join(CSV_HEADER)}")
    rows = []
    for row in reader:
        if None in row:
            raise DirectoryError(path, reader.line_num, "row", "more cells than the header has columns")
        # line_num counts physical lines, so a cell with a line break still points at its row's end.
        rows.append((_csv_entry(row), lambda field, line=reader.line_num: line))
    return rows


def _csv_entry(row: dict[str, str | None]) -> dict[str, Any]:
    cells = {key: (value or "").strip() for key, value in row.items()}
    entry: dict[str, Any] = {"names": {}, "audience": {}}
    for key, value in cells.items():
        if not value:
            continue
        if key in _LISTS:
            entry[key] = [item.strip() for item in value.split("|")]
        elif key.startswith(("name_", "audience_")):
            entry["names" if key.startswith("name_") else "audience"][key.split("_", 1)[1]] = value
        elif key not in ("channels", "channel_hours"):
            entry[key] = value
    channels = (
        [item.strip() for item in cells.get("channels", "").split("|")] if cells.get("channels") else []
    )
    hours = cells.get("channel_hours", "").split("|")
    entry["channels"] = [
        {
            "kind": c.partition(":")[0].strip(),
            "value": c.partition(":")[2].strip(),
            "hours": h.strip() or None,
        }
        for c, h in zip(channels, hours + [""] * len(channels), strict=False)
    ]
    return {key: value for key, value in entry.items() if value not in ({}, [])}


def _yaml_entry(service: Service) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "id": service.id, "names": dict(service.names), "organization": service.organization,
        "categories": sorted(service.categories), "regions": sorted(service.regions),
    }  # fmt: skip
    if service.municipalities:
        entry["municipalities"] = sorted(service.municipalities)
    entry["channels"] = [
        {"kind": c.kind, "value": c.value}
        | (
            {}
            if (c.hours, c.hours_known) == (service.hours, service.hours_known)
            else {"hours": format_hours(c.hours, c.hours_known)}
        )
        for c in service.channels
    ]
    entry["hours"] = format_hours(service.hours, service.hours_known)
    entry["languages"] = list(service.languages)
    if service.audience:
        entry["audience"] = dict(service.audience)
    for flag in _FLAGS:
        entry[flag] = getattr(service, flag)
    if service.uncertain_reason:
        entry["uncertain_reason"] = service.uncertain_reason
    entry |= {"sources": list(service.sources), "verified": service.verified.isoformat()}
    if service.note:
        entry["note"] = service.note
    return entry


def _csv_row(service: Service) -> dict[str, str]:
    entry = _yaml_entry(service)
    row = {key: "|".join(entry.get(key, [])) for key in _LISTS}
    row |= {f"name_{lang}": text for lang, text in service.names.items() if f"name_{lang}" in CSV_HEADER}
    row |= {
        f"audience_{lang}": text
        for lang, text in service.audience.items()
        if f"audience_{lang}" in CSV_HEADER
    }
    row |= {flag: "true" if getattr(service, flag) else "false" for flag in _FLAGS}
    row["channels"] = "|".join(f"{c['kind']}:{c['value']}" for c in entry["channels"])
    row["channel_hours"] = "|".join(c.get("hours", "") for c in entry["channels"])
    for key in ("id", "organization", "hours", "uncertain_reason", "verified", "note"):
        row[key] = str(entry.get(key, ""))
    return row


def _text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise DirectoryError(path, 1, "file", "not UTF-8 text") from None
