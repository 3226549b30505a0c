"""run_jsonl: the `tsunagari triage` contract, one JSON line out per line in, never raising."""

from __future__ import annotations

import json

import pytest

from flows.triage import Triage, run_jsonl


@pytest.fixture(scope="module")
def triage() -> Triage:
    """The shipped lexicons, loaded once."""
    return Triage.load()


def test_good_lines_get_results_in_order(triage: Triage) -> None:
    """Each good line gets the contract's {risk, categories, reasons}."""
    lines = ['{"text": "死にたい", "lang": "ja"}\n', '{"text": "hello", "lang": "en"}']
    out = list(run_jsonl(lines, triage))
    assert len(out) == 2
    first, second = (json.loads(line) for line in out)
    assert first["risk"] == "high" and first["categories"] == ["suicide"]
    assert first["reasons"][0]["match"] == "死にたい"
    assert second == {"risk": "low", "categories": [], "reasons": []}
    assert "死にたい" in out[0] and " " not in out[1]  # ensure_ascii=False, compact


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("not json", "not JSON"),
        ("[1, 2]", "expected a JSON object, got list"),
        ('"text"', "expected a JSON object, got str"),
        ('{"lang": "ja"}', 'missing "text"'),
        ('{"text": 42}', '"text" must be a string, got int'),
        ('{"text": null}', '"text" must be a string, got NoneType'),
        ('{"text": "hi", "lang": 1}', '"lang" must be a string, got int'),
        ('{"text": "hi"}', 'missing "lang" (one of en, ja)'),
        ('{"text": "hi", "lang": null}', 'missing "lang" (one of en, ja)'),
        ('{"text": "salut", "lang": "fr"}', "\"lang\" 'fr' is not one triage reads (one of en, ja)"),
        ("", "blank line"),
        ("   \n", "blank line"),
    ],
)
def test_bad_lines_get_an_error_naming_the_line(triage: Triage, line: str, problem: str) -> None:
    """A bad line gets {"error": "line N: ..."} and processing continues."""
    out = list(run_jsonl(['{"text": "ok", "lang": "en"}', line, '{"text": "寂しい", "lang": "ja"}'], triage))
    assert len(out) == 3
    error = json.loads(out[1])
    assert set(error) == {"error"} and error["error"].startswith(f"line 2: {problem}")
    assert json.loads(out[2])["categories"] == ["loneliness"]


def test_error_never_echoes_the_message_text(triage: Triage) -> None:
    """Errors describe the problem without repeating what the person wrote."""
    out = list(run_jsonl(['{"text": "死にたい" "oops"}'], triage))
    assert "死にたい" not in out[0]


def test_lang_is_only_a_hint_every_language_is_read(triage: Triage) -> None:
    """People mix languages: an English message sent with lang ja is still read."""
    assert json.loads(next(run_jsonl(['{"text": "kms", "lang": "ja"}'], triage)))["risk"] == "high"
