"""Conversation start: loads the clinic's facts into slots so responses can quote them."""

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, ConversationPaused, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.answers import answer_facts
from bot.clinic import clinic


def clinic_fact_slots() -> List[EventType]:
    return [SlotSet(name, value) for name, value in answer_facts(clinic()).items()]


class ActionSessionStart(Action):
    def name(self) -> Text:
        return "action_session_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        carried_over = [
            SlotSet(key, value)
            for key, value in tracker.current_slot_values().items()
            if value is not None and key not in answer_facts(clinic())
        ]
        # A chat that staff are handling stays paused across a session expiry.
        still_paused = [ConversationPaused()] if tracker.is_paused() else []
        return [SessionStarted(), *carried_over, *clinic_fact_slots(), *still_paused, ActionExecuted("action_listen")]
