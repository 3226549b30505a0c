"""Channel-neutral values that flow in and out of the intake: no Telegram, HTTP or Redis here."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

InboundKind = Literal["text", "option"]


@dataclass(frozen=True)
class Inbound:
    """What the person did: wrote text, or tapped an option (button) with this id."""

    kind: InboundKind
    value: str


@dataclass(frozen=True)
class Reply:
    """A message to show: a locale key with parameters, and option ids to offer as buttons."""

    key: str
    params: dict[str, str | int] = field(default_factory=dict)
    options: tuple[str, ...] = ()


@dataclass
class IntakeState:
    """Where a person is in the intake, as stored per conversation (plain, JSON-friendly)."""

    state: str
    lang: str
    answers: dict[str, str] = field(default_factory=dict)


@dataclass
class StepResult:
    """The new state, what to reply, and the hand-off reached (None while the intake goes on)."""

    state: IntakeState
    replies: list[Reply]
    handoff: str | None = None
