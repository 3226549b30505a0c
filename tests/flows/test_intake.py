"""The intake flow: the shipped flow's path and its answers to unexpected input, and the compiler's errors."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from flows.intake import FlowError, IntakeFlow
from flows.messages import Inbound, IntakeState, Reply

CONCERN = "I moved for work and I don't talk to anyone most days."


@pytest.fixture(scope="module")
def flow() -> IntakeFlow:
    return IntakeFlow.load()


def option(value: str) -> Inbound:
    return Inbound("option", value)


def text(value: str) -> Inbound:
    return Inbound("text", value)


@pytest.mark.parametrize(("choice", "lang"), [("lang_en", "en"), ("lang_ja", "ja")])
async def test_default_flow_goes_from_welcome_to_queued_keeping_the_concern(
    flow: IntakeFlow, choice: str, lang: str
) -> None:
    start = flow.start("ja")
    language = flow.step(start.state, option("consent"))
    concern = flow.step(language.state, option(choice))
    queued = flow.step(concern.state, text(f"  {CONCERN}\n"))

    assert start.state.state == "welcome"
    assert start.replies == [Reply("intake-welcome", options=("consent", "decline"))]
    assert (language.state.state, language.handoff) == ("language", None)
    assert language.replies == [Reply("intake-language", options=("lang_ja", "lang_en"))]
    assert (concern.state.state, concern.state.lang, concern.handoff) == ("concern", lang, None)
    assert concern.replies == [Reply("intake-concern")]
    assert (queued.state.state, queued.handoff) == ("queued", "queued")
    assert queued.state.answers == {"concern": CONCERN}
    assert queued.state.lang == lang
    assert queued.replies == [Reply("intake-queued")]
    assert flow.handoff_kind("queued") == "queue"


@pytest.mark.parametrize("state_name", ["welcome", "language"])
async def test_text_where_only_buttons_are_accepted_asks_to_choose_and_stays(
    flow: IntakeFlow, state_name: str
) -> None:
    state = IntakeState(state=state_name, lang="en")

    result = flow.step(state, text("can I just talk to someone?"))

    assert result.state == state
    assert result.handoff is None
    assert result.replies == [Reply("intake-choose-option"), *flow.prompt(state)]


@pytest.mark.parametrize(
    ("state_name", "stale"),
    [("welcome", "lang_en"), ("language", "consent"), ("welcome", "no-such-option"), ("concern", "lang_ja")],
)
async def test_an_option_not_offered_in_this_state_re_prompts_without_moving(
    flow: IntakeFlow, state_name: str, stale: str
) -> None:
    state = IntakeState(state=state_name, lang="en", answers={"kept": "yes"})

    result = flow.step(state, option(stale))

    assert result.state == state
    assert result.handoff is None
    assert result.replies == flow.prompt(state)


async def test_decline_reaches_the_closed_declined_handoff(flow: IntakeFlow) -> None:
    result = flow.step(flow.start("en").state, option("decline"))

    assert (result.state.state, result.handoff) == ("declined", "declined")
    assert result.replies == [Reply("intake-declined")]
    assert flow.handoff_kind("declined") == "closed"


@pytest.mark.parametrize("blank", ["", "   ", "\n\t "])
async def test_blank_text_at_the_concern_step_does_not_move(flow: IntakeFlow, blank: str) -> None:
    state = IntakeState(state="concern", lang="en")

    result = flow.step(state, text(blank))

    assert result.state == state
    assert result.handoff is None
    assert result.replies == [Reply("intake-choose-option"), *flow.prompt(state)]


async def test_every_state_of_the_default_flow_reaches_a_handoff_that_queues_for_a_counselor(
    flow: IntakeFlow,
) -> None:
    edges: dict[str, set[str]] = {}
    for name, step in flow.steps.items():
        inputs = [option(value) for value in step.options] + ([text("an answer")] if step.answer else [])
        # Each input the state offers must move somewhere: a button that leads nowhere strands a person.
        edges[name] = {
            flow.step(IntakeState(state=name, lang="en"), inbound).state.state for inbound in inputs
        }
    queue_handoffs = {name for name, handoff in flow.handoffs.items() if handoff.kind == "queue"}

    stranded = [name for name in flow.steps if not reachable(name, edges) & queue_handoffs]

    assert queue_handoffs
    assert stranded == []


def reachable(start: str, edges: dict[str, set[str]]) -> set[str]:
    seen, frontier = {start}, [start]
    while frontier:
        for dest in edges.get(frontier.pop(), set()):
            if dest not in seen:
                seen.add(dest)
                frontier.append(dest)
    return seen


BASE_SPEC: dict[str, Any] = {
    "initial": "welcome",
    "states": {
        "welcome": {"prompt": "intake-welcome", "options": ["consent", "decline"]},
        "concern": {"prompt": "intake-concern", "answer": "concern"},
    },
    "handoffs": {
        "queued": {"kind": "queue", "prompt": "intake-queued"},
        "declined": {"kind": "closed", "prompt": "intake-declined"},
    },
    "transitions": [
        {"trigger": "consent", "source": "welcome", "dest": "concern"},
        {"trigger": "decline", "source": "welcome", "dest": "declined"},
        {"trigger": "text", "source": "concern", "dest": "queued"},
    ],
}


def spec_with(path: tuple[str | int, ...], value: Any) -> dict[str, Any]:
    spec = copy.deepcopy(BASE_SPEC)
    target = spec
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    return spec


async def test_the_base_spec_used_below_compiles() -> None:
    compiled = IntakeFlow(copy.deepcopy(BASE_SPEC))

    assert compiled.step(compiled.start("en").state, option("consent")).state.state == "concern"


@pytest.mark.parametrize(
    ("spec", "named"),
    [
        pytest.param(
            spec_with(("transitions", 1, "dest"), "nowhere"), ["transition 1", "'nowhere'"], id="unknown-dest"
        ),
        pytest.param(
            spec_with(("transitions", 2, "source"), "ghost"), ["transition 2", "'ghost'"], id="unknown-source"
        ),
        pytest.param(spec_with(("initial",), "queued"), ["initial", "'queued'"], id="initial-is-a-handoff"),
        pytest.param(spec_with(("initial",), "missing"), ["initial", "'missing'"], id="initial-unknown"),
        pytest.param(
            spec_with(("states", "concern"), {"prompt": "intake-concern"}),
            ["'concern'"],
            id="no-options-no-answer",
        ),
        pytest.param(
            spec_with(("states", "concern"), {"prompt": "intake-concern", "options": []}),
            ["'concern'"],
            id="empty-options-no-answer",
        ),
        pytest.param(
            spec_with(("handoffs", "declined", "kind"), "referral"),
            ["handoff 'declined'", "kind"],
            id="bad-kind",
        ),
        pytest.param(
            spec_with(("handoffs", "declined"), {"prompt": "intake-declined"}),
            ["handoff 'declined'", "kind"],
            id="missing-kind",
        ),
        pytest.param(
            spec_with(("states", "welcome"), {"options": ["consent", "decline"]}),
            ["'welcome'", "prompt"],
            id="state-without-prompt",
        ),
        # A button or answer that leads nowhere would leave the person stuck at that state.
        pytest.param(
            spec_with(("transitions",), BASE_SPEC["transitions"][:1] + BASE_SPEC["transitions"][2:]),
            ["'welcome'", "'decline'"],
            id="option-without-transition",
        ),
        pytest.param(
            spec_with(("transitions",), BASE_SPEC["transitions"][:2]),
            ["'concern'"],
            id="answer-without-transition",
        ),
    ],
)
async def test_malformed_flow_raises_flow_error_naming_the_culprit(
    spec: dict[str, Any], named: list[str]
) -> None:
    with pytest.raises(FlowError) as error:
        IntakeFlow(spec)

    for part in named:
        assert part in str(error.value)
