"""The `tsunagari triage` contract: JSON lines in, one JSON line out per line in."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from flows.triage.engine import Triage


def _error(number: int, problem: str) -> str:
    return json.dumps({"error": f"line {number}: {problem}"}, ensure_ascii=False, separators=(",", ":"))


def _answer(number: int, line: str, triage: Triage) -> str:
    if not line.strip():
        return _error(number, "blank line")
    try:
        request = json.loads(line)
    except ValueError as exc:  # JSONDecodeError, and UnicodeDecodeError from bytes
        return _error(number, f"not JSON ({exc.__class__.__name__} at column {getattr(exc, 'colno', '?')})")
    if not isinstance(request, dict):
        return _error(number, f"expected a JSON object, got {type(request).__name__}")
    text, lang = request.get("text"), request.get("lang")
    if "text" not in request:
        return _error(number, 'missing "text"')
    if not isinstance(text, str):
        return _error(number, f'"text" must be a string, got {type(text).__name__}')
    known = ", ".join(sorted(triage.languages))
    if lang is None:
        return _error(number, f'missing "lang" (one of {known})')
    if not isinstance(lang, str):
        return _error(number, f'"lang" must be a string, got {type(lang).__name__}')
    if lang not in triage.languages:
        return _error(number, f'"lang" {lang[:12]!r} is not one triage reads (one of {known})')
    result = triage.assess(text, lang)
    return json.dumps(result.to_json(), ensure_ascii=False, separators=(",", ":"))


def run_jsonl(lines: Iterable[str], triage: Triage) -> Iterator[str]:
    """Answer each JSON line {"text", "lang"?} with a triage result or {"error": "line N: ..."}.

    Never raises on bad input; the error names the line number but never echoes the text.
    """
    for number, line in enumerate(lines, start=1):
        try:
            yield _answer(number, line, triage)
        except Exception as exc:  # one bad line must not stop the stream
            yield _error(number, f"internal error ({exc.__class__.__name__})")
