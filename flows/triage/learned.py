"""The learned layer: a linear model over character n-grams, trained on the project's labelled sets.

Rules say what they know; people say it in ways nobody wrote a rule for. This layer was trained
(flows/triage/train.py) on the messages of tests/flows/triage/*.jsonl, written by people who never
saw the rules, and it only ever RAISES a message's band: to high when its probability of high or
imminent risk reaches the threshold chosen by cross-validation, to imminent when the imminent model
agrees too. It never lowers what the lexicon or the concepts found.

Features are the character n-grams (1 to 4) of each whitespace-separated piece of the text after
NFKC and lower case, padded with a space at both ends, weighted by sublinear tf-idf and scaled to
unit length: Japanese needs no word splitting for this, and "kms" or "タヒ" need no rule. The
model file holds the vocabulary, the idf, the weights of three models (high+, imminent, category),
the thresholds and what it was trained on; it is plain JSON, read once per process, and inference
is a dictionary lookup per n-gram: no numpy, no download at run time.

A finding names the n-grams that weighed most, so a counselor can see why ("learned.high").
"""

from __future__ import annotations

import base64
import gzip
import json
import math
import re
import sys
import unicodedata
from array import array
from collections import Counter
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from flows.triage.model import CATEGORIES, TriageError, risk_rank

MODEL_FILE = "learned.json.gz"
SURE = 0.85  # the imminent probability that raises a message the rules found below high to imminent
# Punctuation is read as a space, and an n-gram counts only if it holds a letter, digit, kana,
# kanji or emoji: a full stop or the space between words says how someone types, not what they say
# ("もう疲れた" and "もう疲れた。" alike).
_PUNCTUATION = {cp: " " for cp in range(0x10000) if unicodedata.category(chr(cp)).startswith("P")}
_WORDLIKE = re.compile(r"[^\s\W_]|[\U0001F000-\U0001FFFF\u2600-\u27BF]")


def _fold(text: str) -> str:
    """NFKC, lower case, punctuation to spaces (the same length as NFKC + lower)."""
    return unicodedata.normalize("NFKC", text).lower().translate(_PUNCTUATION)
NGRAM_MIN, NGRAM_MAX = 1, 4


def ngrams(text: str) -> list[tuple[str, int]]:
    """The n-grams of a text with where each starts in its NFKC, lower-cased form."""
    folded = _fold(text)
    grams: list[tuple[str, int]] = []
    position = 0
    for piece in folded.split():
        at = folded.index(piece, position)
        position = at + len(piece)
        padded = f" {piece} "
        for size in range(NGRAM_MIN, NGRAM_MAX + 1):
            grams += [(padded[i : i + size], at + i - 1) for i in range(len(padded) - size + 1)]
    return [(gram, at) for gram, at in grams if _WORDLIKE.search(gram)]


def analyzer(text: str) -> list[str]:
    """The n-grams alone (the fast path; the training script gives this to scikit-learn)."""
    grams: list[str] = []
    for piece in _fold(text).split():
        padded = f" {piece} "
        for size in range(NGRAM_MIN, NGRAM_MAX + 1):
            grams += [padded[i : i + size] for i in range(len(padded) - size + 1)]
    return [gram for gram in grams if _WORDLIKE.search(gram)]


@dataclass(frozen=True, slots=True)
class Verdict:
    """What the learned layer says of one message."""

    high: float  # probability of high or imminent risk
    imminent: float  # probability of imminent risk
    category: str | None  # the likeliest category, when the model is sure enough of one
    risk: str  # "high" or "imminent"
    span: tuple[int, int]  # where the n-grams that weighed most are, in the original text


class LearnedLayer:
    """The model file, loaded once; assess() is pure Python."""

    def __init__(self, document: dict[str, Any], name: str = MODEL_FILE) -> None:
        try:
            self._grams: list[str] = document["features"]
            self.features: dict[str, int] = {gram: index for index, gram in enumerate(self._grams)}
            self._idf: list[float] = document["idf"]
            size = len(self._grams)
            self._high = _Linear(document["models"]["high"], size)
            self._imminent = _Linear(document["models"]["imminent"], size)
            self._categories = [
                (category, _Linear(model, size)) for category, model in document["categories"].items()
            ]
            self.thresholds: dict[str, float] = document["thresholds"]
            self.trained_on: dict[str, str] = document["trained_on"]
            self.cross_validation: dict[str, Any] = document.get("cross_validation", {})
        except (KeyError, TypeError, ValueError) as error:
            raise TriageError(f"{name}: not a learned triage model ({error})") from None
        # The first question of every message in one dictionary lookup per n-gram: (idf, weight).
        self._first = {gram: (self._idf[i], self._high.weights[i]) for gram, i in self.features.items()}
        unknown = [category for category, _ in self._categories if category not in CATEGORIES]
        if unknown or len(self._idf) != len(self.features):
            raise TriageError(f"{name}: unknown categories {unknown} or idf of the wrong length")

    @classmethod
    def load(cls, path: Path | None = None) -> LearnedLayer:
        """The shipped model (flows/triage/learned.json.gz), or the one at path."""
        if path is None:
            data = (resources.files("flows.triage") / MODEL_FILE).read_bytes()
            name = f"flows/triage/{MODEL_FILE}"
        else:
            data, name = Path(path).read_bytes(), str(path)
        try:
            document = json.loads(gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data)
        except (ValueError, OSError, EOFError) as error:
            raise TriageError(f"{name}: not a learned triage model ({error})") from None
        return cls(document, name)

    def high(self, text: str) -> float:
        """The probability of high or imminent risk, in one pass (the same as through vector())."""
        first = self._first
        norm = score = 0.0
        for gram, count in Counter(analyzer(text)).items():
            known = first.get(gram)
            if known is not None:
                value = known[0] if count == 1 else (1.0 + math.log(count)) * known[0]
                norm += value * value
                score += value * known[1]
        return _sigmoid(self._high.intercept + (score / math.sqrt(norm) if norm else 0.0))

    def vector(self, text: str) -> dict[int, float]:
        """The unit-length tf-idf vector of a text, by feature index."""
        features, idf = self.features, self._idf
        vector: dict[int, float] = {}
        for gram, count in Counter(analyzer(text)).items():
            index = features.get(gram)
            if index is not None:
                vector[index] = (1.0 + math.log(count)) * idf[index]
        norm = math.sqrt(sum(value * value for value in vector.values())) or 1.0
        return {index: value / norm for index, value in vector.items()}

    def assess(self, text: str, above: str = "low") -> Verdict | None:
        """The band the model reaches when it is above `above`, with its category and words; else None.

        Only what can raise the band is computed: most messages cost one dot product.
        """
        high = self.high(text) if above != "imminent" else 0.0
        if high < self.thresholds["high"]:
            return None
        vector = self.vector(text)
        imminent = self._imminent.probability(vector)
        # Imminent on top of what the rules call high; from below that, only when the model is sure.
        bar = self.thresholds["imminent"] if above == "high" else max(self.thresholds["imminent"], SURE)
        risk = "imminent" if imminent >= bar else "high"
        if risk_rank(risk) <= risk_rank(above):
            return None
        best, category = max((model.probability(vector), category) for category, model in self._categories)
        category = category if best >= self.thresholds["category"] else None
        return Verdict(high, imminent, category, risk, self._span(text, vector))

    def _span(self, text: str, vector: dict[int, float]) -> tuple[int, int]:
        """From the first to the last of the three n-grams that pushed hardest toward high risk."""
        if len(_fold(text)) != len(text):
            return 0, len(text)  # the folded text is longer or shorter: show all of it
        weights = self._high.weights
        pushing = sorted((i for i in vector if weights[i] > 0), key=lambda i: vector[i] * weights[i])
        top = {self._grams[index] for index in pushing[-3:]}
        places = [(at + gram.startswith(" "), len(gram.strip())) for gram, at in ngrams(text) if gram in top]
        if not places:
            return 0, len(text)
        start = max(0, min(begin for begin, _ in places))
        end = min(len(text), max(begin + size for begin, size in places))
        while start > 0 and text[start - 1].isascii() and text[start - 1].isalnum():
            start -= 1  # whole English words: "rope", not "ope"
        while end < len(text) and text[end].isascii() and text[end].isalnum():
            end += 1
        return (start, end) if start < end else (0, len(text))


class _Linear:
    """A logistic regression: its weights by feature index (float32), and its intercept."""

    __slots__ = ("weights", "intercept")

    def __init__(self, model: dict[str, Any], size: int) -> None:
        self.weights = array("f", base64.b64decode(model["weights"]))
        if sys.byteorder != "little":
            self.weights.byteswap()
        if len(self.weights) != size:
            raise ValueError(f"{len(self.weights)} weights for {size} features")
        self.intercept: float = model["intercept"]

    def probability(self, vector: dict[int, float]) -> float:
        weights = self.weights
        return _sigmoid(self.intercept + sum(value * weights[index] for index, value in vector.items()))


def _sigmoid(score: float) -> float:
    return 1.0 / (1.0 + math.exp(-score)) if score > -500 else 0.0
