"""Each framework's Update becomes the same neutral ChatEvent."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from bot.core.events import ChatEvent
from tests.frameworks.payloads import BOT, CASES

Translate = Callable[[dict[str, Any]], ChatEvent | None]


def through_aiogram(payload: dict[str, Any]) -> ChatEvent | None:
    from aiogram.types import Update

    from bot.frameworks.aiogram_events import event_from_update

    return event_from_update(Update.model_validate(payload), BOT)


def through_ptb(payload: dict[str, Any]) -> ChatEvent | None:
    from telegram import Update

    from bot.frameworks.ptb_events import event_from_update

    update = Update.de_json(payload, None)  # type: ignore[arg-type]
    return event_from_update(update, BOT)


@pytest.mark.parametrize("translate", [through_aiogram, through_ptb], ids=["aiogram", "ptb"])
@pytest.mark.parametrize(("payload", "expected"), [(p, e) for _, p, e in CASES],
                         ids=[name for name, _, _ in CASES])
def test_update_becomes_event(translate: Translate, payload: dict[str, Any],
                              expected: ChatEvent | None) -> None:
    assert translate(payload) == expected


def test_split_command() -> None:
    from bot.frameworks.base import split_command

    assert split_command("/start", "b") is not None
    assert split_command("not /a command", "b") is None
    assert split_command("/", "b") is None
    parsed = split_command("/Rate@B\nfive stars", "b")
    assert parsed is not None and (parsed.name, parsed.args, parsed.foreign) == (
        "rate", "five stars", False)
