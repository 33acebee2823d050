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


def test_the_offer_of_a_person_asks_for_no_yes_it_cannot_answer(assistant):
    """After two misunderstandings (actions/conversation.py) the offer says what to write; a bare yes to it gets the
    clinic's contact details (tests/data/answer_cases.yml)."""
    offer = assistant.agent.domain.responses["utter_offer_human"][0]["text"]
    assert "?" not in offer and '"talk to a person"' in offer
    assert assistant.parse("talk to a person")["intent"]["name"] == "request_human"
