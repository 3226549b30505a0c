"""Words, not strings: split a message into tokens with lemmas and grammatical features.

Japanese goes through SudachiPy (dictionary `sudachidict_core`, loaded once per process and
memory-mapped): each content word gets its normalized lemma (しに, 死ん, 死ね -> 死ぬ; のんだ -> 飲む)
and the features its auxiliaries carry: desire (たい), past (た), perfective (てしまう, ちゃう),
resultative (てある), progressive (ている), negation (ない, ず), passive (れる), volitional (う, よう),
conditional wish (ばいいのに, たらいいのに), wish aimed at others (てほしい), prohibition (言うな).
Net slang is rewritten first (タヒ, 氏ね -> 死), and so are long-vowel marks and repeated characters.

English goes through the shared normalizer (case, width, repeated letters) and a lemma table
built from the concept files with every inflection expanded at load time (took -> take + past,
tying -> tie + progressive); a few words before a verb carry negation and intent ("don't", "gonna").

Every token keeps its offsets in the original text, so findings can show the counselor the words.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from flows.triage.normalize import Normalized, Rewritten, Steps, normalize

JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff66-\uff9f]")
_SENTENCE_END = frozenset("。．.!?！？\n")
_SURROGATE = re.compile("[\ud800-\udfff]")

# Net slang and typing habits, rewritten before the dictionary sees the text.
_JA_STEPS: Steps = (
    # 氏に, 氏ね, 氏のう: slang for 死, but not in 彼氏に (a boyfriend) or 田中氏の (Mr Tanaka's).
    (re.compile(r"タヒ|ﾀﾋ|ﾀﾋ|(?<!彼)氏(?=[にねぬん]|のう)|4(?=ね|にたい)"), lambda m: "死"),
    (re.compile(r"(?<=[\u3040-\u309f])[ー〜~]+"), lambda m: ""),
    (re.compile(r"([^\d\s])\1{2,}"), lambda m: m.group(1)),
)


@dataclass(slots=True)
class Token:
    """One word: its lemma, where it is in the original text, and what grammar says of it."""

    lemma: str
    start: int
    end: int
    sentence: int  # numbered by the concept layer over the whole message
    feats: set[str] = field(default_factory=set)
    concepts: frozenset[str] = frozenset()


# --- Japanese -------------------------------------------------------------------------------

# Auxiliaries by Sudachi conjugation type, and the feature each carries to the word before it.
_JA_AUX_BY_TYPE = {
    "助動詞-タイ": "desire", "助動詞-タ": "past", "助動詞-ナイ": "neg", "助動詞-ヌ": "neg",
    "助動詞-レル": "passive", "助動詞-ウ": "volitional", "助動詞-マイ": "neg", "助動詞-ヘン": "neg",
}  # fmt: skip
# Non-independent verbs after て, by lemma.
_JA_AFTER_TE = {
    "有る": "resultative", "仕舞う": "perfective", "居る": "progressive", "来る": "motion",
    "行く": "motion", "置く": "prepared", "欲しい": "want_other", "見る": "attempt",
}  # fmt: skip
_JA_CONTRACTED = {
    "ちゃう": "perfective", "じゃう": "perfective", "ちまう": "perfective", "てる": "progressive",
    "でる": "progressive", "とく": "prepared", "どく": "prepared", "てく": "motion", "てた": "progressive",
}  # fmt: skip
# Negations of dialects and old forms read as ない, so a phrase written with ない finds 要らん, 行かへん.
_NEGATIONS = {"ず": "ない", "へん": "ない", "ぬ": "ない", "ひん": "ない"}
_COMPLETIVE = frozenset({"切る", "切れる"})  # after another verb's stem they mean "completely"
_JA_FUNCTION_POS = frozenset({"助動詞", "助詞", "補助記号", "空白", "接尾辞"})


@cache
def _sudachi() -> Any:
    """The Sudachi tokenizer, loaded once per process (the dictionary is memory-mapped)."""
    from sudachipy import Dictionary, SplitMode  # imported here: English-only callers never pay

    return Dictionary(dict="core").tokenizer(mode=SplitMode.C)


def _ja_features(morphemes: list[Any], index: int, pos: list[tuple[str, ...]]) -> tuple[set[str], int]:
    """Features carried to the word at index by the auxiliaries after it, and the last of those."""
    feats: set[str] = set()
    state = {"te": False, "if": False}
    reach = index
    for later in range(index + 1, min(index + 8, len(morphemes))):
        kind = pos[later][0]
        lemma = morphemes[later].normalized_form()
        if kind == "助動詞":
            feat = _aux_feature(pos[later], lemma)
            if feat:
                feats.add(feat)
                reach = later if reach == later - 1 else reach
            state["te"] = False
            state["if"] = state["if"] or feat == "conditional"  # 死んでたらいいな
        elif kind == "助詞":
            step = _particle(morphemes, pos, index, later, feats)
            if step == "stop":
                break
            state["te"] = state["te"] or step == "te"
            state["if"] = state["if"] or step == "if"
        elif not _helper_word(morphemes[later], pos[later], lemma, later - index, state, feats):
            break
    if "conditional" not in feats and (
        {"perfective", "resultative"} & feats or ("past" in feats and "progressive" not in feats)
    ):
        feats.add("done")
    return feats, reach


def _helper_word(morpheme: Any, row: tuple[str, ...], lemma: str, distance: int, state: dict[str, bool],
                 feats: set[str]) -> bool:  # fmt: skip
    """Read a helper verb or adjective after the word (てある, ばいい, 記憶ない); False ends the chain."""
    if row[0] == "動詞" and row[5].startswith("意志推量形"):
        feats.add("volitional")  # ODしよっかな
    if state["te"] and lemma in _JA_AFTER_TE:
        feats.add(_JA_AFTER_TE[lemma])
        state["te"] = False
    elif state["te"] and morpheme.surface().startswith(("もう", "もた", "しも")):
        feats.add("perfective")  # 飲んでもうた, 飲んでしもうた (Kansai, Hiroshima: 飲んでしまった)
    elif lemma in ("積もり", "つもり", "予定") and distance <= 2:
        feats.add("volitional")  # 入るつもり: an intention
    elif state["if"] and lemma in ("良い", "いい"):
        feats.add("wish")
    elif row[0] == "形容詞" and lemma in ("無い", "ない") and distance == 1:
        feats.add("neg")  # 記憶なくて: a noun with ない after it
    elif lemma == "事" and morpheme.surface() == "こと":
        state["koto"] = True  # 殴られたことはない: the negation comes after こと
        return True
    elif state.get("koto") and lemma in ("無い", "ない"):
        feats.add("neg")
        feats.discard("done")
    elif row[0] not in _JA_FUNCTION_POS and not (row[0] == "動詞" and row[1] == "非自立可能"):
        return False
    return True


def _aux_feature(row: tuple[str, ...], lemma: str) -> str | None:
    """The feature an auxiliary verb carries (たい desire, た past, ない neg, ...)."""
    feat = _JA_AUX_BY_TYPE.get(row[4]) or _JA_CONTRACTED.get(lemma)
    if feat == "past" and row[5].startswith("仮定形"):
        return "conditional"  # 飲んだら: "if I took", not "I took"
    if feat is None and lemma in ("う", "よう"):
        return "volitional"
    return feat


def _particle(morphemes: list[Any], pos: list[tuple[str, ...]], index: int, at: int, feats: set[str]) -> str:
    """Read a particle after the word: "te", "if", "stop" (the clause ends) or "" (go on)."""
    surface = morphemes[at].surface()
    if surface == "と" and "neg" in feats and _necessity(morphemes, at):
        feats.discard("neg")  # 打ちつけないと落ち着かない: "I must", not "I don't"
        feats.add("must")
    elif surface in ("て", "で"):
        if at + 1 < len(morphemes) and pos[at + 1][1] == "読点":
            feats.add("done")  # 解約して、…: a step already taken before the next
        return "te"
    elif surface in ("ば", "たら", "なら"):
        feats.add("conditional")  # 死ねば…のに: a condition, not a deed
        return "if"
    elif surface == "たり" or (
        surface in ("は", "も") and (at == index + 1 or morphemes[at - 1].surface() in ("て", "で", "たり"))
    ):
        pass  # 殴られてはいない, 殴りはせん, 殴られたりはしない: the negation still belongs to the verb
    elif surface == "ながら":
        feats.add("progressive")  # 飲みながらこれ打ってる
    elif (
        surface == "か"
        and "neg" in feats
        and morphemes[at + 1 : at + 2]
        and morphemes[at + 1].surface() in ("な", "なあ")
    ):
        feats.discard("neg")
        feats.add("wish")  # 突っ込んでこないかな: "I wish it would"
    elif surface == "のに":
        feats.add("wish")
    elif surface == "な" and pos[at][1] == "終助詞" and at == index + 1:
        feats.add("prohibit")
    elif pos[at][1] != "接続助詞":
        return "stop"
    return ""


def _necessity(morphemes: list[Any], index: int) -> bool:
    """Whether a negative follows the と at index (〜ないと落ち着かない, 〜ないとだめ): a need."""
    following = [m.normalized_form() for m in morphemes[index + 1 : index + 5]]
    return any(word in ("ない", "ず", "駄目", "いけない", "無理", "行けない") for word in following)


class _Morph:
    """A Sudachi morpheme read once: each call into the dictionary's objects costs a copy."""

    __slots__ = ("_surface", "_lemma", "pos", "_begin", "_end")

    def __init__(self, morpheme: Any) -> None:
        self._surface, self._lemma = morpheme.surface(), morpheme.normalized_form()
        self.pos, self._begin, self._end = morpheme.part_of_speech(), morpheme.begin(), morpheme.end()

    def surface(self) -> str:
        return self._surface

    def normalized_form(self) -> str:
        return self._lemma

    def begin(self) -> int:
        return self._begin

    def end(self) -> int:
        return self._end


def japanese_tokens(text: str, featured: frozenset[str] | None = None) -> list[Token]:
    """Tokens of the Japanese in text, with lemmas, features and original offsets.

    featured: the lemmas whose features matter (those of the concept files); None reads them all.
    """
    # Lone surrogates (broken emoji from some clients) cannot be encoded for the dictionary.
    rewritten = Rewritten(_SURROGATE.sub("\ufffd", text), _JA_STEPS)
    morphemes = [_Morph(m) for m in _sudachi().tokenize(rewritten.text)]
    pos = [m.pos for m in morphemes]
    tokens: list[Token] = []
    for index, morpheme in enumerate(morphemes):
        surface = morpheme.surface()
        kind = pos[index][0]
        if surface in _SENTENCE_END or pos[index][1] == "句点" or kind == "空白":
            continue
        content = kind not in _JA_FUNCTION_POS  # a word that can carry a concept
        start, end = rewritten.original_span(morpheme.begin(), morpheme.end())
        lemma = morpheme.normalized_form()
        if kind == "助動詞":
            lemma = _NEGATIONS.get(lemma, lemma)
        elif lemma in _COMPLETIVE and index and pos[index - 1][0] == "動詞" and "連用形" in pos[index - 1][5]:
            lemma = "(完了)"  # 疲れ切る, 食べ切る: "completely", not a cut
        token = Token(lemma, start, end, 0)
        if kind == "名詞" and pos[index][1] == "数詞":
            token.feats = {"number", *_number_feats(surface)}
        elif content and (featured is None or token.lemma in featured):
            token.feats, reach = _ja_features(morphemes, index, pos)
            if reach > index:  # the reason shows 消えたい, not 消え
                token.end = rewritten.original_span(morphemes[reach].begin(), morphemes[reach].end())[1]
        tokens.append(token)
    return tokens


def _number_feats(surface: str) -> set[str]:
    """A count big enough to matter for pills ("30", "三十", "forty"): {"many"}."""
    digits = "".join(ch for ch in surface if ch.isdigit())
    if digits:
        try:
            return {"many"} if int(digits) >= 10 else set()
        except ValueError:
            return set()
    return {"many"} if any(ch in surface for ch in "十百千") or surface in _EN_MANY else set()


# --- English --------------------------------------------------------------------------------

_EN_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_CLOCK = re.compile(r"\d{1,2}(?:am|pm)")
_EN_NEG = frozenset({"not", "never", "no", "don't", "doesn't", "didn't", "won't", "can't", "isn't", "aren't",
                     "wasn't", "wouldn't", "couldn't", "shouldn't", "dont", "didnt", "wont", "cant", "nor",
                     "haven't", "havent", "hasn't", "hasnt", "hadn't", "hadnt", "ain't", "aint", "doesnt",
                     "isnt", "arent", "wasnt", "werent", "wouldnt", "couldnt", "shouldnt"})  # fmt: skip
_EN_INTENT = frozenset({
    "want", "wanna", "wish", "gonna", "will", "'ll", "i'll", "going", "plan", "lowkey", "planning", "gona",
    "ready", "decided", "tryna", "trying", "wants", "wanted", "wanting", "wishing", "wished", "hope",
    "hoping", "hoped", "rather", "planing",
})  # fmt: skip
_EN_HAVE = frozenset({"have", "has", "had", "i've", "'ve", "ive"})
# The words are compared as the normalizer leaves them ("wanna" -> "wana", "will" -> "wil").
_EN_NEG, _EN_INTENT, _EN_HAVE = (frozenset(normalize(w) for w in s) for s in (_EN_NEG, _EN_INTENT, _EN_HAVE))
EN_NEGATIONS = _EN_NEG  # the negation words, normalized (the concept layer reads phrases with them)
_EN_MANY = frozenset({"ten", "twelve", "fifteen", "twenty", "thirty", "forty", "fifty", "sixty", "hundred",
                      "dozen", "dozens", "hundreds", "bunch", "handful", "lots"})  # fmt: skip
_IRREGULAR = {
    "take": ("took", "taken"), "cut": ("cut",), "hang": ("hung",), "go": ("went", "gone"),
    "give": ("gave", "given"), "write": ("wrote", "written"), "buy": ("bought",), "drink": ("drank", "drunk"),
    "eat": ("ate", "eaten"), "find": ("found",), "get": ("got", "gotten"), "have": ("had",),
    "hold": ("held",), "leave": ("left",), "put": ("put",), "say": ("said",), "tell": ("told",),
    "think": ("thought",), "shoot": ("shot",), "stand": ("stood",), "sit": ("sat",), "bleed": ("bled",),
    "slit": ("slit",), "hit": ("hit",), "feel": ("felt",), "keep": ("kept",), "make": ("made",),
    "see": ("saw", "seen"), "drive": ("drove", "driven"), "fall": ("fell", "fallen"), "leap": ("leapt",),
    "throw": ("threw", "thrown"), "do": ("did", "done"), "break": ("broke", "broken"),
    "bring": ("brought",), "come": ("came",), "hurt": ("hurt",), "lose": ("lost",), "pay": ("paid",),
    "run": ("ran",), "send": ("sent",), "sleep": ("slept",), "wake": ("woke", "woken"),
    "swim": ("swam",), "steal": ("stole", "stolen"), "light": ("lit",), "set": ("set",),
    "wind": ("wound",), "choose": ("chose", "chosen"), "begin": ("began", "begun"),
    "rise": ("rose",), "blow": ("blew", "blown"), "hide": ("hid", "hidden"),
    "die": ("dying",), "tie": ("tying",), "lie": ("lying",),
}  # fmt: skip


_DOUBLE = re.compile(r"([a-z])\1")
_ELONGATED = re.compile(r"([a-z])\1\1")  # "killll", "diee": drawn out, not another word
_APOSTROPHES = str.maketrans("’‘`´", "'" * 4)


def typed_form(word: str) -> str:
    """A word as typed, folded as the concept files are (width, case, apostrophes), not collapsed."""
    return unicodedata.normalize("NFKC", word).lower().translate(_APOSTROPHES)


def _doubled(spelling: str, form: str) -> set[str]:
    """The form and its doubled-consonant spelling (plan: planning, planned; stop: stopped)."""
    forms = {form}
    if len(form) > len(spelling) and spelling[-1:] not in "aeiouwxy" and spelling[-2:-1] in "aeiou":
        forms.add(spelling + spelling[-1] + form[len(spelling) :])
    return forms


def _inflections(word: str) -> Iterable[tuple[str, str | None]]:
    """The inflected forms of an English word with the feature each carries (None: no feature)."""
    yield word, None
    stem = word[:-1] if word.endswith("e") else word
    ies = word[:-1] + "i" if word.endswith("y") and word[-2:-1] not in "aeiou" else word
    yield (
        (
            word + "es"
            if word.endswith(("s", "x", "z", "ch", "sh", "o"))
            else ies + ("es" if ies != word else "s")
        ),
        None,
    )
    yield (stem + "ed" if word.endswith("e") else ies + "ed"), "past"
    yield stem + "ing", "progressive"
    for irregular in _IRREGULAR.get(word, ()):
        yield irregular, "progressive" if irregular.endswith("ing") else "past"


class EnglishLemmas:
    """Form -> (lemma, feature) for every word of the English concept files, built once.

    Forms are keyed as the normalizer leaves them (doubled letters collapsed, so "killl" and "kil"
    find kill), and each key remembers how its forms are spelled: a word typed with a double letter
    its form does not have is another word ("feel" is not "fell", "week" is not "wek").
    """

    def __init__(self, words: Iterable[str]) -> None:
        self.forms: dict[str, tuple[str, str | None]] = {}
        self._spelled: dict[str, tuple[str, str | None]] = {}  # as typed: "feel" and "fell" differ
        spelled: dict[str, set[str]] = {}
        for word in words:
            spelled.setdefault(normalize(word), set()).add(word.lower())
        listed = set(spelled)
        for base, irregular in _IRREGULAR.items():  # "paid" is pay + past even where "paid" is listed
            for form in irregular:
                feat = "progressive" if form.endswith("ing") else "past"
                self.forms[normalize(form)] = self._spelled[form] = (normalize(base), feat)
        for word in sorted(listed):
            self.forms.setdefault(word, (word, None))  # a listed word is itself ("me" is not "med")
            for spelling in spelled[word]:
                self._spelled.setdefault(spelling, (word, None))
        for word in sorted(listed):
            if len(word) >= 3:  # "me" + "d" is not a word: short words get no inflections
                for spelling in sorted(spelled[word]):
                    self._inflect(word, spelling, listed)

    def _inflect(self, word: str, spelling: str, listed: set[str]) -> None:
        """Add the inflected forms of one spelling of a listed word."""
        for form, feat in _inflections(spelling):
            key = normalize(form)
            if key == word:
                continue
            if key in listed and self.forms[key] == (key, None):
                self.forms[key] = (word, feat)  # "choking" is choke + progressive, "meds" is med
            else:
                self.forms.setdefault(key, (word, feat))
            for variant in _doubled(spelling, form):
                if self._spelled.get(variant, (variant, None))[1] is None:
                    self._spelled[variant] = (word, feat)

    def _lookup(self, key: str, typed: str) -> tuple[str, str | None]:
        """The entry for a word as typed; by its normalized key only when that cannot be another word.

        A typed double letter the key's forms lack makes another word ("feel" is not "fell"); a
        word typed without doubles ("kil") or drawn out ("killll") is read by its key.
        """
        entry = self._spelled.get(typed)
        if entry is not None:
            return entry
        if not _DOUBLE.search(typed) or _ELONGATED.search(typed):
            return self.forms.get(key, (key, None))
        return key, None

    def tokens(self, normalized: Normalized, original: str = "") -> list[Token]:
        """Tokens of the English in a normalized text, with lemmas, features and original offsets.

        original: the text as typed, to tell apart words that normalize alike (feel, fell).
        """
        norm = normalized.text
        tokens: list[Token] = []
        words: list[str] = []
        sentence = 0
        position = 0
        for match in _EN_WORD.finditer(norm):
            sentence += sum(1 for ch in norm[position : match.start()] if ch in _SENTENCE_END)
            position = match.end()
            word = match.group()
            if word not in self.forms and word.endswith("'s"):
                word = word[:-2]  # "knife's in my hand", "the car's running"
            if _CLOCK.fullmatch(word):
                word = "o'clock"  # "till 2am"
            start, end = normalized.original_span(match.start(), match.end())
            typed = typed_form(original[start:end]) if original else word
            if word != match.group():
                typed = typed.removesuffix("'s")
            lemma, feat = self._lookup(word, typed)
            words.append(word)
            token = Token(lemma, start, end, sentence, {feat} if feat else set())
            if word.isdigit() or word in _EN_MANY:
                token.feats |= {"number", *_number_feats(word)}
            tokens.append(token)
        _english_context(tokens, words)
        return tokens


def _english_context(tokens: list[Token], words: list[str]) -> None:
    """Carry negation, intent, perfect tense and 'used to' from the words before each token.

    Read on the words as written: a lemma can be another word's ("planning" is not "plane").
    """
    lemmas = [token.lemma for token in tokens]
    negative = [word in _EN_NEG or word.endswith("n't") for word in words]
    intent = [word in _EN_INTENT for word in words]
    for index, token in enumerate(tokens):
        low = max(0, index - 3)
        while low < index and tokens[low].sentence != token.sentence:
            low += 1  # the words before, in the same sentence
        wide = max(0, index - 5)  # "I wish I could just disappear": a wish reaches further
        while wide < index and tokens[wide].sentence != token.sentence:
            wide += 1
        feats = token.feats
        if any(negative[low:index]):
            feats.add("neg")
        if any(intent[wide:index]):
            feats.add("desire")
        previous = lemmas[index - 1] if index > low else ""
        if "past" in feats or (previous in _EN_HAVE and token.lemma != previous):
            feats.add("done")
        if index - low >= 2 and lemmas[index - 2] in ("use", "used") and previous == "to":
            feats.add("habit_past")
        if previous in ("was", "were", "got", "been", "being", "get"):
            feats.add("passive")
