"""Prefectures of Japan and a forgiving parser for "where do you live?" answers.

Owns the prefecture list (flows/data/prefectures.yaml, JIS X 0401 codes) and `Prefectures.parse`,
which turns what a person types ("東京", "とうきょう", "tokyo-to", "大阪市北区", "１３") into a
prefecture and, when one is given, a municipality. Pure: the data file is read once, on first load.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

MAX_INPUT = 200  # a region answer is short; cutting longer text bounds the work per message
MAX_MUNICIPALITY = 40
DATA_FILE = "prefectures.yaml"

# Reading of the suffix each kind of prefecture carries, so "とうきょう" works as well as "とうきょうと".
_SUFFIX_KANA = {"都": "と", "道": "", "府": "ふ", "県": "けん"}
_MUNICIPALITY_ENDS = "市区町村"
_MUNICIPALITY_STARTS = "市区町村郡"
# Where a Japanese answer stops naming a place: "世田谷区です", "横浜市に住んでます".
_TAILS_JA = ("です", "でした", "だよ", "だ", "に住", "に在住", "在住", "にすん", "に暮", "住み", "住ん")
# What may follow a kana name, so "ならない" (not Nara) and "しがない" (not Shiga) are not places.
_KANA_FOLLOWERS = ("です", "でした", "だ", "で", "に", "の", "へ", "じゃ", "けん", "ふ", "ざいじゅう")
_LEADING_JOINERS = " のは、,・"
# Latin words that may follow a name: "tokyo-to", "Aichi ken", "Setagaya-ku", "Osaka City".
_LATIN_PREFECTURE_SUFFIXES = ("to", "fu", "ken", "do", "prefecture", "pref")
_LATIN_CITY_WORDS = ("shi", "city")
_LATIN_WARD_WORDS = ("ku", "ward", "city")
_LATIN_MUNICIPALITY_WORDS = ("shi", "city", "ku", "ward", "machi", "cho", "town", "mura", "son", "village")

_ASCII_FOLD = str.maketrans(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZāēīōūâêîôûĀĒĪŌŪÂÊÎÔÛ",
    "abcdefghijklmnopqrstuvwxyzaeiouaeiouaeiouaeiou",
)
_LATIN_WORD = re.compile(r"[a-z]+")
_CODE = re.compile(r"[0-9]{1,2}")


class RegionDataError(Exception):
    """The prefecture data file is malformed or ambiguous; the message names the entry."""


@dataclass(frozen=True)
class Prefecture:
    """One prefecture: its JIS X 0401 code ("01".."47") and its names."""

    code: str
    name_ja: str
    name_en: str

    def name(self, lang: str) -> str:
        """The Japanese name for "ja", the English name for any other language."""
        return self.name_ja if lang == "ja" else self.name_en


@dataclass(frozen=True)
class Region:
    """Where a person said they live: a prefecture and, if they gave one, a municipality ("" if not)."""

    prefecture: Prefecture
    municipality: str


@dataclass(frozen=True)
class _Name:
    """A name that points at a prefecture: the prefecture's own (full or short) or a city's/ward's."""

    prefecture: Prefecture
    city: bool
    short: bool = False


@dataclass(frozen=True)
class _Hit:
    """A name found in the text, at [start, end) of the normalised text."""

    name: _Name
    start: int
    end: int


@dataclass(frozen=True)
class _Word:
    text: str
    start: int
    end: int


class Prefectures:
    """The 47 prefectures, looked up by code or parsed from free text."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self._by_code: dict[str, Prefecture] = {}
        self._kanji: dict[str, _Name] = {}  # matched anywhere in the text
        self._kana: dict[str, _Name] = {}  # matched at a word start, with a follower check
        self._latin: dict[str, _Name] = {}  # whole Latin words
        self._latin_wards: dict[str, _Name] = {}  # Latin words that need "-ku" / "ward" after them
        for index, entry in enumerate(spec.get("prefectures") or []):
            self._add(index, entry)
        self._kanji_max = max((len(alias) for alias in self._kanji), default=0)
        self._kana_max = max((len(alias) for alias in self._kana), default=0)

    @classmethod
    @functools.cache
    def load(cls) -> Prefectures:
        """The shipped prefecture list (read once per process)."""
        text = resources.files("flows").joinpath("data", DATA_FILE).read_text(encoding="utf-8")
        return cls(yaml.safe_load(text))

    def get(self, code: str) -> Prefecture | None:
        """The prefecture with this JIS X 0401 code ("13"), or None."""
        return self._by_code.get(code)

    def __iter__(self) -> Iterator[Prefecture]:
        return iter(self._by_code.values())

    def __len__(self) -> int:
        return len(self._by_code)

    def parse(self, text: str) -> Region | None:
        """The region a person's free text names, or None when no prefecture is recognised."""
        if not isinstance(text, str):
            return None
        core = _strip(unicodedata.normalize("NFKC", text[: MAX_INPUT * 2])[:MAX_INPUT])
        if _CODE.fullmatch(core):
            prefecture = self._by_code.get(f"{int(core):02d}")
            return Region(prefecture, "") if prefecture else None
        hit = self._find_japanese(core)
        if hit is not None:
            return Region(hit.name.prefecture, _municipality_after(core, hit))
        return self._find_latin(core)

    # -- building the tables ------------------------------------------------------------------

    def _add(self, index: int, entry: dict[str, Any]) -> None:
        try:
            prefecture = Prefecture(str(entry["code"]), entry["name_ja"], entry["name_en"])
            kana = _hiragana(entry["kana"])
        except (KeyError, TypeError) as error:
            raise RegionDataError(f"prefecture #{index + 1}: missing or bad field {error}") from error
        if prefecture.code in self._by_code:
            raise RegionDataError(f"prefecture {prefecture.code}: duplicate code")
        suffix = prefecture.name_ja[-1:]
        if suffix not in _SUFFIX_KANA:
            raise RegionDataError(f"prefecture {prefecture.code}: name_ja must end with 都/道/府/県")
        self._by_code[prefecture.code] = prefecture
        own, short = _Name(prefecture, city=False), _Name(prefecture, city=False, short=True)
        self._put(self._kanji, prefecture.name_ja, own)
        if suffix != "道":
            self._put(self._kanji, prefecture.name_ja[:-1], short)
        self._put(self._kana, kana, own)
        if _SUFFIX_KANA[suffix] and kana.endswith(_SUFFIX_KANA[suffix]):
            self._put(self._kana, kana[: -len(_SUFFIX_KANA[suffix])], short)
        for alias in [prefecture.name_en, *entry.get("romaji", ())]:
            self._put(self._latin, alias.translate(_ASCII_FOLD), own)
        for city in entry.get("cities", ()):
            self._add_city(prefecture, city)

    def _add_city(self, prefecture: Prefecture, city: dict[str, Any]) -> None:
        if not isinstance(city, dict) or not isinstance(city.get("name"), str):
            raise RegionDataError(f"prefecture {prefecture.code}: each city needs a name")
        name = _Name(prefecture, city=True)
        self._put(self._kanji, city["name"], name)
        if city.get("short"):
            self._put(self._kanji, city["short"], name)
        ward = city["name"].endswith("区")
        for alias in city.get("romaji", ()):
            self._put(self._latin_wards if ward else self._latin, alias.translate(_ASCII_FOLD), name)

    def _put(self, table: dict[str, _Name], alias: str, name: _Name) -> None:
        key = _hiragana(alias) if table is self._kanji or table is self._kana else alias
        known = table.get(key)
        if known is not None and known.prefecture != name.prefecture:
            raise RegionDataError(
                f"name {alias!r} points at both {known.prefecture.code} and {name.prefecture.code}"
            )
        if known is None or (known.short and not name.short):
            table[key] = name

    # -- Japanese ---------------------------------------------------------------------------

    def _find_japanese(self, text: str) -> _Hit | None:
        """The earliest name in the text; at one position, the longest ("東京都" before "京都")."""
        folded = _hiragana(text)
        for start in range(len(folded)):
            hit = self._longest(self._kanji, self._kanji_max, folded, start, check_follower=False)
            if hit is None and (start == 0 or not _is_hiragana(folded[start - 1])):
                hit = self._longest(self._kana, self._kana_max, folded, start, check_follower=True)
            if hit is not None:
                return hit
        return None

    @staticmethod
    def _longest(
        table: dict[str, _Name], longest: int, text: str, start: int, *, check_follower: bool
    ) -> _Hit | None:
        for end in range(min(len(text), start + longest), start, -1):
            name = table.get(text[start:end])
            if name is not None and (not check_follower or _kana_may_end(text, end)):
                return _Hit(name, start, end)
        return None

    # -- Latin ------------------------------------------------------------------------------

    def _find_latin(self, text: str) -> Region | None:
        """The first Latin word that names a prefecture, a designated city or a Tokyo ward."""
        folded = text.translate(_ASCII_FOLD)
        words = [_Word(m.group(), m.start(), m.end()) for m in _LATIN_WORD.finditer(folded)]
        for index in range(len(words)):
            place = self._latin_place(words, index)
            if place is not None:
                name, end = place
                if name.city:
                    return Region(name.prefecture, text[words[index].start : end][:MAX_MUNICIPALITY])
                return Region(name.prefecture, self._latin_municipality(text, words, end))
        return None

    def _latin_place(self, words: list[_Word], index: int) -> tuple[_Name, int] | None:
        """The name starting at words[index] and the text index where it ends (suffix words included)."""
        word = words[index].text
        following = words[index + 1] if index + 1 < len(words) else None
        next_text = following.text if following else ""
        ward = self._latin_wards.get(word)
        if ward is not None and following is not None and next_text in _LATIN_WARD_WORDS:
            return ward, following.end
        if word.endswith("ku") and word[:-2] in self._latin_wards:
            return self._latin_wards[word[:-2]], words[index].end
        name = self._latin.get(word)
        if name is not None:
            if following is not None and next_text in _LATIN_CITY_WORDS:
                return _Name(name.prefecture, city=True), following.end
            if following is not None and not name.city and next_text in _LATIN_PREFECTURE_SUFFIXES:
                return name, following.end
            return name, words[index].end
        for suffix in _LATIN_PREFECTURE_SUFFIXES:
            base = self._latin.get(word[: -len(suffix)]) if word.endswith(suffix) else None
            if base is not None and not base.city:
                return base, words[index].end
        return None

    def _latin_municipality(self, text: str, words: list[_Word], after: int) -> str:
        """A municipality written after a Latin prefecture name: "Tokyo, Setagaya-ku" -> "Setagaya-ku"."""
        rest = [word for word in words if word.start >= after]
        if not rest:
            return ""
        place = self._latin_place(rest, 0)
        if place is not None and place[0].city:
            return text[rest[0].start : place[1]][:MAX_MUNICIPALITY]
        if len(rest) > 1 and rest[1].text in _LATIN_MUNICIPALITY_WORDS:
            return text[rest[0].start : rest[1].end][:MAX_MUNICIPALITY]
        return ""


def _strip(text: str) -> str:
    """Text without surrounding spaces, punctuation and symbols: " 「東京」。" -> "東京"."""
    start, end = 0, len(text)
    while start < end and _is_filler(text[start]):
        start += 1
    while end > start and _is_filler(text[end - 1]):
        end -= 1
    return text[start:end]


def _is_filler(char: str) -> bool:
    return unicodedata.category(char)[0] in "PZSC"


def _hiragana(text: str) -> str:
    """Katakana folded to hiragana, one character for one, so indexes still match the text."""
    return "".join(chr(ord(char) - 0x60) if "ァ" <= char <= "ヶ" else char for char in text)


def _is_hiragana(char: str) -> bool:
    return "ぁ" <= char <= "ゖ" or char == "ー"


def _is_kana(char: str) -> bool:
    return "ぁ" <= char <= "ヿ"


def _kana_may_end(text: str, end: int) -> bool:
    """A kana name may end here: at the end, before a non-hiragana character, or before a particle."""
    return end == len(text) or not _is_hiragana(text[end]) or text.startswith(_KANA_FOLLOWERS, end)


def _municipality_after(text: str, hit: _Hit) -> str:
    """The municipality written with a Japanese name, as the person wrote it (or "")."""
    if hit.name.city:
        start = _word_start(text, hit.start)
        written = _municipality_text(text[start:])
        return written if len(written) >= hit.end - start else text[start : hit.end]
    rest = text[hit.end :]
    if hit.name.short and rest[:1] and rest[0] in _MUNICIPALITY_STARTS:
        # "青森市", "東大阪市": the prefecture's short name is part of the municipality's name.
        return _municipality_text(text[_word_start(text, hit.start) :])
    return _municipality_text(rest.lstrip(_LEADING_JOINERS))


def _word_start(text: str, start: int) -> int:
    """Where the kanji word around a name begins: "東大阪市" is one name, not 東 + 大阪市."""
    while start > 0 and unicodedata.category(text[start - 1]) == "Lo" and not _is_kana(text[start - 1]):
        start -= 1
    return start


def _municipality_text(text: str) -> str:
    """The leading place name, up to its last 市/区/町/村: "世田谷区です" -> "世田谷区"; none -> ""."""
    cut = len(text)
    for index, char in enumerate(text):
        if _is_filler(char) or text.startswith(_TAILS_JA, index):
            cut = index
            break
    name = text[:cut]
    last = max(name.rfind(char) for char in _MUNICIPALITY_ENDS)
    return name[: last + 1][:MAX_MUNICIPALITY] if last > 0 else ""
