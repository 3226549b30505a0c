"""The intake: a flow declared in YAML (flows/intake.yaml), compiled to a `transitions` machine.

One machine and one model serve every conversation: a step puts the model at the stored state,
fires the trigger (conditions read the triage so far) and reads the new state. Steps never await,
so no two conversations share the model at once. Nothing here does I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Any

from transitions import Machine

from flows.messages import Inbound, IntakeState, Reply, StepResult
from flows.regions import Prefectures
from flows.resources import CrisisResources
from flows.safety import SafetyReplies
from flows.spec import (
    ANSWER_TRIGGER,
    TEXT_TRIGGER,
    FlowError,
    FlowSpec,
    HandoffSpec,
    StepSpec,
    TransitionSpec,
    read_flow,
    read_flow_file,
)
from flows.triage import Triage, TriageResult, risk_rank

__all__ = ["FlowError", "IntakeFlow"]

ESCALATE_TRIGGER = "escalate"
RESERVED_COMMANDS = ("start", "help", "cancel", "forget", "end")
MAX_NOTES = 2_000  # characters of button-step free text kept for the counselor


@dataclass(frozen=True)
class _Context:
    """What a transition's condition may look at."""

    triage: TriageResult


class _Condition:
    """A transition's `when`, callable by `transitions` with the step's context."""

    def __init__(self, when: dict[str, Any]) -> None:
        self.risk_at_least = risk_rank(when["risk_at_least"]) if "risk_at_least" in when else None
        self.categories_any = frozenset(when.get("categories_any", ()))

    def __call__(self, context: _Context) -> bool:
        if self.risk_at_least is not None and risk_rank(context.triage.risk) < self.risk_at_least:
            return False
        return not self.categories_any or bool(self.categories_any & set(context.triage.categories))


class _Model:
    """The single model the machine moves; its state is set before each step."""

    state: str


class IntakeFlow:
    """A compiled intake flow: start, re-prompt and step conversations through it."""

    def __init__(
        self, spec: FlowSpec, *, triage: Triage, resources: CrisisResources, prefectures: Prefectures
    ) -> None:
        self.spec = spec
        self.steps = spec.steps
        self.handoffs = spec.handoffs
        self.initial = spec.initial
        self.triage = triage
        self.safety = SafetyReplies(resources)
        self.prefectures = prefectures
        self._signals = {
            option: TriageResult.from_signal(f"option.{option}", s.risk, s.categories, option)
            for option, s in spec.signals.items()
        }
        _validate(spec)
        self._sets = {(t.source, t.trigger): t.sets for t in spec.transitions}
        self._open = [*self.steps, *(h.name for h in self.handoffs.values() if h.kind == "referral")]
        self._machine = Machine(
            model=None,
            states=[*self.steps, *self.handoffs],
            transitions=self._compiled_transitions(),
            initial=self.initial,
            auto_transitions=False,
        )
        self._model = _Model()
        self._machine.add_model(self._model)
        self._triggers = {(s, t) for s in self._open for t in self._machine.get_triggers(s)}

    def _compiled_transitions(self) -> list[dict[str, Any]]:
        compiled: list[dict[str, Any]] = [
            {"trigger": t.trigger, "source": t.source, "dest": t.dest, "conditions": [_Condition(t.when)]}
            for t in self.spec.transitions
        ]
        for action in self.spec.anywhere.values():
            compiled.append({"trigger": action.option, "source": self._open, "dest": action.dest})
        if self.spec.escalate:
            compiled.append({"trigger": ESCALATE_TRIGGER, "source": self._open, "dest": self.spec.escalate})
        return compiled

    @classmethod
    def load(
        cls,
        path: Path | None = None,
        *,
        triage: Triage | None = None,
        resources_: CrisisResources | None = None,
    ) -> IntakeFlow:
        """The flow in `path`, or the default one shipped in flows/intake.yaml."""
        if path is None:
            text = resources.files("flows").joinpath("intake.yaml").read_text(encoding="utf-8")
            spec = read_flow(text, "flows/intake.yaml")
        else:
            spec = read_flow_file(path)
        return cls(
            spec,
            triage=triage or Triage.load(),
            resources=resources_ or CrisisResources.load(),
            prefectures=Prefectures.load(),
        )

    # ---- what a person sees ----------------------------------------------------------------

    def start(self, lang: str, triage: TriageResult | None = None, text: str | None = None) -> StepResult:
        """A new conversation at the first step (risk already known is kept: never lowered).

        `text` is a first message written before any question: triage reads it at once, so a
        crisis gets its reply now; the words are kept for the counselor."""
        state = IntakeState(self.initial, lang, triage=triage or TriageResult.empty())
        if not text or not text.strip():
            return StepResult(state=state, replies=self.prompt(state))
        found = self.triage.assess(text, lang)
        safety = self.safety.for_message(state.triage, found, lang)
        state = replace(state, triage=state.triage.merge(found), answers={"notes": text.strip()[-MAX_NOTES:]})
        if self._escalates(state):
            dest = self._fire(state, ESCALATE_TRIGGER)[1]
            new_state = replace(state, state=dest)
            return StepResult(new_state, [*safety, *self.prompt(new_state)], dest)
        return StepResult(state, [*safety, *self.prompt(state)])

    def signal(self, option: str) -> TriageResult:
        """What tapping `option` tells triage (nothing for most buttons)."""
        return self._signals.get(option, TriageResult.empty())

    def _escalates(self, state: IntakeState) -> bool:
        return bool(self.spec.escalate) and risk_rank(state.triage.risk) >= risk_rank("imminent")

    def prompt(self, state: IntakeState) -> list[Reply]:
        """The current question again (after a restart, a reload or an unexpected input)."""
        handoff = self.handoffs.get(state.state)
        if handoff is not None:
            return [self._handoff_reply(handoff, state)]
        step = self.steps[state.state]
        return [Reply(step.prompt.key, dict(step.prompt.params), options=self.options(step.name))]

    def options(self, name: str) -> tuple[str, ...]:
        """The buttons of a state: its own, then the ones offered everywhere."""
        own = self.steps[name].options if name in self.steps else ()
        return (*own, *self.spec.anywhere)

    def _handoff_reply(self, handoff: HandoffSpec, state: IntakeState) -> Reply:
        params: dict[str, str | int] = dict(handoff.prompt.params)
        if handoff.services:
            params["services"] = self.safety.lines("high", state.triage.categories, state.lang)
        options = tuple(self.spec.anywhere) if handoff.kind == "referral" else ()
        return Reply(handoff.prompt.key, params, options=options)

    def command_option(self, command: str) -> str | None:
        """The anywhere-option a command stands for ('talk' -> 'human_now'), if any."""
        for action in self.spec.anywhere.values():
            if action.command == command:
                return action.option
        return None

    @property
    def commands(self) -> tuple[str, ...]:
        """The commands the flow adds (for the channels' command menus)."""
        return tuple(a.command for a in self.spec.anywhere.values() if a.command)

    def knows(self, state: str) -> bool:
        """Whether `state` is a step or hand-off of this flow."""
        return state in self.steps or state in self.handoffs

    def is_open(self, state: str) -> bool:
        """Whether a conversation in `state` still goes through `step` (intake or referral)."""
        return state in self._open

    def handoff_kind(self, name: str) -> str:
        """`queue`, `referral` or `closed` for a hand-off state name."""
        return self.handoffs[name].kind

    # ---- stepping ----------------------------------------------------------------------------

    def assess(self, before: TriageResult, text: str, lang: str) -> tuple[TriageResult, list[Reply]]:
        """Triage one message outside the intake (waiting, connected): new result, crisis replies."""
        found = self.triage.assess(text, lang)
        return before.merge(found), self.safety.for_message(before, found, lang)

    def step(self, state: IntakeState, inbound: Inbound) -> StepResult:
        """Apply one inbound message to an intake state and say what to reply."""
        if not self.is_open(state.state):
            raise FlowError(f"{state.state!r} is not an open intake state")
        found = self._found(state, inbound)
        safety = self.safety.for_message(state.triage, found, state.lang)
        state = replace(state, triage=state.triage.merge(found), answers=dict(state.answers))
        trigger, stay = self._trigger(state, inbound, bool(safety))
        if self._escalates(state):
            trigger, stay = ESCALATE_TRIGGER, []
        if trigger is None:
            # At a referral, a kind word rather than the whole list of services again.
            again = [] if state.state in self.handoffs and stay else self.prompt(state)
            return StepResult(state, [*safety, *stay, *again])
        fired, dest = self._fire(state, trigger)
        lang = self._sets.get((state.state, fired), {}).get("lang", state.lang)
        new_state = replace(state, state=dest, lang=lang)
        handoff = dest if dest in self.handoffs else None
        return StepResult(new_state, [*safety, *self.prompt(new_state)], handoff)

    def _found(self, state: IntakeState, inbound: Inbound) -> TriageResult:
        """What this message tells triage: the words, or the meaning of the button tapped."""
        if inbound.kind == "text":
            return self.triage.assess(inbound.value, state.lang)
        # Even an old button still on screen counts: "I am not safe" is never ignored.
        return self._signals.get(inbound.value, TriageResult.empty())

    def _trigger(self, state: IntakeState, inbound: Inbound, cared: bool) -> tuple[str | None, list[Reply]]:
        """Which trigger to fire (None to stay) and what to say first when staying.

        Updates `state.answers` with what the person chose or wrote."""
        step = self.steps.get(state.state)
        if inbound.kind == "option":
            if inbound.value in self.spec.anywhere:
                return inbound.value, []
            if step is None or inbound.value not in step.options:
                return None, []
            if step.answer:
                state.answers[step.answer] = inbound.value
            return inbound.value, []
        text = inbound.value.strip()
        if step is None or step.text is None or not text:
            if text:  # kept for the counselor even where only buttons move on
                notes = "\n".join(filter(None, [state.answers.get("notes", ""), text]))
                state.answers["notes"] = notes[-MAX_NOTES:]
            if cared:  # after a crisis reply, "please choose a button" would be cold: just ask again
                return None, []
            if step is None:  # words after a referral
                return None, [Reply("intake-referral-more", options=self.options(state.state))]
            return None, [Reply("intake-choose-option")]
        if step.text == "prefecture":
            region = self.prefectures.parse(text)
            if region is None:
                return None, [Reply("intake-region-unknown")]
            state.answers["prefecture"] = region.prefecture.code
            if region.municipality:
                state.answers["municipality"] = region.municipality
        state.answers[step.answer or TEXT_TRIGGER] = text
        return TEXT_TRIGGER, []

    def _fire(self, state: IntakeState, trigger: str) -> tuple[str, str]:
        """Fire the specific trigger, then `answer`; (the trigger that moved, the new state)."""
        context = _Context(state.triage)
        for name in (trigger, ANSWER_TRIGGER):
            if (state.state, name) not in self._triggers:
                continue
            self._machine.set_state(state.state, model=self._model)
            if self._model.trigger(name, context):  # type: ignore[attr-defined]
                return name, self._model.state
        # _validate guarantees an unconditional transition in the end, so this is a bug, not input.
        raise FlowError(f"trigger {trigger!r} did not move {state.state!r}")


def _validate(spec: FlowSpec) -> None:
    """Everything that would leave a person stuck or point nowhere is an error at load time."""
    where = spec.source
    if spec.initial not in spec.steps:
        raise FlowError(f"{where}: initial state {spec.initial!r} is not among the states")
    for name in spec.steps.keys() & spec.handoffs.keys():
        raise FlowError(f"{where}: {name!r} is both a state and a hand-off")
    for transition in spec.transitions:
        _validate_transition(spec, transition)
    for action in spec.anywhere.values():
        if action.dest not in spec.steps and action.dest not in spec.handoffs:
            raise FlowError(
                f"{where} line {action.line}: anywhere {action.option!r}: unknown dest {action.dest!r}"
            )
        if action.command in RESERVED_COMMANDS:
            raise FlowError(
                f"{where} line {action.line}: anywhere {action.option!r}: /{action.command} is built in"
            )
        clash = [s.name for s in spec.steps.values() if action.option in s.options]
        if clash:
            raise FlowError(
                f"{where} line {action.line}: option {action.option!r} is offered everywhere "
                f"and again by state {clash[0]!r}"
            )
    if spec.escalate is not None and spec.handoffs.get(spec.escalate, None) is None:
        raise FlowError(f"{where}: escalate: {spec.escalate!r} is not a hand-off")
    if spec.escalate is not None and spec.handoffs[spec.escalate].kind != "queue":
        raise FlowError(f"{where}: escalate: {spec.escalate!r} must be a queue hand-off (a person at risk)")
    for step in spec.steps.values():
        _validate_every_input_moves(spec, step)


def _validate_transition(spec: FlowSpec, transition: TransitionSpec) -> None:
    where = f"{spec.source} line {transition.line}: transition {transition.source} -> {transition.dest}"
    step = spec.steps.get(transition.source)
    if step is None:
        raise FlowError(f"{where}: unknown source state {transition.source!r}")
    if transition.dest not in spec.steps and transition.dest not in spec.handoffs:
        raise FlowError(f"{where}: unknown destination {transition.dest!r}")
    if transition.trigger == TEXT_TRIGGER and step.text is None:
        raise FlowError(f"{where}: state {step.name!r} does not accept text")
    special = (TEXT_TRIGGER, ANSWER_TRIGGER)
    if transition.trigger not in special and transition.trigger not in step.options:
        raise FlowError(f"{where}: {transition.trigger!r} is not an option of state {step.name!r}")


def _validate_every_input_moves(spec: FlowSpec, step: StepSpec) -> None:
    """Each button and each free-text answer must lead somewhere unconditionally in the end."""

    def unconditional(trigger: str) -> bool:
        return any(
            t.source == step.name and t.trigger in (trigger, ANSWER_TRIGGER) and not t.when
            for t in spec.transitions
        )

    for option in step.options:
        if not unconditional(option):
            raise FlowError(
                f"{spec.source} line {step.line}: state {step.name!r}: option {option!r} has no "
                "transition without a condition, so a person could be stuck"
            )
    if step.text and not unconditional(TEXT_TRIGGER):
        raise FlowError(
            f"{spec.source} line {step.line}: state {step.name!r}: its free text has no transition "
            "without a condition, so a person could be stuck"
        )
