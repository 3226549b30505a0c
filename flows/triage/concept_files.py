"""Reading the concept files: validate concepts.yaml and rules.yaml and build the concept layer.

Every mistake names the file, the line, the rule and the field; nothing half-loaded is used.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from flows.triage.analyze import JAPANESE, EnglishLemmas, typed_form
from flows.triage.concepts import ConceptLayer, ConceptRule, Slot
from flows.triage.lexicon import _Map, _Seq, load_document
from flows.triage.model import CATEGORIES, RISK_LEVELS, TriageError

FEATURES = frozenset({
    "done", "past", "perfective", "resultative", "progressive", "desire", "volitional", "wish", "want_other",
    "passive", "prohibit", "neg", "motion", "prepared", "attempt", "number", "many", "habit_past", "must",
    "conditional",
})  # fmt: skip
_DEFAULT_NOT = frozenset({"neg", "habit_past"})
_LANGS = ("ja", "en")
_MARKS = ("matched", "between", "sentence")


def compile_concepts(
    concepts_name: str, concepts_text: str, rules_name: str, rules_text: str
) -> ConceptLayer:
    """Validate and compile the two files; TriageError names the file, line and field."""
    document = load_document(concepts_name, concepts_text, "concepts")
    table = document.get("concepts")
    if not isinstance(table, _Map) or set(document) - {"concepts"}:
        raise TriageError(f"{concepts_name}:{document.line}: expected one section, 'concepts'")
    concepts: dict[str, dict[str, list[str]]] = {}
    for name, languages in table.items():
        line = table.lines[name]
        if not isinstance(name, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", name):
            raise TriageError(f"{concepts_name}:{line}: concept {name!r}: name must be lower_snake_case")
        if not isinstance(languages, _Map) or not set(languages) <= set(_LANGS):
            raise TriageError(
                f"{concepts_name}:{line}: concept {name!r}: expected ja: [...] and/or en: [...]"
            )
        for lang, words in languages.items():
            if not isinstance(words, _Seq) or not all(isinstance(word, (str, int)) for word in words):
                line = languages.lines[lang]
                raise TriageError(f"{concepts_name}:{line}: concept {name!r}: {lang}: expected a word list")
        concepts[name] = {lang: [str(word) for word in words] for lang, words in languages.items()}
    english_words = [word for entry in _english_entries(concepts) for word in typed_form(entry).split()]
    rules_doc = load_document(rules_name, rules_text, "rules, guards")
    extra: dict[str, dict[str, list[str]]] = {}
    rules = _compile_rules(rules_name, rules_doc, "rules", concepts, extra)
    guards = _compile_rules(rules_name, rules_doc, "guards", concepts, extra)
    english_entries = [entry for words in extra.values() for entry in words.get("en", ())]
    english_words += [word for entry in english_entries for word in typed_form(entry).split()]
    gate = _concept_list(rules_name, rules_doc, "learned_gate", concepts)
    block = _concept_list(rules_name, rules_doc, "learned_block", concepts)
    layer = ConceptLayer(rules, guards, EnglishLemmas(english_words), gate, block)
    layer._load_vocabulary(concepts_name, (concepts, extra))
    return layer


def _concept_list(name: str, document: _Map, key: str, concepts: dict[str, Any]) -> frozenset[str]:
    """learned_gate or learned_block: a list of concept names, each defined in concepts.yaml."""
    names = document.get(key) or _Seq()
    line = document.lines.get(key, 1)
    if not isinstance(names, _Seq) or not all(isinstance(concept, str) for concept in names):
        raise TriageError(f"{name}:{line}: {key}: expected a list of concept names")
    unknown = [concept for concept in names if concept not in concepts]
    if unknown:
        raise TriageError(f"{name}:{line}: {key}: unknown concepts {', '.join(unknown)}")
    return frozenset(names)


def _english_entries(concepts: dict[str, dict[str, list[str]]]) -> Iterable[str]:
    for languages in concepts.values():
        yield from languages.get("en", ())


_RULE_FIELDS = {"id", "risk", "categories", "note", "all", "seq", "gap", "scope", "unless", "mark"}
_SLOT_FIELDS = {"concept", "lemma", "feats", "not"}


def _compile_rules(
    name: str, document: _Map, section: str, concepts: dict[str, Any], extra: dict[str, dict[str, list[str]]]
) -> list[ConceptRule]:
    entries = document.get(section) or _Seq()
    if not isinstance(entries, _Seq):
        raise TriageError(f"{name}:{document.lines.get(section, 1)}: section {section!r}: expected a list")
    seen: set[str] = set()
    compiled = []
    for index, entry in enumerate(entries):
        line = entries.lines[index]
        if not isinstance(entry, _Map):
            raise TriageError(f"{name}:{line}: expected a mapping with id and all/seq")
        rule_id = entry.get("id")

        def fail(field: str, problem: str, entry: _Map = entry, rule_id: Any = rule_id) -> TriageError:
            return TriageError(f"{name}:{entry.lines.get(field, entry.line)}: {section[:-1]} {rule_id!r}: "
                               f"field {field!r}: {problem}")  # fmt: skip

        for field in entry:
            if field not in _RULE_FIELDS:
                raise fail(str(field), f"unknown field (allowed: {', '.join(sorted(_RULE_FIELDS))})")
        if not isinstance(rule_id, str) or not rule_id or rule_id in seen:
            raise fail("id", "missing, not a string, or given twice")
        seen.add(rule_id)
        compiled.append(_compile_rule(entry, section, concepts, extra, fail, f"{name}:{entry.line}"))
    return compiled


def _compile_rule(entry: _Map, section: str, concepts: dict[str, Any], extra: dict[str, dict[str, list[str]]],
                  fail: Any, where: str) -> ConceptRule:  # fmt: skip
    rule_id = entry["id"]
    _check_outcome(entry, section, fail)
    if ("all" in entry) == ("seq" in entry):
        raise fail("all", "give exactly one of all: or seq:")
    field = "all" if "all" in entry else "seq"
    raw = entry[field]
    if not isinstance(raw, list) or not raw:
        raise fail(field, "expected a non-empty list of slots")
    slots = tuple(_slot(raw_slot, f"{rule_id}#{number}", concepts, extra, lambda p, f=field: fail(f, p))
                  for number, raw_slot in enumerate(raw))  # fmt: skip
    gap = entry.get("gap", 3)
    if not isinstance(gap, int) or isinstance(gap, bool) or not 0 <= gap <= 20:
        raise fail("gap", "expected a whole number from 0 to 20")
    if entry.get("scope", "message") not in ("message", "sentence"):
        raise fail("scope", "expected message or sentence")
    unless = entry.get("unless", [])
    if not isinstance(unless, list) or any(concept not in concepts for concept in unless):
        raise fail("unless", "expected a list of concept names from concepts.yaml")
    return ConceptRule(
        rule_id, entry.get("risk"), tuple(entry.get("categories") or ()), slots, field == "seq", gap,
        entry.get("scope") == "sentence", frozenset(unless), entry.get("mark", "matched"), where,
    )  # fmt: skip


def _check_outcome(entry: _Map, section: str, fail: Any) -> None:
    """Rules need a risk and categories and mark nothing; guards mark, and may find (both or neither)."""
    finds = section == "rules" or "risk" in entry or "categories" in entry
    if finds:
        if entry.get("risk") not in RISK_LEVELS:
            raise fail("risk", f"expected one of {', '.join(RISK_LEVELS)}")
        categories = entry.get("categories")
        if not isinstance(categories, list) or not categories or not all(c in CATEGORIES for c in categories):
            raise fail("categories", f"expected a list of: {', '.join(CATEGORIES)}")
    if section == "rules" and "mark" in entry:
        raise fail("mark", "only guards mark words")
    if entry.get("mark", "matched") not in _MARKS:
        raise fail("mark", f"expected one of {', '.join(_MARKS)}")


def _slot(raw: Any, synthetic: str, concepts: dict[str, Any], extra: dict[str, dict[str, list[str]]],
          fail: Any) -> Slot:  # fmt: skip
    if isinstance(raw, str):
        raw = {"concept": raw}
    if not isinstance(raw, dict) or not raw or set(raw) - _SLOT_FIELDS:
        raise fail(f"slot {raw!r}: expected a concept name or {{concept, lemma, feats, not}}")
    names = raw.get("concept", [])
    names = [names] if isinstance(names, str) else names
    unknown = [concept for concept in names if concept not in concepts]
    if not isinstance(names, list) or unknown:
        raise fail(f"unknown concept {unknown[0] if unknown else names!r} (see concepts.yaml)")
    lemmas = raw.get("lemma", [])
    if lemmas:
        if not isinstance(lemmas, list) or not all(isinstance(lemma, str) for lemma in lemmas):
            raise fail(f"slot {raw!r}: lemma: expected a list of words")
        # Literal words become a concept of their own, looked up like any other.
        extra[synthetic] = {
            "ja": [lemma for lemma in lemmas if JAPANESE.search(lemma)],
            "en": [lemma for lemma in lemmas if not JAPANESE.search(lemma)],
        }
        names = [*names, synthetic]
    if not names:
        raise fail(f"slot {raw!r}: needs a concept or a lemma")
    feats, without = raw.get("feats", []), raw.get("not", [])
    for label, values in (("feats", feats), ("not", without)):
        if not isinstance(values, list) or not set(values) <= FEATURES:
            raise fail(f"slot {raw!r}: {label}: expected features from {', '.join(sorted(FEATURES))}")
    # A negated word fills no slot unless the slot asks for negation or says `not:` itself
    # (secrecy is said with a negative: "says not to tell").
    default = frozenset() if "not" in raw else _DEFAULT_NOT - set(feats)
    return Slot(frozenset(names), frozenset(feats), frozenset(without) | default)
