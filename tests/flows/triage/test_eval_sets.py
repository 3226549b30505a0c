"""Triage on messages written by people who never saw its rules, printed by family in CI.

Three kinds of set, and what their figures mean:
- Held out (never read, never trained on; flows/triage/train.py HELD_OUT): fresh_eval.jsonl (158,
  the set issue 10 names; rules were read against it in the first round, the model never saw it),
  blind_eval_7.jsonl (150; the validation set: the model's false-alarm budget was checked on it)
  blind_eval_8.jsonl (160; measured, never tuned on) and blind_eval_9.jsonl (150; written after
  the last change of this round and measured once). Their figures are the honest ones.
- Development sets, read while rules were written and trained on by the learned layer:
  dev_eval*.jsonl (written by helpers for development: indirect wording, breadth, Japanese
  registers, English as foreign residents write it, imminent acts, high-risk signs, metaphors and
  emoji, look-alikes, idioms and hyperbole, everyday messages) and blind_eval.jsonl ..
  blind_eval_6.jsonl (blind when they were measured; read from the third round on). Their
  figures are regression guards, not measures of how triage does on new wording.

Each set has a floor: the figures of the change that last set it, so a rule or model change that
loses recall, or raises false alarms, fails here. Issue 10's target is high+ recall >= 0.95,
imminent >= 0.85, low/moderate raised <= 5%, category >= 0.80.
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
    "blind_eval.jsonl": Floor(1.00, 1.00, 0.00, 0.98),
    "blind_eval_2.jsonl": Floor(1.00, 1.00, 0.00, 1.00),
    "blind_eval_3.jsonl": Floor(1.00, 0.97, 0.00, 0.99),
    "blind_eval_4.jsonl": Floor(1.00, 1.00, 0.00, 1.00),
    "blind_eval_5.jsonl": Floor(1.00, 1.00, 0.06, 0.99),
    "blind_eval_6.jsonl": Floor(1.00, 1.00, 0.03, 1.00),
    "blind_eval_7.jsonl": Floor(0.90, 0.92, 0.05, 0.88),
    "blind_eval_8.jsonl": Floor(0.90, 0.90, 0.09, 0.84),
    "blind_eval_9.jsonl": Floor(0.89, 0.87, 0.04, 0.85),
    "dev_eval.jsonl": Floor(1.00, 1.00, 0.00, 0.99),
    "dev_eval_broad.jsonl": Floor(1.00, 1.00, 0.02, 1.00),
    "dev_eval_en.jsonl": Floor(0.98, 1.00, 0.02, 0.97),
    "dev_eval_everyday.jsonl": Floor(1.00, 1.00, 0.00, 0.43),
    "dev_eval_high.jsonl": Floor(0.97, 1.00, 0.09, 0.93),
    "dev_eval_idioms.jsonl": Floor(0.96, 1.00, 0.05, 0.91),
    "dev_eval_imminent.jsonl": Floor(0.98, 0.99, 0.04, 0.97),
    "dev_eval_indirect.jsonl": Floor(1.00, 1.00, 0.00, 1.00),
    "dev_eval_ja.jsonl": Floor(0.97, 1.00, 0.02, 0.93),
    "dev_eval_lookalike.jsonl": Floor(0.98, 1.00, 0.04, 0.53),
    "dev_eval_oblique.jsonl": Floor(0.95, 0.98, 0.04, 0.90),
    "fresh_eval.jsonl": Floor(1.00, 1.00, 0.02, 1.00),
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
    assert figures.get("high", 1.0) >= floor.high_recall
    assert figures.get("imminent", 1.0) >= floor.imminent_recall
    assert figures.get("raised", 0.0) <= floor.raised
    assert figures.get("category", 1.0) >= floor.category


def test_eval_sets_are_well_formed() -> None:
    """Every set in the folder has a floor; every line has the fields the figures read."""
    assert {path.name for path in HERE.glob("*.jsonl")} == set(SETS)
    for name in SETS:
        rows = [json.loads(line) for line in (HERE / name).read_text("utf-8").splitlines() if line.strip()]
        assert len({row["id"] for row in rows}) == len(rows), name
        for row in rows:
            assert row["band"] in ("low", "moderate", "high", "imminent") and row["lang"] in ("ja", "en")
            assert isinstance(row["cats"], list) and row["family"]
