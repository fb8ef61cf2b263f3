"""`orderbot try` in a real browser: the demo's story clicked through in the page, without
reloading it, as pro, client, a stranger and the moderator; in Spanish through aiogram and in
Arabic through python-telegram-bot. Each step asserts what the person sees."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

if os.environ.get("CI") != "true":  # under CI a missing Playwright fails the collection
    pytest.importorskip("playwright", reason="Playwright for Python is not installed")

from playwright.sync_api import expect

from bot.demo.people import SCRIPTS
from bot.domain.order import Status
from bot.i18n import Translations, Translator
from bot.tryit.clock import START
from handlers.labels import stars, status_name
from tests.browser.chat_page import ChatPage
from tests.tryit_process import orderbot_try

pytestmark = pytest.mark.slow

RATED = (("on_time", 5), ("quality", 4), ("communication", 5))


def _before(template: str) -> str:
    """The fixed words of a message before its first placeholder."""
    return template.split("{", 1)[0].strip()


def _longest_words(template: str) -> str:
    """The longest run of fixed words between a message's placeholders."""
    return max(re.split(r"\{[^}]*\}", template), key=len).strip()


@pytest.fixture
def chat(browser: Any, request: pytest.FixtureRequest) -> Iterator[ChatPage]:
    language, framework = request.param
    with orderbot_try("--lang", language, "--framework", framework) as url:
        context = browser.new_context(viewport={"width": 1360, "height": 860},
                                      accept_downloads=True)
        page = ChatPage(context.new_page(), url)
        page.language = language
        try:
            yield page
        finally:
            context.close()


@pytest.mark.parametrize("chat", [("es", "aiogram"), ("ar", "ptb")], indirect=True,
                         ids=["es-aiogram", "ar-ptb"])
def test_the_story_in_the_page(chat: ChatPage, tmp_path: Path,
                               screenshot_folder: Path | None) -> None:
    language = chat.language  # type: ignore[attr-defined]
    t, script = Translations().get(language), SCRIPTS[language]
    chat.open()
    expect(chat.page.locator("#chat-title")).to_contain_text(script.title)
    expect(chat.page.locator(".hint")).to_contain_text(f"/neworder {script.title}")
    bind_the_order(chat, t, script)
    expect(chat.page.locator(".hint")).to_have_count(0)
    refuse_a_stranger(chat, t)
    done_and_review_on_a_date(chat, t, script)
    move_the_clock(chat, t, script)
    rate_and_reply(chat, t, script)
    if language == "ar":
        assert_arabic_reads_right_to_left(chat)
    if screenshot_folder is not None:
        expect(chat.page.locator("#toast")).to_be_hidden()
        screenshot_folder.mkdir(parents=True, exist_ok=True)
        chat.page.screenshot(path=str(screenshot_folder / f"try-{language}.png"))
    storm_and_upgrade(chat, t, script)
    export_as_the_moderator(chat, tmp_path)
    remove_the_bot_and_block_it(chat, t, script)
    download_the_transcript(chat, tmp_path, script)
    another_group_then_reset(chat, script)
    assert chat.problems == []


def bind_the_order(chat: ChatPage, t: Translator, script: Any) -> None:
    chat.be("pro")
    chat.send(f"/neworder {script.title}")
    chat.bot_message(script.title)
    chat.be("client")
    chat.tap(t._("I am the client"))
    chat.bot_message(t._("Client: {name}").format(name=t.isolate(script.client)))


def refuse_a_stranger(chat: ChatPage, t: Translator) -> None:
    """Telegram shows a refused tap as an alert that must be dismissed."""
    chat.be("stranger")
    chat.tap(t._("Update"))
    chat.expect_alert(t._("This button is not for you."))


def done_and_review_on_a_date(chat: ChatPage, t: Translator, script: Any) -> None:
    chat.be("pro")
    chat.tap(t._("Update"))
    chat.tap(status_name(t, Status.DONE))
    card = chat.bot_message(t._("Status: {status}").format(status=status_name(t, Status.DONE)))
    expect(card.locator(".edited")).to_be_visible()  # the card was edited in place
    command = chat.page.locator(".msg[data-sender=pro]", has_text="/neworder").last
    command.evaluate("node => { node.keptAcrossDraws = true; }")
    chat.tap(t._("Yes, on a date"))
    day = START.date() + timedelta(days=2)
    chat.tap_data("cal:", day.strftime("%Y%m%d"))
    chat.tap(t._("Write my own note"))
    chat.expect_reply_mode()  # the bot's ForceReply question
    chat.send(script.note)
    chat.bot_message(_before(t._("Scheduled: on {date} your note is posted here with the "
                                 "rating buttons.")))
    # The messages that did not change were not drawn again, so no click can land on a node
    # that a redraw has just replaced.
    assert command.evaluate("node => node.keptAcrossDraws === true")


def move_the_clock(chat: ChatPage, t: Translator, script: Any) -> None:
    stars_posted = chat.page.locator(".keyboard button[data-data^='star:']")
    for step in ("+1 hour", "+1 day"):
        chat.clock(step)
        expect(stars_posted).to_have_count(0)  # not before its date
    chat.clock("Next scheduled")
    chat.bot_message(script.note)
    expect(stars_posted.first).to_be_visible()
    assert _shown_day(chat) == START.date() + timedelta(days=2)


def _shown_day(chat: ChatPage) -> date:
    """The date of the newest message, read from its datetime attribute."""
    stamp = chat.page.locator(".msg time").last.get_attribute("datetime") or ""
    return date.fromisoformat(stamp[:10])


def rate_and_reply(chat: ChatPage, t: Translator, script: Any) -> None:
    chat.be("client")
    chat.tap_data("star:", ":5")
    chat.bot_message(stars(5))
    for aspect, value in RATED:
        chat.tap_data("asp:", f":{aspect}:{value}")
    chat.tap(t._("Write a comment"))
    chat.expect_reply_mode()
    chat.send(script.comment)
    chat.bot_message(stars(5), script.comment)
    chat.be("pro")
    chat.tap(t._("Reply to the review"))
    chat.expect_reply_mode()
    chat.send(script.reply)
    chat.bot_message(script.reply)


def assert_arabic_reads_right_to_left(chat: ChatPage) -> None:
    texts = chat.page.locator(".msg[data-sender=bot] .text")
    directions = texts.evaluate_all("nodes => nodes.map(n => getComputedStyle(n).direction)")
    assert directions and set(directions) == {"rtl"}, directions


def storm_and_upgrade(chat: ChatPage, t: Translator, script: Any) -> None:
    profile = _before(t._("Profile of {name}"))
    chat.fault("429 storm on this chat")
    chat.command("profile")
    chat.bot_message(profile, script.comment, script.reply)  # delivered after the 429s
    expect(chat.page.locator("#fault-info")).not_to_contain_text("so far: 0")
    chat.fault("Upgrade to a supergroup")
    expect(chat.page.locator("#chat-title")).to_contain_text("supergroup")
    expect(chat.page.locator(".service", has_text="upgraded to a supergroup")).to_be_visible()
    chat.send("/profile")
    expect(chat.page.locator(".msg[data-sender=bot]", has_text=profile)).to_have_count(2)


def export_as_the_moderator(chat: ChatPage, tmp_path: Path) -> None:
    chat.be("moderator")
    chat.open_chat("orderbot")
    chat.command("export")
    # Orders, reviews and the audit trail come one after the other: a click while the next
    # arrives and scrolls the chat could land beside the link.
    expect(chat.page.locator("a.document")).to_have_count(3)
    link = chat.page.locator("a.document", has_text="orders-")
    with chat.page.expect_download() as download:
        link.click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    header = saved.read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.startswith("id,chat_id,title,status")


def remove_the_bot_and_block_it(chat: ChatPage, t: Translator, script: Any) -> None:
    chat.be("pro")
    chat.open_chat(script.title)
    cards = chat.page.locator(".msg[data-sender=bot]", has_text=_before(t._("Status: {status}")))
    shown = cards.count()
    chat.fault("Remove the bot from this group")
    expect(chat.page.locator(".service", has_text="orderbot left the group")).to_be_visible()
    chat.fault("Add the bot back to this group")
    expect(cards).to_have_count(shown + 1)  # the card is posted again
    chat.be("client")
    chat.fault(f"Block the bot (as {script.client})")
    chat.be("moderator")
    chat.open_chat("orderbot")
    chat.bot_message(script.client, _longest_words(t._(
        "{person} (user id {id}) blocked me: nothing more is sent to them in private until "
        "they unblock me.")))


def download_the_transcript(chat: ChatPage, tmp_path: Path, script: Any) -> None:
    """JSON lines, as `orderbot demo --json` writes them."""
    with chat.page.expect_download() as download:
        chat.page.click("#transcript")
    saved = tmp_path / "transcript.jsonl"
    download.value.save_as(saved)
    lines = [json.loads(line) for line in saved.read_text(encoding="utf-8").splitlines()]
    assert {"chat", "kind", "sender", "role", "text", "buttons", "time"} == set(lines[0])
    assert any(line["role"] == "client" and line["text"] == script.comment for line in lines)


def another_group_then_reset(chat: ChatPage, script: Any) -> None:
    chat.page.click("#new-group")
    expect(chat.page.locator("#chat-title")).to_contain_text(f"{script.title} (2)")
    chat.page.click("#reset")
    expect(chat.page.locator(".chat-item")).to_have_count(2)  # one group, one private chat
    expect(chat.page.locator("#chat-title")).to_contain_text(script.title)
    expect(chat.page.locator(".service", has_text="orderbot joined the group")).to_have_count(1)
    expect(chat.page.locator(".msg")).to_have_count(0)
