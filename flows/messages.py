"""Channel-neutral values that flow in and out of the intake: no Telegram, HTTP or Redis here."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from flows.triage import TriageResult

InboundKind = Literal["text", "option"]


@dataclass(frozen=True)
class Inbound:
    """What the person did: wrote text, or tapped an option (button) with this id."""

    kind: InboundKind
    value: str


@dataclass(frozen=True)
class Reply:
    """A message to show: a locale key with parameters, and option ids to offer as buttons.

    `crisis` marks the safety replies (emergency and 24-hour lines) so that channels and tests can
    tell them apart; they always come first in a step's replies. A parameter may itself be a
    Reply: it is rendered in the same language first (a part with its own wording)."""

    key: str
    params: dict[str, str | int | Reply] = field(default_factory=dict)
    options: tuple[str, ...] = ()
    crisis: bool = False


@dataclass
class IntakeState:
    """Where a person is in the intake, as stored per conversation (plain, JSON-friendly)."""

    state: str
    lang: str
    answers: dict[str, str] = field(default_factory=dict)
    triage: TriageResult = field(default_factory=TriageResult.empty)


@dataclass
class StepResult:
    """The new state, what to reply, and the hand-off reached (None while the intake goes on)."""

    state: IntakeState
    replies: list[Reply]
    handoff: str | None = None
