"""A fault or a restart loses nothing: the action server down gets a sentence with the clinic's phone number, the
conversation continues once it is back, a Rasa restart continues a booking and keeps a staff chat paused, and a new
session carries no personal details over (issue 10, item 8 and item 2)."""

from __future__ import annotations

import time
import uuid

import pytest

from bot.answers import answer_facts
from bot.clinic import clinic
from tests.conftest import Assistant, load_assistant

PHONE = answer_facts(clinic())["clinic_phone"]


def new_sender(name: str) -> str:
    return f"{name}-{uuid.uuid4().hex[:8]}"


def replies_to(assistant: Assistant, sender: str, text: str):
    before = len(assistant.bot_messages(sender))
    assistant.messages(text, sender)
    return assistant.bot_messages(sender)[before:]


@pytest.fixture
def restarted(action_server):
    """A second Rasa agent on the same tracker store and action server: the server after a restart."""
    loaded = load_assistant(action_server)
    yield loaded
    loaded.loop.close()


@pytest.mark.parametrize("text", ["how much is botox", "book a consultation", "I need to cancel my appointment"])
def test_the_action_server_down_gets_a_sentence_with_the_phone_number_once(assistant_without_action_server, text):
    replies = replies_to(assistant_without_action_server, new_sender("down"), text)
    assert [name for name, _ in replies].count("utter_action_server_down") == 1, replies
    assert PHONE in replies[-1][1] and "None" not in replies[-1][1]


def test_the_same_conversation_continues_when_the_action_server_is_back(assistant_without_action_server, assistant):
    sender = new_sender("back")
    assistant_without_action_server.messages("I'd like to book a consultation for my gummy smile", sender)
    assert "Happy to help you book" in assistant.reply("I'd like to book a consultation", sender)
    said = [text for _, text in assistant.bot_messages(sender)]
    assert any(PHONE in text for text in said[:1]), said


def test_a_restart_in_the_middle_of_a_booking_continues_it(assistant, restarted):
    sender = new_sender("restart")
    assert "Which of our locations suits you best?" in assistant.reply(
        "I'd like to book a consultation for my uneven brows", sender)
    assert "When would you like to come in?" in restarted.reply('/inform{"location": "austin"}', sender)


def test_a_chat_held_by_staff_stays_paused_after_a_restart(assistant, restarted):
    sender = new_sender("held")
    assistant.messages("hi", sender)
    assistant.pause(sender)
    assert restarted.tracker(sender).is_paused()
    assert replies_to(restarted, sender, "how long does it last?") == []


def _age_conversation(assistant: Assistant, sender: str, hours: float) -> None:
    """Moves every event of the conversation `hours` into the past, so its session has expired."""
    tracker = assistant.tracker(sender)
    events = list(tracker.events)
    for event in events:
        event.timestamp -= hours * 3600
    aged = type(tracker).from_events(sender, events, assistant.agent.domain.slots)
    engine = assistant.agent.tracker_store._tracker_store.engine  # Rasa wraps the store in a FailSafeTrackerStore
    with engine.begin() as connection:
        connection.exec_driver_sql("DELETE FROM events WHERE sender_id = ?", (sender,))
    assistant.loop.run_until_complete(assistant.agent.tracker_store.save(aged))


def test_a_new_session_carries_no_personal_details_and_keeps_a_staff_chat_paused(assistant):
    from rasa.shared.core.events import SlotSet

    sender = new_sender("expired")
    assistant.messages("hi", sender)
    tracker = assistant.tracker(sender)
    for slot, value in (("patient_name", "Jane Doe"), ("phone", "+15125550134"), ("email", "jane@example.com"),
                        ("manage_reference", "AB12CD34"), ("manage_contact", "+15125550134")):
        tracker.update(SlotSet(slot, value))
    assistant.loop.run_until_complete(assistant.agent.tracker_store.save(tracker))
    assistant.pause(sender)
    _age_conversation(assistant, sender, hours=2)

    assistant.messages("hello again", sender)
    tracker = assistant.tracker(sender)
    assert tracker.events[-1].timestamp > time.time() - 60, "the new message was not recorded"
    assert tracker.is_paused()
    personal = ("patient_name", "phone", "email", "manage_reference", "manage_contact")
    assert {slot: tracker.get_slot(slot) for slot in personal} == dict.fromkeys(personal)
