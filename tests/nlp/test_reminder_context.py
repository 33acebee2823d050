"""reminder_context holds for the one patient message right after a scheduled message; the Rasa server clears it on
any later one (bot/nlp/reminder_context.py). The trained assistant's replies: tests/conversations/
test_scheduled_message_replies.py."""

from __future__ import annotations

import asyncio
from typing import List

from rasa.core.processor import MessageProcessor
from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered
from rasa.shared.core.slots import CategoricalSlot
from rasa.shared.core.trackers import DialogueStateTracker

from bot.nlp import reminder_context


def conversation(*steps: str) -> List[Event]:
    """Events from steps: 'user' or an action name (each user message follows action_listen and is followed by
    action_extract_slots, as Rasa runs them)."""
    events: List[Event] = []
    for step in steps:
        if step == "user":
            events += [ActionExecuted("action_listen"), UserUttered("x"), ActionExecuted("action_extract_slots")]
        else:
            events.append(ActionExecuted(step))
    return events


def test_the_message_right_after_the_scheduled_message_is_its_reply():
    assert reminder_context.came_right_after_a_scheduled_message(
        conversation("user", "action_deliver_scheduled_message", "user"))
    assert not reminder_context.came_right_after_a_scheduled_message(
        conversation("user", "action_deliver_scheduled_message", "user", "utter_hours", "user"))
    assert not reminder_context.came_right_after_a_scheduled_message(conversation("user", "utter_greet", "user"))


def test_the_rasa_server_clears_the_context_after_slot_extraction_on_a_later_message(monkeypatch):
    async def rasa_extraction(self, output_channel, tracker):
        return tracker

    monkeypatch.setattr(reminder_context, "_rasa_run_action_extract_slots", rasa_extraction)

    def context_after(*steps: str):
        tracker = DialogueStateTracker("patient", [CategoricalSlot("reminder_context", [], values=["reminder"])])
        tracker.update(SlotSet("reminder_context", "reminder"))
        for event in conversation(*steps):
            tracker.update(event)
        asyncio.run(reminder_context.run_action_extract_slots(None, None, tracker))
        return tracker.get_slot("reminder_context")

    assert context_after("action_deliver_scheduled_message", "user") == "reminder"
    assert context_after("action_deliver_scheduled_message", "user", "utter_hours", "user") is None


def test_it_is_installed_with_the_nlu_components():
    import bot.nlp.rasa_components  # noqa: F401  (installs the wraps)

    assert MessageProcessor.run_action_extract_slots is reminder_context.run_action_extract_slots
