"""Unit tests of the triage package: normalization, spans, guards, results, lexicon validation."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from flows.triage import CATEGORIES, RISK_LEVELS, Reason, Triage, TriageError, TriageResult, risk_rank
from flows.triage.lexicon import expand_term
from flows.triage.normalize import Normalized, adapt_pattern, normalize


@pytest.fixture(scope="module")
def triage() -> Triage:
    """The shipped lexicons, loaded once."""
    return Triage.load()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ＳＨＩＮＩＴＡＩ１２３", "shinitai123"),  # full width to half width, lower case
        ("ｼﾆﾀｲ", "しにたい"),  # half-width katakana
        ("シニタイ", "しにたい"),  # katakana to hiragana
        ("ｶﾞｯｺｳ", "がっこう"),  # half-width dakuten composes with its kana
        ("しにたーーーい", "しにたい"),  # long-vowel marks
        ("死にたいいいいい", "死にたい"),  # repeated characters
        ("soooo   tired", "so tired"),  # repeated letters and spaces
        ("k i l l  m y s e l f", "kilmyself"),  # letters typed with spaces
        ("I don’t", "i don't"),  # curly apostrophe
        ("line\nbreak\tand\u3000space", "line break and space"),
        ("10000円", "10000円"),  # digits are not collapsed
    ],
)
def test_normalize_folds_width_kana_repeats(text: str, expected: str) -> None:
    """Normalization makes variants people type compare equal."""
    assert normalize(text) == expected


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("ねえ、ｼﾆﾀｲよ", "ｼﾆﾀｲ"),
        ("あのね しにたーーーーい", "しにたーーーーい"),
        ("ＯＫ…死にたいいいい！", "死にたいいいい"),
        ("ok so I WANNNNT TO DIEEE lol", "WANNNNT TO DIEEE"),
        ("㍻生まれ、消えたい", "消えたい"),
    ],
)
def test_reason_span_points_at_the_original_text(triage: Triage, text: str, match: str) -> None:
    """Reason.match is the original substring and start/end index the original text."""
    result = triage.assess(text)
    reason = next(reason for reason in result.reasons if reason.category == "suicide")
    assert reason.match == match
    assert text[reason.start : reason.end] == match


def test_original_span_maps_through_every_stage() -> None:
    """Expansions, joins and collapses all map back to the right original offsets."""
    original = "…ｶﾞｯｺｳ  k i l l"
    normalized = Normalized(original)
    assert normalized.text == "...がっこう kil".replace("...", ".")
    start = normalized.text.index("がっこう")
    assert normalized.original_span(start, start + 4) == (1, 6)
    start = normalized.text.index("kil")
    assert original[slice(*normalized.original_span(start, start + 3))] == "k i l l"


def test_negation_drops_only_the_negated_finding(triage: Triage) -> None:
    """'死にたいわけじゃない' is not a finding, but 消えたい in the same message still is."""
    assert triage.assess("死にたいわけじゃない").risk == "low"
    result = triage.assess("死にたいわけじゃないけど消えたい")
    assert result.risk == "high"
    assert {reason.match for reason in result.reasons} == {"消えたい"}  # lexicon and concept layer agree


def test_idiom_overlapping_an_earlier_finding_is_still_suppressed(triage: Triage) -> None:
    """Guards are scanned separately, so a finding that starts first cannot hide an idiom."""
    assert triage.assess("i want to die of embarrassment").risk == "low"
    assert triage.assess("恥ずかしくて死にたい").risk == "low"
    assert triage.assess("i want to die").risk == "high"


def test_escalator_alone_is_nothing_but_with_ideation_is_imminent(triage: Triage) -> None:
    """'tonight' says nothing alone; with ideation it makes the message imminent and says why."""
    assert triage.assess("see you tonight").risk == "low"
    result = triage.assess("i want to die tonight")
    assert result.risk == "imminent"
    assert {(reason.rule, reason.risk) for reason in result.reasons} >= {
        ("en.suicide.ideation", "high"),
        ("en.escalator.timing", "imminent"),
    }


def test_harassment_of_others_is_not_suicidality(triage: Triage) -> None:
    """'あいつ死ねばいいのに' and 'kys' are moderate 'other', never suicide."""
    for text in ("あいつ死ねばいいのに", "kys", "死ね"):
        result = triage.assess(text)
        assert result.risk == "moderate" and "suicide" not in result.categories, text


def test_assess_never_raises_on_any_string(triage: Triage) -> None:
    """Random code points, lone surrogates, huge and empty strings all give a result."""
    rng = random.Random(7)
    samples = ["", " ", "\ud800", "\x00" * 10, "死" * 10_000, "ﾞﾟ゛", "e\u0301\u0301", "🏳️‍🌈" * 50]
    samples += ["".join(chr(rng.randrange(0x110000)) for _ in range(rng.randrange(60))) for _ in range(300)]
    for text in samples:
        result = triage.assess(text, "xx")
        assert result.risk in RISK_LEVELS
        for reason in result.reasons:
            assert text[reason.start : reason.end] == reason.match


def test_risk_rank_orders_levels_and_rejects_unknown() -> None:
    """risk_rank is 0..3 in RISK_LEVELS order; anything else is a ValueError."""
    assert [risk_rank(level) for level in RISK_LEVELS] == [0, 1, 2, 3]
    with pytest.raises(ValueError, match="unknown risk level"):
        risk_rank("severe")


def test_merge_never_lowers_and_unions() -> None:
    """merge keeps the higher risk, categories in vocabulary order, reasons without duplicates."""
    high = TriageResult.from_signal("intake.asq.yes", "high", ["suicide"], "yes")
    low = TriageResult("low", ("work", "loneliness"), ())
    for merged in (high.merge(low), low.merge(high)):
        assert merged.risk == "high"
        assert merged.categories == ("loneliness", "suicide", "work")
    assert high.merge(high).reasons == high.reasons
    assert TriageResult.empty().merge(TriageResult.empty()) == TriageResult.LOW


def test_from_signal_builds_an_answer_reason() -> None:
    """An intake answer becomes a result with reasons at offset -1 and JSON as the contract says."""
    result = TriageResult.from_signal("intake.plan", "imminent", ["self_harm", "suicide"], "はい")
    assert result.categories == ("suicide", "self_harm")
    assert all(reason.start == reason.end == -1 for reason in result.reasons)
    assert result.to_json()["reasons"][0] == {
        "rule": "intake.plan", "category": "suicide", "risk": "imminent",
        "match": "はい", "start": -1, "end": -1,
    }  # fmt: skip
    with pytest.raises(ValueError):
        TriageResult.from_signal("x", "imminent", ["nope"], "")
    with pytest.raises(ValueError):
        TriageResult.from_signal("x", "urgent", ["suicide"], "")


def test_result_json_shape(triage: Triage) -> None:
    """to_json has exactly risk, categories and reasons; categories are in vocabulary order."""
    data = triage.assess("寂しいし、お金がない。死にたい").to_json()
    assert set(data) == {"risk", "categories", "reasons"}
    assert data["categories"] == sorted(data["categories"], key=CATEGORIES.index)
    assert isinstance(Reason("r", None, "low", "", -1, -1).to_json(), dict)


def test_expand_term_alternatives_and_optional_parts() -> None:
    """'{a|b}' expands to alternatives and '{|x}' to an optional part."""
    assert expand_term("{死|し}にたい{|よ}") == ["死にたい", "死にたいよ", "しにたい", "しにたいよ"]


def test_adapt_pattern_matches_the_normalized_text() -> None:
    """Patterns are written naturally (katakana, 'kill') and adapted to the normalized text."""
    assert adapt_pattern("(ロープ|kill)") == "(?:ろぷ|kil)"
    assert adapt_pattern(r"(?!x)\bcall") == r"(?!x)\bcal"


VALID = """
rules:
  - id: t.one
    category: suicide
    risk: high
    terms: ["死にたい"]
"""


@pytest.mark.parametrize(
    ("text", "pieces"),
    [
        (VALID + "    oops: 1\n", ["t.one", "field 'oops'", ":7:"]),
        (VALID.replace("suicide", "sadness"), ["t.one", "field 'category'", "'sadness'", ":4:"]),
        (VALID.replace("high", "urgent"), ["t.one", "field 'risk'", ":5:"]),
        (VALID.replace("    risk: high\n", ""), ["t.one", "field 'risk'", "missing"]),
        (
            VALID.replace('terms: ["死にたい"]', 'patterns: ["(unclosed"]'),
            ["t.one", "field 'patterns'", "missing ), unterminated subpattern", ":6:"],
        ),
        (VALID.replace('terms: ["死にたい"]', 'patterns: ["{a|b}"]'), ["t.one", "field 'patterns'", "(a|b)"]),
        (VALID.replace('terms: ["死にたい"]', 'patterns: ["Kill"]'), ["t.one", "upper-case"]),
        (VALID.replace('terms: ["死にたい"]', "terms: []"), ["t.one", "needs terms or patterns"]),
        (VALID + VALID.replace("rules:\n", ""), ["t.one", "duplicate rule id", ":8:", ":3)"]),
        (
            VALID + VALID.replace("rules:\n", "").replace("t.one", "t.two"),
            ["t.two", "already in rule 't.one'"],
        ),
        (VALID.replace("    category: suicide\n", ""), ["t.one", "field 'category'", "missing"]),
        (VALID.replace("  - id: t.one\n    category", "  - category"), ["None", "field 'id'", ":3:"]),
        ("rules: [\n", ["not valid YAML", "line"]),
        ("ruels: []\n", ["unknown section 'ruels'", ":1:"]),
        (
            "idioms:\n  - id: t.idiom\n    risk: low\n    terms: [x]\n",
            ["t.idiom", "idioms have no risk", ":3:"],
        ),
    ],
)
def test_lexicon_errors_name_file_line_rule_and_field(tmp_path: Path, text: str, pieces: list[str]) -> None:
    """A broken lexicon file raises TriageError naming the file, the line, the rule and the field."""
    (tmp_path / "broken.yaml").write_text(text, "utf-8")
    with pytest.raises(TriageError) as error:
        Triage.load(tmp_path)
    message = str(error.value)
    assert "broken.yaml" in message
    for piece in pieces:
        assert piece in message, message


def test_load_from_a_directory(tmp_path: Path) -> None:
    """Triage.load(directory) uses exactly the files there."""
    (tmp_path / "mini.yaml").write_text(VALID, "utf-8")
    triage = Triage.load(tmp_path)
    assert triage.rule_count == 1
    assert triage.assess("死にたーーい").risk == "high"
    assert triage.assess("i want to die").risk == "low"


def test_a_term_and_a_pattern_on_the_same_span_do_not_break(tmp_path: Path) -> None:
    """Two rules matching exactly the same span both explain the result (and nothing raises)."""
    (tmp_path / "twice.yaml").write_text(
        VALID + "  - id: t.pattern\n    category: loneliness\n    risk: moderate\n"
        "    patterns: ['死にたい']\n",
        "utf-8",
    )
    result = Triage.load(tmp_path).assess("死にたい")
    assert result.risk == "high"
    assert {reason.rule for reason in result.reasons} == {"t.one", "t.pattern"}
