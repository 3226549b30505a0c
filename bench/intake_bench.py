"""Benchmark: the cost of one intake step without I/O (target: at most 100 µs).

Run: `make bench` (or `.venv/bin/python bench/intake_bench.py`). Not a test: it prints a Markdown
table and writes bench/results/intake.json; the README quotes the latest figures.

Two kinds of step are timed on the shipped flow, each many times over:
- a tap (a button: the machine moves, answers are kept, the next prompt is built);
- a text step (free text: the same, plus triage of the words).
The baseline, measured in the same run, is a JSON round trip of the same intake state (what
storing and loading it costs at the least), so the ratio holds on a faster or slower machine.
"""

from __future__ import annotations

import json
import platform
import statistics
import sys
import time
from dataclasses import asdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flows.intake import IntakeFlow  # noqa: E402 (after the path is set)
from flows.messages import Inbound, IntakeState  # noqa: E402

ROUNDS = 20_000
TAPS = [
    ("welcome", "consent"),
    ("language", "lang_ja"),
    ("safety_dying", "dying_no"),
    ("region", "region_skip"),
    ("help_mode", "help_talk"),
]
TEXTS = [
    ("concern", "仕事をやめてから誰とも話していなくて、夜になるとさびしくてたまらないです"),
    ("concern", "I moved here for work and I don't really talk to anyone most days."),
    ("region", "神奈川県横浜市"),
    ("concern", "お金がなくて家賃が払えそうにない。どうしたらいいかわからない"),
]


def per_call_us(function, inputs: list, rounds: int) -> list[float]:
    """Microseconds per call, one sample per batch of len(inputs) calls."""
    samples = []
    for _ in range(rounds // len(inputs)):
        started = time.perf_counter()
        for item in inputs:
            function(item)
        samples.append((time.perf_counter() - started) * 1e6 / len(inputs))
    return samples


def main() -> None:
    flow = IntakeFlow.load()
    taps = [(IntakeState(state, "ja"), Inbound("option", value)) for state, value in TAPS]
    texts = [(IntakeState(state, "ja"), Inbound("text", value)) for state, value in TEXTS]
    states = [asdict(state) | {"triage": state.triage.to_json()} for state, _ in taps + texts]

    for item in taps + texts:  # warm up caches and the regex engine
        flow.step(*item)
    baseline = per_call_us(lambda s: json.loads(json.dumps(s, ensure_ascii=False)), states, ROUNDS)
    tap = per_call_us(lambda item: flow.step(*item), taps, ROUNDS)
    text = per_call_us(lambda item: flow.step(*item), texts, ROUNDS)

    def row(name: str, samples: list[float]) -> dict:
        ordered = sorted(samples)
        return {
            "step": name,
            "mean_us": round(statistics.fmean(samples), 1),
            "p99_us": round(ordered[int(len(ordered) * 0.99) - 1], 1),
            "ratio_to_baseline": round(statistics.fmean(samples) / statistics.fmean(baseline), 1),
        }

    rows = [row("baseline: JSON round trip of the state", baseline), row("tap step", tap),
            row("text step (with triage)", text)]  # fmt: skip
    print("| step | mean µs | p99 µs | × baseline |")
    print("| --- | ---: | ---: | ---: |")
    for r in rows:
        print(f"| {r['step']} | {r['mean_us']} | {r['p99_us']} | {r['ratio_to_baseline']} |")
    verdict = "meets" if rows[1]["mean_us"] <= 100 and rows[2]["mean_us"] <= 100 else "MISSES"
    print(f"\nTarget: one intake step ≤ 100 µs without I/O: {verdict} it.")
    out = ROOT / "bench" / "results" / "intake.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    machine = {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "processor": platform.processor(),
    }
    out.write_text(json.dumps({"machine": machine, "rounds": ROUNDS, "rows": rows}, indent=2) + "\n")


if __name__ == "__main__":
    main()
