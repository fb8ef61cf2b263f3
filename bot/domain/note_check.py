"""Checks the professional's personal note before it is posted with the rating buttons.

A note is refused when it asks for a given rating, offers something in exchange for a
rating, or steers unhappy clients away from rating (PRODUCT.md section 10). The rules are
data: one pattern file per language in ``bot/domain/note_patterns/`` (see the header of
any of those files for the format). Every language's patterns are applied to every note,
because a note can be written in any language.

Patterns are written against ``normalise(text)``: NFKC, casefolded, accents and Arabic
diacritics/tatweel removed, Arabic letter variants unified (أ إ آ ٱ -> ا, ى -> ي, ة -> ه),
Arabic-Indic/Persian digits and the number words 1..10 (en, es, pt, ar) turned into ASCII
digits, a space put between letters and digits, star glyphs turned into ``★``, typographic
quotes and dashes made ASCII, whitespace collapsed. Other punctuation is kept.

No I/O happens at import time: a ``NoteChecker`` reads and compiles its pattern files once,
on first use.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

__all__ = [
    "NoteChecker",
    "NoteFinding",
    "NotePattern",
    "NoteProblem",
    "PatternFileError",
    "normalise",
    "parse_pattern_file",
]

PATTERNS_PACKAGE = "bot.domain.note_patterns"


class NoteProblem(StrEnum):
    ASKS_FOR_RATING = "asks_for_rating"
    OFFERS_INCENTIVE = "offers_incentive"
    STEERS_UNHAPPY = "steers_unhappy"


@dataclass(frozen=True)
class NoteFinding:
    problem: NoteProblem
    language: str
    matched: str  # fragment of the original text (of the normalised text if unmappable)


@dataclass(frozen=True)
class NotePattern:
    problem: NoteProblem
    language: str
    regex: re.Pattern[str]
    source: str  # "file.txt:line", for error messages and debugging


class PatternFileError(ValueError):
    """A line of a pattern file cannot be used."""


# --------------------------------------------------------------------------- normalise

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
_PATTERN_TABLE = str.maketrans({**_ARABIC_DIACRITICS, **_ARABIC_LETTERS, **_DIGITS})

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
class _Mapped:
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


def _fold(text: str) -> _Mapped:
    chars: list[str] = []
    spans: list[tuple[int, int]] = []
    for index, char in enumerate(text):
        for out in _fold_char(char):
            chars.append(out)
            spans.append((index, index + 1))
    return _Mapped("".join(chars), tuple(spans))


def _rewrite(mapped: _Mapped, regex: re.Pattern[str],
             replace: Callable[[re.Match[str]], str]) -> _Mapped:
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
    return _Mapped("".join(chars), tuple(spans))


def _number_word(match: re.Match[str]) -> str:
    if match.group(2) is not None:
        return match.group(1) + _ARABIC_NUMBERS[match.group(2)]
    return _ARABIC_NUMBERS_NO_PREFIX[match.group(4)]


def _strip(mapped: _Mapped) -> _Mapped:
    text = mapped.text
    start = len(text) - len(text.lstrip(" "))
    end = len(text.rstrip(" "))
    if end <= start:
        return _Mapped("", ())
    return _Mapped(text[start:end], mapped.spans[start:end])


def _normalise_mapped(text: str) -> _Mapped:
    mapped = _fold(text)
    mapped = _rewrite(mapped, _LETTER_DIGIT_RE, lambda m: " ")  # "5five" -> "5 five"
    mapped = _rewrite(mapped, _LATIN_NUMBER_RE, lambda m: _LATIN_NUMBERS[m.group(1)])
    mapped = _rewrite(mapped, _ARABIC_NUMBER_RE, _number_word)
    mapped = _rewrite(mapped, _LETTER_DIGIT_RE, lambda m: " ")  # "ب5" -> "ب 5"
    mapped = _rewrite(mapped, _SPACES_RE, lambda m: " ")
    return _strip(mapped)


def normalise(text: str) -> str:
    """The form of ``text`` the patterns are written against."""
    return _normalise_mapped(text).text


# ------------------------------------------------------------------------ pattern files


def _fold_pattern(regex: str) -> str:
    """Lets pattern authors write accents and Arabic letter variants: only letters change."""
    decomposed = unicodedata.normalize("NFKD", regex)
    kept = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return kept.translate(_PATTERN_TABLE)


def _parse_line(line: str, language: str, source: str) -> NotePattern | None:
    stripped = line.strip()
    if not stripped or stripped.startswith("#"):
        return None
    category, separator, body = stripped.partition(":")
    if not separator:
        raise PatternFileError(f"{source}: expected 'category: regex', got {stripped!r}")
    try:
        problem = NoteProblem(category.strip())
    except ValueError:
        allowed = ", ".join(p.value for p in NoteProblem)
        raise PatternFileError(
            f"{source}: unknown category {category.strip()!r} (use one of: {allowed})"
        ) from None
    body = _fold_pattern(body.strip())
    if not body:
        raise PatternFileError(f"{source}: empty regex")
    try:
        regex = re.compile(body, re.IGNORECASE)
    except re.error as error:
        raise PatternFileError(f"{source}: bad regex {body!r}: {error}") from None
    if regex.search("") is not None:
        raise PatternFileError(f"{source}: regex {body!r} matches empty text")
    return NotePattern(problem, language, regex, source)


def parse_pattern_file(content: str, language: str, name: str = "") -> list[NotePattern]:
    """Parses one pattern file (``# comment`` lines and ``category: regex`` lines)."""
    label = name or f"{language}.txt"
    patterns: list[NotePattern] = []
    for number, line in enumerate(content.splitlines(), start=1):
        pattern = _parse_line(line, language, f"{label}:{number}")
        if pattern is not None:
            patterns.append(pattern)
    return patterns


def _pattern_files(directory: Traversable) -> list[Traversable]:
    files = [f for f in directory.iterdir() if f.is_file() and f.name.endswith(".txt")]
    return sorted(files, key=lambda f: f.name)


def _load_patterns(directory: Traversable) -> tuple[NotePattern, ...]:
    patterns: list[NotePattern] = []
    for file in _pattern_files(directory):
        language = file.name.removesuffix(".txt")
        patterns.extend(parse_pattern_file(file.read_text(encoding="utf-8"), language, file.name))
    return tuple(patterns)


# ------------------------------------------------------------------------------ checker

_PROBLEM_ORDER = {problem: rank for rank, problem in enumerate(NoteProblem)}


@dataclass(frozen=True)
class _Hit:
    start: int
    pattern: NotePattern
    finding: NoteFinding


def _hit(mapped: _Mapped, original: str, pattern: NotePattern) -> _Hit | None:
    match = pattern.regex.search(mapped.text)
    if match is None:
        return None
    span = mapped.original_span(*match.span())
    fragment = original[span[0]:span[1]].strip() if span else ""
    finding = NoteFinding(pattern.problem, pattern.language, fragment or match.group(0))
    return _Hit(match.start(), pattern, finding)


def _ordered(hits: Iterable[_Hit]) -> list[NoteFinding]:
    ranked = sorted(hits, key=lambda h: (h.start, _PROBLEM_ORDER[h.pattern.problem]))
    findings: list[NoteFinding] = []
    for hit in ranked:
        if hit.finding not in findings:
            findings.append(hit.finding)
    return findings


class NoteChecker:
    """Applies every language's patterns to a note. Patterns are loaded once, lazily."""

    def __init__(self, patterns_dir: Path | None = None) -> None:
        self._patterns_dir = patterns_dir
        self._patterns: tuple[NotePattern, ...] | None = None

    @property
    def patterns(self) -> tuple[NotePattern, ...]:
        if self._patterns is None:
            directory: Traversable = (
                self._patterns_dir
                if self._patterns_dir is not None
                else resources.files(PATTERNS_PACKAGE)
            )
            self._patterns = _load_patterns(directory)
        return self._patterns

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(p.language for p in self.patterns))

    def findings(self, text: str) -> list[NoteFinding]:
        """Every problem found, in the order they appear in the note (one per pattern)."""
        mapped = _normalise_mapped(text)
        hits = (_hit(mapped, text, pattern) for pattern in self.patterns)
        return _ordered(hit for hit in hits if hit is not None)

    def check(self, text: str) -> NoteFinding | None:
        """The first problem in the note, or None when it may be posted."""
        findings = self.findings(text)
        return findings[0] if findings else None
