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
    policy,
    reset_events,
)
from actions.booking_support import (
    ANY_LOCATION,
    location_of,
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
        lines = [tracker.get_slot("offer_note") or "Here are the open times:"]
        buttons = []
        for number, value in enumerate(offered, start=1):
            title = slot_title(value, the_clinic, with_location=with_location)
            lines.append(f"{number}. {title}")
            payload = '/choose_slot{"slot_key": "%s"}' % slot_key(value)
            buttons.append({"title": title, "payload": payload})
        lines.append("Reply with a number or tap a time, or tell me another day or time.")
        dispatcher.utter_message(text="\n".join(lines), buttons=buttons)
        return []


def booking_summary(tracker: Tracker, the_clinic: Clinic) -> List[str]:
    value = tracker.get_slot("appointment") or {}
    lines = []
    concern = tracker.get_slot("concern")
    if concern:
        lines.append(f"• About: {concern}")
    if value:
        provider = provider_of(the_clinic, value["provider_id"])
        location = location_of(the_clinic, value["location_id"])
        lines.append(f"• When: {slot_when(value, the_clinic)}")
        if location:
            lines.append(f"• Where: {the_clinic.name} {location.name}, {location.address}")
        if provider:
            lines.append(f"• With: {provider.name}, {provider.credentials}")
    for label, slot in (("Name", "patient_name"), ("Phone", "phone"), ("Email", "email")):
        shown = tracker.get_slot(slot)
        if shown:
            lines.append(f"• {label}: {display_phone(shown) if slot == 'phone' else shown}")
    status = tracker.get_slot("patient_status")
    if status:
        lines.append("• First visit" if status == "new" else "• Returning patient")
    return lines


class ActionAskBookingConfirmed(Action):
    """Reads back everything before booking (or joining the waitlist), or asks what to change."""

    def name(self) -> Text:
        return "action_ask_booking_confirmed"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        the_clinic = clinic()
        if tracker.get_slot("booking_change_requested"):
            dispatcher.utter_message(
                text="No problem. What would you like to change? Or say 'stop' to leave without booking.",
                buttons=[
                    {"title": "The time", "payload": '/correction{"booking_field": "time"}'},
                    {"title": "The location", "payload": '/correction{"booking_field": "location"}'},
                    {"title": "My name", "payload": '/correction{"booking_field": "name"}'},
                    {"title": "My phone", "payload": '/correction{"booking_field": "phone"}'},
                    {"title": "My email", "payload": '/correction{"booking_field": "email"}'},
                ],
            )
            return []
        if tracker.get_slot("waitlist"):
            lines = [
                f"Shall I add you to the waitlist for {tracker.get_slot('time_preference')}"
                f"{ValidateBookingForm().scope(tracker)['place']}? Our team will contact you with:",
                *booking_summary(tracker, the_clinic),
            ]
            buttons = [{"title": "Yes, add me", "payload": "/affirm"}, {"title": "No, change something",
                                                                           "payload": "/deny"}]
        else:
            lines = ["Please check your booking:", *booking_summary(tracker, the_clinic), "Shall I book it?"]
            buttons = [{"title": "Yes, book it", "payload": "/affirm"},
                       {"title": "No, change something", "payload": "/deny"}]
        dispatcher.utter_message(text="\n".join(lines), buttons=buttons)
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
    return delivery_for_booking(tracker.get_latest_input_channel() or "", tracker.sender_id,
                                tracker.get_slot("email"), service.now_utc(), ReminderSettings.of(the_clinic))


def actor(tracker: Tracker) -> str:
    return f"assistant:{tracker.get_latest_input_channel() or 'web'}"


def confirmation_lines(result: Any, the_clinic: Clinic, heading: str) -> List[str]:
    return [
        heading,
        f"• When: {when_text(result.start_utc, result.timezone)}",
        f"• Where: {the_clinic.name} {result.location_name}, {result.location_address}",
        f"• With: {result.provider_name}, {result.provider_credentials}",
        f"• Please bring {the_clinic.booking.get('what_to_bring', 'a photo ID')}.",
        f"• Add it to your calendar: {calendar_link(result.reference)}",
    ]


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
        lines = confirmation_lines(result, the_clinic, f"You're booked! Your reference is {result.reference}.")
        lines.append(f"To cancel or reschedule, just tell me and have your reference ready. "
                     f"{policy(the_clinic).get('text', '')}".strip())
        if delivery is not None:
            lines.append(delivery.consent_text)
        dispatcher.utter_message(text="\n".join(lines))
        if delivery is None:
            return [*booking_reset_events(), SlotSet("booking_reference", result.reference)]
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
            note = "Sorry, that time was just taken by someone else. Here are the next open times:"
            return [*reset, SlotSet("offered_slots", offer.slots), SlotSet("offer_note", note),
                    FollowupAction(BOOKING_FORM)]
        dispatcher.utter_message(response="utter_time_taken_nothing_else")
        return [*reset, SlotSet("time_preference", None), SlotSet("offered_slots", None),
                FollowupAction(BOOKING_FORM)]

    async def join_waitlist(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
        """A note for the team's queue (the handoff queue, reason "waitlist"); nothing is booked."""
        place = ValidateBookingForm().scope(tracker)["place"]
        wanted = f"{tracker.get_slot('time_preference')}{place}"
        try:
            from bot.handoff.queue import HandoffQueue, NewRequest

            new = NewRequest.waitlist(
                tracker.sender_id, tracker.get_latest_input_channel() or "unknown", tracker.get_slot("concern"),
                wanted, tracker.get_slot("time_request"), tracker.get_slot("patient_name"), tracker.get_slot("phone"),
                tracker.get_slot("email"),
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
        nothing = {
            BOOKING_FORM: "Nothing has been booked.",
            CANCEL_FORM: "Your appointment has not been cancelled.",
            RESCHEDULE_FORM: "Your appointment has not been changed.",
        }.get(form or "", "")
        events: List[EventType] = [ActiveLoop(None), SlotSet("requested_slot", None)]
        if intent == "report_emergency":
            return events  # utter_emergency came first and says what matters
        if intent in ("request_human", "report_treatment_concern"):
            if nothing:
                dispatcher.utter_message(response="utter_form_paused", nothing=nothing)
            return events
        if form is None:
            dispatcher.utter_message(response="utter_nothing_to_stop")
            return events
        dispatcher.utter_message(response="utter_form_stopped", nothing=nothing)
        if intent == "goodbye":
            dispatcher.utter_message(response="utter_goodbye")
        from actions.booking_manage import MANAGE_SLOTS, SEARCH_SLOTS

        return events + booking_reset_events() + reset_events([*MANAGE_SLOTS, *SEARCH_SLOTS])
