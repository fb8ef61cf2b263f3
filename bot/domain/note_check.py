"""Checks the professional's personal note before it is posted with the rating buttons.

A note is refused when it asks for a given rating, offers something in exchange for a
rating, or steers unhappy clients away from rating: every client is asked alike. The rules are
data: one pattern file per language in ``bot/domain/note_patterns/`` (see the header of
any of those files for the format), plus ``neutral.txt`` for rules made only of digits and
glyphs ("★★★", "10/10"), which belong to no language. Every file's patterns are applied to
every note, because notes mix languages ("5 stars" in a Spanish note); each language file
is still meant to catch its own language's phrasings alone (tests/unit/note_phrasings/).

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
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from bot.domain.note_normalise import PATTERN_TABLE, MappedText, normalise, normalise_mapped

__all__ = [
    "NEUTRAL",
    "NoteChecker",
    "NoteFinding",
    "NotePattern",
    "NoteProblem",
    "PatternFileError",
    "normalise",
    "parse_pattern_file",
]

PATTERNS_PACKAGE = "bot.domain.note_patterns"
NEUTRAL = "neutral"  # the pattern file of rules that belong to no language


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

# ------------------------------------------------------------------------ pattern files


def _fold_pattern(regex: str) -> str:
    """Lets pattern authors write accents and Arabic letter variants: only letters change."""
    decomposed = unicodedata.normalize("NFKD", regex)
    kept = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return kept.translate(PATTERN_TABLE)


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


def _hit(mapped: MappedText, original: str, pattern: NotePattern) -> _Hit | None:
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
        """The languages with a pattern file (the language-neutral file is not one)."""
        return tuple(dict.fromkeys(p.language for p in self.patterns if p.language != NEUTRAL))

    def findings(self, text: str) -> list[NoteFinding]:
        """Every problem found, in the order they appear in the note (one per pattern)."""
        mapped = normalise_mapped(text)
        hits = (_hit(mapped, text, pattern) for pattern in self.patterns)
        return _ordered(hit for hit in hits if hit is not None)

    def check(self, text: str) -> NoteFinding | None:
        """The first problem in the note, or None when it may be posted."""
        findings = self.findings(text)
        return findings[0] if findings else None
