"""The chat widget as the browser tests see it (Playwright locators pierce its open shadow root)."""

from __future__ import annotations

import time
from typing import List

from playwright.sync_api import Locator, Page, expect

LAUNCHER = "Chat with us (Confidence Med Spa assistant)"
DIALOG = "Chat with the Confidence Med Spa assistant"
UNREACHABLE = "We can't reach the assistant right now. Please try again in a moment or call +1 512-555-0100."


class Widget:
    def __init__(self, page: Page):
        self.page = page
        self.launcher = page.get_by_role("button", name=LAUNCHER, exact=True)
        self.panel = page.get_by_role("dialog", name=DIALOG)
        self.input = page.get_by_role("textbox", name="Your message")
        self.log = page.get_by_role("log", name="Conversation")
        self.bot_texts = page.locator(".cw-row--bot .cw-text")
        self.user_texts = page.locator(".cw-row--user .cw-text")
        self.quick_replies = page.get_by_role("group", name="Suggested replies")
        self.unreachable = page.locator(".cw-notice--offline")
        self.reconnecting = page.locator(".cw-notice--info")

    def open(self) -> "Widget":
        if not self.panel.is_visible():
            self.launcher.click()
        expect(self.panel).to_be_visible()
        return self

    def focused(self) -> str:
        """The class (else the tag) of the focused element inside the widget, or '' when focus is elsewhere."""
        return self.page.evaluate(
            "() => { const a = document.querySelector('clinic-chat-widget')?.shadowRoot?.activeElement;"
            " return a ? a.className || a.tagName.toLowerCase() : ''; }"
        )

    def bot_messages(self) -> List[str]:
        return self.bot_texts.all_inner_texts()

    def user_messages(self) -> List[str]:
        return self.user_texts.all_inner_texts()

    def wait_for_replies(self, before: int, timeout: float = 60) -> List[str]:
        """The bot messages after the first `before`, once at least one arrived and no more came for a moment."""
        deadline = time.monotonic() + timeout
        while self.bot_texts.count() <= before:
            if time.monotonic() > deadline:
                raise AssertionError(f"no reply within {timeout}s; bot messages: {self.bot_messages()}")
            self.page.wait_for_timeout(100)
        count = -1
        while count != self.bot_texts.count():
            count = self.bot_texts.count()
            self.page.wait_for_timeout(400)
        return self.bot_messages()[before:]

    def ask(self, text: str, timeout: float = 60) -> List[str]:
        """Types `text`, presses Enter and returns the assistant's reply messages."""
        before = self.bot_texts.count()
        self.input.fill(text)
        self.input.press("Enter")
        expect(self.user_texts.last).to_have_text(text.strip())
        return self.wait_for_replies(before, timeout)

    def storage(self, name: str):
        return self.page.evaluate(f"() => JSON.parse(localStorage.getItem('clinic-chat:{name}'))")


def quick_reply(widget: Widget, title: str) -> Locator:
    return widget.quick_replies.get_by_role("button", name=title)
