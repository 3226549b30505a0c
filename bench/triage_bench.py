"""Triage throughput benchmark (not a test).

Run:   .venv/bin/python bench/triage_bench.py [--messages 10000] [--seed 7]

It builds a deterministic mix of chat messages (the texts of tests/flows/triage/cases.yaml mixed
with filler chat sentences, in Japanese and English, 5 to ~400 characters), then measures on
one core, in the same run:
- triage: `Triage.assess(text)` on every message;
- baseline: `unicodedata.normalize("NFKC", text).lower()` on the same messages, i.e. the least
  any text matcher must do. The ratio triage/baseline is what to compare across machines.
It prints a Markdown table (messages/s, p50 and p99 µs per message) and writes the same figures
as JSON to bench/results/triage.json. Targets (issue 10): p50 <= 100 µs and p99 <= 1 ms per message
on this mix (mean ~48 characters). It also reports the memory (RSS) the Japanese dictionary of the
concept layer adds, measured in this process around its first use.
No message text is printed.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import resource
import statistics
import sys
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flows.triage import Triage  # noqa: E402 - after the path tweak, so it runs from a checkout

CASES = ROOT / "tests" / "flows" / "triage" / "cases.yaml"
RESULTS = ROOT / "bench" / "results" / "triage.json"
FILLER = [
    "今日は仕事が長くて疲れました。", "最近あまり眠れていません。", "誰かと少し話したいです。",
    "週末は家でゆっくりしていました。", "母の介護のことで相談があります。", "ありがとうございます。",
    "どうしたらいいのかわかりません。", "昨日、友達とご飯を食べに行きました。",
    "こんばんは、初めて使います。",
    "I just wanted to talk to someone tonight.", "Work has been really busy this week.",
    "I moved to Japan last year and it is hard sometimes.", "Thanks for listening to me.",
    "I'm not sure where to start, sorry.", "My family lives far away and I miss them.",
    "hi", "はい", "うん", "ok", "そうですね…", "lol same 😂", "ｗｗｗ", "ちょっと待ってください",
]  # fmt: skip


def build_messages(count: int, seed: int) -> list[str]:
    """A deterministic mix: case texts and filler, joined into messages of mixed length."""
    rng = random.Random(seed)
    cases = [case["text"] for case in yaml.safe_load(CASES.read_text("utf-8"))]
    messages = []
    for _ in range(count):
        parts = [rng.choice(FILLER) for _ in range(rng.choice((0, 1, 1, 2, 3, 6)))]
        if rng.random() < 0.4:
            parts.insert(rng.randrange(len(parts) + 1), rng.choice(cases))
        messages.append(" ".join(parts) or rng.choice(FILLER))
    return messages


def measure(function: Callable[[str], object], messages: list[str]) -> dict[str, float]:
    """Throughput over the whole list, then per-message latency percentiles."""
    started = time.perf_counter()
    for text in messages:
        function(text)
    elapsed = time.perf_counter() - started
    timings = []
    clock = time.perf_counter
    for text in messages:
        before = clock()
        function(text)
        timings.append((clock() - before) * 1e6)
    cuts = statistics.quantiles(timings, n=100)
    return {"messages_per_s": len(messages) / elapsed, "p50_us": cuts[49], "p99_us": cuts[98]}


def _rss_mb() -> float:
    """Resident memory of this process now, in MB (Linux /proc; peak RSS elsewhere)."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * resource.getpagesize() / 2**20
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def baseline(text: str) -> str:
    """The least any matcher does: NFKC and lower case."""
    return unicodedata.normalize("NFKC", text).lower()


def main() -> None:
    """Measure, print a Markdown table, write bench/results/triage.json."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    messages = build_messages(args.messages, args.seed)
    rss_before = _rss_mb()
    load_started = time.perf_counter()
    triage = Triage.load()  # the concept files are read through the dictionary: it is loaded here
    load_ms = (time.perf_counter() - load_started) * 1e3
    rss_loaded = _rss_mb()
    for text in messages[:500]:  # warm up caches before timing
        triage.assess(text)
        baseline(text)
    results = {"triage": measure(triage.assess, messages), "baseline": measure(baseline, messages)}
    ratio = results["triage"]["messages_per_s"] / results["baseline"]["messages_per_s"]
    report = {
        "messages": len(messages),
        "mean_chars": statistics.fmean(len(text) for text in messages),
        "flagged_share": sum(triage.assess(text).risk != "low" for text in messages) / len(messages),
        "rules": triage.rule_count,
        "load_ms": load_ms,
        "python": platform.python_version(),
        "machine": platform.machine(),
        **results,
        "ratio_triage_to_baseline": ratio,
        "rss_mb_before_load": rss_before,
        "rss_mb_after_load": rss_loaded,
        "rss_mb_after_run": _rss_mb(),
        "target_p50_us": 100,
        "target_p99_us": 1000,
        "meets_target": results["triage"]["p50_us"] <= 100 and results["triage"]["p99_us"] <= 1000,
    }
    print(f"{len(messages)} messages, mean {report['mean_chars']:.0f} chars, {triage.rule_count} rules\n")
    print("| run | messages/s | p50 µs | p99 µs |")
    print("|---|---:|---:|---:|")
    for name, row in results.items():
        print(f"| {name} | {row['messages_per_s']:,.0f} | {row['p50_us']:.1f} | {row['p99_us']:.1f} |")
    print(f"\nthroughput ratio triage/baseline: {ratio:.3f}")
    print(
        f"RSS: {rss_before:.0f} MB before loading, {rss_loaded:.0f} MB loaded (dictionary and rules), "
        f"{report['rss_mb_after_run']:.0f} MB after the run"
    )
    print(f"targets p50 <= 100 µs and p99 <= 1,000 µs met: {report['meets_target']}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n", "utf-8")
    print(f"wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
