"""Conversation-level actions: misunderstandings and follow-up questions answered in context."""

from typing import Any, Dict, List, Optional, Text, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.booking_support import patient_language
from bot.follow_ups import answer_in_context
from bot.responses import speaks

MISUNDERSTOOD_INTENTS = {"nlu_fallback", "out_of_scope"}


def user_intents(tracker: Tracker) -> List[str]:
    return [event["parse_data"]["intent"].get("name") for event in tracker.events if event.get("event") == "user"]


def misunderstandings_in_a_row(tracker: Tracker) -> int:
    count = 0
    for intent in reversed(user_intents(tracker)):
        if intent not in MISUNDERSTOOD_INTENTS:
            break
        count += 1
    return count


def user_turns(tracker: Tracker) -> List[Tuple[Optional[str], List[Dict[str, Any]]]]:
    return [
        (event["parse_data"]["intent"].get("name"), event["parse_data"].get("entities", []))
        for event in tracker.events if event.get("event") == "user"
    ]


class ActionHandleMisunderstanding(Action):
    """Says honestly what the assistant can help with; the second miss in a row offers a person. A message in a
    language the assistant does not answer in yet gets that said in the language (the safety guard detects it)."""

    def name(self) -> Text:
        return "action_handle_misunderstanding"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        language = patient_language(tracker)
        if language != "en" and not speaks(language):
            dispatcher.utter_message(response="utter_other_language")  # honest, in the patient's language
        elif misunderstandings_in_a_row(tracker) >= 2:
            dispatcher.utter_message(response="utter_offer_human")
        else:
            dispatcher.utter_message(response="utter_out_of_scope")
        return []


class ActionAnswerInContext(Action):
    """Answers a question in the context of the conversation (bot/follow_ups.py): the topic asked about before,
    or the previous question about another area ("and for the brows?")."""

    def name(self) -> Text:
        return "action_answer_in_context"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        response = answer_in_context(user_turns(tracker), domain.get("responses", {}))
        dispatcher.utter_message(response=response or "utter_out_of_scope")
        return []
