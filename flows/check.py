"""Checking a whole flow (`tsunagari flow check`) and drawing it (`tsunagari flow diagram`).

The compiler (flows/intake.py) refuses anything that points nowhere or leaves a button without a
way on. This adds what needs the whole picture: every text in every shipped language, every state
reachable, and from every state a path to a human or a referral (safety invariant 3).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable

from flows.intake import ESCALATE_TRIGGER, IntakeFlow
from flows.spec import FlowSpec
from locales import Catalog


def check_flow(flow: IntakeFlow, catalog: Catalog) -> list[str]:
    """Every problem found in a compiled flow, one line each (empty when the flow is sound)."""
    spec = flow.spec
    return [
        *_missing_translations(spec, catalog),
        *_unused_signals(spec),
        *(
            f"{spec.source}: state {name!r} cannot be reached from {spec.initial!r}"
            for name in _unreachable(spec)
        ),
        *(
            f"{spec.source}: state {name!r} has no path to a person (queue) or a referral"
            for name in _dead_ends(spec)
        ),
    ]


def _edges(spec: FlowSpec) -> list[tuple[str, str, str]]:
    """(source, label, dest) for every way the flow can move, including the ones from anywhere."""
    open_states = [*spec.steps, *(h.name for h in spec.handoffs.values() if h.kind == "referral")]
    edges = [(t.source, _label(t.trigger, t.when), t.dest) for t in spec.transitions]
    for action in spec.anywhere.values():
        edges += [(source, action.option, action.dest) for source in open_states]
    if spec.escalate:
        edges += [(source, ESCALATE_TRIGGER, spec.escalate) for source in open_states]
    return edges


def _reach(start: Iterable[str], neighbours: dict[str, set[str]]) -> set[str]:
    seen = set(start)
    todo = deque(seen)
    while todo:
        for following in neighbours.get(todo.popleft(), ()):
            if following not in seen:
                seen.add(following)
                todo.append(following)
    return seen


def _unreachable(spec: FlowSpec) -> list[str]:
    forward: dict[str, set[str]] = {}
    for source, _, dest in _edges(spec):
        forward.setdefault(source, set()).add(dest)
    reached = _reach([spec.initial], forward)
    return [name for name in [*spec.steps, *spec.handoffs] if name not in reached]


def _dead_ends(spec: FlowSpec) -> list[str]:
    backward: dict[str, set[str]] = {}
    for source, _, dest in _edges(spec):
        backward.setdefault(dest, set()).add(source)
    goals = [h.name for h in spec.handoffs.values() if h.kind in ("queue", "referral")]
    helped = _reach(goals, backward)
    return [name for name in spec.steps if name not in helped]


def _missing_translations(spec: FlowSpec, catalog: Catalog) -> list[str]:
    needed: list[tuple[str, str]] = []  # (where, key)
    for step in spec.steps.values():
        needed.append((f"state {step.name!r} line {step.line}", step.prompt.key))
        needed += [(f"state {step.name!r} line {step.line}", f"option-{o}") for o in step.options]
    for handoff in spec.handoffs.values():
        needed.append((f"hand-off {handoff.name!r} line {handoff.line}", handoff.prompt.key))
    for action in spec.anywhere.values():
        needed.append((f"anywhere {action.option!r} line {action.line}", f"option-{action.option}"))
        if action.command:
            needed.append((f"anywhere {action.option!r} line {action.line}", f"command-{action.command}"))
    return [
        f"{spec.source}: {where}: locale key {key!r} is missing in {lang}.ftl"
        for where, key in needed
        for lang in catalog.languages
        if not catalog.has(lang, key)
    ]


def _unused_signals(spec: FlowSpec) -> list[str]:
    offered = {o for s in spec.steps.values() for o in s.options} | set(spec.anywhere)
    return [
        f"{spec.source} line {signal.line}: signal {signal.option!r} is not an option of any state"
        for signal in spec.signals.values()
        if signal.option not in offered
    ]


def _label(trigger: str, when: dict) -> str:
    conditions = [f"risk ≥ {when['risk_at_least']}"] if "risk_at_least" in when else []
    if "categories_any" in when:
        conditions.append(" or ".join(when["categories_any"]))
    return f"{trigger} [{'; '.join(conditions)}]" if conditions else trigger


def mermaid(spec: FlowSpec) -> str:
    """The flow as a Mermaid state diagram (GitHub renders it in Markdown)."""
    lines = ["stateDiagram-v2", f"    [*] --> {spec.initial}"]
    lines += [
        f"    {source} --> {dest}: {label}"
        for source, label, dest in [(t.source, _label(t.trigger, t.when), t.dest) for t in spec.transitions]
    ]
    if spec.anywhere or spec.escalate:
        lines.append('    state "any open state" as anywhere')
        for action in spec.anywhere.values():
            command = f" (/{action.command})" if action.command else ""
            lines.append(f"    anywhere --> {action.dest}: {action.option}{command}")
        if spec.escalate:
            lines.append(f"    anywhere --> {spec.escalate}: triage says imminent")
    for handoff in spec.handoffs.values():
        lines.append(f"    {handoff.name} --> [*]")
    for kind in ("queue", "referral", "closed"):
        names = [h.name for h in spec.handoffs.values() if h.kind == kind]
        if names:
            lines.append(f"    class {','.join(names)} {kind}")
    lines += [
        "    classDef queue fill:#d8f0d8,stroke:#2e7d32",
        "    classDef referral fill:#dbe8fb,stroke:#1f5fbf",
        "    classDef closed fill:#eeeeee,stroke:#777777",
    ]
    return "\n".join(lines) + "\n"
