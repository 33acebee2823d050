"""Cancelling and rescheduling a booking by its reference code and the phone number or e-mail it was booked with.

A wrong code and a wrong contact get the same answer, failed look-ups are rate-limited per conversation by
bot.booking's LookupLimiter, and nothing changes without an explicit yes: a bare "cancel" (an SMS carrier keyword)
only starts the look-up. Rescheduling reuses the preferred-time search and slot offers of the booking form and
moves the booking in one transaction (bot.booking.reschedule_appointment).
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import booking_service as service
from actions.booking import actor, confirmation_values
from actions.booking_form import (
    CANCEL_FORM,
    RESCHEDULE_FORM,
    TimeAndSlotValidation,
    calendar_link,
    reset_events,
)
from actions.booking_support import (
    INTERRUPT_INTENTS,
    Turn,
    patient_language,
    slot_title,
    when_text,
)
from bot import offers
from bot.clinic import clinic
from bot.contact import find_email, find_phone
from bot.offers import Offer, slot_from_value, slot_key
from bot.references import find_reference
from bot.scheduling import wording

log = logging.getLogger(__name__)

MANAGE_SLOTS = ["manage_reference", "manage_contact", "manage_booking", "manage_blocked", "cancel_confirmed",
                "reschedule_confirmed"]
CANCEL_SLOTS = ["manage_reference", "manage_contact", "cancel_confirmed"]
RESCHEDULE_SLOTS = ["manage_reference", "manage_contact", "time_preference", "appointment", "reschedule_confirmed"]
SEARCH_SLOTS = ["time_preference", "appointment", "time_request", "time_windows", "offered_slots", "offer_note",
                "booking_failures", "waitlist"]


def manage_reset_events() -> List[EventType]:
    return reset_events(["requested_slot", *MANAGE_SLOTS, *SEARCH_SLOTS])


def booking_value(result: Any) -> Dict[str, Any]:
    return {
        "reference": result.reference,
        "status": result.status,
        "start": result.start_utc.isoformat(),
        "end": result.end_utc.isoformat(),
        "timezone": result.timezone,
        "location_id": result.location_id,
        "location_name": result.location_name,
        "location_address": result.location_address,
        "provider_id": result.provider_id,
        "provider_name": result.provider_name,
        "provider_credentials": result.provider_credentials,
    }


def booked_when(booking: Dict[str, Any], tracker: Tracker) -> str:
    return when_text(datetime.fromisoformat(booking["start"]), booking["timezone"], patient_language(tracker))


def booked_description(booking: Dict[str, Any], tracker: Tracker) -> str:
    language = patient_language(tracker)
    provider = clinic().provider_called(booking["provider_id"], booking["provider_name"], language)
    return wording.consultation(booked_when(booking, tracker), f"{clinic().name} {booking['location_name']}", provider,
                                language)


class ManageFormValidation(TimeAndSlotValidation):
    """Finding the patient's booking: reference, then the phone or e-mail on it, checked together."""

    form_slots: List[str] = []

    async def required_slots(self, domain_slots: List[Text], dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: DomainDict) -> List[Text]:
        return [] if tracker.get_slot("manage_blocked") else list(self.form_slots)

    def answers(self, slot: str, turn: Turn, tracker: Tracker) -> bool:
        if slot == "manage_reference":
            return find_reference(turn.text) is not None
        return super().answers(slot, turn, tracker)

    def opportunistic(self, turn: Turn, tracker: Tracker, requested: Optional[str]) -> Dict[str, Any]:
        plan: Dict[str, Any] = {}
        if turn.is_payload:
            return plan
        if tracker.get_slot("manage_reference") is None and requested != "manage_reference":
            if find_reference(turn.text, strict=True):
                plan["manage_reference"] = turn.text
        if tracker.get_slot("manage_contact") is None and requested != "manage_contact":
            if requested in (None, "manage_reference") and (find_phone(turn.text) or find_email(turn.text)):
                plan["manage_contact"] = turn.text
        change = self.time_change(turn, tracker, requested)
        if change:
            plan.update(change)
        return plan

    async def extract_manage_reference(self, dispatcher, tracker, domain):
        return self._extracted("manage_reference", dispatcher, tracker)

    async def extract_manage_contact(self, dispatcher, tracker, domain):
        return self._extracted("manage_contact", dispatcher, tracker)

    async def validate_manage_reference(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                        domain: DomainDict) -> Dict[Text, Any]:
        done = self.passthrough("manage_reference", value, tracker)
        if done is not None:
            return done
        failure = self.unreadable("manage_reference", dispatcher, tracker)
        if failure:
            return failure
        code = find_reference(str(value))
        if code is None:
            return self.fail("manage_reference", dispatcher, tracker, "utter_reference_not_understood")
        contact = tracker.get_slot("manage_contact")
        if contact and "manage_contact" not in tracker.slots_to_validate():
            return await self.look_up(dispatcher, tracker, code, contact)
        return {"manage_reference": code}

    async def validate_manage_contact(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                      domain: DomainDict) -> Dict[Text, Any]:
        done = self.passthrough("manage_contact", value, tracker)
        if done is not None:
            return done
        failure = self.unreadable("manage_contact", dispatcher, tracker)
        if failure:
            return failure
        text = str(value)
        contact = find_email(text) if "@" in text else find_phone(text)
        if contact is None:
            return self.fail("manage_contact", dispatcher, tracker, "utter_manage_contact_not_understood")
        reference = tracker.get_slot("manage_reference")
        if reference:
            return await self.look_up(dispatcher, tracker, reference, contact)
        return {"manage_contact": contact}

    async def look_up(self, dispatcher: CollectingDispatcher, tracker: Tracker, reference: str,
                      contact: str) -> Dict[Text, Any]:
        from bot.booking import LookupBlocked, lookup_booking

        try:
            result = await service.in_thread(lookup_booking, service.sessions(), reference, contact,
                                             tracker.sender_id)
        except LookupBlocked:
            dispatcher.utter_message(response="utter_lookup_blocked")
            return {"manage_reference": reference, "manage_contact": contact, "manage_blocked": True}
        except Exception as error:
            log.error("booking look-up failed (%s)", type(error).__name__)
            dispatcher.utter_message(response="utter_lookup_unavailable")
            return {"manage_reference": reference, "manage_contact": contact, "manage_blocked": True}
        if result is None:
            failed = self.fail("manage_reference", dispatcher, tracker, "utter_booking_not_found")
            return {**failed, "manage_contact": None}
        if result.status != "booked":
            dispatcher.utter_message(response="utter_booking_already",
                                     status=wording.status(result.status, patient_language(tracker)))
            return {"manage_reference": reference, "manage_contact": contact, "manage_blocked": True}
        booking = booking_value(result)
        self.found(dispatcher, booking, tracker)
        return self.ok("manage_reference", reference, tracker, manage_contact=contact, manage_booking=booking)

    def found(self, dispatcher: CollectingDispatcher, booking: Dict[str, Any], tracker: Tracker) -> None:
        """What to say when the booking was found (the confirmation question may say it instead)."""

    # the confirmation slots (yes or no) of both forms

    async def extract_cancel_confirmed(self, dispatcher, tracker, domain):
        return self._extracted("cancel_confirmed", dispatcher, tracker)

    async def extract_reschedule_confirmed(self, dispatcher, tracker, domain):
        return self._extracted("reschedule_confirmed", dispatcher, tracker)

    def confirmed(self, slot: str, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                  yes_or_no: str) -> Dict[Text, Any]:
        answer, done = self.yes_no_value(slot, value, dispatcher, tracker, yes_or_no)
        if done is not None:
            return done
        return self.ok(slot, answer, tracker)


class ValidateCancelForm(ManageFormValidation):
    form_slots = CANCEL_SLOTS

    def name(self) -> Text:
        return "validate_cancel_form"

    def scope(self, tracker: Tracker) -> Dict[str, Any]:  # no time search when cancelling
        return {"timezone": clinic().default_timezone, "location_ids": None, "provider_ids": None, "place": "",
                "with_location": True}

    def time_change(self, turn: Turn, tracker: Tracker, requested: Optional[str]) -> Optional[Dict[str, Any]]:
        return None

    def nothing_in_horizon(self, dispatcher: CollectingDispatcher, tracker: Tracker, description: str,
                           raw: str) -> Dict[Text, Any]:  # pragma: no cover - cancelling searches no times
        return {"time_preference": None}

    def validate_cancel_confirmed(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                  domain: DomainDict) -> Dict[Text, Any]:
        return self.confirmed("cancel_confirmed", value, dispatcher, tracker, "utter_cancel_yes_or_no")


class ValidateRescheduleForm(ManageFormValidation):
    form_slots = RESCHEDULE_SLOTS
    interrupt_intents = set(INTERRUPT_INTENTS) | {"cancel_booking"}

    def name(self) -> Text:
        return "validate_reschedule_form"

    def scope(self, tracker: Tracker) -> Dict[str, Any]:
        booking = tracker.get_slot("manage_booking") or {}
        location_id = booking.get("location_id")
        return {
            "timezone": booking.get("timezone") or clinic().default_timezone,
            "location_ids": [location_id] if location_id else None,
            "provider_ids": None,
            "place": wording.place(booking["location_name"], None, patient_language(tracker))
            if booking.get("location_name") else "",
            "with_location": False,
        }

    def found(self, dispatcher: CollectingDispatcher, booking: Dict[str, Any], tracker: Tracker) -> None:
        dispatcher.utter_message(response="utter_booking_found", booking=booked_description(booking, tracker))

    def nothing_in_horizon(self, dispatcher: CollectingDispatcher, tracker: Tracker, description: str,
                           raw: str) -> Dict[Text, Any]:
        dispatcher.utter_message(response="utter_no_other_open_times", place=self.scope(tracker)["place"],
                                 horizon_days=clinic().booking["horizon_days"])
        return {"time_preference": description, "manage_blocked": True}

    def validate_reschedule_confirmed(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                      domain: DomainDict) -> Dict[Text, Any]:
        return self.confirmed("reschedule_confirmed", value, dispatcher, tracker, "utter_reschedule_yes_or_no")


# --- questions ------------------------------------------------------------------------------------------------


class ActionAskCancelConfirmed(Action):
    def name(self) -> Text:
        return "action_ask_cancel_confirmed"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        booking = tracker.get_slot("manage_booking") or {}
        if not booking:
            return []
        dispatcher.utter_message(response="utter_check_cancel", booking=booked_description(booking, tracker))
        return []


class ActionAskRescheduleConfirmed(Action):
    def name(self) -> Text:
        return "action_ask_reschedule_confirmed"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        booking = tracker.get_slot("manage_booking") or {}
        new = tracker.get_slot("appointment") or {}
        if not booking or not new:
            return []
        dispatcher.utter_message(response="utter_check_reschedule", booked_when=booked_when(booking, tracker),
                                 new_time=slot_title(new, clinic(), language=patient_language(tracker)),
                                 place=wording.place(booking["location_name"], None, patient_language(tracker)))
        return []


# --- starting and finishing -------------------------------------------------------------------------------------


class ActionStartCancel(Action):
    def name(self) -> Text:
        return "action_start_cancel"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        dispatcher.utter_message(response="utter_cancel_start")
        return manage_reset_events()


class ActionStartReschedule(Action):
    def name(self) -> Text:
        return "action_start_reschedule"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        dispatcher.utter_message(response="utter_reschedule_start")
        return manage_reset_events()


class ActionCancelBooking(Action):
    def name(self) -> Text:
        return "action_cancel_booking"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        from bot.booking import BookingError, cancel_appointment

        booking = tracker.get_slot("manage_booking")
        confirmed = tracker.get_slot("cancel_confirmed")
        the_clinic = clinic()
        if tracker.get_slot("manage_blocked") or not booking or confirmed is None:
            return manage_reset_events()
        if confirmed is False:
            dispatcher.utter_message(response="utter_cancel_declined",
                                     booking=_cap(booked_description(booking, tracker)))
            return manage_reset_events()
        try:
            await service.in_thread(
                cancel_appointment, service.sessions(), booking["reference"], actor(tracker),
                reason="cancelled by the patient in chat", contact=tracker.get_slot("manage_contact"),
                now=service.now_utc(), clinic=the_clinic,
            )
        except BookingError:
            dispatcher.utter_message(response="utter_cancel_not_possible")
            return manage_reset_events()
        except Exception as error:
            log.error("cancelling failed (%s)", type(error).__name__)
            dispatcher.utter_message(response="utter_cancel_failed")
            return manage_reset_events()
        dispatcher.utter_message(response="utter_cancelled", booking=booked_description(booking, tracker),
                                 reference=booking["reference"])
        return manage_reset_events()


class ActionRescheduleBooking(Action):
    def name(self) -> Text:
        return "action_reschedule_booking"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        from bot.booking import BookingError, SlotTaken, reschedule_appointment

        booking = tracker.get_slot("manage_booking")
        confirmed = tracker.get_slot("reschedule_confirmed")
        new = tracker.get_slot("appointment")
        the_clinic = clinic()
        if tracker.get_slot("manage_blocked") or not booking or not new or confirmed is None:
            return manage_reset_events()
        if confirmed is False:
            dispatcher.utter_message(response="utter_reschedule_declined",
                                     booking=_cap(booked_description(booking, tracker)))
            return manage_reset_events()
        key = service.idempotency_key("reschedule", tracker.sender_id, booking["reference"], slot_key(new))
        try:
            result = await service.in_thread(
                reschedule_appointment, service.sessions(), booking["reference"], slot_from_value(new),
                actor(tracker), contact=tracker.get_slot("manage_contact"), idempotency_key=key,
                now=service.now_utc(), clinic=the_clinic,
            )
        except SlotTaken:
            return await self.offer_next(dispatcher, tracker, new)
        except BookingError:
            dispatcher.utter_message(response="utter_reschedule_not_possible")
            return manage_reset_events()
        except Exception as error:
            log.error("rescheduling failed (%s)", type(error).__name__)
            dispatcher.utter_message(response="utter_reschedule_failed")
            return manage_reset_events()
        dispatcher.utter_message(response="utter_rescheduled", **confirmation_values(result, tracker),
                                 old_reference=booking["reference"])
        return manage_reset_events() + [SlotSet("booking_reference", result.reference)]

    async def offer_next(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                         taken: Dict[str, str]) -> List[EventType]:
        scope = ValidateRescheduleForm().scope(tracker)
        try:
            offer = await service.in_thread(
                offers.after_a_lost_slot, service.sessions(), clinic(), tracker.get_slot("time_windows") or [],
                service.now_utc(), taken, scope["location_ids"],
            )
        except Exception as error:
            log.error("could not search open slots (%s)", type(error).__name__)
            offer = Offer([], "none")
        reset = [SlotSet("appointment", None), SlotSet("reschedule_confirmed", None)]
        if offer.slots:
            note = {"response": "utter_open_times_after_taken_unchanged"}
            return [*reset, SlotSet("offered_slots", offer.slots), SlotSet("offer_note", note),
                    FollowupAction(RESCHEDULE_FORM)]
        dispatcher.utter_message(response="utter_reschedule_time_taken")
        return [*reset, SlotSet("time_preference", None), SlotSet("offered_slots", None),
                FollowupAction(RESCHEDULE_FORM)]


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


__all__ = ["CANCEL_FORM", "calendar_link"]
