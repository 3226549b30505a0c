"""The intake summary a counselor sees on taking a conversation: answers, risk and why.

Never the person's handle or address: only what they chose to tell, and what triage read in it.
"""

from __future__ import annotations

import time

from flows.regions import Prefectures
from flows.triage import risk_rank
from locales import Catalog
from routing.conversations import Conversation

INTERNAL_ANSWERS = ("notes", "prefecture", "municipality")  # shown in their own rows, or not at all
MAX_REASONS_SHOWN = 8
LONG_VALUE = 40
SKIPPED = "_skip"  # an option id like region_skip: the person chose not to answer


class IntakeSummary:
    """Renders a conversation's intake summary in the counselor's language."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.prefectures = Prefectures.load()

    def rows(self, conversation: Conversation, lang: str) -> list[list[str]]:
        """The summary as (label, value) rows, most urgent first. The reasons' row has a third
        element, the triage rules that fired (for a tooltip: what a counselor reads is words)."""
        text = self.catalog.text
        minutes = max(0, int((time.time() - conversation.queued_at) // 60)) if conversation.queued_at else 0
        rows = [
            [text(lang, "summary-risk"), text(lang, f"risk-{conversation.risk}")],
            [text(lang, "summary-categories"), self.categories(conversation, lang)],
            [text(lang, "summary-reasons"), self._reasons(conversation, lang), self.rule_ids(conversation)],
            [text(lang, "summary-language"), text(lang, f"language-name-{conversation.lang}")],
            [text(lang, "summary-waited"), text(lang, "duration-minutes", minutes=minutes)],
        ]
        for name, value in conversation.answers.items():
            if name == "region":
                rows.append([text(lang, "summary-region"), self._where(conversation, lang)])
            elif name not in INTERNAL_ANSWERS:
                rows.append([self._label(lang, f"summary-{name}", name), self._value(lang, value)])
        if conversation.answers.get("notes"):
            rows.append([text(lang, "summary-notes"), conversation.answers["notes"]])
        return rows

    def text(self, conversation: Conversation, lang: str) -> str:
        """The summary as one chat message."""
        lines = [self.catalog.text(lang, "counselor-summary")]
        for label, value, *_ in self.rows(conversation, lang):
            long = "\n" in value or len(value) > LONG_VALUE
            lines.append(f"{label}:\n{value}" if long else f"{label}: {value}")
        return "\n".join(lines)

    def reasons(self, reasons: list[dict], lang: str) -> str:
        """Why triage read what it read, in words a counselor reads: one line per passage, with
        its risk, the concern it points to and the person's own words (「…」). The rule ids stay
        out of sight (see `rule_ids`)."""
        if not reasons:
            return self.catalog.text(lang, "summary-none")
        passages: dict[str, tuple[str, list[str]]] = {}  # the words -> (highest risk, categories)
        for reason in reasons[-MAX_REASONS_SHOWN * 2 :]:
            words = str(reason.get("match") or "").strip()
            risk = str(reason.get("risk") or "low")
            category = reason.get("category")
            held_risk, categories = passages.get(words, (risk, []))
            if risk_rank(risk) > risk_rank(held_risk):
                held_risk = risk
            if category and category not in categories:
                categories.append(category)
            passages[words] = (held_risk, categories)
        lines = []
        for words, (risk, categories) in list(passages.items())[-MAX_REASONS_SHOWN:]:
            what = ", ".join(self._label(lang, f"category-{c}", c) for c in categories)
            said = f"「{words}」" if words else self.catalog.text(lang, "summary-reason-answer")
            head = self._label(lang, f"risk-{risk}", risk)
            lines.append(f"• {head} · {what}: {said}" if what else f"• {head}: {said}")
        return "\n".join(lines)

    @staticmethod
    def rule_ids(conversation: Conversation) -> str:
        """The triage rules behind the reasons, for those who tune triage (never the label)."""
        ids = dict.fromkeys(str(r.get("rule", "")) for r in conversation.reasons[-MAX_REASONS_SHOWN * 2 :])
        return " ".join(rule for rule in ids if rule)

    def _where(self, conversation: Conversation, lang: str) -> str:
        """The region row: the person's words, with the prefecture they point to when the words
        do not name it ("大阪市（大阪府）"); "not told" when they skipped the question."""
        value = conversation.answers.get("region", "")
        prefecture = self.prefectures.get(conversation.answers.get("prefecture", ""))
        if not value or value.endswith(SKIPPED) or prefecture is None:
            return self.region(conversation, lang)
        name = prefecture.name(lang)
        if name.lower() in value.lower():
            return value
        return f"{value}（{name}）" if lang == "ja" else f"{value} ({name})"

    def region(self, conversation: Conversation, lang: str) -> str:
        """Where the person said they live, by name (東京都, "Tokyo" in English), with the city if
        they gave one; "not told" when they skipped the question, their words when not recognised."""
        answers = conversation.answers
        prefecture = self.prefectures.get(answers.get("prefecture", ""))
        if prefecture is not None:
            city = answers.get("municipality", "")
            return f"{prefecture.name(lang)} {city}".strip() if city else prefecture.name(lang)
        value = answers.get("region", "")
        if not value or value.endswith(SKIPPED):
            return self.catalog.text(lang, "summary-not-told")
        return self._value(lang, value)

    def _reasons(self, conversation: Conversation, lang: str) -> str:
        return self.reasons(conversation.reasons, lang)

    def categories(self, conversation: Conversation, lang: str) -> str:
        """The concern's categories as labels ("none" when triage found none)."""
        if not conversation.categories:
            return self.catalog.text(lang, "summary-none")
        return ", ".join(self._label(lang, f"category-{c}", c) for c in conversation.categories)

    def _value(self, lang: str, value: str) -> str:
        """An option id as its label (a skipped question as "not told"); words as written."""
        if value.endswith(SKIPPED) and self.catalog.has(lang, f"option-{value}"):
            return self.catalog.text(lang, "summary-not-told")
        return self._label(lang, f"option-{value}", value)

    def _label(self, lang: str, key: str, fallback: str) -> str:
        return self.catalog.text(lang, key) if self.catalog.has(lang, key) else fallback
