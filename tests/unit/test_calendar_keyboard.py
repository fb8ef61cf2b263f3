"""The date picker's grid reads in the reader's direction: Telegram lays every row out left
to right, so an Arabic calendar is given mirrored (the week starting on the right)."""

from __future__ import annotations

from datetime import date

import pytest

from bot.core.callback_data import ReviewDay, ReviewMonth
from bot.core.events import Keyboard
from bot.i18n import Translations, Translator
from handlers.keyboards import calendar_keyboard

MONTH = date(2026, 12, 1)
FIRST, LAST = date(2026, 12, 3), date(2027, 1, 31)


@pytest.fixture(scope="module")
def translations() -> Translations:
    return Translations()


def _texts(keyboard: Keyboard) -> list[list[str]]:
    return [[button.text for button in row] for row in keyboard]


def _columns(keyboard: Keyboard, t: Translator) -> list[tuple[int, int]]:
    """For each choosable day: its column, and its place in the locale's week (0: the first
    weekday)."""
    found = []
    for row in keyboard[2:-1]:
        for column, button in enumerate(row):
            if button.data.startswith("cal:"):
                day = date(int(button.data[-8:-4]), int(button.data[-4:-2]),
                           int(button.data[-2:]))
                found.append((column, (day.weekday() - t.first_weekday()) % 7))
    return found


@pytest.mark.parametrize("language", ["es", "pt", "en"])
def test_a_left_to_right_week_runs_left_to_right(translations: Translations,
                                                  language: str) -> None:
    t = translations.get(language)
    keyboard = calendar_keyboard(ReviewDay, ReviewMonth, 7, MONTH, FIRST, LAST, t)
    assert _texts(keyboard)[1] == t.weekday_initials()
    found = _columns(keyboard, t)
    assert len(found) == 29 and all(column == place for column, place in found)
    assert _texts(keyboard)[-1] == ["·", "›"]  # no earlier month to go back to


def test_an_arabic_week_runs_right_to_left(translations: Translations) -> None:
    t = translations.get("ar")
    keyboard = calendar_keyboard(ReviewDay, ReviewMonth, 7, MONTH, FIRST, LAST, t)
    assert _texts(keyboard)[1] == list(reversed(t.weekday_initials()))
    # each day under its weekday's initial, the week starting at the right
    found = _columns(keyboard, t)
    assert len(found) == 29 and all(column == 6 - place for column, place in found)
    assert _texts(keyboard)[-1] == ["‹", "·"]  # "later" on the left, as the reader goes
