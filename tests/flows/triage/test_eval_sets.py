"""Triage on messages written by people who never saw its rules, printed by family in CI.

- fresh_eval.jsonl: 158 messages written independently (shared/data/triage/fresh_eval.jsonl), the
  set issue 10 was measured on; rules were developed against it, so it is a regression table now.
- dev_eval.jsonl (150), dev_eval_indirect.jsonl (180, mostly indirect wording),
  dev_eval_broad.jsonl (240, breadth of vocabulary and grammar), dev_eval_ja.jsonl (240, Japanese
  registers and dialects), dev_eval_en.jsonl (220, English as foreign residents write it),
  dev_eval_imminent.jsonl (220, acts, places and means with their ordinary look-alikes) and
  dev_eval_high.jsonl (220, farewells, research, abuse and their look-alikes) and
  dev_eval_oblique.jsonl (240, metaphors, emoji and situations instead of words; the hardest):
  written by helpers for development; rules were read against their misses.
- blind_eval.jsonl (110), blind_eval_2.jsonl (120), blind_eval_3.jsonl (120), blind_eval_4.jsonl
  (130), blind_eval_5.jsonl (130) and blind_eval_6.jsonl (130): written by helpers who never saw a
  rule, each before the round of rule changes it measures; their texts were never read while rules
  were written. Their figures are the honest ones.

Each set has a floor: the figures of the change that added it, so a rule edit that loses recall
fails here. Issue 10's target (high+ recall >= 0.95, imminent >= 0.85, low/moderate raised <= 5%,
category >= 0.80) holds on the sets rules were developed against; the blind sets' floors are
what they measured when they joined.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest

from flows.triage import Triage, risk_rank

HERE = Path(__file__).parent
HIGH = risk_rank("high")


@dataclass(frozen=True)
class Floor:
    """The least each figure may be (raised: the most)."""

    high_recall: float
    imminent_recall: float
    raised: float
    category: float


SETS = {
    "fresh_eval.jsonl": Floor(0.95, 0.85, 0.05, 0.80),
    "dev_eval.jsonl": Floor(0.95, 0.85, 0.05, 0.80),
    "dev_eval_indirect.jsonl": Floor(0.95, 0.85, 0.05, 0.80),
    "dev_eval_broad.jsonl": Floor(0.95, 0.85, 0.05, 0.80),
    "dev_eval_ja.jsonl": Floor(0.90, 0.90, 0.05, 0.85),
    "dev_eval_en.jsonl": Floor(0.95, 0.95, 0.05, 0.90),
    "dev_eval_imminent.jsonl": Floor(0.95, 0.95, 0.05, 0.95),
    "dev_eval_high.jsonl": Floor(0.95, 0.90, 0.08, 0.85),
    "dev_eval_oblique.jsonl": Floor(0.65, 0.80, 0.05, 0.65),
    "blind_eval.jsonl": Floor(0.90, 0.90, 0.05, 0.90),
    "blind_eval_2.jsonl": Floor(0.90, 0.90, 0.05, 0.90),
    "blind_eval_3.jsonl": Floor(0.85, 0.80, 0.05, 0.85),
    "blind_eval_4.jsonl": Floor(0.90, 0.85, 0.05, 0.90),
    "blind_eval_5.jsonl": Floor(0.90, 0.95, 0.06, 0.90),
    "blind_eval_6.jsonl": Floor(0.85, 0.80, 0.05, 0.90),
}


@pytest.fixture(scope="module")
def triage() -> Triage:
    """The shipped lexicons and concept files, loaded once."""
    return Triage.load()


def _figures(triage: Triage, rows: list[dict]) -> tuple[dict[str, float], str]:
    """Recall of high+ and imminent, the share of low/moderate raised, category hits; a table by family."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    families: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        result = triage.assess(row["text"], row["lang"])
        expected, got = risk_rank(row["band"]), risk_rank(result.risk)
        right = True
        if expected >= HIGH:
            counts["high"][0] += 1
            counts["high"][1] += got >= HIGH
            right = got >= HIGH
        if row["band"] == "imminent":
            counts["imminent"][0] += 1
            counts["imminent"][1] += result.risk == "imminent"
            right = right and result.risk == "imminent"
        if expected < HIGH:
            counts["raised"][0] += 1
            counts["raised"][1] += got >= HIGH
            right = got < HIGH
        if row["cats"]:
            found = bool(set(row["cats"]) & set(result.categories))
            counts["category"][0] += 1
            counts["category"][1] += found
            right = right and found
        families[row["family"]][0] += 1
        families[row["family"]][1] += right
    figures = {name: hit / total if total else 0.0 for name, (total, hit) in counts.items()}
    lines = ["| family | right | of |", "|---|---:|---:|"]
    lines += [f"| {family} | {hit} | {total} |" for family, (total, hit) in sorted(families.items())]
    return figures, "\n".join(lines)


@pytest.mark.parametrize("name", sorted(SETS))
def test_independently_written_messages_keep_their_floor(
    triage: Triage, name: str, capsys: pytest.CaptureFixture
) -> None:
    """Each set's recall, false alarms and categories stay at least at their floor."""
    rows = [json.loads(line) for line in (HERE / name).read_text("utf-8").splitlines() if line.strip()]
    figures, table = _figures(triage, rows)
    with capsys.disabled():
        print(f"\n{name}: {len(rows)} messages; " + ", ".join(f"{k} {v:.2f}" for k, v in figures.items()))
        print(table)
    floor = SETS[name]
    assert figures["high"] >= floor.high_recall
    assert figures["imminent"] >= floor.imminent_recall
    assert figures["raised"] <= floor.raised
    assert figures["category"] >= floor.category


def test_eval_sets_are_well_formed() -> None:
    """Every line has the fields the figures read, with known bands and unique ids."""
    for name in SETS:
        rows = [json.loads(line) for line in (HERE / name).read_text("utf-8").splitlines() if line.strip()]
        assert len({row["id"] for row in rows}) == len(rows), name
        for row in rows:
            assert row["band"] in ("low", "moderate", "high", "imminent") and row["lang"] in ("ja", "en")
            assert isinstance(row["cats"], list) and row["family"]
