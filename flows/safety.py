"""Safety replies: what a message's triage means for the very reply to that message.

Imminent risk: emergency numbers (119 / 110) and 24-hour lines, every time a message shows it.
Risk that first reaches high: the 24-hour lines, once (repeating them at each message would bury
the conversation). The numbers come from flows/data/crisis_resources.yaml, with their sources.

A reply never promises "any hour" beside a line that keeps hours: the 24-hour lines go in `lines`,
and the lines in the person's language that answer only at set hours go in `later`, a reply of
their own ("crisis-set-hours") rendered inside the crisis reply, or "" when there are none.
"""

from __future__ import annotations

from collections.abc import Sequence

from flows.messages import Reply
from flows.resources import CrisisResources, Resource
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
            return [self.reply("imminent", merged.categories, lang)]
        if risk_rank(merged.risk) >= HIGH > risk_rank(before.risk):
            return [self.reply("high", merged.categories, lang)]
        return []

    def reply(self, risk: str, categories: Sequence[str], lang: str) -> Reply:
        """The crisis reply for this risk ("imminent" or "high"): the lines open at any hour, and
        apart from them, the lines in the person's language that keep set hours."""
        chosen = self.resources.for_risk(risk, categories, lang)
        limited = [resource for resource in chosen if not resource.open_24h]
        later: str | Reply = Reply("crisis-set-hours", {"lines": _bullets(limited, lang)}) if limited else ""
        params: dict[str, str | int | Reply] = {
            "lines": _bullets([resource for resource in chosen if resource.open_24h], lang),
            "later": later,
        }
        # Each key named in full: tests/locales/test_catalog.py finds the keys the code uses by name.
        if risk == "imminent":
            return Reply("crisis-imminent", params, crisis=True)
        return Reply("crisis-high", params, crisis=True)

    def lines(self, risk: str, categories: Sequence[str], lang: str) -> str:
        """The resources for this risk and concern, one per line, in the person's language (each
        with its hours: for a list of services, not under an "any hour" heading)."""
        return _bullets(self.resources.for_risk(risk, categories, lang), lang)


def _bullets(resources: Sequence[Resource], lang: str) -> str:
    return "\n".join(f"• {resource.line(lang)}" for resource in resources)
