"""The triage engine: scan a message once with the compiled lexicon and explain the result.

How a result is decided (the operator-facing rules are in the lexicon files' headers):
- a finding (a `rules:` entry) gives its category and risk; the highest risk wins;
- a finding that overlaps an idiom ("死ぬほど笑った") or a negation ("死にたいわけじゃない") is dropped;
- a suicide or self-harm finding of high risk together with an escalator (a plan, means, timing or
  place: "今夜", "薬を貯めた", "on the roof") elsewhere in the same message makes it imminent;
- no finding at all is risk "low" with no categories (the caller may add "other").
"""

from __future__ import annotations

from collections.abc import Iterable
from importlib import resources
from pathlib import Path

from flows.triage.lexicon import Hit, Lexicon, compile_lexicon
from flows.triage.model import NOTHING, Reason, TriageResult, risk_rank, sort_categories
from flows.triage.normalize import Normalized

_ESCALATABLE = frozenset({"suicide", "self_harm"})
_HIGH = risk_rank("high")


def _overlaps(hit: Hit, spans: Iterable[Hit]) -> bool:
    return any(hit.start < other.end and other.start < hit.end for other in spans)


class Triage:
    """Explainable rule-based triage over all languages' lexicons at once."""

    def __init__(self, lexicon: Lexicon) -> None:
        self._lexicon = lexicon
        self._scan_findings = lexicon.findings.scan
        self._scan_guards = lexicon.guards.scan

    @classmethod
    def load(cls, directory: Path | None = None) -> Triage:
        """Load every *.yaml lexicon in directory (default: the files shipped in the package)."""
        if directory is None:
            folder = resources.files("flows.triage") / "lexicons"
            files = sorted(
                (entry for entry in folder.iterdir() if entry.name.endswith(".yaml")), key=lambda e: e.name
            )
            sources = [(f"flows/triage/lexicons/{entry.name}", entry.read_text("utf-8")) for entry in files]
        else:
            paths = sorted(Path(directory).glob("*.yaml"))
            sources = [(str(path), path.read_text("utf-8")) for path in paths]
        return cls(compile_lexicon(sources))

    @property
    def rule_count(self) -> int:
        """How many rules (of every kind) are loaded."""
        return len(self._lexicon.rules)

    def assess(self, text: str, lang: str | None = None) -> TriageResult:
        """Assess one message. lang is only a hint: every language's rules apply (people mix)."""
        normalized = Normalized(text)
        hits = self._scan_findings(normalized.text)
        if not hits:
            return NOTHING  # the common case: no guard scan needed
        return _judge(text, normalized, hits, self._scan_guards(normalized.text))


def _judge(text: str, normalized: Normalized, hits: list[Hit], guards: list[Hit]) -> TriageResult:
    """Turn the raw hits into a result: drop guarded findings, escalate, explain."""
    live = [hit for hit in hits if not _overlaps(hit, guards)]
    findings = [hit for hit in live if hit.rule.risk is not None]
    anchors = [
        hit for hit in findings
        if hit.rule.category in _ESCALATABLE and risk_rank(hit.rule.risk or "low") >= _HIGH
    ]  # fmt: skip
    reasons: list[Reason] = []
    for hit in sorted(live, key=lambda hit: (hit.start, hit.end)):  # Rule itself has no order
        risk, category = hit.rule.risk, hit.rule.category
        if hit.rule.kind == "escalator":
            anchor = next((a for a in anchors if not _overlaps(hit, [a])), None)
            if anchor is None and risk is None:
                continue  # "tonight" alone says nothing
            if anchor is not None:
                risk, category = "imminent", category or anchor.rule.category
        start, end = normalized.original_span(hit.start, hit.end)
        reasons.append(Reason(hit.rule.id, category, risk or "low", text[start:end], start, end))
    if not reasons:
        return NOTHING
    ordered = tuple(dict.fromkeys(reasons))
    risk = max((reason.risk for reason in ordered), key=risk_rank)
    named = {reason.category for reason in ordered if reason.category}
    if len(named) > 1:
        named.discard("other")  # "other" only when nothing more specific was found
    categories = sort_categories(named)
    return TriageResult(risk, categories, ordered)
