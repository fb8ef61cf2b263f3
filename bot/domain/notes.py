"""What the bot posts in the pro's words (the review request's note, the check-in message):
some text, within the length limit, and fair: no stars asked for, nothing offered for a
rating, no steering of unhappy clients away from rating."""

from __future__ import annotations

from bot.domain.errors import InvalidInput
from bot.domain.note_check import NoteChecker, NoteFinding
from bot.domain.policy import Policy
from bot.domain.text import clean_text


class NoteRefused(InvalidInput):
    """The note breaks the fair-review rules; the finding says which one."""

    code = "note_refused"

    def __init__(self, finding: NoteFinding, note: str) -> None:
        super().__init__("note refused", field="note")
        self.finding = finding
        self.note = note


def check_note(note: str, checker: NoteChecker | None, policy: Policy) -> str:
    """The note, cleaned (bot.domain.text); refused when empty, too long or unfair."""
    text = clean_text(note, "note", policy.note_max_length)
    finding = checker.check(text) if checker is not None else None
    if finding is not None:
        raise NoteRefused(finding, text)
    return text
