"""The learned layer: trained on the current sets, only ever raising, explained, and validated."""

from __future__ import annotations

import gzip
import hashlib
import json
import math
from pathlib import Path

import pytest

from flows.triage import Triage, risk_rank
from flows.triage.concept_files import compile_concepts
from flows.triage.learned import SURE, LearnedLayer, ngrams
from flows.triage.model import TriageError
from flows.triage.train import HELD_OUT, SETS

HERE = Path(__file__).parent
CONCEPTS = Path(__file__).parents[3] / "flows" / "triage" / "concepts"


@pytest.fixture(scope="module")
def learned() -> LearnedLayer:
    return LearnedLayer.load()


@pytest.fixture(scope="module")
def both() -> tuple[Triage, Triage]:
    """The shipped triage, and the same lexicon and concepts without the learned layer."""
    full = Triage.load()
    return full, Triage(full._lexicon, full._concepts, None)


def test_the_model_was_trained_on_the_sets_as_they_are_now(learned: LearnedLayer) -> None:
    """Edit a labelled set and this fails until `python -m flows.triage.train` is run again."""
    current = {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(SETS.glob("*.jsonl"))
        if path.name not in HELD_OUT
    }
    assert learned.trained_on == current
    assert HELD_OUT.isdisjoint(learned.trained_on), "a held-out set must never be trained on"
    assert {path.name for path in SETS.glob("*.jsonl")} >= HELD_OUT


def test_cross_validated_figures_travel_with_the_model(learned: LearnedLayer) -> None:
    figures = learned.cross_validation
    assert figures["raised"] <= 0.05 and figures["high_recall"] > 0.5 and figures["messages"] > 2000
    assert 0.5 <= learned.thresholds["high"] < 1 and 0 < learned.thresholds["imminent"] < 1


@pytest.mark.parametrize("name", ["blind_eval_7.jsonl", "blind_eval_8.jsonl", "dev_eval_oblique.jsonl"])
def test_it_only_ever_raises(both: tuple[Triage, Triage], name: str) -> None:
    """Never below what the lexicon and the concepts found, on every message of a set."""
    full, rules_only = both
    rows = [json.loads(line) for line in (HERE / name).read_text("utf-8").splitlines() if line.strip()]
    raised = 0
    for row in rows:
        with_model, without = full.assess(row["text"]), rules_only.assess(row["text"])
        assert risk_rank(with_model.risk) >= risk_rank(without.risk), row["id"]
        assert set(without.categories) <= set(with_model.categories) | {"other"}, row["id"]
        raised += with_model.risk != without.risk
    assert raised > 0  # the layer is on: it raised some message of each set


def test_a_raise_names_its_probability_and_the_words(both: tuple[Triage, Triage]) -> None:
    """A message the rules read lower but the model reads higher says why, in the person's words."""
    full, rules_only = both
    lines = (HERE / "dev_eval_oblique.jsonl").read_text("utf-8").splitlines()
    texts = [json.loads(line)["text"] for line in lines if line]
    raised = [text for text in texts if full.assess(text).risk != rules_only.assess(text).risk]
    assert len(raised) >= 5
    for text in raised:
        result = full.assess(text)
        reason = next(r for r in result.reasons if r.rule.startswith("learned."))
        assert reason.risk == result.risk and reason.rule.startswith(f"learned.{result.risk}[p=0.")
        probability = float(reason.rule[len(f"learned.{result.risk}[p=") : -1])
        assert full._learned.thresholds[result.risk] <= probability <= 1
        assert 0 <= reason.start < reason.end <= len(text)
        assert text[reason.start : reason.end] == reason.match


@pytest.mark.parametrize(
    "text",
    [
        "hello", "thank you", "こんばんは、相談してもいいですか", "He hit the ball. We won.",
        "I'm trapped in traffic. Be home soon.", "My mom touched my hair. It looks nice.", "もう疲れた。",
        "疲れ切ってる",
    ],
)
def test_ordinary_messages_stay_below_high(both: tuple[Triage, Triage], text: str) -> None:
    """The gate: a message with no concept of learned_gate is left to the rules alone."""
    full, _ = both
    assert risk_rank(full.assess(text).risk) < risk_rank("high"), text


def test_imminent_from_below_high_needs_a_sure_model(both: tuple[Triage, Triage]) -> None:
    """On top of the rules' high, the imminent threshold; from below, the model must be sure."""
    full, rules_only = both
    learned = full._learned
    raised_from_below = 0
    for name in ("blind_eval_7.jsonl", "dev_eval_oblique.jsonl"):
        for line in (HERE / name).read_text("utf-8").splitlines():
            text = json.loads(line)["text"]
            below = rules_only.assess(text).risk not in ("high", "imminent")
            if below and full.assess(text).risk == "imminent":
                assert learned._imminent.probability(learned.vector(text)) >= SURE, text
                raised_from_below += 1
    assert raised_from_below  # the path is taken ("踏切の前で３本見送った　次で行く")


def test_the_gate_must_name_concepts() -> None:
    rules = (CONCEPTS / "rules.yaml").read_text("utf-8")
    concepts = (CONCEPTS / "concepts.yaml").read_text("utf-8")
    broken = rules.replace("learned_gate: [death,", "learned_gate: [deth,", 1)
    with pytest.raises(TriageError, match=r"rules.yaml:\d+: learned_gate: unknown concepts deth"):
        compile_concepts("concepts.yaml", concepts, "rules.yaml", broken)
    assert compile_concepts("concepts.yaml", concepts, "rules.yaml", rules).learned_gate


def test_vectors_are_unit_length_and_ngrams_point_into_the_text(learned: LearnedLayer) -> None:
    text = "ＯＤしちゃった… もう  遅い"
    vector = learned.vector(text)
    assert math.isclose(math.sqrt(sum(v * v for v in vector.values())), 1.0, rel_tol=1e-9)
    folded = "odしちゃった... もう  遅い"
    for gram, at in ngrams(text):
        stripped = gram.strip()
        begin = at + (gram[0] == " ")
        assert folded[begin : begin + len(stripped)] == stripped or not stripped
    assert learned.vector("") == {}


def test_the_one_pass_probability_is_the_model_s(learned: LearnedLayer) -> None:
    """high() (what every message pays) equals the probability through the full vector."""
    lines = (HERE / "blind_eval_9.jsonl").read_text("utf-8").splitlines()
    for text in [json.loads(line)["text"] for line in lines if line][:60] + ["", "ok"]:
        assert math.isclose(learned.high(text), learned._high.probability(learned.vector(text)), abs_tol=1e-9)


def test_a_broken_model_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "learned.json.gz"
    path.write_bytes(gzip.compress(b'{"features": ["a"], "idf": [1.0]}'))
    with pytest.raises(TriageError, match="learned.json.gz: not a learned triage model"):
        LearnedLayer.load(path)
    path.write_bytes(b"not json at all")
    with pytest.raises(TriageError, match="learned.json.gz"):
        LearnedLayer.load(path)
