"""Handing a conversation to the clinic's staff, and relaying their replies (see bot/handoff/).

* action_handoff_to_staff: within staff hours, queues the conversation, tells the patient how many are ahead and
  pauses it (`ConversationPaused`): the staff inbox takes over. Outside staff hours it first takes a message
  (handoff_message_form: name, phone or e-mail, the question), queues it and names the next opening; the
  assistant keeps answering meanwhile. An emergency (after the 911 answer) is queued as urgent, never with a form.
* validate_handoff_message_form: the form's checks; urgent symptoms mid-form get the 911 answer and end the form.
* action_relay_staff_message: run by the inbox through Rasa's HTTP API (`POST /conversations/{id}/execute`) on the
  paused conversation; utters the staff messages not yet sent, on the patient's latest channel.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ConversationPaused, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.booking_service import database
from actions.booking_support import patient_language
from bot.db.types import utcnow
from bot.handoff.contact import contact_text, parse_contact, parse_name
from bot.handoff.conversation import (
    handoff_reason,
    intent_of,
    known_contact,
    last_timestamp,
    latest_user_event,
    people_ahead,
    transcript_rows,
)
from bot.handoff.hours import describe_opening, describe_staff_hours, is_staffed, next_opening
from bot.handoff.notify import Notice, notify_new_request
from bot.handoff.queue import HandoffQueue, NewRequest
from bot.handoff.summary import is_urgent, summarize

log = logging.getLogger(__name__)

FORM = "handoff_message_form"
FORM_SLOTS = ("handoff_name", "handoff_contact", "handoff_question")
CANCEL_INTENTS = {"deny", "goodbye"}
EMERGENCY = "emergency"

_queue: Optional[HandoffQueue] = None


def handoff_queue() -> HandoffQueue:
    """One queue per action server process, on the same database as booking (migrated on first use)."""
    global _queue
    if _queue is None:
        _queue = HandoffQueue(database())
    return _queue


def reset_slots() -> List[EventType]:
    return [SlotSet(name, None) for name in ("handoff_reason", "handoff_cancelled", *FORM_SLOTS)]


def _notify_in_background(notice: Notice) -> None:
    loop = asyncio.get_running_loop()
    loop.run_in_executor(None, notify_new_request, notice)


class ActionHandoffToStaff(Action):
    def name(self) -> Text:
        return "action_handoff_to_staff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        if tracker.get_slot("handoff_cancelled"):
            dispatcher.utter_message(response="utter_handoff_cancelled")
            return reset_slots()
        events = tracker.events
        reason = tracker.get_slot("handoff_reason") or handoff_reason(events)
        urgent = is_urgent(reason)
        now = utcnow()
        live = is_staffed(now)
        opening = next_opening(now)
        language = patient_language(tracker)
        opening_text = describe_opening(opening, now, language=language)
        opening_for_staff = describe_opening(opening, now)
        queue = handoff_queue()
        channel = tracker.get_latest_input_channel() or "unknown"
        try:
            existing = await asyncio.to_thread(queue.open_for_conversation, tracker.sender_id)
        except Exception as error:
            return self._unavailable(dispatcher, error)

        slots = tracker.current_slot_values()
        metadata = (latest_user_event(events) or {}).get("metadata") or {}
        contact = known_contact(slots, channel, tracker.sender_id, metadata)
        form_filled = tracker.get_slot("handoff_question") is not None
        if existing is None and not live and reason != EMERGENCY and not form_filled:
            return self._take_a_message(dispatcher, tracker, reason, contact, opening_text, language)

        typed = parse_contact(tracker.get_slot("handoff_contact") or "") or {}
        question = tracker.get_slot("handoff_question")
        if question is None and reason in ("treatment_concern", EMERGENCY):
            question = (latest_user_event(events) or {}).get("text")
        new = NewRequest(
            conversation_id=tracker.sender_id,
            channel=channel,
            reason=reason,
            urgent=urgent,
            live=live,
            summary=summarize(events, reason, slots, tracker.active_loop_name, question),
            since_ts=last_timestamp(events),
            contact_name=parse_name(tracker.get_slot("handoff_name") or "") or contact["name"],
            contact_phone=typed.get("phone") or contact["phone"],
            contact_email=typed.get("email") or contact["email"],
            question=question,
            reply_by=None if live else opening,
            transcript=transcript_rows(events),
        )
        try:
            request, created = await asyncio.to_thread(queue.open_request, new)
            ahead = await asyncio.to_thread(queue.waiting_ahead, request.id) if live else 0
        except Exception as error:
            return self._unavailable(dispatcher, error)
        if created:
            _notify_in_background(Notice.of(request, None if live else opening_for_staff))

        if not created:
            response = "utter_handoff_already_waiting" if live else "utter_handoff_already_taken"
        elif reason == EMERGENCY:
            response = "utter_handoff_emergency_live" if live else "utter_handoff_emergency_after_hours"
        else:
            response = "utter_handoff_queued" if live else "utter_handoff_message_taken"
        dispatcher.utter_message(
            response=response, people_ahead=people_ahead(ahead, language), next_opening=opening_text
        )
        result = reset_slots()
        if live:
            result.append(ConversationPaused())
        return result

    @staticmethod
    def _take_a_message(
        dispatcher: CollectingDispatcher, tracker: Tracker, reason: str, contact: Dict[str, Optional[str]],
        opening_text: str, language: str,
    ) -> List[EventType]:
        dispatcher.utter_message(
            response="utter_handoff_after_hours", next_opening=opening_text,
            staff_hours=describe_staff_hours(language=language),
        )
        events: List[EventType] = [SlotSet("handoff_reason", reason), SlotSet("handoff_cancelled", None)]
        if contact["name"]:
            events.append(SlotSet("handoff_name", contact["name"]))
        known = contact["phone"] or contact["email"]
        if known:
            events.append(SlotSet("handoff_contact", known))
        if reason == "treatment_concern":
            events.append(SlotSet("handoff_question", (latest_user_event(tracker.events) or {}).get("text")))
        events.append(FollowupAction(FORM))
        return events

    @staticmethod
    def _unavailable(dispatcher: CollectingDispatcher, error: Exception) -> List[EventType]:
        log.error("handoff queue unavailable (%s)", type(error).__name__)
        dispatcher.utter_message(response="utter_handoff_unavailable")
        return reset_slots()


class ValidateHandoffMessageForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_handoff_message_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        latest = tracker.latest_message or {}
        intent = (latest.get("intent") or {}).get("name")
        text = (latest.get("text") or "").strip()
        requested = tracker.get_slot("requested_slot")
        if intent == "report_emergency" and requested in FORM_SLOTS:
            # urgent symptoms always get the 911 answer first; the message goes to the team as urgent right away
            dispatcher.utter_message(response="utter_emergency")
            question = tracker.get_slot("handoff_question") or text
            return [SlotSet("handoff_reason", EMERGENCY), SlotSet("handoff_question", question),
                    SlotSet("requested_slot", None)]
        if intent in CANCEL_INTENTS and len(text.split()) <= 4 and requested in ("handoff_name", "handoff_question"):
            return [SlotSet("handoff_cancelled", True), SlotSet("requested_slot", None)]
        return await super().run(dispatcher, tracker, domain)

    def validate_handoff_name(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                              domain: Dict[Text, Any]) -> Dict[Text, Any]:
        name = parse_name(str(value or ""))
        if name is None:
            dispatcher.utter_message(response="utter_handoff_invalid_name")
        return {"handoff_name": name}

    def validate_handoff_contact(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                 domain: Dict[Text, Any]) -> Dict[Text, Any]:
        contact = parse_contact(str(value or ""))
        if contact is None:
            dispatcher.utter_message(response="utter_handoff_invalid_contact")
            return {"handoff_contact": None}
        return {"handoff_contact": contact_text(contact)}

    def validate_handoff_question(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                  domain: Dict[Text, Any]) -> Dict[Text, Any]:
        question = str(value or "").strip()
        return {"handoff_question": question[:2000] or None}


class ActionRelayStaffMessage(Action):
    def name(self) -> Text:
        return "action_relay_staff_message"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        request, messages = await asyncio.to_thread(handoff_queue().claim_outgoing, tracker.sender_id)
        for message in messages:
            dispatcher.utter_message(text=message.text)
        if request is not None and request.is_open and not tracker.is_paused():
            # e.g. a message taken after hours (not paused) now answered by a person, or a session that expired
            # while paused: the person stays in charge until they close the conversation
            return [ConversationPaused()]
        return []


def intent_names(tracker: Tracker) -> List[str]:  # used by tests
    return [intent_of(event) or "" for event in tracker.events if event.get("event") == "user"]
