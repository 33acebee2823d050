"""Safety answers that must not depend on anything but the Rasa server: in a chat paused for staff, and with the
action server down (the clinic's phone number and prices still filled in)."""

from __future__ import annotations

import uuid

import pytest

from bot.answers import answer_facts
from bot.clinic import clinic


def _paused_chat(assistant) -> str:
    sender = f"paused-{uuid.uuid4().hex}"
    assistant.messages("hi", sender)
    assistant.pause(sender)
    return sender


def _replies_to(assistant, sender: str, text: str):
    before = len(assistant.bot_messages(sender))
    assistant.messages(text, sender)
    return assistant.bot_messages(sender)[before:]


def test_an_urgent_message_in_a_paused_chat_gets_the_emergency_answer_and_stays_paused(assistant):
    sender = _paused_chat(assistant)
    replies = _replies_to(assistant, sender, "my throat feels tight and i cant swallow since the botox")
    assert [name for name, _ in replies] == ["utter_emergency"]
    assert assistant.tracker(sender).is_paused()


def test_an_ordinary_message_in_a_paused_chat_is_left_to_staff(assistant):
    sender = _paused_chat(assistant)
    assert _replies_to(assistant, sender, "how long does it last?") == []


@pytest.mark.parametrize(
    "text, response, fact",
    [
        ("I can't breathe properly since my botox yesterday", "utter_emergency", "clinic_phone"),
        ("no puedo tragar desde la inyección de ayer", "utter_emergency", "clinic_phone"),
        ("just found out im pregnant, can i still come tomorrow? its a tiny dose", "utter_pregnancy", "clinic_phone"),
        ("how many units should I get for my gummy smile?", "utter_dose", "price_per_unit"),
    ],
)
def test_safety_answers_quote_clinic_facts_with_the_action_server_down(
    assistant_without_action_server, text, response, fact
):
    """A new conversation while the action server is down: Rasa's own session start, facts from its NLG."""
    down = assistant_without_action_server
    sender = f"down-{uuid.uuid4().hex}"
    down.messages(text, sender)
    answer = dict(down.bot_messages(sender)).get(response)
    assert answer is not None, down.bot_messages(sender)
    assert answer_facts(clinic())[fact] in answer and "None" not in answer
