"""Reading a flow file: YAML into plain, validated declarations, with the line of each part.

Only the shape is checked here (what each field must be); flows/intake.py compiles the result and
flows/check.py looks at the whole (translations, reachability, dead ends).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from flows.triage import CATEGORIES, RISK_LEVELS

HANDOFF_KINDS = ("queue", "referral", "closed")
TEXT_KINDS = ("free", "prefecture")
TEXT_TRIGGER = "text"
ANSWER_TRIGGER = "answer"  # any of the state's own options, or its free text
CONDITIONS = ("risk_at_least", "categories_any")


class FlowError(Exception):
    """The flow file is malformed; the message names the file, the line and the part."""


class _Mapping(dict):
    """A YAML mapping that remembers the line it started on."""

    line: int = 0


class _LineLoader(yaml.SafeLoader):
    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> _Mapping:
        mapping = _Mapping(super().construct_mapping(node, deep=deep))
        mapping.line = node.start_mark.line + 1
        return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _LineLoader.construct_mapping)


@dataclass(frozen=True)
class Prompt:
    """A locale key and the parameters it is formatted with."""

    key: str
    params: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class StepSpec:
    """One intake state: its question, its buttons, and whether (and how) free text is read."""

    name: str
    prompt: Prompt
    options: tuple[str, ...]
    answer: str | None
    text: str | None  # None (buttons only), "free" or "prefecture"
    line: int


@dataclass(frozen=True)
class HandoffSpec:
    """Where the intake ends: `queue`, `referral` or `closed`."""

    name: str
    kind: str
    prompt: Prompt
    services: bool  # the prompt lists services for the person's concern (`$services`)
    line: int


@dataclass(frozen=True)
class AnywhereSpec:
    """An action offered at every state, as a button and a command."""

    option: str
    dest: str
    command: str | None
    line: int


@dataclass(frozen=True)
class SignalSpec:
    """What tapping an option tells triage."""

    option: str
    risk: str
    categories: tuple[str, ...]
    line: int


@dataclass(frozen=True)
class TransitionSpec:
    """From `source` on `trigger` to `dest`, when the condition holds."""

    trigger: str
    source: str
    dest: str
    when: dict[str, Any]
    sets: dict[str, str]
    line: int


@dataclass
class FlowSpec:
    """A whole flow file, read but not yet compiled."""

    source: str
    initial: str
    steps: dict[str, StepSpec]
    handoffs: dict[str, HandoffSpec]
    anywhere: dict[str, AnywhereSpec]
    signals: dict[str, SignalSpec]
    transitions: list[TransitionSpec]
    escalate: str | None


def read_flow(text: str, source: str) -> FlowSpec:
    """Parse and shape-check a flow file's text; FlowError names `source` and the line."""
    try:
        data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 (a SafeLoader subclass)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        raise FlowError(f"{source}{where}: not valid YAML ({getattr(exc, 'problem', exc)})") from None
    reader = _Reader(source)
    if not isinstance(data, dict):
        raise FlowError(f"{source}: expected a mapping with initial, states, handoffs and transitions")
    return reader.flow(data)


def read_flow_file(path: Path) -> FlowSpec:
    """`read_flow` on a file, with a clear error when it cannot be read."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise FlowError(f"{path}: cannot read ({exc})") from None
    return read_flow(text, str(path))


class _Reader:
    """Turns the parsed YAML into specs, naming the line of anything wrong."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, node: Any, message: str) -> FlowError:
        line = getattr(node, "line", 0)
        return FlowError(f"{self.source}{f' line {line}' if line else ''}: {message}")

    def mapping(self, parent: dict, name: str, *, required: bool = True) -> dict:
        value = parent.get(name)
        if value is None and not required:
            return _Mapping()
        if not isinstance(value, dict):
            raise self.fail(parent, f"'{name}' must be a mapping")
        return value

    def names(self, node: dict, value: Any, what: str) -> tuple[str, ...]:
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(i, str) and i for i in items):
            raise self.fail(node, f"{what} must be a name or a list of names")
        return tuple(items)

    def flow(self, data: dict) -> FlowSpec:
        initial = data.get("initial")
        if not isinstance(initial, str):
            raise self.fail(data, "'initial' must name the first state")
        steps = {name: self.step(name, body) for name, body in self.mapping(data, "states").items()}
        handoffs = {name: self.handoff(name, body) for name, body in self.mapping(data, "handoffs").items()}
        anywhere = {
            option: self.anywhere(option, body)
            for option, body in self.mapping(data, "anywhere", required=False).items()
        }
        signals = {
            option: self.signal(option, body)
            for option, body in self.mapping(data, "signals", required=False).items()
        }
        raw_transitions = data.get("transitions")
        if not isinstance(raw_transitions, list):
            raise self.fail(data, "'transitions' must be a list")
        transitions = [t for item in raw_transitions for t in self.transition(data, item)]
        escalate = data.get("escalate")
        if escalate is not None and not isinstance(escalate, str):
            raise self.fail(data, "'escalate' must name a hand-off")
        return FlowSpec(self.source, initial, steps, handoffs, anywhere, signals, transitions, escalate)

    def prompt(self, node: dict, owner: str) -> Prompt:
        value = node.get("prompt")
        if isinstance(value, str) and value:
            return Prompt(value)
        if isinstance(value, dict) and isinstance(value.get("key"), str):
            params = value.get("params") or {}
            if not isinstance(params, dict):
                raise self.fail(value, f"{owner}: prompt params must be a mapping")
            return Prompt(value["key"], {str(k): str(v) for k, v in params.items()})
        raise self.fail(node, f"{owner}: missing prompt (a locale key, or {{key, params}})")

    def step(self, name: str, body: Any) -> StepSpec:
        if not isinstance(body, dict):
            raise FlowError(f"{self.source}: state {name!r} must be a mapping")
        owner = f"state {name!r}"
        options = self.names(body, body.get("options", []), f"{owner}: options")
        text = body.get("text")
        if text is True:
            text = "free"
        elif text in (None, False):
            text = None
        elif text not in TEXT_KINDS:
            raise self.fail(body, f"{owner}: text must be true, false or one of {', '.join(TEXT_KINDS)}")
        if not options and text is None:
            raise self.fail(body, f"{owner}: needs options or text, or a person is stuck")
        answer = body.get("answer")
        if answer is not None and not isinstance(answer, str):
            raise self.fail(body, f"{owner}: answer must be a name")
        if text and not answer:
            raise self.fail(body, f"{owner}: accepts text but has no 'answer' to keep it in")
        return StepSpec(name, self.prompt(body, owner), options, answer, text, body.line)

    def handoff(self, name: str, body: Any) -> HandoffSpec:
        if not isinstance(body, dict):
            raise FlowError(f"{self.source}: hand-off {name!r} must be a mapping")
        kind = body.get("kind")
        if kind not in HANDOFF_KINDS:
            raise self.fail(body, f"hand-off {name!r}: kind must be one of {', '.join(HANDOFF_KINDS)}")
        services = body.get("services", False)
        if not isinstance(services, bool):
            raise self.fail(body, f"hand-off {name!r}: services must be true or false")
        return HandoffSpec(name, kind, self.prompt(body, f"hand-off {name!r}"), services, body.line)

    def anywhere(self, option: str, body: Any) -> AnywhereSpec:
        if not isinstance(body, dict) or not isinstance(body.get("dest"), str):
            raise self.fail(body, f"anywhere {option!r}: needs a dest")
        command = body.get("command")
        if command is not None and not (isinstance(command, str) and command.isascii() and command.isalnum()):
            raise self.fail(body, f"anywhere {option!r}: command must be a plain word like 'talk'")
        return AnywhereSpec(option, body["dest"], command, body.line)

    def signal(self, option: str, body: Any) -> SignalSpec:
        if not isinstance(body, dict):
            raise FlowError(f"{self.source}: signal {option!r} must be a mapping")
        risk = body.get("risk", "low")
        if risk not in RISK_LEVELS:
            raise self.fail(body, f"signal {option!r}: risk must be one of {', '.join(RISK_LEVELS)}")
        categories = self.names(body, body.get("categories", []), f"signal {option!r}: categories")
        unknown = [c for c in categories if c not in CATEGORIES]
        if unknown:
            raise self.fail(body, f"signal {option!r}: unknown category {unknown[0]!r}")
        return SignalSpec(option, risk, categories, body.line)

    def transition(self, data: dict, item: Any) -> list[TransitionSpec]:
        if not isinstance(item, dict):
            raise self.fail(data, "each transition must be a mapping {trigger, source, dest}")
        for name in ("trigger", "source", "dest"):
            if name not in item:
                raise self.fail(item, f"transition: missing {name!r}")
        when = item.get("when") or {}
        if not isinstance(when, dict) or any(k not in CONDITIONS for k in when):
            raise self.fail(item, f"transition: 'when' takes {' or '.join(CONDITIONS)}")
        if "risk_at_least" in when and when["risk_at_least"] not in RISK_LEVELS:
            raise self.fail(item, f"transition: risk_at_least must be one of {', '.join(RISK_LEVELS)}")
        if "categories_any" in when:
            categories = self.names(item, when["categories_any"], "transition: categories_any")
            unknown = [c for c in categories if c not in CATEGORIES]
            if unknown:
                raise self.fail(item, f"transition: unknown category {unknown[0]!r}")
        sets = item.get("set") or {}
        if not isinstance(sets, dict) or any(k != "lang" for k in sets):
            raise self.fail(item, "transition: 'set' takes only lang")
        sources = self.names(item, item["source"], "transition: source")
        triggers = self.names(item, item["trigger"], "transition: trigger")
        return [
            TransitionSpec(trigger, source, str(item["dest"]), dict(when), dict(sets), item.line)
            for source in sources
            for trigger in triggers
        ]
