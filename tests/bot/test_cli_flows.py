"""`tsunagari triage`, `flow check` and `flow diagram` as an operator runs them (real processes)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def tsunagari(tmp_path: Path, *args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TSUNAGARI_")}
    env["TSUNAGARI_DATA_DIR"] = str(tmp_path / "var")
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        env=env,
        timeout=60,
        check=False,
    )


async def test_triage_answers_every_line_and_never_crashes_on_bad_ones(tmp_path: Path) -> None:
    lines = [
        json.dumps({"text": "今夜、薬を全部飲んで死にます", "lang": "ja"}, ensure_ascii=False),
        json.dumps({"text": "死ぬほど笑った笑", "lang": "ja"}, ensure_ascii=False),
        "this is not json",
        json.dumps(["a", "list"]),
        json.dumps({"lang": "en"}),
        json.dumps({"text": 42}),
        "",
    ]
    stdin = ("\n".join(lines) + "\n").encode() + b"\xff\xfe broken bytes\n"

    result = tsunagari(tmp_path, "triage", stdin=stdin)

    out = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert result.returncode == 0, result.stderr
    assert len(out) == len(lines) + 1
    assert out[0]["risk"] == "imminent" and "suicide" in out[0]["categories"]
    assert out[0]["reasons"] and all("rule" in r and "match" in r for r in out[0]["reasons"])
    assert out[1] == {"risk": "low", "categories": [], "reasons": []}
    assert [("error" in o) for o in out[2:7]] == [True] * 5
    assert out[2]["error"].startswith("line 3")
    assert "error" in out[7] or "risk" in out[7]


async def test_triage_answers_a_missing_or_unknown_language_with_an_error_line(tmp_path: Path) -> None:
    """Issue 16: a line without lang, or with one triage does not read, is not assessed silently."""
    lines = [json.dumps({"text": "I want to die"}), json.dumps({"text": "je veux mourir", "lang": "fr"})]

    result = tsunagari(tmp_path, "triage", stdin=("\n".join(lines) + "\n").encode())

    missing, unknown = (json.loads(line) for line in result.stdout.decode().splitlines())
    assert result.returncode == 0
    assert missing == {"error": 'line 1: missing "lang" (one of en, ja)'}
    assert unknown == {"error": "line 2: \"lang\" 'fr' is not one triage reads (one of en, ja)"}


async def test_triage_can_test_an_operators_lexicons_and_refuses_broken_ones(tmp_path: Path) -> None:
    broken = tmp_path / "lexicons"
    broken.mkdir()
    (broken / "ja.yaml").write_text("findings:\n  - id: x\n    risk: apocalyptic\n", encoding="utf-8")

    result = tsunagari(tmp_path, "triage", "--lexicons", str(broken), stdin=b"{}\n")

    assert result.returncode == 2
    assert result.stderr.decode().startswith("tsunagari: ")
    assert "ja.yaml" in result.stderr.decode()


async def test_flow_check_passes_on_the_shipped_flow_and_names_problems_in_a_broken_one(
    tmp_path: Path,
) -> None:
    shipped = tsunagari(tmp_path, "flow", "check")
    broken = tmp_path / "city-flow.yaml"
    broken.write_text(
        "initial: welcome\n"
        "states:\n"
        "  welcome: {prompt: intake-welcome-of-our-city, options: [consent]}\n"
        "  lost: {prompt: intake-region, options: [region_skip]}\n"
        "handoffs:\n"
        "  queued: {kind: queue, prompt: intake-queued}\n"
        "  closed: {kind: closed, prompt: intake-declined}\n"
        "transitions:\n"
        "  - {trigger: consent, source: welcome, dest: queued}\n"
        "  - {trigger: region_skip, source: lost, dest: closed}\n",
        encoding="utf-8",
    )
    stuck = tmp_path / "stuck.yaml"
    stuck.write_text(
        broken.read_text().replace("  - {trigger: consent, source: welcome, dest: queued}\n", "")
    )

    checked = tsunagari(tmp_path, "flow", "check", str(broken))
    refused = tsunagari(tmp_path, "flow", "check", str(stuck))

    assert shipped.returncode == 0, shipped.stderr
    assert shipped.stdout.decode().startswith("ok: flows/intake.yaml:")
    errors = checked.stderr.decode()
    assert checked.returncode == 1
    assert "'intake-welcome-of-our-city' is missing in ja.ftl" in errors
    assert "state 'lost' cannot be reached" in errors
    assert "state 'lost' has no path to a person" in errors
    assert refused.returncode == 2
    assert "stuck.yaml line 3: state 'welcome': option 'consent'" in refused.stderr.decode()


async def test_flow_diagram_writes_mermaid(tmp_path: Path) -> None:
    out = tmp_path / "intake.mmd"

    result = tsunagari(tmp_path, "flow", "diagram", "-o", str(out))

    assert result.returncode == 0, result.stderr
    assert out.read_text("utf-8").startswith("stateDiagram-v2\n")
