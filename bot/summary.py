"""The intake summary a counselor sees on taking a conversation: answers, risk and why.

Never the person's handle or address: only what they chose to tell, and what triage read in it.
"""

from __future__ import annotations

import time

from locales import Catalog
from routing.conversations import Conversation

INTERNAL_ANSWERS = ("notes", "prefecture", "municipality")  # shown in their own rows, or not at all
MAX_REASONS_SHOWN = 8
LONG_VALUE = 40


class IntakeSummary:
    """Renders a conversation's intake summary in the counselor's language."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    def rows(self, conversation: Conversation, lang: str) -> list[list[str]]:
        """The summary as (label, value) rows, most urgent first."""
        text = self.catalog.text
        minutes = max(0, int((time.time() - conversation.queued_at) // 60)) if conversation.queued_at else 0
        rows = [
            [text(lang, "summary-risk"), text(lang, f"risk-{conversation.risk}")],
            [text(lang, "summary-categories"), self.categories(conversation, lang)],
            [text(lang, "summary-reasons"), self._reasons(conversation, lang)],
            [text(lang, "summary-language"), text(lang, f"language-name-{conversation.lang}")],
            [text(lang, "summary-waited"), text(lang, "duration-minutes", minutes=minutes)],
        ]
        for name, value in conversation.answers.items():
            if name not in INTERNAL_ANSWERS:
                rows.append([self._label(lang, f"summary-{name}", name), self._value(lang, value)])
        if conversation.answers.get("notes"):
            rows.append([text(lang, "summary-notes"), conversation.answers["notes"]])
        return rows

    def text(self, conversation: Conversation, lang: str) -> str:
        """The summary as one chat message."""
        lines = [self.catalog.text(lang, "counselor-summary")]
        for label, value in self.rows(conversation, lang):
            long = "\n" in value or len(value) > LONG_VALUE
            lines.append(f"{label}:\n{value}" if long else f"{label}: {value}")
        return "\n".join(lines)

    def reasons(self, reasons: list[dict], lang: str) -> str:
        """Which rules fired and on which words, one per line."""
        if not reasons:
            return self.catalog.text(lang, "summary-none")
        shown = reasons[-MAX_REASONS_SHOWN:]
        return "\n".join(
            f"• {self._label(lang, 'risk-' + r.get('risk', 'low'), '')} {r.get('rule', '?')}: "
            f"「{r.get('match', '')}」"
            for r in shown
        )

    def _reasons(self, conversation: Conversation, lang: str) -> str:
        return self.reasons(conversation.reasons, lang)

    def categories(self, conversation: Conversation, lang: str) -> str:
        """The concern's categories as labels ("none" when triage found none)."""
        if not conversation.categories:
            return self.catalog.text(lang, "summary-none")
        return ", ".join(self._label(lang, f"category-{c}", c) for c in conversation.categories)

    def _value(self, lang: str, value: str) -> str:
        """An option id as its label; words as written."""
        return self._label(lang, f"option-{value}", value)

    def _label(self, lang: str, key: str, fallback: str) -> str:
        return self.catalog.text(lang, key) if self.catalog.has(lang, key) else fallback
