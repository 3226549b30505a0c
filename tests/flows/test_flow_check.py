"""The flow compiler's errors on broken files, `flow check` on whole flows, and the diagram."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml

from flows.check import check_flow, mermaid
from flows.intake import FlowError, IntakeFlow
from flows.messages import Inbound
from flows.regions import Prefectures
from flows.resources import CrisisResources
from flows.spec import read_flow
from flows.triage import Triage
from locales import Catalog

BASE: dict[str, Any] = {
    "initial": "welcome",
    "states": {
        "welcome": {"prompt": "intake-welcome", "options": ["consent", "decline"]},
        "concern": {"prompt": "intake-concern", "answer": "concern", "text": True},
    },
    "anywhere": {"human_now": {"dest": "queued", "command": "talk"}},
    "handoffs": {
        "queued": {"kind": "queue", "prompt": "intake-queued"},
        "declined": {"kind": "closed", "prompt": "intake-declined"},
    },
    "escalate": "queued",
    "transitions": [
        {"trigger": "consent", "source": "welcome", "dest": "concern"},
        {"trigger": "decline", "source": "welcome", "dest": "declined"},
        {"trigger": "text", "source": "concern", "dest": "queued"},
    ],
}


@pytest.fixture(scope="module")
def parts() -> dict[str, Any]:
    return {"triage": Triage.load(), "resources": CrisisResources.load(), "prefectures": Prefectures.load()}


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.load()


def compile_text(source: str, parts: dict[str, Any]) -> IntakeFlow:
    return IntakeFlow(read_flow(source, "org-flow.yaml"), **parts)


def compile_spec(spec: dict[str, Any], parts: dict[str, Any]) -> IntakeFlow:
    return compile_text(yaml.safe_dump(spec, sort_keys=False), parts)


def changed(path: tuple[str | int, ...], value: Any) -> dict[str, Any]:
    spec = copy.deepcopy(BASE)
    target = spec
    for part in path[:-1]:
        target = target[part]
    if value is None:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return spec


async def test_the_base_flow_used_below_compiles_and_checks_clean(parts: dict, catalog: Catalog) -> None:
    flow = compile_spec(BASE, parts)

    assert flow.step(flow.start("en").state, Inbound("option", "consent")).state.state == "concern"
    assert check_flow(flow, catalog) == []


@pytest.mark.parametrize(
    ("spec", "named"),
    [
        pytest.param(
            changed(("transitions", 1, "dest"), "nowhere"),
            ["'nowhere'", "welcome -> nowhere"],
            id="unknown-dest",
        ),
        pytest.param(changed(("transitions", 2, "source"), "ghost"), ["'ghost'"], id="unknown-source"),
        pytest.param(changed(("initial",), "queued"), ["initial", "'queued'"], id="initial-is-a-handoff"),
        pytest.param(
            changed(("states", "concern"), {"prompt": "intake-concern"}),
            ["'concern'", "stuck"],
            id="no-options-no-text",
        ),
        pytest.param(
            changed(("handoffs", "declined", "kind"), "limbo"), ["'declined'", "kind"], id="bad-kind"
        ),
        pytest.param(
            changed(("handoffs", "declined", "kind"), None), ["'declined'", "kind"], id="missing-kind"
        ),
        pytest.param(changed(("states", "welcome", "prompt"), None), ["'welcome'", "prompt"], id="no-prompt"),
        pytest.param(
            changed(("transitions",), BASE["transitions"][:1] + BASE["transitions"][2:]),
            ["'welcome'", "'decline'", "stuck"],
            id="option-without-transition",
        ),
        pytest.param(
            changed(("transitions",), BASE["transitions"][:2]),
            ["'concern'", "stuck"],
            id="text-without-transition",
        ),
        pytest.param(
            changed(
                ("transitions", 2),
                {"trigger": "text", "source": "concern", "dest": "queued", "when": {"risk_at_least": "high"}},
            ),
            ["'concern'", "without a condition"],
            id="only-conditional-way-on",
        ),
        pytest.param(
            changed(("transitions", 0, "trigger"), "agree"),
            ["'agree'", "not an option"],
            id="trigger-not-an-option",
        ),
        pytest.param(
            changed(("transitions", 2, "when"), {"risk_at_least": "severe"}),
            ["risk_at_least"],
            id="unknown-risk",
        ),
        pytest.param(
            changed(("transitions", 2, "when"), {"categories_any": ["sadness"]}),
            ["'sadness'"],
            id="unknown-category",
        ),
        pytest.param(changed(("transitions", 2, "when"), {"mood": "bad"}), ["when"], id="unknown-condition"),
        pytest.param(
            changed(("anywhere", "human_now", "dest"), "void"),
            ["'human_now'", "'void'"],
            id="anywhere-unknown-dest",
        ),
        pytest.param(
            changed(("anywhere", "human_now", "command"), "forget"),
            ["/forget", "built in"],
            id="anywhere-takes-a-built-in-command",
        ),
        pytest.param(changed(("escalate",), "declined"), ["escalate", "queue"], id="escalate-to-closed"),
        pytest.param(
            changed(("signals",), {"consent": {"risk": "panic"}}),
            ["'consent'", "risk"],
            id="signal-unknown-risk",
        ),
        pytest.param(
            changed(("states", "concern", "text"), "postcode"), ["'concern'", "text"], id="unknown-text-kind"
        ),
        pytest.param(
            changed(("transitions",), "everything"), ["transitions", "list"], id="transitions-not-list"
        ),
    ],
)
async def test_a_broken_flow_file_is_refused_naming_the_file_and_the_culprit(
    parts: dict, spec: dict[str, Any], named: list[str]
) -> None:
    with pytest.raises(FlowError) as error:
        compile_spec(spec, parts)

    assert str(error.value).startswith("org-flow.yaml")
    for part in named:
        assert part in str(error.value)


async def test_errors_name_the_line_of_the_culprit(parts: dict) -> None:
    source = yaml.safe_dump(changed(("transitions", 1, "dest"), "nowhere"), sort_keys=False)
    line = next(i for i, text in enumerate(source.splitlines(), 1) if "nowhere" in text)

    with pytest.raises(FlowError) as error:
        compile_text(source, parts)

    assert f"line {line - 2}" in str(error.value) or f"line {line}" in str(error.value)


async def test_not_yaml_at_all_is_refused_with_its_line(parts: dict) -> None:
    with pytest.raises(FlowError, match=r"org-flow.yaml line 2: not valid YAML"):
        compile_text("initial: welcome\n  prompt: intake-welcome\nstates: {}\n", parts)


async def test_check_finds_missing_translations_in_every_language(parts: dict, catalog: Catalog) -> None:
    spec = changed(("states", "welcome", "prompt"), "intake-welcome-of-our-city")

    problems = check_flow(compile_spec(spec, parts), catalog)

    assert any("'intake-welcome-of-our-city'" in p and "ja.ftl" in p for p in problems)
    assert any("'intake-welcome-of-our-city'" in p and "en.ftl" in p for p in problems)


async def test_check_finds_unreachable_states_and_dead_ends(parts: dict, catalog: Catalog) -> None:
    spec = changed(("anywhere",), None)
    del spec["escalate"]
    spec["states"]["island"] = {"prompt": "intake-region", "options": ["region_skip"]}
    spec["transitions"].append({"trigger": "region_skip", "source": "island", "dest": "declined"})

    problems = check_flow(compile_spec(spec, parts), catalog)

    assert any("'island' cannot be reached" in p for p in problems)
    assert any("'island' has no path to a person" in p for p in problems)
    assert not any("'welcome' has no path" in p for p in problems)


async def test_check_finds_signals_for_options_nobody_offers(parts: dict, catalog: Catalog) -> None:
    spec = changed(("signals",), {"cat_dying": {"risk": "high", "categories": ["suicide"]}})

    problems = check_flow(compile_spec(spec, parts), catalog)

    assert any("signal 'cat_dying'" in p for p in problems)


async def test_the_shipped_flow_has_no_dead_ends_and_every_text_in_every_language(catalog: Catalog) -> None:
    assert check_flow(IntakeFlow.load(), catalog) == []


async def test_the_diagram_draws_every_transition_and_the_everywhere_actions() -> None:
    flow = IntakeFlow.load()

    diagram = mermaid(flow.spec)

    assert diagram.startswith("stateDiagram-v2\n    [*] --> welcome\n")
    assert "concern --> safety_dying: answer\n" in diagram  # everyone, whatever triage read
    assert "safety_dying --> safety_now: dying_no [risk ≥ high]" in diagram
    assert "anywhere --> queued_now: human_now (/talk)" in diagram
    assert "anywhere --> emergency: triage says imminent" in diagram
    for transition in flow.spec.transitions:
        assert f"{transition.source} --> {transition.dest}" in diagram
