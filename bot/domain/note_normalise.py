"""Normalising a note before the fair-review patterns are matched (see note_check).

NFKC, casefolded, accents and Arabic diacritics/tatweel removed, Arabic letter variants
unified, Arabic-Indic/Persian digits and the number words 1..10 (en, es, pt, ar) turned into
ASCII digits, a space between letters and digits, star glyphs turned into ``★``, typographic
quotes and dashes made ASCII, whitespace collapsed. Each normalised character remembers where
it came from, so a finding can quote the note as the professional wrote it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

_DROPPED_CATEGORIES = frozenset({"Mn", "Me", "Cf"})  # combining/enclosing marks, format chars

_ARABIC_DIACRITICS: dict[str, str | None] = {
    chr(cp): None for cp in [*range(0x064B, 0x0660), 0x0670, 0x0640]  # harakat, tatweel
}
_ARABIC_LETTERS = {"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ی": "ي", "ک": "ك",
                   "ة": "ه", "ۀ": "ه"}
_DIGITS = {
    **{chr(0x0660 + i): str(i) for i in range(10)},  # Arabic-Indic
    **{chr(0x06F0 + i): str(i) for i in range(10)},  # Persian
}
_PUNCTUATION = {
    "٪": "%", "،": ",", "؛": ";", "؟": "?",
    "‘": "'", "’": "'", "‛": "'", "ʼ": "'", "`": "'",
    "“": '"', "”": '"', "„": '"', "«": '"', "»": '"',
    "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "―": "-", "−": "-",
}
_STARS = dict.fromkeys("⭐🌟☆✩✪✫✬✭✮✯✰⋆🌠✡✶✷✸✹✺", "★")

_CHAR_TABLE = str.maketrans(
    {**_ARABIC_DIACRITICS, **_ARABIC_LETTERS, **_DIGITS, **_PUNCTUATION, **_STARS}
)
PATTERN_TABLE = str.maketrans({**_ARABIC_DIACRITICS, **_ARABIC_LETTERS, **_DIGITS})

_LATIN_NUMBERS: dict[str, str] = {
    # en
    "one": "1", "two": "2", "three": "3", "four": "4", "five": "5",
    "six": "6", "seven": "7", "eight": "8", "nine": "9", "ten": "10",
    # es ("un" is left alone: it is mostly an article). Note: es "dos" also catches
    # pt "dos" (= "of the"); patterns must not rely on pt "dos".
    "uno": "1", "una": "1", "dos": "2", "tres": "3", "cuatro": "4", "cinco": "5",
    "seis": "6", "siete": "7", "ocho": "8", "nueve": "9", "diez": "10",
    # pt (cinco, seis, tres shared with es)
    "um": "1", "uma": "1", "dois": "2", "duas": "2", "quatro": "4",
    "sete": "7", "oito": "8", "nove": "9", "dez": "10",
}
_ARABIC_NUMBERS: dict[str, str] = {  # already in normalised spelling (ة -> ه, أ -> ا)
    "واحد": "1", "واحده": "1", "اثنين": "2", "اثنان": "2", "اثنتين": "2", "اثنتان": "2",
    "ثلاث": "3", "ثلاثه": "3", "اربع": "4", "اربعه": "4", "خمس": "5", "خمسه": "5",
    "سته": "6", "سبع": "7", "سبعه": "7", "ثمان": "8", "ثماني": "8", "ثمانيه": "8",
    "تسع": "9", "تسعه": "9", "عشر": "10", "عشره": "10",
}
_ARABIC_NUMBERS_NO_PREFIX = {"ست": "6"}  # "لست" is "I am not", "بست" is not six

_LATIN_NUMBER_RE = re.compile(
    r"(?<!\w)(" + "|".join(sorted(_LATIN_NUMBERS, key=len, reverse=True)) + r")(?!\w)"
)
_ARABIC_NUMBER_RE = re.compile(
    r"(?<!\w)(و?[بلفك]?(?:ال)?)("
    + "|".join(sorted(_ARABIC_NUMBERS, key=len, reverse=True))
    + r")(?!\w)|(?<!\w)()(ست)(?!\w)"
)
_LETTER_DIGIT_RE = re.compile(r"(?<=[^\W\d_])(?=\d)|(?<=\d)(?=[^\W\d_])")
_SPACES_RE = re.compile(r"\s+")


@dataclass(frozen=True)
class MappedText:
    """Normalised text plus, for each of its characters, the span it came from."""

    text: str
    spans: tuple[tuple[int, int], ...]

    def original_span(self, start: int, end: int) -> tuple[int, int] | None:
        if end <= start:
            return None
        return self.spans[start][0], self.spans[end - 1][1]


def _fold_char(char: str) -> str:
    folded = unicodedata.normalize("NFKC", char).casefold()
    folded = unicodedata.normalize("NFKD", folded)
    kept = "".join(c for c in folded if unicodedata.category(c) not in _DROPPED_CATEGORIES)
    return kept.translate(_CHAR_TABLE)


def _fold(text: str) -> MappedText:
    chars: list[str] = []
    spans: list[tuple[int, int]] = []
    for index, char in enumerate(text):
        for out in _fold_char(char):
            chars.append(out)
            spans.append((index, index + 1))
    return MappedText("".join(chars), tuple(spans))


def _rewrite(mapped: MappedText, regex: re.Pattern[str],
             replace: Callable[[re.Match[str]], str]) -> MappedText:
    """Like ``regex.sub`` but keeps the character-to-original mapping."""
    chars: list[str] = []
    spans: list[tuple[int, int]] = []
    position = 0
    for match in regex.finditer(mapped.text):
        start, end = match.span()
        chars.append(mapped.text[position:start])
        spans.extend(mapped.spans[position:start])
        replacement = replace(match)
        span = mapped.original_span(start, end)
        if span is None:  # insertion: anchor it at the next (or previous) character
            anchor = mapped.spans[start][0] if start < len(mapped.spans) else (
                mapped.spans[-1][1] if mapped.spans else 0)
            span = (anchor, anchor)
        chars.append(replacement)
        spans.extend([span] * len(replacement))
        position = end
    chars.append(mapped.text[position:])
    spans.extend(mapped.spans[position:])
    return MappedText("".join(chars), tuple(spans))


def _number_word(match: re.Match[str]) -> str:
    if match.group(2) is not None:
        return match.group(1) + _ARABIC_NUMBERS[match.group(2)]
    return _ARABIC_NUMBERS_NO_PREFIX[match.group(4)]


def _strip(mapped: MappedText) -> MappedText:
    text = mapped.text
    start = len(text) - len(text.lstrip(" "))
    end = len(text.rstrip(" "))
    if end <= start:
        return MappedText("", ())
    return MappedText(text[start:end], mapped.spans[start:end])


def normalise_mapped(text: str) -> MappedText:
    mapped = _fold(text)
    mapped = _rewrite(mapped, _LETTER_DIGIT_RE, lambda m: " ")  # "5five" -> "5 five"
    mapped = _rewrite(mapped, _LATIN_NUMBER_RE, lambda m: _LATIN_NUMBERS[m.group(1)])
    mapped = _rewrite(mapped, _ARABIC_NUMBER_RE, _number_word)
    mapped = _rewrite(mapped, _LETTER_DIGIT_RE, lambda m: " ")  # "ب5" -> "ب 5"
    mapped = _rewrite(mapped, _SPACES_RE, lambda m: " ")
    return _strip(mapped)


def normalise(text: str) -> str:
    """The form of ``text`` the patterns are written against."""
    return normalise_mapped(text).text
