"""Normalize chat text for matching and map spans of the result back to the original text.

One pass folds width and case (NFKC + lowercase), katakana to hiragana and every whitespace to a
space; then rare characters that expand or compose ("…", "ｶﾞ", "㍻") are handled, letters typed
with spaces ("k i l l") are joined, and long-vowel marks, zero-width characters and runs of one
repeated character are collapsed ("しにたーーーい" -> "しにたい", "soooo" -> "so", "kill" -> "kil").
Lexicon terms go through the same function, so operators write words as people spell them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

# (start, end) in the stage's output, (start, end) in its input, for every changed region.
Edit = tuple[int, int, int, int]
Steps = tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...]

_KATAKANA = range(0x30A1, 0x30F7)  # ァ..ヶ, which sit exactly 0x60 above ぁ..ゖ
_EXTRA_RANGES = (range(0x1D400, 0x1D800), range(0x1F100, 0x1F200))  # math letters, circled letters
_QUOTES = str.maketrans("’‘`´", "''''")
_DROPPED = "ー〜~\u200b\u200c\u200d\u2060\ufe0e\ufe0f"  # long-vowel marks, zero-width, emoji selectors


def _fold(text: str) -> str:
    """Fold one string: NFKC, lowercase, katakana to hiragana, whitespace to spaces."""
    # Phones type curly apostrophes ("don’t"); lexicons are written with the straight one.
    folded = unicodedata.normalize("NFKC", text).lower().translate(_QUOTES)
    return "".join(
        chr(ord(ch) - 0x60) if ord(ch) in _KATAKANA else " " if ch.isspace() else ch for ch in folded
    )


def _build_tables() -> tuple[dict[int, str], dict[str, str]]:
    """Precompute the one-to-one folds (for str.translate) and the expanding ones, once."""
    one: dict[int, str] = {}
    many: dict[str, str] = {}
    code_points = [*range(0xD800), *range(0xE000, 0x10000), *(cp for r in _EXTRA_RANGES for cp in r)]
    for cp in code_points:
        ch = chr(cp)
        folded = _fold(ch)
        if folded == ch:
            continue
        if len(folded) == 1:
            one[cp] = folded
        else:
            many[ch] = folded
    return one, many


_TABLE, _EXPANSIONS = _build_tables()
# Characters whose fold changes length, and a base character followed by combining marks
# (half-width dakuten become U+3099 after the table and must compose with the kana before them).
_EXPAND = re.compile(
    "[" + "".join(re.escape(ch) for ch in _EXPANSIONS) + "]|.[\u0300-\u036f\u3099\u309a]+", re.S
)
_SPACED = re.compile(r"(?<![a-z])(?:[a-z] +){3,}[a-z](?![a-z])")
_COLLAPSE = re.compile("[" + re.escape(_DROPPED) + r"]+|([^\d])\1+")


def _expand(match: re.Match[str]) -> str:
    return _EXPANSIONS.get(match.group()) or _fold(match.group())


def _join(match: re.Match[str]) -> str:
    return match.group().replace(" ", "")


def _collapse(match: re.Match[str]) -> str:
    return match.group(1) or ""


def _substitute(
    pattern: re.Pattern[str], repl: Callable[[re.Match[str]], str], text: str
) -> tuple[str, list[Edit]]:
    """re.sub that also records where each replacement came from."""
    pieces: list[str] = []
    edits: list[Edit] = []
    position = shift = 0
    for match in pattern.finditer(text):
        start, end = match.span()
        replacement = repl(match)
        pieces.append(text[position:start])
        pieces.append(replacement)
        edits.append((start + shift, start + shift + len(replacement), start, end))
        shift += len(replacement) - (end - start)
        position = end
    pieces.append(text[position:])
    return "".join(pieces), edits


class Rewritten:
    """A text rewritten by regex stages, and the edits that lead back to the original offsets."""

    __slots__ = ("text", "_stages")

    def __init__(self, original: str, steps: Steps, text: str | None = None) -> None:
        text = original if text is None else text  # text: a same-length fold of original
        stages: list[list[Edit]] = []
        for pattern, repl in steps:
            # search() first: most messages need no edit at a stage, and it is a single C call.
            if pattern.search(text):
                text, edits = _substitute(pattern, repl, text)
                stages.append(edits)
        self.text = text
        self._stages = stages

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Map [start, end) of the rewritten text to offsets in the original text."""
        if not self._stages:
            return start, end  # the common case: nothing was rewritten
        for edits in reversed(self._stages):
            start, end = _back_start(edits, start), _back_end(edits, end)
        return start, end


_STEPS: Steps = ((_EXPAND, _expand), (_SPACED, _join), (_COLLAPSE, _collapse))


class Normalized(Rewritten):
    """The matching form of a text (see the module docstring), with the way back to the original."""

    __slots__ = ()

    def __init__(self, original: str) -> None:
        super().__init__(original, _STEPS, original.translate(_TABLE))


def _back_start(edits: list[Edit], position: int) -> int:
    shift = 0
    for new_start, new_end, old_start, old_end in edits:
        if position < new_start:
            break
        if position < new_end:
            return old_start  # inside a replaced region: take all of it
        shift = old_end - new_end
    return position + shift


def _back_end(edits: list[Edit], position: int) -> int:
    shift = 0
    for new_start, new_end, _old_start, old_end in edits:
        if position <= new_start:
            break  # a deletion right after the span stays outside it
        if position <= new_end:
            return old_end
        shift = old_end - new_end
    return position + shift


def normalize(text: str) -> str:
    """Return the normalized form of text, as the lexicon patterns see it."""
    return Normalized(text).text


def adapt_pattern(source: str) -> str:
    """Bring an operator's regex to the normalized form: hiragana, no ー, single letters, no groups.

    Capturing groups become non-capturing (the engine identifies rules itself, and capturing
    groups defeat the regex engine's fast paths).
    """
    out: list[str] = []
    escaped = in_class = False
    last_letter = ""  # the last unescaped letter written, to collapse "ll" as the text is collapsed
    for ch in source:
        if escaped:
            out.append(ch)
            escaped, last_letter = False, ""
            continue
        if ch == "\\":
            out.append(ch)
            escaped = True
            continue
        if ch in _DROPPED and not ch.isascii():
            continue
        folded = ch if ch.isascii() else _TABLE.get(ord(ch), ch)
        if folded != ch and folded.isascii() and not folded.isalnum():
            folded = re.escape(folded)  # a full-width "（" is a literal, not a group
        if folded.isalpha() and folded == last_letter:
            continue
        last_letter = folded if folded.isalpha() else ""
        if folded == "[" and not in_class:
            in_class = True
        elif folded == "]" and in_class:
            in_class = False
        elif folded == "(" and not in_class:
            folded = "(?:"
        out.append(folded)
    return "".join(out).replace("(?:?", "(?")
