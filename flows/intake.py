"""The intake: a flow declared in YAML (flows/intake.yaml), compiled to a `transitions` machine.

One machine serves every conversation: a step adds a throwaway model at the stored state, fires
the trigger, reads the new state and removes the model. Nothing here does I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from transitions import Machine

from flows.messages import Inbound, IntakeState, Reply, StepResult

TEXT_TRIGGER = "text"
HANDOFF_KINDS = ("queue", "closed")


class FlowError(Exception):
    """The flow file is malformed; the message names the state or transition."""


@dataclass(frozen=True)
class Step:
    """One intake state: its prompt, its buttons, and where a free-text answer is kept."""

    name: str
    prompt: str
    options: tuple[str, ...]
    answer: str | None


@dataclass(frozen=True)
class Handoff:
    """Where the intake ends: `queue` (wait for a counselor) or `closed`."""

    name: str
    kind: str
    prompt: str


class _Conversation:
    """The throwaway model `transitions` moves between states."""

    state: str


class IntakeFlow:
    """A compiled intake flow: start, re-prompt and step conversations through it."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.steps = {name: _parse_step(name, body) for name, body in spec["states"].items()}
        self.handoffs = {
            name: _parse_handoff(name, body) for name, body in spec.get("handoffs", {}).items()
        }
        self.initial = spec["initial"]
        if self.initial not in self.steps:
            raise FlowError(f"initial state {self.initial!r} is not among the states")
        self._sets: dict[tuple[str, str], dict[str, str]] = {}
        transitions = []
        for index, item in enumerate(spec["transitions"]):
            trigger, source, dest = item["trigger"], item["source"], item["dest"]
            if source not in self.steps:
                raise FlowError(f"transition {index}: unknown source state {source!r}")
            if dest not in self.steps and dest not in self.handoffs:
                raise FlowError(f"transition {index}: unknown destination {dest!r}")
            self._sets[(source, trigger)] = dict(item.get("set", {}))
            transitions.append({"trigger": trigger, "source": source, "dest": dest})
        _check_every_input_moves(self.steps, self._sets)
        self._machine = Machine(
            model=None,
            states=[*self.steps, *self.handoffs],
            transitions=transitions,
            initial=self.initial,
            auto_transitions=False,
        )

    @classmethod
    def load(cls, path: Path | None = None) -> IntakeFlow:
        """The flow in `path`, or the default one shipped in flows/intake.yaml."""
        if path is None:
            text = resources.files("flows").joinpath("intake.yaml").read_text(encoding="utf-8")
        else:
            text = path.read_text(encoding="utf-8")
        return cls(yaml.safe_load(text))

    def start(self, lang: str) -> StepResult:
        """A new conversation at the first step."""
        state = IntakeState(state=self.initial, lang=lang)
        return StepResult(state=state, replies=self.prompt(state))

    def prompt(self, state: IntakeState) -> list[Reply]:
        """The current question again (after a restart, a reload or an unexpected input)."""
        if state.state in self.handoffs:
            return [Reply(self.handoffs[state.state].prompt)]
        step = self.steps[state.state]
        return [Reply(step.prompt, options=step.options)]

    def step(self, state: IntakeState, inbound: Inbound) -> StepResult:
        """Apply one inbound message to an intake state and say what to reply."""
        step = self.steps.get(state.state)
        if step is None:
            raise FlowError(f"{state.state!r} is not an intake state")
        trigger = TEXT_TRIGGER if inbound.kind == "text" else inbound.value
        if inbound.kind == "text" and (step.answer is None or not inbound.value.strip()):
            return StepResult(state, [Reply("intake-choose-option"), *self.prompt(state)])
        if inbound.kind == "option" and inbound.value not in step.options:
            return StepResult(state, self.prompt(state))
        dest = self._fire(state.state, trigger)
        answers = dict(state.answers)
        if inbound.kind == "text" and step.answer:
            answers[step.answer] = inbound.value.strip()
        lang = self._sets.get((state.state, trigger), {}).get("lang", state.lang)
        new_state = IntakeState(state=dest, lang=lang, answers=answers)
        handoff = dest if dest in self.handoffs else None
        return StepResult(new_state, self.prompt(new_state), handoff)

    def knows(self, state: str) -> bool:
        """Whether `state` is a step or hand-off of this flow."""
        return state in self.steps or state in self.handoffs

    def handoff_kind(self, name: str) -> str:
        """`queue` or `closed` for a hand-off state name."""
        return self.handoffs[name].kind

    def _fire(self, source: str, trigger: str) -> str:
        model = _Conversation()
        self._machine.add_model(model, initial=source)
        try:
            if not model.trigger(trigger):  # type: ignore[attr-defined]
                raise FlowError(f"trigger {trigger!r} did not move {source!r}")
            return model.state
        finally:
            self._machine.remove_model(model)


def _check_every_input_moves(steps: dict[str, Step], sets: dict[tuple[str, str], dict]) -> None:
    """Each button and each free-text answer must lead somewhere, or a person would be stuck."""
    for step in steps.values():
        for option in step.options:
            if (step.name, option) not in sets:
                raise FlowError(f"state {step.name!r}: option {option!r} has no transition")
        if step.answer and (step.name, TEXT_TRIGGER) not in sets:
            raise FlowError(f"state {step.name!r}: its answer has no 'text' transition")


def _parse_step(name: str, body: dict[str, Any]) -> Step:
    if "prompt" not in body:
        raise FlowError(f"state {name!r}: missing prompt")
    options = tuple(body.get("options", ()))
    answer = body.get("answer")
    if not options and not answer:
        raise FlowError(f"state {name!r}: needs options or an answer, or a person is stuck")
    return Step(name=name, prompt=body["prompt"], options=options, answer=answer)


def _parse_handoff(name: str, body: dict[str, Any]) -> Handoff:
    kind = body.get("kind")
    if kind not in HANDOFF_KINDS:
        raise FlowError(f"handoff {name!r}: kind must be one of {', '.join(HANDOFF_KINDS)}")
    if "prompt" not in body:
        raise FlowError(f"handoff {name!r}: missing prompt")
    return Handoff(name=name, kind=kind, prompt=body["prompt"])
