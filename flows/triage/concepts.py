"""The concept layer: concepts over lemmas (concepts/concepts.yaml), combined by rules (rules.yaml).

A message becomes tokens (flows/triage/analyze.py); each token gets the concepts its lemma (or a
phrase it is part of) belongs to; guards mark words that are figures of speech, resolved past or
about a film; then every rule whose slots all find an unmarked word with the right concept and
grammatical features gives a finding ("睡眠薬" medication + "飲んだ" ingest, done + "30" many).
Nothing here knows a sentence: rules compose concepts, so a wording nobody wrote down still fits.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from pathlib import Path

from flows.triage.analyze import EN_NEGATIONS, JAPANESE, EnglishLemmas, Token, japanese_tokens
from flows.triage.lexicon import trie_regex
from flows.triage.model import TriageError
from flows.triage.normalize import Normalized

_LANGS = ("ja", "en")
_LATIN = re.compile(r"[A-Za-zＡ-Ｚａ-ｚ]{2}")
_SENTENCE_END = re.compile(r"[。．.!?！？\n]")
_NONE: frozenset[str] = frozenset()
_NEGATORS = EN_NEGATIONS | {"ない", "無い", "ず", "ぬ"}  # words that make a phrase negative by themselves
_NUMBER = frozenset({"number"})
_MANY = frozenset({"number", "quantity"})  # "40 tylenol" is an amount, as "the whole bottle" is
_KANJI = re.compile(r"[\u3400-\u9fff]")
_WORDLIKE = re.compile(r"[\w\u3040-\u30ff\u3400-\u9fff]")
_KATAKANA_ONLY = re.compile(r"[\u30a0-\u30ff]{3,}")


@dataclass(frozen=True)
class Slot:
    """One word a rule needs: any of these concepts, with one of feats, without any of without."""

    concepts: frozenset[str]
    feats: frozenset[str]
    without: frozenset[str]

    def fits(self, token: Token) -> bool:
        """Whether token can fill this slot."""
        return (
            not self.concepts.isdisjoint(token.concepts)
            and (not self.feats or not self.feats.isdisjoint(token.feats))
            and self.without.isdisjoint(token.feats)
        )


@dataclass(frozen=True)
class ConceptRule:
    """A combination of slots that means a risk (a rule) or a figure of speech (a guard)."""

    id: str
    risk: str | None
    categories: tuple[str, ...]
    slots: tuple[Slot, ...]
    ordered: bool  # seq: in order, each within gap words of the one before
    gap: int
    sentence: bool  # all slots in one sentence
    unless: frozenset[str]
    mark: str
    where: str

    @cached_property
    def needs(self) -> tuple[frozenset[str], ...]:
        """For each slot, the concepts of which one must be present (for a cheap prefilter)."""
        return tuple(slot.concepts for slot in self.slots)


class Vocabulary:
    """Lemma -> concepts per language, and phrases (lemma sequences) -> concept."""

    def __init__(self) -> None:
        self.single: dict[str, set[str]] = {}
        self.phrases: dict[str, list[tuple[tuple[str, ...], str]]] = {}

    def add(self, lemmas: Sequence[str], concept: str) -> None:
        if len(lemmas) == 1:
            self.single.setdefault(lemmas[0], set()).add(concept)
        else:
            self.phrases.setdefault(lemmas[0], []).append((tuple(lemmas), concept))

    def freeze(self) -> None:
        """Make the lemma sets immutable once loaded, so tagging can share them."""
        self.single = {lemma: frozenset(concepts) for lemma, concepts in self.single.items()}  # type: ignore[misc]

    def tag(self, tokens: list[Token]) -> None:
        """Give each token the concepts of its lemma and of the phrases it is part of."""
        single, phrases = self.single, self.phrases
        for token in tokens:
            token.concepts = single.get(token.lemma) or _NONE  # type: ignore[assignment]
            if "number" in token.feats:
                token.concepts = token.concepts | (_MANY if "many" in token.feats else _NUMBER)
        negated_inside: list[Token] = []
        words = [token.lemma for token in tokens]
        for index, token in enumerate(tokens):
            if token.lemma not in phrases:
                continue
            for lemmas, concept in phrases[token.lemma]:
                end = index + len(lemmas)
                if tuple(words[index:end]) == lemmas:
                    # A phrase is one word: its last token carries the concept and every feature of
                    # the phrase ("not going to hurt myself": negated; "ずっと眠れない": negated).
                    head = tokens[end - 1]
                    for k in range(index, end - 1):
                        head.feats |= tokens[k].feats
                    if not _NEGATORS.isdisjoint(lemmas):
                        negated_inside.append(head)  # the phrase says it itself: 痛くない, "don't wake up"
                    head.concepts = head.concepts | {concept}
        for head in negated_inside:
            head.feats.discard("neg")


class ConceptLayer:
    """The compiled concept files: vocabularies, rules and guards."""

    def __init__(
        self, rules: list[ConceptRule], guards: list[ConceptRule], english: EnglishLemmas,
        learned_gate: frozenset[str] = frozenset(), learned_block: frozenset[str] = frozenset(),
    ) -> None:
        self.rules, self.guards, self._english = rules, guards, english
        self._by_first, self._guards_by_first = _by_first_slot(rules), _by_first_slot(guards)
        self._order = {rule.id: index for index, rule in enumerate(rules)}
        self.learned_gate = learned_gate  # what a message must mention before the learned layer raises it
        self.learned_block = learned_block  # and what keeps it from raising (a wish aimed at someone else)
        self._vocab = {lang: Vocabulary() for lang in _LANGS}
        # Japanese compounds are also found as written, whatever the dictionary's split of the
        # sentence around them ("致死量って" splits as 致死 / 量っ / て).
        self._surfaces: dict[str, set[str]] = {}
        self._surface_regex: re.Pattern[str] | None = None
        self._emoji: dict[str, set[str]] = {}
        self._emoji_regex: re.Pattern[str] | None = None
        self._featured: frozenset[str] | None = None  # lemmas whose grammar is read (set once loaded)

    @classmethod
    def load(cls, directory: Path | None = None) -> ConceptLayer:
        """Load concepts.yaml and rules.yaml (default: the files shipped in the package)."""
        if directory is None:
            folder = resources.files("flows.triage") / "concepts"
            texts = {name: (folder / name).read_text("utf-8") for name in ("concepts.yaml", "rules.yaml")}
            names = {name: f"flows/triage/concepts/{name}" for name in texts}
        else:
            texts = {
                name: (Path(directory) / name).read_text("utf-8") for name in ("concepts.yaml", "rules.yaml")
            }
            names = {name: str(Path(directory) / name) for name in texts}
        from flows.triage.concept_files import compile_concepts  # the loader builds this class

        return compile_concepts(names["concepts.yaml"], texts["concepts.yaml"], names["rules.yaml"],
                                texts["rules.yaml"])  # fmt: skip

    @classmethod
    def empty(cls) -> ConceptLayer:
        """A layer with no concepts and no rules (a lexicon tried on its own)."""
        from flows.triage.concept_files import compile_concepts

        return compile_concepts("concepts.yaml", "concepts: {}\n", "rules.yaml", "rules: []\n")

    def tokens(self, text: str, normalized: Normalized | None = None) -> list[Token]:
        """The message's tokens with their concepts and sentence numbers."""
        tokens: list[Token] = []
        normalized = normalized or Normalized(text)
        if JAPANESE.search(text):
            tagged = japanese_tokens(text, self._featured)
            self._vocab["ja"].tag(tagged)
            self._tag_surfaces(text, tagged)
            tokens += tagged
        if _LATIN.search(text):
            tagged = self._english.tokens(normalized, text)
            self._vocab["en"].tag(tagged)
            tokens += tagged
        if self._emoji_regex is not None and self._emoji_regex.search(text):
            tokens += self._emoji_tokens(text)
        if not tokens:
            return tokens
        tokens.sort(key=lambda token: token.start)
        ends = [match.end() for match in _SENTENCE_END.finditer(text)]
        for token in tokens:
            token.sentence = bisect.bisect_right(ends, token.start)
        return tokens

    def findings(
        self, text: str, normalized: Normalized | None = None, shared: Sequence[tuple[int, int]] = ()
    ) -> tuple[list[tuple[ConceptRule, list[Token]]], list[tuple[int, int]], set[str]]:
        """The rules that fire on text with the words they used, the spans guards marked, and the
        concepts found on words no guard marked.

        shared: spans of the original text the lexicon's idioms and negations guard ("死にたい
        わけじゃない", "die of embarrassment"); words there satisfy no concept rule either.
        """
        tokens = self.tokens(text, normalized)
        where: dict[str, list[int]] = {}
        for index, token in enumerate(tokens):
            for concept in token.concepts:
                where.setdefault(concept, []).append(index)
        present = set(where)
        if not present:
            return [], [], present
        guarded = {
            index for index, token in enumerate(tokens)
            if any(start < token.end and token.start < end for start, end in shared)
        }  # fmt: skip
        fired = []
        for guard in {
            guard.id: guard for concept in present for guard in self._guards_by_first.get(concept, ())
        }.values():
            if _possible(guard, present) and guard.unless.isdisjoint(present):
                for match in _matches(guard, tokens, frozenset(), True, where):
                    guarded.update(_marked(guard, tokens, match))
                    if guard.risk is not None:
                        fired.append((guard, [tokens[index] for index in match]))
        live = present
        if guarded:
            live = {c for index, token in enumerate(tokens) if index not in guarded for c in token.concepts}
        candidates = {rule.id: rule for concept in live for rule in self._by_first.get(concept, ())}
        for rule in sorted(candidates.values(), key=lambda rule: self._order[rule.id]):
            if _possible(rule, live) and rule.unless.isdisjoint(present):
                for match in _matches(rule, tokens, frozenset(guarded), False, where):
                    fired.append((rule, [tokens[index] for index in match]))
        spans = [(tokens[index].start, tokens[index].end) for index in sorted(guarded)]
        return fired, spans, live

    def _tag_surfaces(self, text: str, tokens: list[Token]) -> None:
        """Words found as written in the original text (katakana stays katakana: イブ is not in ライブ)."""
        if self._surface_regex is None or not tokens:
            return
        for match in self._surface_regex.finditer(text):
            start, end = match.span()
            inside = [token for token in tokens if token.start < end and start < token.end]
            concepts = self._surfaces[match.group()]
            if inside and not concepts <= inside[-1].concepts:  # not already read through the lemmas
                head = inside[-1]
                for token in inside[:-1]:
                    head.feats |= token.feats
                head.concepts = head.concepts | concepts
                if match.group().endswith(("た", "だ")):
                    head.feats |= {"past", "done"}  # =のんだ, =降りた: the form says it is done

    def _emoji_tokens(self, text: str) -> list[Token]:
        """Emoji are words too (💊, 👋, 🩸): people in crisis sometimes write nothing else."""
        assert self._emoji_regex is not None
        emoji = self._emoji
        return [
            Token(found.group(), found.start(), found.end(), 0, set(), frozenset(emoji[found.group()]))
            for found in self._emoji_regex.finditer(text)
        ]

    def _add_vocabulary(self, lang: str, entry: str, concept: str) -> list[str]:
        if lang == "ja" and entry.startswith("="):
            return [entry] if self._add_surface(entry, concept) else []
        if not _WORDLIKE.search(entry):  # an emoji, in either language's list
            self._emoji.setdefault(entry, set()).add(concept)
            return [entry]
        if lang == "ja":
            lemmas = [token.lemma for token in japanese_tokens(entry)]
        else:
            lemmas = [token.lemma for token in self._english.tokens(Normalized(entry), entry)]
        if lemmas:
            self._vocab[lang].add(lemmas, concept)
        surface = unicodedata.normalize("NFKC", entry)
        compound = _KANJI.search(surface) and len(surface) >= 2
        if lang == "ja" and (compound or _KATAKANA_ONLY.fullmatch(surface)):
            # Compounds as written; katakana names of three or more (イブ would be found in ライブ).
            self._surfaces.setdefault(surface, set()).add(concept)
        return lemmas

    def _add_surface(self, entry: str, concept: str) -> bool:
        """An entry written `=いった`: found as typed, in kana, wherever the dictionary splits it."""
        surface = unicodedata.normalize("NFKC", entry[1:])
        if len(surface) < 3:
            return False
        self._surfaces.setdefault(surface, set()).add(concept)
        return True

    def _load_vocabulary(self, name: str, sources: Iterable[dict[str, dict[str, list[str]]]]) -> None:
        """Read every word of every concept through its language's analyzer, once, at load."""
        for source in sources:
            for concept, languages in source.items():
                for lang, words in languages.items():
                    for word in words:
                        if not self._add_vocabulary(lang, word, concept):
                            raise TriageError(
                                f"{name}: concept {concept!r}: {lang} word {word!r} has no word in it"
                            )
        self._compile_surfaces()
        for vocabulary in self._vocab.values():
            vocabulary.freeze()

    def _compile_surfaces(self) -> None:
        emoji = sorted(self._emoji, key=len, reverse=True)  # 🚶‍♀️ before 🚶
        self._emoji_regex = re.compile("|".join(map(re.escape, emoji))) if emoji else None
        vocab = self._vocab["ja"]
        self._featured = frozenset(vocab.single) | {
            lemma for phrases in vocab.phrases.values() for lemmas, _ in phrases for lemma in lemmas
        }
        self._surface_regex = re.compile(trie_regex(sorted(self._surfaces))) if self._surfaces else None


def _by_first_slot(rules: list[ConceptRule]) -> dict[str, list[ConceptRule]]:
    """A rule can fire only if a concept of its first slot is present: rules by those concepts."""
    index: dict[str, list[ConceptRule]] = {}
    for rule in rules:
        for concept in rule.slots[0].concepts:
            index.setdefault(concept, []).append(rule)
    return index


def _possible(rule: ConceptRule, present: set[str]) -> bool:
    return all(not needed.isdisjoint(present) for needed in rule.needs)


def _matches(
    rule: ConceptRule,
    tokens: list[Token],
    guarded: frozenset[int],
    every: bool,
    where: dict[str, list[int]],
) -> Iterable[list[int]]:
    """Token indices filling the rule's slots: one match, or every match (for guards).

    where: for each concept, the indices of the tokens that have it (built once per message).
    """
    candidates = []
    for slot in rule.slots:
        indices = sorted({index for concept in slot.concepts for index in where.get(concept, ())})
        candidates.append([i for i in indices if i not in guarded and slot.fits(tokens[i])])
    if not all(candidates):
        return
    if rule.ordered:
        yield from _ordered(rule, candidates, every)
        return
    groups = sorted({tokens[index].sentence for index in candidates[0]}) if rule.sentence else [None]
    for group in groups:
        pool = candidates if group is None else [
            [index for index in options if tokens[index].sentence == group] for options in candidates
        ]  # fmt: skip
        chosen = _distinct(pool)
        if chosen is not None:
            yield chosen
            if not every:
                return


def _distinct(candidates: list[list[int]]) -> list[int] | None:
    """One different token per slot (scarcest slots choose first), or None."""
    order = sorted(range(len(candidates)), key=lambda slot: len(candidates[slot]))
    chosen: dict[int, int] = {}
    used: set[int] = set()
    for slot in order:
        pick = next((index for index in candidates[slot] if index not in used), None)
        if pick is None:
            return None
        chosen[slot] = pick
        used.add(pick)
    return [chosen[slot] for slot in range(len(candidates))]


def _ordered(rule: ConceptRule, candidates: list[list[int]], every: bool) -> Iterable[list[int]]:
    for first in candidates[0]:
        path = [first]
        for options in candidates[1:]:
            following = next((i for i in options if path[-1] < i <= path[-1] + rule.gap + 1), None)
            if following is None:
                break
            path.append(following)
        else:
            yield path
            if not every:
                return


def _marked(guard: ConceptRule, tokens: list[Token], match: list[int]) -> Iterable[int]:
    if guard.mark == "matched":
        return match
    if guard.mark == "between":
        return range(min(match), max(match) + 1)
    sentences = {tokens[index].sentence for index in match}
    return (index for index, token in enumerate(tokens) if token.sentence in sentences)
