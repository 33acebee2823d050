"""Conversation-level actions: misunderstandings and follow-up questions answered in context."""

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

MISUNDERSTOOD_INTENTS = {"nlu_fallback", "out_of_scope"}
# Topics whose follow-ups ("and how long does that last?") have their own answer,
# e.g. utter_results_duration__gummy_smile.
CONTEXT_TOPICS = ("gummy_smile", "uneven_brows", "mouth_asymmetry", "jawline")


def user_intents(tracker: Tracker) -> List[str]:
    return [event["parse_data"]["intent"].get("name") for event in tracker.events if event.get("event") == "user"]


def misunderstandings_in_a_row(tracker: Tracker) -> int:
    count = 0
    for intent in reversed(user_intents(tracker)):
        if intent not in MISUNDERSTOOD_INTENTS:
            break
        count += 1
    return count


def last_topic(tracker: Tracker) -> Optional[str]:
    """The most recent treatment topic the patient asked about before this message."""
    for intent in reversed(user_intents(tracker)[:-1]):
        topic = (intent or "").removeprefix("ask_")
        if topic in CONTEXT_TOPICS:
            return topic
    return None


class ActionHandleMisunderstanding(Action):
    """Says honestly what the assistant can help with; the second miss in a row offers a person. A message in a
    language the assistant does not answer in yet gets that said in the language (the safety guard detects it)."""

    def name(self) -> Text:
        return "action_handle_misunderstanding"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        if (tracker.get_slot("patient_language") or "en") != "en":
            dispatcher.utter_message(response="utter_other_language")  # honest, in the patient's language
        elif misunderstandings_in_a_row(tracker) >= 2:
            dispatcher.utter_message(response="utter_offer_human")
        else:
            dispatcher.utter_message(response="utter_out_of_scope")
        return []


class ActionAnswerInContext(Action):
    """Answers a follow-up question about the topic the patient was just asking about, or in general."""

    def name(self) -> Text:
        return "action_answer_in_context"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        question = (tracker.latest_message.get("intent", {}).get("name") or "").removeprefix("ask_")
        topic = last_topic(tracker)
        specific = f"utter_{question}__{topic}"
        response = specific if topic and specific in domain.get("responses", {}) else f"utter_{question}"
        dispatcher.utter_message(response=response)
        return []
