"""Safety replies: what a message's triage means for the very reply to that message.

Imminent risk: emergency numbers (119 / 110) and 24-hour lines, every time a message shows it.
Risk that first reaches high: the 24-hour lines, once (repeating them at each message would bury
the conversation). The numbers come from flows/data/crisis_resources.yaml, with their sources.
"""

from __future__ import annotations

from collections.abc import Sequence

from flows.messages import Reply
from flows.resources import CrisisResources
from flows.triage import TriageResult, risk_rank

HIGH = risk_rank("high")
IMMINENT = risk_rank("imminent")


class SafetyReplies:
    """Builds the crisis replies from the shipped (or an operator's) crisis resources."""

    def __init__(self, resources: CrisisResources) -> None:
        self.resources = resources

    def for_message(self, before: TriageResult, found: TriageResult, lang: str) -> list[Reply]:
        """The crisis replies a message needs, given the risk known before it and what it showed."""
        merged = before.merge(found)
        if risk_rank(found.risk) >= IMMINENT:
            return [
                Reply(
                    "crisis-imminent", {"lines": self.lines("imminent", merged.categories, lang)}, crisis=True
                )
            ]
        if risk_rank(merged.risk) >= HIGH > risk_rank(before.risk):
            return [Reply("crisis-high", {"lines": self.lines("high", merged.categories, lang)}, crisis=True)]
        return []

    def lines(self, risk: str, categories: Sequence[str], lang: str) -> str:
        """The resources for this risk and concern, one per line, in the person's language."""
        return "\n".join(
            f"• {resource.line(lang)}" for resource in self.resources.for_risk(risk, categories, lang)
        )
