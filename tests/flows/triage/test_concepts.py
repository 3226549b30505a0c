"""The concept layer: lemmas and features, composition of concepts, shared guards, validation."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.triage import Triage, TriageError
from flows.triage.analyze import japanese_tokens
from flows.triage.concept_files import compile_concepts
from flows.triage.concepts import ConceptLayer

SHIPPED = Path(__file__).parents[3] / "flows" / "triage" / "concepts"


@pytest.fixture(scope="module")
def triage() -> Triage:
    """The shipped lexicons and concept files, loaded once."""
    return Triage.load()


@pytest.fixture(scope="module")
def layer() -> ConceptLayer:
    """The shipped concept files alone."""
    return ConceptLayer.load()


def _feats(text: str, lemma: str) -> set[str]:
    return next(token.feats for token in japanese_tokens(text) if token.lemma == lemma)


@pytest.mark.parametrize(
    ("text", "lemma", "present", "absent"),
    [
        ("さっき睡眠薬を飲んだ", "飲む", {"done", "past"}, {"neg"}),
        ("薬をのんじゃった", "飲む", {"done", "perfective"}, set()),
        ("薬いっぱい飲んだらどうなるかな", "飲む", {"conditional"}, {"done"}),  # "if I took"
        ("ロープはもう結んである", "結ぶ", {"resultative", "done"}, set()),
        ("しにたい", "死ぬ", {"desire"}, set()),
        ("明日が来なければいいのに", "来る", {"neg", "wish"}, set()),
        ("壁に頭を打ちつけないと落ち着かない", "打ち付ける", {"must"}, {"neg"}),  # a need, not "I don't"
        ("首をしめられた", "湿る", {"passive", "done"}, set()),  # the dictionary's lemma, read consistently
        ("死んでほしい", "死ぬ", {"want_other"}, {"desire"}),
    ],
)
def test_japanese_features_come_from_the_auxiliaries(
    text: str, lemma: str, present: set, absent: set
) -> None:
    """Conjugations are read, not typed: past, perfective, resultative, desire, wish, need."""
    feats = _feats(text, lemma)
    assert present <= feats and not absent & feats, feats


def test_net_slang_is_rewritten_before_the_dictionary() -> None:
    """タヒ and 氏ね are 死; the token still points at what the person typed."""
    text = "もうタヒにたい"
    token = next(token for token in japanese_tokens(text) if token.lemma == "死ぬ")
    assert "desire" in token.feats and text[token.start : token.end].startswith("タヒ")


@pytest.mark.parametrize(
    ("text", "risk"),
    [
        ("明日氏ぬ", "imminent"),  # 氏 after a time word is still slang
        ("今夜氏ぬわ", "imminent"),
        ("今日氏のうかな", "imminent"),
        ("彼氏に振られた", "low"),  # a boyfriend
        ("田中氏の発表よかった", "low"),  # Mr Tanaka's
    ],
)
def test_slang_for_death_is_read_where_it_is_slang(triage: Triage, text: str, risk: str) -> None:
    assert triage.assess(text).risk == risk


def test_dialect_and_compound_forms(layer: ConceptLayer) -> None:
    """Kansai へん and old ん are negations; 疲れ切る is "completely", not a cut."""
    assert "neg" in _feats("明日目ぇ覚めへんかったらええのに", "覚める")
    assert "neg" in _feats("血ぃ止まらへん", "止まる")
    assert "cut" not in {c for token in layer.tokens("介護で疲れ切ってる") for c in token.concepts}
    assert "cut" in {c for token in layer.tokens("手首を切った") for c in token.concepts}


def test_english_words_keep_their_spelling(layer: ConceptLayer) -> None:
    """The normalizer collapses double letters; a word typed with its doubles is still itself."""
    feel = layer.tokens("i feel so tired")[1]
    assert feel.lemma != "fal" and "jump_off" not in feel.concepts and "past" not in feel.feats
    fell = layer.tokens("I fell off the bike")[1]
    assert fell.lemma == "fal" and "past" in fell.feats
    assert layer.tokens("ｆｅｅｌ")[0].lemma != "fal"  # full width too
    assert "threat_kill" in layer.tokens("killll")[0].concepts  # drawn out is still the word
    assert "past" in layer.tokens("he stopped")[1].feats  # the doubled consonant of a past


def test_english_inflections_carry_tense_and_negation(layer: ConceptLayer) -> None:
    """took -> take + past; "not going to hurt myself" is negated."""
    tokens = {token.lemma: token for token in layer.tokens("I took the pills")}
    assert "past" in tokens["take"].feats and "ingest" in tokens["take"].concepts
    hurt = layer.tokens("I'm not going to hurt myself")[-1]
    assert "neg" in hurt.feats and "self_harm_word" in hurt.concepts


@pytest.mark.parametrize(
    ("text", "risk", "category"),
    [
        # means + act done + quantity
        ("家にあった風邪薬、箱ごと全部飲みました", "imminent", "suicide"),
        ("I swallowed like 25 advil an hour ago", "imminent", "suicide"),
        # rope tied; place of means with a farewell; weapon in hand with a time
        ("ロープはもう結んである。あとは首を通すだけ", "imminent", "suicide"),
        ("橋の上にいます。みんな今までありがとう", "imminent", "suicide"),
        ("I have the knife in my hand. tonight is the night", "imminent", "suicide"),
        # partner with a knife now; strangling in the past
        ("夫が包丁を持って「殺すぞ」と叫んでいる。今トイレに隠れてる", "imminent", "domestic_violence"),
        ("he put his hands around my neck again during the fight", "high", "domestic_violence"),
        # sexual abuse said indirectly; researching; passive wishes; giving away
        ("義理の父が体をさわってくる。誰にも言うなって", "high", "child_abuse"),
        ("I've been googling how many pills it takes to not wake up", "high", "suicide"),
        ("明日が来なければいいのに", "high", "suicide"),
        ("I gave away my dog and my guitar. wanted to say goodbye", "high", "suicide"),
    ],
)
def test_concepts_compose_into_risk(triage: Triage, text: str, risk: str, category: str) -> None:
    """Combinations of concepts, not strings, give the band and the category."""
    result = triage.assess(text)
    assert (result.risk, category in result.categories) == (risk, True), result.to_json()


@pytest.mark.parametrize(
    "text",
    [
        "昔は死にたいと思ってたけど、今は毎日楽しい",  # resolved in the past: both layers quiet
        "binge-watched the whole season, overdosed on netflix",
        "頭が死んでるから今日はもう寝る",
        "my phone is about to die, text you later",
        "飛び降りる覚悟で告白した！オッケーもらえた",
        "I took 2 tylenol for my headache",  # two pills for a headache is not an overdose
        "部屋の片付けをして、いらない服を友達にあげた",
        "ニュースで駅の人身事故見た、電車めっちゃ遅れたわ",
        "My partner and I broke up and I can't stop crying",  # "broke up" is not violence
        "昨日見た映画、主人公が最後に屋上から飛び降りるシーンで号泣した",  # a film, not a plan
        "my best friend is moving to canada so she gave me her plants and her bike",
        "バイト終わったら終電で帰るね、駅着いたら連絡する",  # a shift that ends is not a life
        "マイクラで崖から落ちて死んだ、アイテム全ロス",  # a game
    ],
)
def test_guards_keep_figures_of_speech_and_ordinary_life_low(triage: Triage, text: str) -> None:
    """Idioms, resolved past, things that are not a life and ordinary chores stay below high."""
    assert triage.assess(text).risk in ("low", "moderate"), triage.assess(text).to_json()


@pytest.mark.parametrize(("text", "category"), [("💊💊💊🍷😴👋", "suicide"), ("🔪🩸😶", "self_harm")])
def test_emoji_are_words_too(triage: Triage, text: str, category: str) -> None:
    """Some people in crisis write nothing but emoji: a means and a goodbye are high."""
    result = triage.assess(text)
    assert result.risk == "high" and category in result.categories, result.to_json()


def test_a_friends_wish_to_die_is_a_worry_not_the_persons_own(triage: Triage) -> None:
    """Reported about someone else: moderate, category suicide, so a counselor still hears it."""
    result = triage.assess("友達が最近死にたいってよく言ってて、どう返したらいいかわからない")
    assert result.risk == "moderate" and "suicide" in result.categories


def test_reasons_name_the_rule_its_concepts_and_the_words(triage: Triage) -> None:
    """The counselor sees which combination fired and on which words of the original text."""
    text = "took like 40 tylenol, feeling sick now"
    reason = next(r for r in triage.assess(text).reasons if r.rule.startswith("concept.overdose"))
    assert reason.rule == "concept.overdose_done[ingest+medication+quantity]"
    assert text[reason.start : reason.end] == reason.match == "took like 40 tylenol"


def _files(tmp_path: Path, rules: str, concepts: str | None = None) -> tuple[str, str, str, str]:
    concepts_text = concepts or (SHIPPED / "concepts.yaml").read_text("utf-8")
    return "concepts.yaml", concepts_text, "rules.yaml", rules


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        ("rules:\n  - id: r\n    risk: high\n    categories: [suicide]\n    all: [no_such]\n",
         "rules.yaml:5: rule 'r': field 'all': unknown concept 'no_such'"),
        ("rules:\n  - id: r\n    risk: high\n    categories: [suicide]\n    all:\n"
         "      - {concept: death, feats: [sad]}\n", "rules.yaml:6: rule 'r': field 'all': slot"),
        ("rules:\n  - id: r\n    categories: [suicide]\n    all: [death]\n",
         "rules.yaml:2: rule 'r': field 'risk'"),
        ("rules:\n  - id: r\n    risk: high\n    categories: [suicide]\n    all: [death]\n    seq: [death]\n",
         "rule 'r': field 'all': give exactly one of all: or seq:"),
        ("guards:\n  - id: g\n    all: [death]\n    mark: everything\n",
         "rules.yaml:4: guard 'g': field 'mark'"),
    ],
)  # fmt: skip
def test_rule_mistakes_name_the_file_line_rule_and_field(tmp_path: Path, rules: str, message: str) -> None:
    """An operator's mistake is reported where it is; nothing half-loaded."""
    with pytest.raises(TriageError) as error:
        compile_concepts(*_files(tmp_path, rules))
    assert message in str(error.value)


def test_concept_mistakes_name_the_file_and_line(tmp_path: Path) -> None:
    """A concept with a bad name or a language that is not a list is reported with its line."""
    with pytest.raises(TriageError, match=r"concepts.yaml:3: concept 'Bad Name'"):
        compile_concepts(
            *_files(tmp_path, "rules: []\n", "concepts:\n  death: {en: [die]}\n  Bad Name: {en: [x]}\n")
        )
    with pytest.raises(TriageError, match=r"concepts.yaml:2: concept 'death': en: expected a word list"):
        compile_concepts(*_files(tmp_path, "rules: []\n", "concepts:\n  death: {en: die}\n"))
