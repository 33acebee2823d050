"""Safety answers still reach the patient while staff have the chat, from the Rasa server itself.

Rasa 3.6 predicts no action while a conversation is paused (`MessageProcessor._run_prediction_loop` stops at once),
so before this the 911 answer depended on the staff web app polling and asking Rasa to send it. This wraps that one
method: in a paused conversation whose latest message the safety guard marked as an emergency or a contraindication,
it sends the matching domain response (no action server, no web app needed) and the chat stays paused for staff;
everything else is Rasa's own behaviour.

A chat that staff hold also stays paused when its session expires: Rasa's own session start (which carries nothing
over, see domain.yml) would otherwise un-pause it and the assistant would talk over the staff member. Both wraps are
installed when the NLU components load (bot/nlp/rasa_components.py).
"""

from __future__ import annotations

from typing import Dict, Optional

from rasa.core.actions.action import action_for_name_or_text
from rasa.core.channels.channel import OutputChannel
from rasa.core.policies.policy import PolicyPrediction
from rasa.core.processor import MessageProcessor
from rasa.shared.core.events import ConversationPaused
from rasa.shared.core.trackers import DialogueStateTracker

EMERGENCY_INTENT = "report_emergency"
DEFERRAL_RESPONSES = {"ask_pregnancy": "utter_pregnancy", "ask_medical_conditions": "utter_medical_conditions"}
FINDING_ENTITY = "safety_finding"
_rasa_prediction_loop = MessageProcessor._run_prediction_loop
_rasa_update_tracker_session = MessageProcessor._update_tracker_session


def paused_safety_response(tracker: DialogueStateTracker) -> Optional[str]:
    """The response a paused conversation still sends for its latest message, if any."""
    latest = tracker.latest_message
    if not tracker.is_paused() or latest is None:
        return None
    intent = latest.intent.get("name")
    if intent == EMERGENCY_INTENT:
        return "utter_emergency"
    contraindicated = any(e.get("entity") == FINDING_ENTITY and e.get("value") != "none" for e in latest.entities)
    return DEFERRAL_RESPONSES.get(intent) if contraindicated else None


async def _run_prediction_loop(
    self: MessageProcessor, output_channel: OutputChannel, tracker: DialogueStateTracker
) -> None:
    response = paused_safety_response(tracker)
    if response is None:
        await _rasa_prediction_loop(self, output_channel, tracker)
        return
    action = action_for_name_or_text(response, self.domain, self.action_endpoint)
    prediction = PolicyPrediction.for_action_name(self.domain, response, "SafetyGuard")
    await self._run_action(action, tracker, output_channel, self.nlg, prediction)


async def _update_tracker_session(
    self: MessageProcessor, tracker: DialogueStateTracker, output_channel: OutputChannel,
    metadata: Optional[Dict] = None,
) -> None:
    held_by_staff = tracker.is_paused()
    await _rasa_update_tracker_session(self, tracker, output_channel, metadata)
    if held_by_staff and not tracker.is_paused():
        tracker.update(ConversationPaused())


def install() -> None:
    MessageProcessor._run_prediction_loop = _run_prediction_loop
    MessageProcessor._update_tracker_session = _update_tracker_session
