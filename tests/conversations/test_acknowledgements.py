"""What a patient types after an answer, through the trained model and the real action server: "ok", "cool", "got
it" get a short acknowledgement and an offer of more help, never Rasa's "not sure what to do with that"; a yes to a
booking's own question still books (tests/conversations/test_booking_flows.py)."""

from __future__ import annotations

import uuid

import pytest

ACKNOWLEDGED = "Is there anything else I can help you with?"
NOT_UNDERSTOOD = "not sure what to do with that"


@pytest.mark.parametrize("first, then", [
    ("how long does botox last", "ok"),
    ("how long does botox last", "cool"),
    ("how much is a gummy smile treatment", "got it"),
    ("what are your hours", "perfect"),
    ("hi", "ok"),
])
def test_an_acknowledgement_after_an_answer_is_acknowledged(assistant, first, then):
    sender = f"ack-{uuid.uuid4().hex[:8]}"
    assistant.reply(first, sender)
    reply = assistant.reply(then, sender)
    assert ACKNOWLEDGED in reply and NOT_UNDERSTOOD not in reply


def test_a_typed_yes_to_the_offer_of_a_person_gets_the_contact_details(assistant):
    """After two misunderstandings (actions/conversation.py) the assistant offers a person, with buttons whose
    payload starts the handoff (tests/web/test_web_widget_browser.py); a yes typed instead gets the clinic's contact
    details rather than "not sure what to do with that"."""
    sender = f"ack-{uuid.uuid4().hex[:8]}"
    assistant.reply("/out_of_scope", sender)
    assert "connect you with a person" in assistant.reply("/out_of_scope", sender)
    reply = assistant.reply("yes please", sender)
    assert "512-555-0100" in reply and NOT_UNDERSTOOD not in reply
