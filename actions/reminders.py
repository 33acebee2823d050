"""Scheduled messages in the conversation (bot/reminders): delivering one, and YES / R replies to a reminder.

The actions translate only: which message and conversation (tracker), what to say (domain responses), what to do
(bot.reminders.conversation, which checks that the reply comes from the conversation and channel the reminder
went to).
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import booking_service as service
from actions.booking_manage import manage_reset_events
from actions.booking_support import patient_language, when_text

log = logging.getLogger(__name__)
RESPONSES = {"reminder": "utter_scheduled_reminder", "check_in": "utter_scheduled_check_in",
             "touch_up": "utter_scheduled_touch_up"}


def visit_facts(booking: Any, language: Optional[str] = None) -> Dict[str, str]:
    from bot.clinic import clinic

    return {
        "visit_when": when_text(booking.start_utc, booking.timezone, language),
        "visit_place": f"{clinic().name} {booking.location_name}, {booking.location_address}",
        "visit_provider": clinic().provider_called(booking.provider_id, booking.provider_name, language),
    }


def _channel(tracker: Tracker) -> str:
    return tracker.get_latest_input_channel() or ""


def _message_id(tracker: Tracker) -> Optional[int]:
    value = next(tracker.get_latest_entity_values("scheduled_message"), None)
    return int(value) if value and str(value).isdigit() else None


def _how_to_send(tracker: Tracker, facts: Dict[str, str]) -> Optional[Dict[str, Any]]:
    """Outside the channel's window, how the channel must send the message (bot/reminders/windows.py): a WhatsApp
    template, with the visit's facts as its {{1}}, {{2}}, {{3}}, or a Messenger tag."""
    from bot.reminders.windows import DELIVERY_KEY, TEMPLATE_VARIABLES_KEY, template_of

    delivery = next(tracker.get_latest_entity_values(DELIVERY_KEY), None)
    if not delivery:
        return None
    how: Dict[str, Any] = {DELIVERY_KEY: delivery}
    if template_of(delivery):
        values = (facts["visit_when"], facts["visit_place"], facts["visit_provider"])
        how[TEMPLATE_VARIABLES_KEY] = {str(number): value for number, value in enumerate(values, start=1)}
    return how


def _reminder(tracker: Tracker) -> Optional[int]:
    value = tracker.get_slot("reminder_message")
    return int(value) if value is not None else None


def _done() -> List[EventType]:
    return [SlotSet("reminder_context", None), SlotSet("reminder_message", None)]


class ActionDeliverScheduledMessage(Action):
    def name(self) -> Text:
        return "action_deliver_scheduled_message"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        from bot.reminders.conversation import start_delivery

        message_id = _message_id(tracker)
        if message_id is None:
            return []
        delivered = await service.in_thread(start_delivery, service.sessions(), message_id, tracker.sender_id,
                                            _channel(tracker), service.now_utc())
        if delivered is None:  # not for this conversation, or already delivered: say nothing
            return []
        facts = {**visit_facts(delivered.booking, patient_language(tracker)), "open_times": delivered.open_times}
        dispatcher.utter_message(response=RESPONSES[delivered.kind], json_message=_how_to_send(tracker, facts), **facts)
        return [SlotSet("reminder_context", delivered.kind), SlotSet("reminder_message", float(delivered.message_id))]


class ActionReminderConfirm(Action):
    def name(self) -> Text:
        return "action_reminder_confirm"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        from bot.booking import NotChangeable
        from bot.reminders.conversation import ReplyNotVerified, confirm_visit

        try:
            booking = await service.in_thread(confirm_visit, service.sessions(), _reminder(tracker),
                                              tracker.sender_id, _channel(tracker), service.now_utc())
        except ReplyNotVerified:
            dispatcher.utter_message(response="utter_reminder_reply_not_verified")
        except NotChangeable:
            dispatcher.utter_message(response="utter_reminder_not_changeable")
        except Exception as error:
            log.error("confirming a visit failed (%s)", type(error).__name__)
            dispatcher.utter_message(response="utter_reminder_failed")
        else:
            dispatcher.utter_message(response="utter_reminder_confirmed",
                                     **visit_facts(booking, patient_language(tracker)))
        return _done()


class ActionReminderReschedule(Action):
    """Prepares the reschedule form with the reminded booking's reference and contact; the form then looks the
    booking up itself. Unverified, the form asks for the reference as usual."""

    def name(self) -> Text:
        return "action_reminder_reschedule"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        from bot.booking import NotChangeable
        from bot.reminders.conversation import ReplyNotVerified, reschedule_target

        try:
            target = await service.in_thread(reschedule_target, service.sessions(), _reminder(tracker),
                                             tracker.sender_id, _channel(tracker), service.now_utc())
        except (ReplyNotVerified, NotChangeable):
            dispatcher.utter_message(response="utter_reminder_reply_not_verified")
            return manage_reset_events() + _done()
        except Exception as error:
            log.error("finding the reminded booking failed (%s)", type(error).__name__)
            dispatcher.utter_message(response="utter_reminder_failed")
            return manage_reset_events() + _done()
        return [*manage_reset_events(), *_done(), SlotSet("manage_reference", target.reference),
                SlotSet("manage_contact", target.contact)]


# The "Yes, book it" button's payload again (a double click) is not a yes to invitations: consent is never implied.
# The invitation's own buttons carry the entity touch_up_answer, so their payloads differ.
REPEATED_BOOKING_YES = "/affirm"


class ActionAnswerTouchUpInvitation(Action):
    """Yes or no to the touch-up invitation offered with the booking confirmation (action_book_consultation sets
    touch_up_offer to the new reference). Without an offer, a yes or no after booking just closes the booking."""

    def name(self) -> Text:
        return "action_answer_touch_up_invitation"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        from bot.clinic import clinic
        from bot.reminders.schedule import answer_touch_up_invitation
        from bot.reminders.settings import ReminderSettings

        reference = tracker.get_slot("touch_up_offer")
        granted = (tracker.latest_message.get("intent") or {}).get("name") == "affirm"
        if not reference or tracker.latest_message.get("text") == REPEATED_BOOKING_YES:
            dispatcher.utter_message(response="utter_all_set")
            return [SlotSet("touch_up_offer", None)]
        try:
            await service.in_thread(answer_touch_up_invitation, service.sessions(), reference, granted,
                                    service.now_utc(), ReminderSettings.of(clinic(), patient_language(tracker)))
        except Exception as error:
            log.error("recording the touch-up answer failed (%s)", type(error).__name__)
            dispatcher.utter_message(response="utter_touch_up_answer_failed")
        else:
            dispatcher.utter_message(response="utter_touch_up_yes" if granted else "utter_touch_up_no")
        return [SlotSet("touch_up_offer", None)]
