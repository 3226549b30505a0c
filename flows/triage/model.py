"""The triage vocabulary and its result types: risk levels, categories, reasons, results."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

RISK_LEVELS = ("low", "moderate", "high", "imminent")
CATEGORIES = (
    "loneliness", "suicide", "self_harm", "mental_health", "domestic_violence", "child_abuse",
    "bullying", "sexual_violence", "money", "work", "hikikomori", "elderly", "family", "health",
    "housing", "foreign_resident", "lgbtq", "other",
)  # fmt: skip

_RANK = {level: rank for rank, level in enumerate(RISK_LEVELS)}
_CATEGORY_ORDER = {category: index for index, category in enumerate(CATEGORIES)}


class TriageError(Exception):
    """A lexicon file is malformed; the message names the file, line, rule and field."""


def risk_rank(level: str) -> int:
    """Return 0 for "low" up to 3 for "imminent"; ValueError on an unknown level."""
    try:
        return _RANK[level]
    except (KeyError, TypeError):
        raise ValueError(f"unknown risk level {level!r}; expected one of {', '.join(RISK_LEVELS)}") from None


def sort_categories(categories: Sequence[str] | set[str]) -> tuple[str, ...]:
    """Deduplicate categories and put them in CATEGORIES order; ValueError on an unknown one."""
    unknown = [category for category in categories if category not in _CATEGORY_ORDER]
    if unknown:
        raise ValueError(f"unknown category {unknown[0]!r}")
    return tuple(sorted(set(categories), key=_CATEGORY_ORDER.__getitem__))


@dataclass(frozen=True)
class Reason:
    """Why a result is what it is: which rule fired on which span of the original text."""

    rule: str
    category: str | None
    risk: str
    match: str
    start: int  # offsets in the original text; -1 for reasons that come from intake answers
    end: int

    def to_json(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return {
            "rule": self.rule, "category": self.category, "risk": self.risk,
            "match": self.match, "start": self.start, "end": self.end,
        }  # fmt: skip


@dataclass(frozen=True)
class TriageResult:
    """The assessed risk of one message (or conversation), its categories and the reasons."""

    risk: str
    categories: tuple[str, ...]
    reasons: tuple[Reason, ...]

    LOW: ClassVar[TriageResult]

    @classmethod
    def empty(cls) -> TriageResult:
        """Return the result of a message with no finding: low risk, no categories."""
        return NOTHING

    @classmethod
    def from_signal(cls, rule: str, risk: str, categories: Sequence[str], match: str) -> TriageResult:
        """Build a result from an intake answer (e.g. "yes" to "are you thinking about dying?")."""
        risk_rank(risk)
        ordered = sort_categories(categories)
        reasons = tuple(Reason(rule, category, risk, match, -1, -1) for category in ordered or (None,))
        return cls(risk, ordered, reasons)

    def merge(self, other: TriageResult) -> TriageResult:
        """Combine two results; the risk never goes down, categories and reasons are unions."""
        risk = max(self.risk, other.risk, key=risk_rank)
        reasons = tuple(dict.fromkeys(self.reasons + other.reasons))
        return TriageResult(risk, sort_categories(self.categories + other.categories), reasons)

    def to_json(self) -> dict[str, Any]:
        """Return the DESIGN.md triage contract: {"risk", "categories", "reasons"}."""
        return {
            "risk": self.risk,
            "categories": list(self.categories),
            "reasons": [reason.to_json() for reason in self.reasons],
        }


NOTHING = TriageResult("low", (), ())
TriageResult.LOW = NOTHING
