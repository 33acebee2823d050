"""Booking a consultation, after the form (booking_form.py): offering the open times, the read-back summary, the
booking itself, and stopping a form.

`action_book_consultation` books only after the patient's yes, with an idempotency key made of the conversation and
the slot, so a retried confirmation books once; a slot taken meanwhile gets the next open times instead.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import booking_service as service
from actions.booking_form import (
    BOOKING_FORM,
    CANCEL_FORM,
    RESCHEDULE_FORM,
    ValidateBookingForm,
    booking_reset_events,
    calendar_link,
    reset_events,
)
from actions.booking_support import (
    ANY_LOCATION,
    location_of,
    numbered,
    patient_language,
    provider_label,
    provider_of,
    slot_title,
    slot_when,
    when_text,
)
from bot import offers
from bot.clinic import Clinic, clinic
from bot.contact import display_phone
from bot.offers import Offer, slot_from_value, slot_key
from bot.reminders.schedule import Delivery, delivery_for_booking
from bot.reminders.settings import ReminderSettings
from bot.scheduling import wording

log = logging.getLogger(__name__)


class ActionAskAppointment(Action):
    """Offers the open slots found for the patient's preferred time as buttons."""

    def name(self) -> Text:
        return "action_ask_appointment"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        the_clinic = clinic()
        offered = tracker.get_slot("offered_slots") or []
        if not offered:
            dispatcher.utter_message(response="utter_ask_time_preference")
            return []
        with_location = tracker.active_loop_name == BOOKING_FORM and tracker.get_slot("booking_location") in (
            None, ANY_LOCATION
        )
        titles = [slot_title(value, the_clinic, with_location, patient_language(tracker)) for value in offered]
        buttons = [{"title": title, "payload": '/choose_slot{"slot_key": "%s"}' % slot_key(value)}
                   for title, value in zip(titles, offered, strict=True)]
        note = tracker.get_slot("offer_note")
        if not isinstance(note, dict):  # a text note kept by a conversation from before notes were responses
            note = {"response": "utter_offered_times"}
        dispatcher.utter_message(**note, times=numbered(titles), buttons=buttons)
        return []


def summary_values(tracker: Tracker, the_clinic: Clinic) -> Dict[str, str]:
    """The values the read-back shows beside the form's own slots (concern, name, email)."""
    values = {"phone_shown": display_phone(tracker.get_slot("phone") or ""),
              "concern": wording.concern(tracker.get_slot("concern"), patient_language(tracker))}
    appointment = tracker.get_slot("appointment")
    if appointment:
        # A location or provider taken out of data/clinic.yml during the booking is named by its id.
        location = location_of(the_clinic, appointment["location_id"])
        provider = provider_of(the_clinic, appointment["provider_id"])
        values.update(
            when=slot_when(appointment, the_clinic, patient_language(tracker)),
            location_name=location.name if location else appointment["location_id"],
            location_address=location.address if location else "",
            provider=provider_label(the_clinic, provider.id, provider.name, provider.credentials,
                                    patient_language(tracker)) if provider else appointment["provider_id"],
        )
    return values


class ActionAskBookingConfirmed(Action):
    """Reads back everything before booking (or joining the waitlist), or asks what to change."""

    def name(self) -> Text:
        return "action_ask_booking_confirmed"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        the_clinic = clinic()
        if tracker.get_slot("booking_change_requested"):
            dispatcher.utter_message(response="utter_ask_what_to_change")
            return []
        values = summary_values(tracker, the_clinic)
        if tracker.get_slot("waitlist"):
            wanted = f"{tracker.get_slot('time_preference')}{ValidateBookingForm().scope(tracker)['place']}"
            dispatcher.utter_message(response="utter_check_waitlist", wanted=wanted, **values)
        else:
            dispatcher.utter_message(response="utter_check_booking", **values)
        return []


# --- starting, booking, stopping ------------------------------------------------------------------------------


class ActionStartBooking(Action):
    """Clears what an earlier booking left behind and notes a provider the patient asked for."""

    def name(self) -> Text:
        return "action_start_booking"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        events = [SlotSet("requested_slot", None), *booking_reset_events()]
        provider = next(tracker.get_latest_entity_values("provider"), None)
        if provider and provider_of(clinic(), provider):
            events.append(SlotSet("preferred_provider", provider))
        dispatcher.utter_message(response="utter_booking_start")
        return events


def reminder_delivery(tracker: Tracker, the_clinic: Clinic) -> Optional[Delivery]:
    """Where this booking's reminders go, with the notice the patient is shown and agrees to by booking."""
    spoken = patient_language(tracker)
    return delivery_for_booking(tracker.get_latest_input_channel() or "", tracker.sender_id,
                                tracker.get_slot("email"), service.now_utc(),
                                ReminderSettings.of(the_clinic, spoken), language=spoken)


def actor(tracker: Tracker) -> str:
    return f"assistant:{tracker.get_latest_input_channel() or 'web'}"


def confirmation_values(result: Any, tracker: Tracker) -> Dict[str, str]:
    """The values of a booked visit for the booked and rescheduled responses."""
    return {
        "reference": result.reference,
        "when": when_text(result.start_utc, result.timezone, patient_language(tracker)),
        "location_name": result.location_name,
        "location_address": result.location_address,
        "provider": provider_label(clinic(), result.provider_id, result.provider_name, result.provider_credentials,
                                   patient_language(tracker)),
        "calendar_link": calendar_link(result.reference),
    }


class ActionBookConsultation(Action):
    """Books the confirmed slot (or records the waitlist request) and confirms it with every detail."""

    def name(self) -> Text:
        return "action_book_consultation"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        if tracker.get_slot("booking_confirmed") is not True:
            return []
        if tracker.get_slot("waitlist"):
            return await self.join_waitlist(dispatcher, tracker)
        from bot.booking import BookingRequest, InvalidContact, SlotTaken, book_again_if_cancelled

        the_clinic = clinic()
        value = tracker.get_slot("appointment")
        agreed_at = tracker.get_slot("policy_agreed_at")
        delivery = reminder_delivery(tracker, the_clinic)
        request = BookingRequest(
            slot=slot_from_value(value),
            patient_name=tracker.get_slot("patient_name"),
            phone=tracker.get_slot("phone"),
            email=tracker.get_slot("email"),
            is_returning=tracker.get_slot("patient_status") == "returning",
            source_channel=tracker.get_latest_input_channel() or "web",
            idempotency_key=service.idempotency_key("book", tracker.sender_id, slot_key(value)),
            policy_version=tracker.get_slot("policy_version"),
            policy_accepted_at=datetime.fromisoformat(agreed_at) if agreed_at else None,
            delivery=delivery,
        )
        try:
            result = await service.in_thread(book_again_if_cancelled, service.sessions(), request, clinic=the_clinic)
        except SlotTaken:
            return await self.offer_next(dispatcher, tracker, value)
        except InvalidContact:
            dispatcher.utter_message(response="utter_contact_unusable")
            return [SlotSet("phone", None), SlotSet("email", None), SlotSet("booking_confirmed", None),
                    FollowupAction(BOOKING_FORM)]
        except Exception as error:  # never leave the patient without an answer
            log.error("booking failed (%s)", type(error).__name__)
            dispatcher.utter_message(response="utter_booking_failed")
            return booking_reset_events()
        if delivery is None:
            dispatcher.utter_message(response="utter_booked", **confirmation_values(result, tracker))
            return [*booking_reset_events(), SlotSet("booking_reference", result.reference)]
        dispatcher.utter_message(response="utter_booked_with_reminders", **confirmation_values(result, tracker),
                                 reminder_notice=delivery.consent_text)
        dispatcher.utter_message(response="utter_ask_touch_up_invitation")
        return [*booking_reset_events(), SlotSet("booking_reference", result.reference),
                SlotSet("touch_up_offer", result.reference)]

    async def offer_next(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                         taken: Dict[str, str]) -> List[EventType]:
        """The chosen time went to someone else: offer the next open times for the same preference."""
        scope = ValidateBookingForm().scope(tracker)
        try:
            offer = await service.in_thread(
                offers.after_a_lost_slot, service.sessions(), clinic(), tracker.get_slot("time_windows") or [],
                service.now_utc(), taken, scope["location_ids"], scope["provider_ids"],
            )
        except Exception as error:
            log.error("could not search open slots (%s)", type(error).__name__)
            offer = Offer([], "none")
        reset = [SlotSet("appointment", None), SlotSet("booking_confirmed", None)]
        if offer.slots:
            note = {"response": "utter_open_times_after_taken"}
            return [*reset, SlotSet("offered_slots", offer.slots), SlotSet("offer_note", note),
                    FollowupAction(BOOKING_FORM)]
        dispatcher.utter_message(response="utter_time_taken_nothing_else")
        return [*reset, SlotSet("time_preference", None), SlotSet("offered_slots", None),
                FollowupAction(BOOKING_FORM)]

    async def join_waitlist(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
        """A note for the team's queue (the handoff queue, reason "waitlist"); nothing is booked."""
        form = ValidateBookingForm()
        wanted = f"{tracker.get_slot('time_preference')}{form.scope(tracker)['place']}"
        try:
            from bot.handoff.queue import HandoffQueue, NewRequest

            new = NewRequest.waitlist(
                tracker.sender_id, tracker.get_latest_input_channel() or "unknown", tracker.get_slot("concern"),
                form.wish_in_english(tracker), tracker.get_slot("time_request"), tracker.get_slot("patient_name"),
                tracker.get_slot("phone"), tracker.get_slot("email"),
            )
            await service.in_thread(lambda: HandoffQueue(service.database()).open_request(new))
        except Exception as error:
            log.error("could not record the waitlist request (%s)", type(error).__name__)
            dispatcher.utter_message(response="utter_waitlist_failed")
            return booking_reset_events()
        contact = display_phone(tracker.get_slot("phone")) if tracker.get_slot("phone") else tracker.get_slot("email")
        dispatcher.utter_message(response="utter_waitlisted", wanted=wanted, contact=contact)
        return booking_reset_events()


class ActionStopForm(Action):
    """Leaves a booking, cancel or reschedule form when the patient stops, asks for a person, reports a problem
    after a treatment or an emergency, saying clearly that nothing was booked or changed. For a person (and after an
    emergency or a treatment concern) the details given so far stay, so the team sees them; the rules hand over."""

    def name(self) -> Text:
        return "action_stop_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        form = tracker.active_loop_name
        stopped, paused = {
            BOOKING_FORM: ("utter_booking_stopped", "utter_booking_paused"),
            CANCEL_FORM: ("utter_cancel_stopped", "utter_cancel_paused"),
            RESCHEDULE_FORM: ("utter_reschedule_stopped", "utter_reschedule_paused"),
        }.get(form or "", ("utter_form_stopped", None))
        events: List[EventType] = [ActiveLoop(None), SlotSet("requested_slot", None)]
        if intent == "report_emergency":
            return events  # utter_emergency came first and says what matters
        if intent in ("request_human", "report_treatment_concern"):
            if paused:
                dispatcher.utter_message(response=paused)
            return events
        if form is None:
            dispatcher.utter_message(response="utter_nothing_to_stop")
            return events
        dispatcher.utter_message(response=stopped)
        if intent == "goodbye":
            dispatcher.utter_message(response="utter_goodbye")
        from actions.booking_manage import MANAGE_SLOTS, SEARCH_SLOTS

        return events + booking_reset_events() + reset_events([*MANAGE_SLOTS, *SEARCH_SLOTS])
