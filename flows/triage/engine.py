"""The triage engine: the lexicon (strings) and the concept layer (lemmas), explained together.

How a result is decided (the operator-facing rules are in the lexicon and concept files' headers):
- the concept layer (flows/triage/concepts.py) finds combinations of concepts ("pills" + "took" +
  "40") and marks figures of speech, resolved past and talk about films (guards, shared: a
  lexicon finding on a marked word is dropped too);
- a finding (a `rules:` entry) gives its category and risk; the highest risk wins;
- a finding that overlaps an idiom ("死ぬほど笑った") or a negation ("死にたいわけじゃない") is dropped;
- a suicide or self-harm finding of high risk together with an escalator (a plan, means, timing or
  place: "今夜", "薬を貯めた", "on the roof") elsewhere in the same message makes it imminent;
- a high suicide or self-harm finding of the concept layer makes lexicon escalators count too;
- the final band is the higher of the two layers; categories and reasons are the union;
- the learned layer (flows/triage/learned.py), trained on the labelled sets, may then RAISE the
  band (never lower it) when its probability passes the cross-validated threshold, if the message
  mentions a concept of `learned_gate` (rules.yaml) on words no guard marked, or the rules found
  moderate risk or more, and it mentions none of `learned_block` (a wish aimed at someone else),
  unless the words it leaned on are a figure of speech the guards marked; its reason names the
  probability;
- no finding at all is risk "low" with no categories (the caller may add "other").
"""

from __future__ import annotations

from collections.abc import Iterable
from importlib import resources
from pathlib import Path

from flows.triage.analyze import Token
from flows.triage.concepts import ConceptLayer, ConceptRule
from flows.triage.learned import LearnedLayer
from flows.triage.lexicon import Hit, Lexicon, compile_lexicon
from flows.triage.model import NOTHING, Reason, TriageError, TriageResult, risk_rank, sort_categories
from flows.triage.normalize import Normalized

_ESCALATABLE = frozenset({"suicide", "self_harm"})
_HIGH = risk_rank("high")
_MODERATE = risk_rank("moderate")
_RULES = "flows/triage/concepts/rules.yaml"


def _overlaps(hit: Hit, spans: Iterable[Hit]) -> bool:
    return any(hit.start < other.end and other.start < hit.end for other in spans)


class Triage:
    """Explainable rule-based triage over all languages' lexicons at once."""

    def __init__(self, lexicon: Lexicon, concepts: ConceptLayer, learned: LearnedLayer | None = None) -> None:
        self._lexicon = lexicon
        self._concepts = concepts
        self._learned = learned
        self._gate, self._block = concepts.learned_gate, concepts.learned_block
        self._scan_findings = lexicon.findings.scan
        self._scan_guards = lexicon.guards.scan

    @classmethod
    def load(cls, directory: Path | None = None, concepts: Path | None = None) -> Triage:
        """Load every *.yaml lexicon in directory and the concept files in concepts.

        Without a directory both are the files shipped in the package, and the learned layer too.
        With a lexicon directory alone, no concept layer is loaded: the lexicon is tried on its own;
        the learned layer comes only with the shipped files (it was trained beside them).
        """
        if directory is None:
            folder = resources.files("flows.triage") / "lexicons"
            files = sorted(
                (entry for entry in folder.iterdir() if entry.name.endswith(".yaml")), key=lambda e: e.name
            )
            sources = [(f"flows/triage/lexicons/{entry.name}", entry.read_text("utf-8")) for entry in files]
        else:
            paths = sorted(Path(directory).glob("*.yaml"))
            sources = [(str(path), path.read_text("utf-8")) for path in paths]
        if concepts is not None or directory is None:
            layer = ConceptLayer.load(concepts)
        else:
            layer = ConceptLayer.empty()
        learned = LearnedLayer.load() if directory is None and concepts is None else None
        if learned is not None and not layer.learned_gate:
            raise TriageError(f"{_RULES}: learned_gate is empty, so the learned layer would never run")
        return cls(compile_lexicon(sources), layer, learned)

    @property
    def languages(self) -> frozenset[str]:
        """The languages the lexicon files say they are written for (ja, en)."""
        return self._lexicon.languages

    @property
    def rule_count(self) -> int:
        """How many rules (of every kind, lexicon and concept) are loaded."""
        return len(self._lexicon.rules) + len(self._concepts.rules) + len(self._concepts.guards)

    def assess(self, text: str, lang: str | None = None) -> TriageResult:
        """Assess one message. lang is only a hint: every language's rules apply (people mix)."""
        normalized = Normalized(text)
        hits = self._scan_findings(normalized.text)
        guards = self._scan_guards(normalized.text)
        shared = [normalized.original_span(guard.start, guard.end) for guard in guards]
        fired, marked, unguarded = self._concepts.findings(text, normalized, shared)
        reasons = _concept_reasons(text, fired)
        anchors = [r for r in reasons if r.category in _ESCALATABLE and risk_rank(r.risk) >= _HIGH]
        if hits:
            reasons += _judge(text, normalized, hits, guards, marked, anchors)
        found = unguarded & self._gate or any(risk_rank(reason.risk) >= _MODERATE for reason in reasons)
        opened = found and not unguarded & self._block
        if self._learned is not None and opened:
            reasons += _learned_reason(self._learned, text, reasons, [*shared, *marked])
        return _result(reasons)


def _concept_reasons(text: str, fired: list[tuple[ConceptRule, list[Token]]]) -> list[Reason]:
    """One reason per category of each rule that fired, naming the rule, its concepts and the words."""
    reasons = []
    for rule, tokens in fired:
        start, end = min(token.start for token in tokens), max(token.end for token in tokens)
        concepts = "+".join(
            sorted({c for token in tokens for c in token.concepts if "#" not in c} & _needed(rule))
        )
        name = f"concept.{rule.id}[{concepts}]" if concepts else f"concept.{rule.id}"
        for category in rule.categories:
            reasons.append(Reason(name, category, rule.risk or "low", text[start:end], start, end))
    return reasons


def _learned_reason(
    learned: LearnedLayer, text: str, reasons: list[Reason], guarded: list[tuple[int, int]]
) -> list[Reason]:
    """The learned layer's finding, when it raises the band the rules reached."""
    reached = max((reason.risk for reason in reasons), key=risk_rank, default="low")
    verdict = learned.assess(text, above=reached)
    if verdict is None:
        return []
    start, end = verdict.span
    if any(g_start <= start and end <= g_end for g_start, g_end in guarded):
        return []  # it leaned on words the guards read as a figure of speech
    category = verdict.category or next((reason.category for reason in reasons if reason.category), None)
    probability = verdict.imminent if verdict.risk == "imminent" else verdict.high
    name = f"learned.{verdict.risk}[p={probability:.2f}]"
    return [Reason(name, category, verdict.risk, text[start:end], start, end)]


def _needed(rule: ConceptRule) -> set[str]:
    return {concept for slot in rule.slots for concept in slot.concepts}


def _judge(text: str, normalized: Normalized, hits: list[Hit], guards: list[Hit],
           marked: list[tuple[int, int]], concept_anchors: list[Reason]) -> list[Reason]:  # fmt: skip
    """Turn the lexicon's raw hits into reasons: drop guarded findings, escalate, explain."""
    live = []
    for hit in hits:
        start, end = normalized.original_span(hit.start, hit.end)
        if _overlaps(hit, guards) or any(start < g_end and g_start < end for g_start, g_end in marked):
            continue  # an idiom or negation, or a word the concept guards read as a figure of speech
        live.append(hit)
    findings = [hit for hit in live if hit.rule.risk is not None]
    anchors = [
        hit for hit in findings
        if hit.rule.category in _ESCALATABLE and risk_rank(hit.rule.risk or "low") >= _HIGH
    ]  # fmt: skip
    reasons: list[Reason] = []
    for hit in sorted(live, key=lambda hit: (hit.start, hit.end)):  # Rule itself has no order
        start, end = normalized.original_span(hit.start, hit.end)
        risk, category = hit.rule.risk, hit.rule.category
        if hit.rule.kind == "escalator":
            lexical = next((a.rule.category for a in anchors if not _overlaps(hit, [a])), None)
            found = lexical or next(
                (a.category for a in concept_anchors if a.end <= start or end <= a.start), None
            )  # a finding of the concept layer on other words counts as an anchor too
            if found is None and risk is None:
                continue  # "tonight" alone says nothing
            if found is not None:
                risk, category = "imminent", category or found
        reasons.append(Reason(hit.rule.id, category, risk or "low", text[start:end], start, end))
    return reasons


def _result(reasons: list[Reason]) -> TriageResult:
    """The highest risk, the categories in their order and the reasons in text order."""
    if not reasons:
        return NOTHING
    ordered = tuple(dict.fromkeys(sorted(reasons, key=lambda reason: (reason.start, reason.end))))
    risk = max((reason.risk for reason in ordered), key=risk_rank)
    named = {reason.category for reason in ordered if reason.category}
    if len(named) > 1:
        named.discard("other")  # "other" only when nothing more specific was found
    categories = sort_categories(named)
    return TriageResult(risk, categories, ordered)
