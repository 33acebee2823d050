"""A reply to a scheduled message (a reminder's YES or R, the check-in's "looks great") counts only right after it.

action_deliver_scheduled_message sets `reminder_context`; the rules in data/rules/reminders.yml read it. It holds for
the one patient message right after the scheduled message, so a "yes" to some later question confirms no visit.
Clearing it is Rasa's slot extraction: this wraps `MessageProcessor.run_action_extract_slots` so the Rasa server
clears the slot itself. As a custom slot mapping's action it cost a call to the action server on every message,
almost always to clear nothing (benchmarks/cost_per_message.py, docs/performance.md).
"""

from __future__ import annotations

from typing import Iterable

from rasa.core.channels.channel import OutputChannel
from rasa.core.processor import MessageProcessor
from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

SLOT = "reminder_context"
DELIVERY = "action_deliver_scheduled_message"
# Actions that are not a step of the conversation: skipped when looking for what came right before a user message.
_NOT_A_STEP = {"action_listen", "action_extract_slots", "action_session_start"}
_rasa_run_action_extract_slots = MessageProcessor.run_action_extract_slots


def came_right_after_a_scheduled_message(events: Iterable[Event]) -> bool:
    """Whether the latest user message is the first one after action_deliver_scheduled_message."""
    seen_user = False
    for event in reversed(list(events)):
        if isinstance(event, UserUttered):
            if seen_user:
                return False
            seen_user = True
        elif seen_user and isinstance(event, ActionExecuted) and event.action_name not in _NOT_A_STEP:
            return event.action_name == DELIVERY
    return False


async def run_action_extract_slots(
    self: MessageProcessor, output_channel: OutputChannel, tracker: DialogueStateTracker
) -> DialogueStateTracker:
    tracker = await _rasa_run_action_extract_slots(self, output_channel, tracker)
    if tracker.get_slot(SLOT) is not None and not came_right_after_a_scheduled_message(tracker.events):
        tracker.update(SlotSet(SLOT, None))
    return tracker


def install() -> None:
    MessageProcessor.run_action_extract_slots = run_action_extract_slots
