"""The chat widget in Chromium, on the demo page, talking to a real Rasa server and action server."""

from __future__ import annotations

import re

import requests
from playwright.sync_api import expect

from tests.web.widget_page import UNREACHABLE, Widget, quick_reply

PHONE_HREF = "tel:+15125550100"


def contrast(foreground: str, background: str) -> float:
    def channels(css: str):
        values = [float(v) for v in re.findall(r"[\d.]+", css)[:3]]
        return [v / 255 for v in values]

    def luminance(css: str) -> float:
        r, g, b = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels(css)]
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    high, low = sorted([luminance(foreground), luminance(background)], reverse=True)
    return (high + 0.05) / (low + 0.05)


def colors(locator):
    return locator.evaluate("e => { const s = getComputedStyle(e); return [s.color, s.backgroundColor]; }")


def test_answers_a_question_and_shows_the_disclosure(live_stack, new_page, artifacts):
    page = new_page(viewport={"width": 1280, "height": 800})
    page.goto(live_stack.web_url)
    widget = Widget(page).open()

    expect(widget.panel).to_contain_text("Automated assistant — general information, not medical advice")
    expect(widget.panel.locator(f"a[href='{PHONE_HREF}']").first).to_be_visible()
    expect(widget.bot_texts.first).to_have_text("Hi! Ask me about Botox for facial balance.")

    reply = widget.ask("how long does botox last")
    assert any("month" in message.lower() for message in reply), reply
    page.screenshot(path=str(artifacts / "widget-open.png"))
    assert page.errors == []


def test_quick_replies_send_their_payload_and_show_their_title(live_stack, new_page):
    page = new_page()
    page.goto(live_stack.web_url)
    widget = Widget(page).open()

    # Two misunderstandings in a row offer a person, with buttons. "/out_of_scope" is Rasa's intent syntax: it
    # skips the NLU model, so the test does not depend on how some gibberish happens to be classified.
    widget.ask("/out_of_scope")
    offer = widget.ask("/out_of_scope")
    assert any("connect you with a person" in message for message in offer), offer
    rephrase = quick_reply(widget, "No, I'll rephrase")
    expect(rephrase).to_be_visible()
    expect(quick_reply(widget, "Yes, a person please")).to_be_visible()

    before = widget.bot_texts.count()
    rephrase.click()
    expect(widget.user_texts.last).to_have_text("No, I'll rephrase")  # the title, not "/deny"
    reply = widget.wait_for_replies(before)
    assert reply and all("/deny" not in message for message in reply)
    expect(widget.quick_replies).to_have_count(0)  # answered: the buttons are gone
    assert "/deny" in [m.get("payload") for m in widget.storage("messages")]


def test_history_survives_a_reload_and_a_second_tab_continues_the_conversation(live_stack, new_page):
    page = new_page()
    page.goto(live_stack.web_url)
    widget = Widget(page).open()
    first = widget.ask("what are your hours")
    session = widget.storage("session")["id"]
    widget.input.fill("a draft I have not sent")

    page.reload()
    widget = Widget(page).open()  # stays open across the reload
    expect(widget.user_texts).to_have_text(["what are your hours"])
    assert widget.bot_messages()[1:] == first
    expect(widget.input).to_have_value("a draft I have not sent")

    second_tab = page.context.new_page()
    second_tab.goto(live_stack.web_url)
    other = Widget(second_tab).open()
    expect(other.user_texts).to_have_text(["what are your hours"])
    answer = other.ask("where are you located")
    assert answer
    assert other.storage("session")["id"] == session
    # The first tab follows along.
    expect(widget.user_texts).to_have_text(["what are your hours", "where are you located"])
    expect(widget.bot_texts).to_have_count(1 + len(first) + len(answer))
    page.wait_for_timeout(3500)  # both tabs heard the reply: still only one copy of it, in both
    expect(widget.bot_texts).to_have_count(1 + len(first) + len(answer))
    expect(other.bot_texts).to_have_count(1 + len(first) + len(answer))
    assert len(widget.storage("messages")) == 2 + len(first) + len(answer)

    # It is one conversation for Rasa too.
    tracker = requests.get(f"{live_stack.rasa_url}/conversations/{session}/tracker", timeout=10).json()
    said = [event.get("text") for event in tracker["events"] if event.get("event") == "user"]
    assert said == ["what are your hours", "where are you located"]


def test_message_text_is_never_html(live_stack, new_page):
    page = new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(live_stack.web_url)
    widget = Widget(page).open()

    attack = "<img src=x onerror=alert(1)>"
    widget.ask(attack)
    expect(widget.user_texts.last).to_have_text(attack)
    page.wait_for_timeout(500)
    assert dialogs == []
    assert page.locator("img").count() == 0  # none in the page nor in the widget's shadow root

    widget.input.fill("see javascript:alert(1) and https://example.com/a?b=1.")
    widget.input.press("Enter")
    bubble = widget.user_texts.last
    expect(bubble).to_have_text("see javascript:alert(1) and https://example.com/a?b=1 (opens in a new tab).")
    links = bubble.locator("a")
    expect(links).to_have_count(1)
    expect(links).to_have_attribute("href", "https://example.com/a?b=1")
    expect(links).to_have_attribute("rel", "noopener noreferrer nofollow")


def test_keyboard_alone(live_stack, new_page):
    page = new_page()
    page.goto(live_stack.web_url)
    widget = Widget(page)

    for _ in range(40):
        page.keyboard.press("Tab")
        if widget.focused() == "cw-launcher":
            break
    assert widget.focused() == "cw-launcher", "Tab never reached the chat launcher"
    outline = widget.launcher.evaluate("e => getComputedStyle(e).outlineStyle + ' ' + getComputedStyle(e).outlineWidth")
    assert outline == "solid 3px"  # a visible focus ring

    page.keyboard.press("Enter")
    expect(widget.panel).to_be_visible()
    expect(widget.launcher).to_have_attribute("aria-expanded", "true")
    assert widget.focused() == "cw-input"

    before = widget.bot_texts.count()
    page.keyboard.type("do you take credit cards")
    page.keyboard.press("Enter")
    expect(widget.user_texts.last).to_have_text("do you take credit cards")
    assert widget.wait_for_replies(before)
    expect(widget.input).to_have_value("")

    page.keyboard.press("Shift+Tab")  # back from the message box into the panel
    assert widget.focused() != ""
    page.keyboard.press("Escape")
    expect(widget.panel).to_be_hidden()
    assert widget.focused() == "cw-launcher"
    expect(widget.launcher).to_have_attribute("aria-expanded", "false")


def test_accessible_structure_and_contrast(live_stack, new_page):
    page = new_page()
    page.goto(live_stack.web_url)
    widget = Widget(page).open()
    widget.ask("/out_of_scope")
    widget.ask("/out_of_scope")  # the reply has quick replies

    expect(widget.log).to_have_attribute("aria-live", "polite")
    assert widget.bot_texts.last.evaluate("e => !!e.closest('[role=log][aria-live=polite]')")
    expect(widget.panel).to_have_attribute("role", "dialog")

    pairs = {
        "bot bubble": page.locator(".cw-row--bot .cw-bubble").last,
        "patient bubble": page.locator(".cw-row--user .cw-bubble").last,
        "disclosure": page.locator(".cw-disclosure"),
        "send button": page.locator(".cw-send"),
        "launcher": widget.launcher,
        "header": page.locator(".cw-header"),
    }
    for name, locator in pairs.items():
        foreground, background = colors(locator)
        assert contrast(foreground, background) >= 4.5, (name, foreground, background)
    button = quick_reply(widget, "No, I'll rephrase")
    foreground, background = colors(button)
    assert contrast(foreground, background) >= 4.5


def test_input_is_trimmed_refused_when_empty_and_capped(live_stack, new_page):
    page = new_page()
    page.goto(live_stack.web_url)
    widget = Widget(page).open()

    widget.input.fill("    ")
    widget.input.press("Enter")
    expect(page.locator(".cw-hint")).to_contain_text("Please type a message first.")
    expect(widget.user_texts).to_have_count(0)

    widget.input.fill("x" * 1200)
    assert len(widget.input.input_value()) == 1000
    widget.input.press("End")
    widget.input.press_sequentially("y")  # typing at the limit does nothing more, and says so
    assert len(widget.input.input_value()) == 1000
    expect(page.locator(".cw-hint")).to_contain_text("1000-character limit")
    expect(page.locator(".cw-hint")).to_contain_text("1000 / 1000")

    widget.input.fill("   hello   ")
    widget.input.press("Enter")
    expect(widget.user_texts.last).to_have_text("hello")


def test_says_so_when_the_assistant_cannot_be_reached(web_app_factory, dead_rasa_url, new_page):
    page = new_page()
    page.goto(web_app_factory(dead_rasa_url))
    widget = Widget(page).open()

    expect(widget.unreachable).to_be_visible(timeout=20000)
    expect(widget.unreachable).to_have_text(UNREACHABLE)
    expect(widget.unreachable).to_have_attribute("role", "alert")
    expect(widget.unreachable.locator("a")).to_have_attribute("href", PHONE_HREF)

    widget.input.fill("are you there?")
    widget.input.press("Enter")
    expect(widget.user_texts.last).to_have_text("are you there?")
    expect(page.locator(".cw-row--queued .cw-status")).to_contain_text("Not sent yet")


def test_a_site_that_is_not_allowed_cannot_connect(live_stack, new_page):
    other_site = live_stack.start_web_app(live_stack.rasa_url)  # another origin, not in WIDGET_ALLOWED_ORIGINS
    page = new_page()
    page.goto(other_site)
    widget = Widget(page).open()
    expect(widget.unreachable).to_be_visible(timeout=20000)

    handshake = f"{live_stack.rasa_url}/socket.io/?EIO=4&transport=polling"
    refused = requests.get(handshake, headers={"Origin": "https://evil.example"}, timeout=10)
    assert refused.status_code == 400
    accepted = requests.get(handshake, headers={"Origin": live_stack.web_url}, timeout=10)
    assert accepted.status_code == 200
    # One Access-Control-Allow-Origin (the Socket.IO server's), not a second one from `rasa run --cors`.
    assert accepted.raw.headers.getlist("Access-Control-Allow-Origin") == [live_stack.web_url]


def test_reconnects_after_a_network_drop_without_losing_messages(live_stack, new_page):
    page = new_page()
    page.goto(live_stack.proxied_web_url)
    widget = Widget(page).open()
    assert widget.ask("what are your hours")

    live_stack.proxy.drop()
    expect(widget.reconnecting.or_(widget.unreachable).first).to_be_visible(timeout=20000)
    before = widget.bot_texts.count()
    widget.input.fill("do you take credit cards")
    widget.input.press("Enter")
    expect(page.locator(".cw-row--queued .cw-status")).to_contain_text("Not sent yet")
    widget.input.fill("and a question I am still typing")

    live_stack.proxy.resume()
    reply = widget.wait_for_replies(before, timeout=60)
    assert reply
    expect(page.locator(".cw-row--queued")).to_have_count(0)
    expect(widget.reconnecting).to_be_hidden()
    expect(widget.unreachable).to_be_hidden()
    expect(widget.input).to_have_value("and a question I am still typing")
    assert [m["status"] for m in widget.storage("messages") if m["from"] == "user"] == ["sent", "sent"]


def test_phone_layout_is_full_screen(live_stack, new_page, artifacts):
    page = new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, device_scale_factor=2)
    page.goto(live_stack.web_url)
    widget = Widget(page).open()
    box = widget.panel.bounding_box()
    assert box == {"x": 0, "y": 0, "width": 390, "height": 844}
    expect(widget.launcher).to_be_hidden()
    assert widget.input.evaluate("e => parseFloat(getComputedStyle(e).fontSize)") >= 16  # no zoom on focus
    assert widget.ask("how much does it cost")
    input_box = widget.input.bounding_box()
    assert input_box["y"] + input_box["height"] <= 844
    page.screenshot(path=str(artifacts / "widget-phone.png"))

    page.locator(".cw-close").click()
    expect(widget.panel).to_be_hidden()
    expect(widget.launcher).to_be_visible()


def test_python_m_bot_web_serves_the_site(web_app_factory, dead_rasa_url):
    site = web_app_factory(dead_rasa_url)
    for path in ("/", "/healthz", "/widget/widget.js", "/assets/site.css"):
        assert requests.get(f"{site}{path}", timeout=10).status_code == 200, path
    assert requests.get(f"{site}/widget/missing.js", timeout=10).status_code == 404
    assert requests.get(f"{site}/calendar/NOPE1234.ics", timeout=10).status_code == 404
    page = requests.get(site, timeout=10).text
    assert f'data-server-url="{dead_rasa_url}"' in page
