"""Load and validate the lexicon files (lexicons/*.yaml) and compile them into two regexes.

Every term of every rule, whatever its kind and language, goes into one trie-shaped regex of
literals, and every operator-written regex into one alternation: two scans per message however
many rules there are. A match is mapped back to its rule by a dict (literals) or by re-matching
the few regex rules at that position (only when something matched, which is rare).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from flows.triage.model import CATEGORIES, RISK_LEVELS, TriageError
from flows.triage.normalize import adapt_pattern, normalize

SECTIONS = {"rules": "finding", "idioms": "idiom", "negations": "negation", "escalators": "escalator"}
_FIELDS = {"id", "category", "risk", "terms", "patterns", "note"}
_MAX_EXPANSIONS = 2000
_BRACES = re.compile(r"\{([^{}]*)\}")
_WORD = re.compile(r"[a-z0-9]")
_GUARDS = ("idiom", "negation")


@dataclass(frozen=True)
class Rule:
    """One lexicon entry: a finding (category + risk), an idiom, a negation or an escalator."""

    id: str
    kind: str
    category: str | None
    risk: str | None
    where: str  # "file:line", for error messages


class _Map(dict[Any, Any]):
    """A YAML mapping that remembers the line of each of its values."""

    line = 0
    lines: dict[Any, int]


class _Seq(list[Any]):
    """A YAML sequence that remembers the line of each item."""

    line = 0
    lines: list[int] = []  # noqa: RUF012 - only an empty default; loaded sequences get their own


class _Loader(yaml.SafeLoader):
    """A safe loader whose mappings and sequences carry line numbers."""


def _construct_map(loader: _Loader, node: yaml.MappingNode) -> _Map:
    loader.flatten_mapping(node)
    result = _Map()
    result.line, result.lines = node.start_mark.line + 1, {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            raise TriageError(f"line {key_node.start_mark.line + 1}: field {key!r}: given twice")
        result[key] = loader.construct_object(value_node, deep=True)
        result.lines[key] = value_node.start_mark.line + 1
    return result


def _construct_seq(loader: _Loader, node: yaml.SequenceNode) -> _Seq:
    result = _Seq(loader.construct_object(item, deep=True) for item in node.value)
    result.line, result.lines = node.start_mark.line + 1, [item.start_mark.line + 1 for item in node.value]
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_map)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_seq)


def load_document(name: str, text: str, expected: str) -> _Map:
    """Parse a YAML mapping whose values remember their lines; TriageError names file and line."""
    try:
        document = yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except TriageError as exc:
        raise TriageError(f"{name}: {exc}") from None
    except yaml.YAMLError as exc:
        raise TriageError(f"{name}: not valid YAML: {exc}") from None
    if not isinstance(document, _Map):
        raise TriageError(f"{name}: expected a mapping with {expected}")
    return document


def expand_term(term: str) -> list[str]:
    """Expand "{a|b}" alternatives in a term ("{死|し}にたい" -> ["死にたい", "しにたい"])."""
    parts = _BRACES.split(term)  # literal, choices, literal, choices, ...
    leftover = "".join(parts[::2])
    if "{" in leftover or "}" in leftover:
        raise ValueError("unbalanced { } in term")
    choices = [[part] if index % 2 == 0 else part.split("|") for index, part in enumerate(parts)]
    count = 1
    for options in choices:
        count *= len(options)
    if count > _MAX_EXPANSIONS:
        raise ValueError(f"expands to {count} variants (at most {_MAX_EXPANSIONS}); use a pattern")
    return ["".join(combination) for combination in itertools.product(*choices)]


class _Builder:
    """Collects validated rules from the files, then compiles them."""

    def __init__(self) -> None:
        self.rules: dict[str, Rule] = {}
        self.literals: dict[str, Rule] = {}
        self.patterns: list[tuple[Rule, re.Pattern[str]]] = []
        self.languages: set[str] = set()

    def add_file(self, path: Path | str, text: str) -> None:
        name = str(path)
        document = load_document(name, text, ", ".join(SECTIONS))
        for key in document:
            if key != "language" and key not in SECTIONS:
                raise TriageError(f"{name}:{document.lines[key]}: unknown section {key!r}")
        language = document.get("language")
        if language is not None:
            if not isinstance(language, str) or not re.fullmatch(r"[a-z]{2,3}(-[a-z0-9]+)?", language):
                line = document.lines["language"]
                raise TriageError(f"{name}:{line}: language: expected a code like ja or en")
            self.languages.add(language)
        for section, kind in SECTIONS.items():
            entries = document.get(section) or _Seq()
            if not isinstance(entries, _Seq):
                raise TriageError(f"{name}:{document.lines[section]}: section {section!r}: expected a list")
            for index, entry in enumerate(entries):
                self._add_entry(name, kind, entry, entries.lines[index])

    def _add_entry(self, name: str, kind: str, entry: Any, line: int) -> None:
        if not isinstance(entry, _Map):
            raise TriageError(f"{name}:{line}: expected a mapping with id, terms/patterns")
        where = _Where(name, entry)
        for field in entry:
            if field not in _FIELDS:
                raise where.fail(str(field), f"unknown field (allowed: {', '.join(sorted(_FIELDS))})")
        if not isinstance(where.rule_id, str) or not where.rule_id.strip():
            raise where.fail("id", "missing or not a string")
        if where.rule_id in self.rules:
            raise where.fail("id", f"duplicate rule id (first at {self.rules[where.rule_id].where})")
        _check_levels(where, kind, entry)
        rule = Rule(where.rule_id, kind, entry.get("category"), entry.get("risk"), f"{name}:{entry.line}")
        self.rules[rule.id] = rule
        terms, patterns = entry.get("terms", _Seq()), entry.get("patterns", _Seq())
        for field, values in (("terms", terms), ("patterns", patterns)):
            if not isinstance(values, _Seq) or not all(isinstance(value, str) and value for value in values):
                raise where.fail(field, "expected a list of non-empty strings")
        if not terms and not patterns:
            raise where.fail("terms", "a rule needs terms or patterns")
        for term, term_line in zip(terms, terms.lines, strict=True):
            self._add_term(rule, term, where.at("terms", term_line))
        for source, source_line in zip(patterns, patterns.lines, strict=True):
            self._add_pattern(rule, source, where.at("patterns", source_line))

    def _add_term(self, rule: Rule, term: str, fail: Callable[[str], TriageError]) -> None:
        try:
            variants = expand_term(term)
        except ValueError as exc:
            raise fail(f"term {term!r}: {exc}") from None
        for variant in variants:
            literal = normalize(variant).strip()
            if not literal:
                raise fail(f"term {term!r} is empty once normalized")
            owner = self.literals.setdefault(literal, rule)
            if owner is not rule:
                raise fail(f"term {term!r} ({literal!r}) is already in rule {owner.id!r} ({owner.where})")

    def _add_pattern(self, rule: Rule, source: str, fail: Callable[[str], TriageError]) -> None:
        if re.search(r"\(\?P|\(\?<[a-zA-Z]|\\[1-9]", source):
            raise fail(f"pattern {source!r}: named groups and back-references are not supported")
        if re.search(r"(?<!\\)\{(?![\d,])", source):
            raise fail(f"pattern {source!r}: '{{' starts a count like {{0,6}}; write alternatives as (a|b)")
        if re.search(r"(?<!\\)[A-Z]", source.replace("\\\\", "")):
            raise fail(f"pattern {source!r}: upper-case letters never match (the text is lower-cased)")
        adapted = adapt_pattern(source)
        try:
            compiled = re.compile(adapted)
        except re.error as exc:
            raise fail(f"pattern {source!r} is not a valid regex: {exc}") from None
        if compiled.match(""):
            raise fail(f"pattern {source!r} matches the empty string")
        self.patterns.append((rule, compiled))


class _Where:
    """Builds error messages that name the file, the line, the rule id and the field."""

    def __init__(self, name: str, entry: _Map) -> None:
        self.name, self.entry, self.rule_id = name, entry, entry.get("id")

    def fail(self, field: str, problem: str, line: int | None = None) -> TriageError:
        line = line or self.entry.lines.get(field, self.entry.line)
        return TriageError(f"{self.name}:{line}: rule {self.rule_id!r}: field {field!r}: {problem}")

    def at(self, field: str, line: int) -> Callable[[str], TriageError]:
        return lambda problem: self.fail(field, problem, line)


def _check_levels(where: _Where, kind: str, entry: _Map) -> None:
    """Findings need a category and a risk; escalators may have both; idioms and negations none."""
    optional = kind == "escalator" and not ("category" in entry or "risk" in entry)
    for field, allowed in (("category", CATEGORIES), ("risk", RISK_LEVELS)):
        if field not in entry:
            if kind == "finding" or (kind == "escalator" and not optional):
                raise where.fail(field, "missing")
            continue
        if kind in ("idiom", "negation"):
            raise where.fail(field, f"{kind}s have no {field}")
        if entry[field] not in allowed:
            raise where.fail(field, f"{entry[field]!r} is not one of {', '.join(allowed)}")


def trie_regex(words: Iterable[str]) -> str:
    """Build a regex matching any of words, shaped as a trie so the scan stays fast.

    Longer words win at the same position. Words that begin (end) with an ASCII letter or digit
    only match at a word boundary, so "od" does not fire inside "method".
    """
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _emit(trie, "", True) or "(?!x)x"


def _emit(node: dict[str, Any], last: str, root: bool) -> str:
    alternatives = []
    for ch in sorted(key for key in node if key):
        piece = re.escape(ch)
        if root and _WORD.match(ch):
            piece += r"(?<![a-z0-9].)"  # after the first char, so the scan's literal fast path stays
        alternatives.append(piece + _emit(node[ch], ch, False))
    if "" in node:
        alternatives.append(r"(?![a-z0-9])" if _WORD.match(last) else "")
    if root or len(alternatives) == 1:
        return "|".join(alternatives)
    return "(?:" + "|".join(alternatives) + ")"


class Hit(NamedTuple):
    """A rule matched at [start, end) of the normalized text."""

    start: int
    end: int
    rule: Rule


@dataclass(frozen=True)
class Scanner:
    """One trie regex of literals plus one alternation of regexes, and the way back to rules."""

    literals: dict[str, Rule]
    literal_regex: re.Pattern[str]
    patterns: tuple[tuple[Rule, re.Pattern[str]], ...]
    pattern_regex: re.Pattern[str] | None

    @classmethod
    def build(cls, literals: dict[str, Rule], patterns: list[tuple[Rule, re.Pattern[str]]]) -> Scanner:
        """Compile the combined regexes once."""
        literal_regex = re.compile(trie_regex(sorted(literals)))
        combined = "|".join(f"(?:{regex.pattern})" for _, regex in patterns)
        return cls(literals, literal_regex, tuple(patterns), re.compile(combined) if patterns else None)

    def scan(self, norm: str) -> list[Hit]:
        """Every non-overlapping match in the normalized text, leftmost first, longest literal first."""
        literals = self.literals
        hits = [Hit(m.start(), m.end(), literals[m.group()]) for m in self.literal_regex.finditer(norm)]
        if self.pattern_regex is not None:
            for match in self.pattern_regex.finditer(norm):
                hits.extend(self._which(norm, match.start()))
        return hits

    def _which(self, norm: str, position: int) -> list[Hit]:
        """The first regex rule matching at position (runs only when the combined regex hit)."""
        for rule, regex in self.patterns:
            match = regex.match(norm, position)
            if match:
                return [Hit(position, match.end(), rule)]
        return []


@dataclass(frozen=True)
class Lexicon:
    """Compiled rules: findings and escalators in one scanner, idioms and negations in another.

    Guards get their own scan so that a finding that starts earlier cannot hide an idiom that
    overlaps it ("i want to die of embarrassment").
    """

    rules: dict[str, Rule]
    findings: Scanner
    guards: Scanner
    languages: frozenset[str] = frozenset()  # the `language:` of the files: what triage reads


def compile_lexicon(files: Iterable[tuple[str, str]]) -> Lexicon:
    """Validate and compile (name, yaml text) pairs; TriageError names the file, line and field."""
    builder = _Builder()
    for name, text in files:
        builder.add_file(name, text)
    scanners = {}
    for guard in (False, True):
        literals = {
            literal: rule for literal, rule in builder.literals.items() if (rule.kind in _GUARDS) == guard
        }
        patterns = [(rule, regex) for rule, regex in builder.patterns if (rule.kind in _GUARDS) == guard]
        scanners[guard] = Scanner.build(literals, patterns)
    return Lexicon(builder.rules, scanners[False], scanners[True], frozenset(builder.languages))
