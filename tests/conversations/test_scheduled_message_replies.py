"""Replies right after a scheduled message, through the trained model and the real action server (tests/conftest.py):
the two-week check-in's "looks great" gets thanks, "uneven" / "one side didn't take" gets a follow-up visit offered
and the staff path, an emergency keeps the 911 answer; a "yes" long after a reminder confirms nothing (issue 12,
item 5; docs/reminders.md).

The scheduled message is put into the conversation as action_deliver_scheduled_message leaves it (the bot message and
reminder_context); delivering a real row is covered action by action in tests/reminders/."""

from __future__ import annotations

import uuid

import pytest
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered

from tests.conftest import Assistant

RESPONSES = {"reminder": "utter_scheduled_reminder", "check_in": "utter_scheduled_check_in"}


def new_sender(name: str) -> str:
    return f"{name}-{uuid.uuid4().hex[:8]}"


def scheduled_message(assistant: Assistant, sender: str, kind: str) -> None:
    """The conversation as the worker's trigger_intent and action_deliver_scheduled_message leave it."""
    tracker = assistant.tracker(sender)
    parse = {"intent": {"name": "EXTERNAL_scheduled_message", "confidence": 1.0}, "entities": [], "text": ""}
    for event in (
        UserUttered("", intent=parse["intent"], parse_data=parse),
        ActionExecuted("action_deliver_scheduled_message"),
        BotUttered(f"({kind})", metadata={"utter_action": RESPONSES[kind]}),
        SlotSet("reminder_context", kind),
        SlotSet("reminder_message", 999999.0),
        ActionExecuted("action_listen"),
    ):
        tracker.update(event)
    assistant.loop.run_until_complete(assistant.agent.tracker_store.save(tracker))


def replies_to(assistant: Assistant, sender: str, text: str):
    before = len(assistant.bot_messages(sender))
    assistant.messages(text, sender)
    return [name for name, _ in assistant.bot_messages(sender)[before:]]


def after_a(kind: str, assistant: Assistant) -> str:
    sender = new_sender(kind)
    assistant.messages("hi", sender)  # the session starts as it would before the booking
    scheduled_message(assistant, sender, kind)
    return sender


@pytest.mark.parametrize("text", ["looks great", "love it", "👍"])
def test_a_pleased_answer_to_the_check_in_gets_thanks(assistant, text):
    sender = after_a("check_in", assistant)
    assert replies_to(assistant, sender, text) == ["utter_check_in_thanks"]


@pytest.mark.parametrize("text", ["uneven", "one side didn't take", "my brow is still higher"])
def test_an_uneven_result_gets_a_follow_up_visit_offered_and_the_staff(assistant, text):
    sender = after_a("check_in", assistant)
    names = replies_to(assistant, sender, text)
    assert names[0] == "utter_check_in_follow_up", names
    # then the ordinary handoff: queued for the staff, or (after hours) a message taken
    assert any(name.startswith("utter_handoff") or name.startswith("utter_ask_handoff") for name in names[1:]), names
    said = dict(assistant.bot_messages(sender))["utter_check_in_follow_up"]
    assert "book a consultation" in said and "{clinic_phone}" not in said


def test_an_emergency_after_the_check_in_still_gets_the_911_answer(assistant):
    sender = after_a("check_in", assistant)
    names = replies_to(assistant, sender, "my eyelid is drooping and I can't swallow or breathe properly")
    assert names[0] == "utter_emergency", names
    assert "utter_check_in_follow_up" not in names and "utter_check_in_thanks" not in names


def test_the_check_in_context_lasts_one_message(assistant):
    sender = after_a("check_in", assistant)
    assistant.messages("what are your hours?", sender)  # answered; the context ends with the next message
    names = replies_to(assistant, sender, "love it")
    assert "utter_check_in_thanks" not in names and "utter_glad_to_hear" in names, names
    assert assistant.tracker(sender).get_slot("reminder_context") is None


def test_yes_right_after_a_reminder_goes_to_the_confirmation(assistant):
    sender = after_a("reminder", assistant)
    # The row 999999 does not exist here, so the confirmation refuses: the reply shows the rule applied.
    assert replies_to(assistant, sender, "yes") == ["utter_reminder_reply_not_verified"]


def test_a_yes_long_after_a_reminder_confirms_nothing(assistant):
    sender = after_a("reminder", assistant)
    assistant.messages("what are your hours?", sender)  # answered; the context ends with the next message
    # The context is cleared for this "yes"; a bare "yes" out of context gets the fallback, whose revert puts the
    # old slot value back, so a second "yes" is checked too.
    names = replies_to(assistant, sender, "yes") + replies_to(assistant, sender, "yes")
    assert not any(name.startswith("utter_reminder") for name in names), names
    events = [e.action_name for e in assistant.tracker(sender).events if e.type_name == "action"]
    assert "action_reminder_confirm" not in events


def test_r_right_after_a_reminder_goes_to_the_reschedule(assistant):
    sender = after_a("reminder", assistant)
    names = replies_to(assistant, sender, "R")
    # The row 999999 does not exist here: the reschedule form then asks for the reference, as usual.
    assert names[0] == "utter_reminder_reply_not_verified" and "utter_default" not in names, names
    assert assistant.tracker(sender).active_loop_name == "reschedule_form"


@pytest.mark.parametrize("start, form", [("I'd like to book a consultation", "booking_form"),
                                         ("I need to reschedule my appointment", "reschedule_form"),
                                         ("cancel my appointment please", "cancel_form")])
def test_a_scheduled_message_ends_a_form_left_unanswered(assistant, start, form):
    """The form would otherwise take the worker's trigger for the patient's answer ("I couldn't tell which day...")
    and the message would never be uttered (found by tests/reminders/test_reminder_twilio_end_to_end.py)."""
    sender = new_sender(form)
    assistant.messages(start, sender)
    assert assistant.tracker(sender).active_loop_name == form
    names = replies_to(assistant, sender, '/EXTERNAL_scheduled_message{"scheduled_message": "999999"}')
    actions = [e.action_name for e in assistant.tracker(sender).events if e.type_name == "action"]
    assert actions[-2:] == ["action_deliver_scheduled_message", "action_listen"], actions[-6:]
    assert assistant.tracker(sender).active_loop_name is None
    assert names == []  # the row 999999 does not exist here: the action says nothing, and neither does the form
