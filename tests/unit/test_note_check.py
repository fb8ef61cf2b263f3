"""The personal-note check (no stars asked for, no reward, no steering): real phrasings."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.note_check import (
    NEUTRAL,
    NoteChecker,
    NoteFinding,
    NoteProblem,
    PatternFileError,
    normalise,
    parse_pattern_file,
)

ASK = NoteProblem.ASKS_FOR_RATING
GIFT = NoteProblem.OFFERS_INCENTIVE
STEER = NoteProblem.STEERS_UNHAPPY


@pytest.fixture(scope="module")
def checker() -> NoteChecker:
    return NoteChecker()


# ------------------------------------------------------------------------------ phrasings

PHRASINGS_DIR = Path(__file__).with_name("note_phrasings")
LANGUAGES = ("en", "es", "pt", "ar")
PASSES = "passes"
MINIMUM = 30  # refused, and separately passing, phrasings per language (issue 12)
MINIMUM_PER_PROBLEM = 10


@dataclass(frozen=True)
class Phrasing:
    language: str
    note: str
    problem: NoteProblem | None  # None: the note must be accepted
    source: str  # "es.txt:12"

    def __str__(self) -> str:  # the test id
        return f"{self.source} {self.note}"


def read_phrasings(path: Path) -> list[Phrasing]:
    """``label: note`` lines of a phrasings file, named ``{language}.txt`` (see its header)."""
    phrasings = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        label, _, note = line.partition(":")
        source = f"{path.name}:{number}"
        labels = {PASSES, *NoteProblem}
        if label not in labels or not note.strip():
            raise ValueError(f"{source}: expected 'label: note' with a label in {sorted(labels)}")
        problem = None if label == PASSES else NoteProblem(label)
        phrasings.append(Phrasing(path.stem, note.strip(), problem, source))
    return phrasings


PHRASINGS = {language: read_phrasings(PHRASINGS_DIR / f"{language}.txt")
             for language in LANGUAGES}
REFUSED = [p for phrasings in PHRASINGS.values() for p in phrasings if p.problem is not None]
ACCEPTED = [p for phrasings in PHRASINGS.values() for p in phrasings if p.problem is None]


@pytest.mark.parametrize("phrasing", REFUSED, ids=str)
def test_refused_notes(checker: NoteChecker, phrasing: Phrasing) -> None:
    """Refused for its problem by its own language's rules (or a language-neutral one).

    The checker applies every language's file to every note, since notes mix languages;
    this test makes sure each file is complete for its language on its own. Rules in
    neutral.txt are made of digits and glyphs only ("★★★", "10/10"), hence count for all.
    """
    found = checker.findings(phrasing.note)
    own = {(f.language, f.problem) for f in found} & {
        (phrasing.language, phrasing.problem), (NEUTRAL, phrasing.problem)}
    assert own, (phrasing.source, phrasing.note, normalise(phrasing.note), found)
    assert checker.check(phrasing.note) is not None


@pytest.mark.parametrize("phrasing", ACCEPTED, ids=str)
def test_accepted_notes(checker: NoteChecker, phrasing: Phrasing) -> None:
    assert checker.findings(phrasing.note) == [], (
        phrasing.source, phrasing.note, normalise(phrasing.note))
    assert checker.check(phrasing.note) is None


@pytest.mark.parametrize("language", LANGUAGES)
def test_at_least_thirty_refused_and_thirty_passing_phrasings(language: str) -> None:
    refused = [p for p in PHRASINGS[language] if p.problem is not None]
    passing = [p for p in PHRASINGS[language] if p.problem is None]
    assert len(refused) >= MINIMUM, (language, len(refused))
    assert len(passing) >= MINIMUM, (language, len(passing))
    for problem in NoteProblem:
        count = sum(p.problem is problem for p in refused)
        assert count >= MINIMUM_PER_PROBLEM, (language, problem, count)
    notes = [p.note for p in PHRASINGS[language]]
    assert len(notes) == len(set(notes)), "a phrasing is listed twice"


@pytest.mark.parametrize("line", ["asks_for_ratings: Dame 5", "passes:", "Dame 5 estrellas"])
def test_a_mislabelled_phrasing_is_reported(tmp_path: Path, line: str) -> None:
    (tmp_path / "xx.txt").write_text(f"# header\n{line}\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"xx\.txt:2: expected 'label: note'"):
        read_phrasings(tmp_path / "xx.txt")


def test_neutral_rules_belong_to_no_language(checker: NoteChecker) -> None:
    assert NEUTRAL not in checker.languages
    assert checker.check("★★★★★") == NoteFinding(ASK, NEUTRAL, "★★★★★")
    assert {p.problem for p in checker.patterns if p.language == NEUTRAL} == {ASK}


# ------------------------------------------------------------------------------ findings


def test_finding_reports_language_and_original_fragment(checker: NoteChecker) -> None:
    finding = checker.check("¡Hola! Espero CINCO estrellas, porfa")
    assert finding == NoteFinding(ASK, "es", "CINCO estrellas")


def test_matched_fragment_keeps_arabic_diacritics_and_tatweel(checker: NoteChecker) -> None:
    finding = checker.check("أرجو خَمْسُ نُجـــومٍ")
    assert finding is not None
    assert finding.problem is ASK
    assert finding.language == "ar"
    assert finding.matched == "خَمْسُ نُجـــوم"


def test_findings_are_ordered_by_position(checker: NoteChecker) -> None:
    note = "Te hago un 10% de descuento si me valoras con cinco estrellas"
    problems = [f.problem for f in checker.findings(note)]
    assert problems[0] is GIFT
    assert ASK in problems


def test_empty_and_blank_notes_pass(checker: NoteChecker) -> None:
    assert checker.check("") is None
    assert checker.check("   \n\t ") is None


def test_every_language_file_is_loaded(checker: NoteChecker) -> None:
    assert set(checker.languages) == {"en", "es", "pt", "ar"}
    for language in checker.languages:
        problems = {p.problem for p in checker.patterns if p.language == language}
        assert problems == set(NoteProblem), language


# ------------------------------------------------------------------------- pattern files


def test_custom_patterns_dir(tmp_path: Path) -> None:
    (tmp_path / "xx.txt").write_text(
        "# test rules\n\nasks_for_rating: \\bgimme 5\\b\n"
        "offers_incentive: cadeau   # trailing text is part of the regex\n",
        encoding="utf-8",
    )
    (tmp_path / "notes.md").write_text("not a pattern file", encoding="utf-8")
    checker = NoteChecker(tmp_path)
    assert checker.check("GIMME FIVE") == NoteFinding(ASK, "xx", "GIMME FIVE")
    assert checker.check("thanks") is None


def test_patterns_may_be_written_with_accents_and_arabic_variants() -> None:
    [rule] = parse_pattern_file("asks_for_rating: avaliação máxima|تقييمٌ كاملة", "pt")
    assert rule.regex.search(normalise("AVALIAÇÃO MÁXIMA"))
    assert rule.regex.search(normalise("تقييم كاملة"))


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("asks_for_rating (5 stars)", "expected 'category: regex'"),
        ("wants_money: cash", "unknown category"),
        ("asks_for_rating: (5", "bad regex"),
        ("asks_for_rating:   ", "empty regex"),
        ("asks_for_rating: x?", "matches empty text"),
    ],
)
def test_bad_pattern_lines_are_reported(line: str, message: str) -> None:
    with pytest.raises(PatternFileError, match=r"xx\.txt:2") as error:
        parse_pattern_file(f"# header\n{line}\n", "xx")
    assert message in str(error.value)


def test_bad_file_fails_on_first_use_not_on_construction(tmp_path: Path) -> None:
    (tmp_path / "xx.txt").write_text("nonsense\n", encoding="utf-8")
    checker = NoteChecker(tmp_path)
    with pytest.raises(PatternFileError):
        checker.check("hello")


# ----------------------------------------------------------------------------- normalise


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Dame CINCO Estrellas", "dame 5 estrellas"),
        ("avaliação máxima", "avaliacao maxima"),
        ("Sólo acepto un diez", "solo acepto un 10"),
        ("rate me five", "rate me 5"),
        ("one two three four five six seven eight nine ten", "1 2 3 4 5 6 7 8 9 10"),
        ("uno una dos tres cuatro seis siete ocho nueve diez", "1 1 2 3 4 6 7 8 9 10"),
        ("um uma dois duas três quatro oito nove dez", "1 1 2 2 3 4 8 9 10"),
        ("someone tenth fivefold dezembro", "someone tenth fivefold dezembro"),
        ("أعطني ٥ نجوم", "اعطني 5 نجوم"),
        ("۵ ستاره", "5 ستاره"),
        ("خَمْسُ نُجُومٍ", "5 نجوم"),
        ("خمـــس نجـــوم", "5 نجوم"),
        ("بخمسة نجوم", "ب 5 نجوم"),
        ("الخمس نجوم", "ال 5 نجوم"),
        ("واحد اثنين ثلاثة أربعة ستة سبعة ثمانية تسعة عشرة", "1 2 3 4 6 7 8 9 10"),
        ("لست راضيا", "لست راضيا"),
        ("خمسات", "خمسات"),
        ("إسلام آمن ٱلله مدرسة على", "اسلام امن الله مدرسه علي"),
        ("١٠/١٠", "10/10"),
        ("5⭐️", "5★"),
        ("☆☆☆🌟", "★★★★"),
        ("5️⃣ stars", "5 stars"),
        ("5stars", "5 stars"),
        ("خصم ١٠٪ ، شكرا؟", "خصم 10% , شكرا?"),
        ("I’ll  do\tit —\n now", "i'll do it - now"),
        ("ＦＩＶＥ", "5"),
        ("  Hello   World  ", "hello world"),
        ("Straße", "strasse"),
        ("zero\u200bwidth", "zerowidth"),
    ],
)
def test_normalise(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_normalise_is_idempotent(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=1000))
def test_check_never_raises(text: str) -> None:
    checker = _SHARED
    result = checker.check(text)
    assert result is None or isinstance(result, NoteFinding)
    if result is not None:
        assert result.matched


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["5", "★", "٥", "خمس", "five", "cinco", "dez", "stars", "estrelas", "نجوم", " ",
             "\u0640", "\u064e", "é", "if not", "antes de", "قبل", "%", "/", "10", "rate me"]
        ),
        max_size=40,
    ).map("".join)
)
def test_check_never_raises_on_vocabulary_soup(text: str) -> None:
    _SHARED.findings(text)
    assert normalise(normalise(text)) == normalise(text)


_SHARED = NoteChecker()
