"""The try-out's page as a person uses it: pick who you are, open a chat, write, tap buttons,
use the clock and the faults menu; and what they see, with Playwright's waiting assertions."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Locator, Page, expect

WAIT_MS = 30_000  # a 429 storm makes the bot wait a few seconds before it can answer


class ChatPage:
    def __init__(self, page: Page, url: str) -> None:
        self.page, self.url = page, url
        self.problems: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        page.on("request", self._request)
        expect.set_options(timeout=WAIT_MS)

    def _console(self, message: Any) -> None:
        if message.type == "error":
            self.problems.append(f"console error: {message.text}")

    def _request(self, request: Any) -> None:
        if not request.url.startswith(self.url):
            self.problems.append(f"request outside the page's address: {request.url}")

    def open(self) -> None:
        self.page.goto(self.url)
        expect(self.page.locator(".chat-item").first).to_be_visible()

    # --- acting ------------------------------------------------------------------------
    def be(self, role: str) -> None:
        self.page.select_option("#you", role)

    def open_chat(self, title: str) -> None:
        self.page.locator(f'.chat-item:has(.title:text-is("{title}"))').click()
        expect(self.page.locator("#chat-title")).to_contain_text(title)

    def send(self, text: str) -> None:
        self.page.fill("#text", text)
        self.page.click("#send")

    def command(self, name: str) -> None:
        """Pick a command in the menu of the person's commands."""
        self.page.click("#menu-button")
        self.page.locator("#menu button", has_text=f"/{name}").click()

    def tap(self, label: str) -> None:
        """The last button with this label (the newest message's)."""
        self.page.locator(".keyboard button", has_text=label).last.click()

    def tap_data(self, prefix: str, suffix: str) -> None:
        """A button by its callback data, for buttons whose labels repeat (stars, days)."""
        selector = f'.keyboard button[data-data^="{prefix}"][data-data$="{suffix}"]'
        self.page.locator(selector).last.click()

    def fault(self, label: str) -> None:
        self.page.click("#faults summary")
        self.page.get_by_role("button", name=label).click()

    def clock(self, label: str) -> str:
        """Move the bot's clock; the clock shown before."""
        before = self.page.inner_text("#clock")
        self.page.get_by_role("button", name=label).click()
        expect(self.page.locator("#clock")).not_to_have_text(before)
        return before

    # --- seeing ----------------------------------------------------------------------------
    def bot_message(self, *texts: str) -> Locator:
        """The last bot message containing every text, once it is shown."""
        found = self.page.locator(".msg[data-sender=bot]")
        for text in texts:
            found = found.filter(has_text=text)
        expect(found.last).to_be_visible()
        return found.last

    def expect_reply_mode(self) -> None:
        expect(self.page.locator("#reply-bar")).to_be_visible()

    def expect_alert(self, text: str) -> None:
        expect(self.page.locator("#alert")).to_be_visible()
        expect(self.page.locator("#alert-text")).to_have_text(text)
        self.page.click("#alert-ok")
        expect(self.page.locator("#alert")).to_be_hidden()
