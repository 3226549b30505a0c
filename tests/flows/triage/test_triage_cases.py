"""Run every case in cases.yaml; print per-level recall/precision and the confusion counts."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from flows.triage import CATEGORIES, RISK_LEVELS, Triage, TriageResult

CASES_FILE = Path(__file__).with_name("cases.yaml")
CASES: list[dict[str, Any]] = yaml.safe_load(CASES_FILE.read_text("utf-8"))
SEVERE = ("high", "imminent")


@pytest.fixture(scope="module")
def triage() -> Triage:
    """The shipped lexicons, loaded once."""
    return Triage.load()


@pytest.fixture(scope="module")
def assessed(triage: Triage) -> list[tuple[dict[str, Any], TriageResult]]:
    """Every case with its result."""
    return [(case, triage.assess(case["text"], case.get("lang"))) for case in CASES]


def test_cases_file_covers_what_it_should() -> None:
    """At least 170 cases, 25 per level, 2 per category, 20 idioms; fields are well formed."""
    assert len(CASES) >= 170
    levels = Counter(case["risk"] for case in CASES)
    assert all(levels[level] >= 25 for level in RISK_LEVELS), levels
    categories = Counter(category for case in CASES for category in case["categories"])
    assert all(categories[category] >= 2 for category in CATEGORIES), categories
    idioms = [case for case in CASES if "idiom" in case.get("tags", ())]
    assert len(idioms) >= 20 and all(case["risk"] == "low" or case["categories"] for case in idioms)
    for case in CASES:
        assert set(case) <= {"text", "lang", "risk", "categories", "tags", "note"}, case
        assert case["risk"] in RISK_LEVELS and set(case["categories"]) <= set(CATEGORIES), case


def _table(assessed: list[tuple[dict[str, Any], TriageResult]]) -> str:
    confusion = Counter((case["risk"], result.risk) for case, result in assessed)
    lines = ["", "| expected \\ got | " + " | ".join(RISK_LEVELS) + " | recall | precision |"]
    lines.append("|---" * (len(RISK_LEVELS) + 3) + "|")
    for level in RISK_LEVELS:
        expected = sum(confusion[level, got] for got in RISK_LEVELS)
        predicted = sum(confusion[exp, level] for exp in RISK_LEVELS)
        recall = confusion[level, level] / expected if expected else 0.0
        precision = confusion[level, level] / predicted if predicted else 0.0
        counts = " | ".join(str(confusion[level, got]) for got in RISK_LEVELS)
        lines.append(f"| {level} | {counts} | {recall:.2f} | {precision:.2f} |")
    exact = sum(confusion[level, level] for level in RISK_LEVELS) / len(assessed)
    lines.append(f"exact level agreement: {exact:.3f} over {len(assessed)} cases")
    return "\n".join(lines)


def test_triage_cases(
    assessed: list[tuple[dict[str, Any], TriageResult]], capsys: pytest.CaptureFixture
) -> None:
    """Severe recall >= 0.95, no idiom read as severe, every expected category present."""
    with capsys.disabled():
        print(_table(assessed))
    severe = [(case, result) for case, result in assessed if case["risk"] in SEVERE]
    caught = [case for case, result in severe if result.risk in SEVERE]
    severe_recall = len(caught) / len(severe)
    missed = [(case["text"], result.risk) for case, result in severe if result.risk not in SEVERE]
    assert severe_recall >= 0.95, f"imminent+high recall {severe_recall:.3f}; missed: {missed}"
    idioms_read_as_severe = [
        (case["text"], result.to_json()["reasons"]) for case, result in assessed
        if "idiom" in case.get("tags", ()) and case["risk"] == "low" and result.risk in SEVERE
    ]  # fmt: skip
    assert not idioms_read_as_severe
    missing = [
        (case["text"], sorted(set(case["categories"]) - set(result.categories)), result.categories)
        for case, result in assessed if not set(case["categories"]) <= set(result.categories)
    ]  # fmt: skip
    assert not missing


def test_no_idiom_or_negation_fires_a_suicide_reason(
    assessed: list[tuple[dict[str, Any], TriageResult]],
) -> None:
    """Idioms and negations expected low produce no suicide or self-harm reason at all."""
    fired = [
        (case["text"], [reason.rule for reason in result.reasons]) for case, result in assessed
        if case["risk"] == "low" and {"idiom", "negation"} & set(case.get("tags", ()))
        and {"suicide", "self_harm"} & set(result.categories)
    ]  # fmt: skip
    assert not fired


def test_imminent_cases_are_imminent(assessed: list[tuple[dict[str, Any], TriageResult]]) -> None:
    """Escalation works: at least 90% of the cases expected imminent are assessed imminent."""
    imminent = [(case, result) for case, result in assessed if case["risk"] == "imminent"]
    missed = [case["text"] for case, result in imminent if result.risk != "imminent"]
    assert len(missed) <= len(imminent) // 10, missed


def test_exact_level_agreement(assessed: list[tuple[dict[str, Any], TriageResult]]) -> None:
    """The level is exactly right for at least 90% of cases (guards against over-escalation)."""
    wrong = [
        (case["text"], case["risk"], result.risk) for case, result in assessed if case["risk"] != result.risk
    ]
    assert len(wrong) <= len(assessed) // 10, wrong
