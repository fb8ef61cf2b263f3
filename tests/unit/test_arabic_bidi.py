"""Every Arabic text, its placeholders filled with commands, @usernames, ids, dates and Latin
names, read through the Unicode bidi algorithm: each command and mention stays in logical order.
(Real Telegram clients are not part of this check, only the algorithm they implement.)"""

from __future__ import annotations

import pytest
from babel.messages.pofile import read_po
from bidi import get_display

from bot.bidi import addressed
from bot.i18n import Translations, Translator, catalog_path, default_locales_dir
from tests.unit.bidi_reading import LATIN_NAME, MENTION, reversed_tokens, shown_texts


@pytest.fixture(scope="module")
def arabic() -> Translator:
    return Translations(default="en").get("ar")


def test_every_arabic_text_keeps_commands_and_mentions_in_order(arabic: Translator) -> None:
    with catalog_path(default_locales_dir(), "ar").open("rb") as po_file:
        catalog = read_po(po_file)
    wrong = {}
    for message in catalog:
        if not message.id:
            continue
        for text in shown_texts(arabic, message):
            tokens = reversed_tokens(text, extra=(LATIN_NAME, MENTION))
            if tokens:
                wrong[text] = tokens
    assert not wrong, "\n".join(f"{tokens}: {text!r}" for text, tokens in wrong.items())


def test_the_reading_sees_a_reversed_command() -> None:
    assert reversed_tokens("يعرض /profile تقييمات المستقل") == ["/profile"]
    assert reversed_tokens("عبر @BotFather الآن") == ["@BotFather"]
    assert reversed_tokens("يعرض \u2068/profile\u2069 تقييمات المستقل") == []


def test_a_prompt_addresses_an_arabic_text_on_a_line_of_its_own(arabic: Translator) -> None:
    text = arabic._("Write the corrected note for {order} as a reply to this message.").format(
        order=arabic.order_ref(12, "Kitchen tap"))
    prompt = addressed("ana_k", text)
    assert prompt == f"@ana_k\n{text}"  # no mark needed: each line is its own paragraph
    assert reversed_tokens(prompt) == []
    assert get_display(text.split("\n")[0]).endswith("اكتب"[::-1])  # a right-to-left line
    assert addressed("ana_k", "Write the corrected note") == "@ana_k Write the corrected note"
    assert addressed(None, text) == text
