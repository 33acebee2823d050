"""The booking form's checks (`validate_booking_form`): the form asks for the concern, location, preferred time, one
of the open slots it offers, name, phone, e-mail, new or returning, agreement to the cancellation policy, and finally
an explicit yes to a read-back summary. Each answer is read with custom slot mappings (`extract_<slot>`):

* only a fresh message is read, once: after a digression was answered the form just asks again;
* a question or small talk that does not answer the form's question is left to the rules (the form rejects), which
  answer it and return to the form; stopping, asking for a person and urgent symptoms also go to the rules;
* corrections ("actually make it Friday", "my number is wrong") reset the right details and ask again;
* every answer that cannot be used gets a reply saying what is expected; the third miss on one question offers
  a person.

`TimeAndSlotValidation` is shared with the cancel and reschedule forms (booking_manage.py).
"""

from __future__ import annotations

import logging
import os
from abc import abstractmethod
from datetime import datetime, timedelta
from typing import Any, Callable, Dict, List, Optional, Sequence, Text, Tuple

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import booking_service as service
from actions.booking_support import (
    ANY_LOCATION,
    AREA_INTENTS,
    CORRECTION_MARKERS,
    DEFERRAL_ANSWERS,
    INTERRUPT_INTENTS,
    SAFETY_FINDING,
    SMALL_TALK_INTENTS,
    Turn,
    clean_text,
    correction_fields,
    input_problem,
    known_areas,
    location_of,
    location_timezone,
    parse_person_name,
    patient_language,
    patient_status,
    provider_of,
    read_turn,
    resolve_pick,
    wants_to_stop,
    yes_or_no,
)
from bot.clinic import Clinic, clinic
from bot.contact import find_email, find_phone
from bot.nlp.question_parts import ALSO_ASKED, REQUESTS
from bot.responses import answer_response
from bot.scheduling import wording

log = logging.getLogger(__name__)

BOOKING_FORM = "booking_form"
CANCEL_FORM = "cancel_form"
RESCHEDULE_FORM = "reschedule_form"
FORMS = (BOOKING_FORM, CANCEL_FORM, RESCHEDULE_FORM)
START_ACTIONS = ("action_start_booking", "action_start_cancel", "action_start_reschedule")

BOOKING_SLOTS = [
    "concern", "booking_location", "time_preference", "appointment", "patient_name", "phone", "email",
    "patient_status", "policy_agreed", "booking_confirmed",
]  # fmt: skip
WAITLIST_SLOTS = [
    "concern", "booking_location", "time_preference", "patient_name", "phone", "email", "booking_confirmed",
]
BOOKING_HELPER_SLOTS = [
    "time_request", "time_windows", "offered_slots", "offer_note", "booking_failures", "policy_version",
    "policy_agreed_at", "waitlist", "booking_change_requested", "preferred_provider",
]  # fmt: skip
MAX_MISSES = 3
QUESTION_WORDS = {
    "what", "what's", "whats", "how", "does", "do", "is", "are", "can", "will", "why", "when", "where", "which",
    "who", "much", "long", "hurt", "cost", "price", "the", "it", "botox", "you", "your",
}  # fmt: skip
MAX_CONCERN_CHARS = 200
ANY_WORDS = (
    r"\b(any|anywhere|either|whichever|doesn'?t matter|does not matter|no preference|don'?t mind|dont care"
    r"|don'?t care|closest|nearest|cualquiera|la que sea|me da igual|da igual|no importa|donde sea"
    r"|sin preferencia|m[aá]s cercana|cualquier (?:cl[ií]nica|sucursal|lugar|ubicaci[oó]n))\b"
)
FIELD_SLOTS = {
    "concern": "concern",
    "location": "booking_location",
    "time": "time_preference",
    "name": "patient_name",
    "phone": "phone",
    "email": "email",
    "patient_status": "patient_status",
}


def web_base_url() -> str:
    return os.environ.get("WEB_BASE_URL", "http://localhost:8000").rstrip("/")


def calendar_link(reference: str) -> str:
    return f"{web_base_url()}/calendar/{reference}.ics"


def reset_events(names: Sequence[str]) -> List[EventType]:
    return [SlotSet(name, None) for name in names]


def booking_reset_events() -> List[EventType]:
    return reset_events([*BOOKING_SLOTS, *BOOKING_HELPER_SLOTS])


def policy(the_clinic: Clinic) -> Dict[str, str]:
    return the_clinic.booking.get("cancellation_policy") or {}


def has_time(text: str, timezone: str, now: datetime, the_clinic: Clinic, language: Optional[str] = None) -> bool:
    """Whether `text` names a day or time (a past or too distant one included)."""
    from bot.scheduling import BeyondHorizonError, PastDateError, WeekdayMismatchError, parse_time_preference

    if not text:
        return False
    try:
        return parse_time_preference(
            text, now, timezone, the_clinic.booking["day_parts"], the_clinic.booking["horizon_days"], language
        ) is not None
    except (PastDateError, BeyondHorizonError, WeekdayMismatchError):
        return True
    except Exception as error:  # an unexpected parser failure must not end the conversation
        log.error("time preference parser failed (%s)", type(error).__name__)
        return False


# --- shared form machinery -----------------------------------------------------------------------------------


class SlotFormValidation(FormValidationAction):
    """Custom slot mappings for the clinic's forms: one reading of each fresh message (the "plan") feeds every
    `extract_<slot>`; the `validate_<slot>` methods check the values and explain what is expected."""

    form_slots: List[str] = []
    interrupt_intents = set(INTERRUPT_INTENTS)

    @abstractmethod
    def name(self) -> Text:
        """validate_<form name>"""

    # --- reading a turn once ---

    def turn(self, tracker: Tracker) -> Turn:
        cached = getattr(tracker, "_clinic_turn", None)
        if cached is None:
            cached = read_turn(tracker, answered_by=(self.form_name(), *START_ACTIONS))
            tracker._clinic_turn = cached
        return cached

    def plan(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> Dict[str, Any]:
        cached = getattr(tracker, "_clinic_plan", None)
        if cached is None:
            cached = self.make_plan(dispatcher, tracker, self.turn(tracker))
            tracker._clinic_plan = cached
        return cached

    def make_plan(self, dispatcher: CollectingDispatcher, tracker: Tracker, turn: Turn) -> Dict[str, Any]:
        if not turn.fresh:
            return {}
        requested = tracker.get_slot("requested_slot")
        if requested is None:
            return self.opportunistic(turn, tracker, requested=None)
        if self.interrupts(turn):
            return {}
        if self.is_digression(turn, requested, tracker):
            return {}
        self.answer_question_beside_request(dispatcher, turn)
        self.defer_treatment_first(dispatcher, turn)
        correction = self.correction(dispatcher, turn, tracker, requested)
        if correction is not None:
            return correction
        plan = self.opportunistic(turn, tracker, requested)
        if requested == "phone" and "email" in plan and find_phone(turn.text) is None:
            # an e-mail address given first: keep it and ask for the phone number again
            dispatcher.utter_message(response="utter_noted_email")
            return plan
        plan.setdefault(requested, self.answer(requested, turn, tracker))
        return plan

    @staticmethod
    def defer_treatment_first(dispatcher: CollectingDispatcher, turn: Turn) -> None:
        """A contraindication told beside an answer the form can read ("11am works, fyi I'm still nursing"): the
        deferral is said first, and the answer is kept. One the form cannot read is a digression: the rules defer."""
        finding = turn.entity(SAFETY_FINDING)
        if turn.intent in DEFERRAL_ANSWERS and finding not in (None, "none"):
            dispatcher.utter_message(response=DEFERRAL_ANSWERS[turn.intent])

    @staticmethod
    def answer_question_beside_request(dispatcher: CollectingDispatcher, turn: Turn) -> None:
        """A request with a question beside it while a form is open ("I'd like to book, is there parking?"): the
        question is answered here, since no form is starting to carry the answer (bot/nlp/nlg.py)."""
        question = turn.entity(ALSO_ASKED)
        if turn.intent in REQUESTS and question:
            dispatcher.utter_message(response=answer_response(question))

    def interrupts(self, turn: Turn) -> bool:
        return turn.intent in self.interrupt_intents or wants_to_stop(turn)

    def is_digression(self, turn: Turn, requested: str, tracker: Tracker) -> bool:
        if turn.intent not in SMALL_TALK_INTENTS and not turn.intent.startswith("ask_"):
            return False
        return not self.answers(requested, turn, tracker)

    # --- per-slot reading: subclasses extend ---

    def answers(self, slot: str, turn: Turn, tracker: Tracker) -> bool:
        """Whether a message classified as a question or small talk still answers the form's question."""
        text = turn.text
        if slot in ("policy_agreed", "booking_confirmed", "cancel_confirmed", "reschedule_confirmed"):
            return yes_or_no(turn) is not None and "?" not in text
        if slot == "patient_name":
            words = {word.strip(",.!'").lower() for word in text.split()}
            return parse_person_name(text) is not None and "?" not in text and not words & QUESTION_WORDS
        if slot in ("phone", "manage_contact"):
            return find_phone(text) is not None or "@" in text
        if slot == "email":
            return "@" in text
        if slot == "patient_status":
            return patient_status(turn) is not None and "?" not in text
        return False

    def answer(self, slot: str, turn: Turn, tracker: Tracker) -> Any:
        """The candidate value of the asked slot (validate_<slot> decides whether it is usable)."""
        if slot in ("policy_agreed", "booking_confirmed", "cancel_confirmed", "reschedule_confirmed"):
            answer = yes_or_no(turn)
            return answer if answer is not None else turn.text
        if slot == "patient_status":
            return patient_status(turn) or turn.text
        return turn.text

    def opportunistic(self, turn: Turn, tracker: Tracker, requested: Optional[str]) -> Dict[str, Any]:
        return {}

    def correction(
        self, dispatcher: CollectingDispatcher, turn: Turn, tracker: Tracker, requested: str
    ) -> Optional[Dict[str, Any]]:
        return None

    # --- extraction: every form slot takes its value from the plan ---

    def _extracted(self, slot: str, dispatcher: CollectingDispatcher, tracker: Tracker) -> Dict[Text, Any]:
        plan = self.plan(dispatcher, tracker)
        return {slot: plan[slot]} if slot in plan else {}

    async def extract_concern(self, dispatcher, tracker, domain):
        return self._extracted("concern", dispatcher, tracker)

    async def extract_booking_location(self, dispatcher, tracker, domain):
        return self._extracted("booking_location", dispatcher, tracker)

    async def extract_time_preference(self, dispatcher, tracker, domain):
        return self._extracted("time_preference", dispatcher, tracker)

    async def extract_appointment(self, dispatcher, tracker, domain):
        return self._extracted("appointment", dispatcher, tracker)

    async def extract_patient_name(self, dispatcher, tracker, domain):
        return self._extracted("patient_name", dispatcher, tracker)

    async def extract_phone(self, dispatcher, tracker, domain):
        return self._extracted("phone", dispatcher, tracker)

    async def extract_email(self, dispatcher, tracker, domain):
        return self._extracted("email", dispatcher, tracker)

    async def extract_patient_status(self, dispatcher, tracker, domain):
        return self._extracted("patient_status", dispatcher, tracker)

    async def extract_policy_agreed(self, dispatcher, tracker, domain):
        return self._extracted("policy_agreed", dispatcher, tracker)

    async def extract_booking_confirmed(self, dispatcher, tracker, domain):
        return self._extracted("booking_confirmed", dispatcher, tracker)

    # --- validation helpers ---

    def requested(self, tracker: Tracker) -> Optional[str]:
        return tracker.get_slot("requested_slot")

    def passthrough(self, slot: str, value: Any, tracker: Tracker) -> Optional[Dict[Text, Any]]:
        """Values that need no checking now: a reset (None), or values re-submitted when the form is activated
        again without a new message (after a booking attempt), which were checked when they were given."""
        if value is None:
            return {slot: None}
        if not self.turn(tracker).fresh:
            return {slot: value}
        return None

    def unreadable(self, slot: str, dispatcher: CollectingDispatcher, tracker: Tracker) -> Optional[Dict]:
        """A failure for a message that cannot be read at all (empty, emoji, HTML only, huge, another script)."""
        if self.requested(tracker) != slot:
            return None
        problem = input_problem(self.turn(tracker))
        return self.fail(slot, dispatcher, tracker, problem) if problem else None

    def fail(self, slot: str, dispatcher: CollectingDispatcher, tracker: Tracker, response: str,
             **values: Any) -> Dict[Text, Any]:
        """Says what went wrong (the form then asks again), counts the miss, and offers a person on the third miss
        of one question."""
        misses = dict(tracker.get_slot("booking_failures") or {})
        misses[slot] = misses.get(slot, 0) + 1
        dispatcher.utter_message(response=response, **values)
        if misses[slot] >= MAX_MISSES:
            dispatcher.utter_message(response="utter_offer_person_after_misses")
        return {slot: None, "booking_failures": misses}

    def ok(self, slot: str, value: Any, tracker: Tracker, **extra: Any) -> Dict[Text, Any]:
        misses = dict(tracker.get_slot("booking_failures") or {})
        misses.pop(slot, None)
        return {slot: value, "booking_failures": misses or None, **extra}

    def yes_no_value(
        self, slot: str, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, yes_or_no: str
    ) -> Tuple[Optional[bool], Optional[Dict[Text, Any]]]:
        """The answer to a yes-or-no question, or the failure that says how to answer (the `yes_or_no` response)."""
        done = self.passthrough(slot, value, tracker)
        if done is not None:
            return None, done
        if isinstance(value, bool):
            return value, None
        failure = self.unreadable(slot, dispatcher, tracker)
        return None, failure or self.fail(slot, dispatcher, tracker, yes_or_no)


class TimeAndSlotValidation(SlotFormValidation):
    """The preferred time and the offered slots, shared by booking and rescheduling."""

    @abstractmethod
    def scope(self, tracker: Tracker) -> Dict[str, Any]:
        """timezone, location_ids, provider_ids, place (" in Austin"), with_location (titles name the place)."""

    def timezone(self, tracker: Tracker) -> str:
        return self.scope(tracker)["timezone"]

    @abstractmethod
    def nothing_in_horizon(self, dispatcher: CollectingDispatcher, tracker: Tracker, description: str,
                           raw: str) -> Dict[Text, Any]:
        """What to do when nothing at all is open within the booking horizon."""

    def time_answer(self, turn: Turn, tracker: Tracker) -> bool:
        return has_time(turn.text, self.timezone(tracker), service.now_utc(), clinic(), patient_language(tracker))

    def answers(self, slot: str, turn: Turn, tracker: Tracker) -> bool:
        if slot == "time_preference":
            return self.time_answer(turn, tracker) and not (turn.intent.startswith("ask_") and "?" in turn.text
                                                            and turn.intent != "ask_hours")
        if slot == "appointment":
            offers = tracker.get_slot("offered_slots") or []
            return (turn.is_payload or resolve_pick(turn, offers, clinic()) is not None
                    or (self.time_answer(turn, tracker) and "?" not in turn.text))
        return super().answers(slot, turn, tracker)

    def answer(self, slot: str, turn: Turn, tracker: Tracker) -> Any:
        if slot == "appointment":
            offers = tracker.get_slot("offered_slots") or []
            index = resolve_pick(turn, offers, clinic())
            return offers[index] if index is not None else turn.text or turn.raw
        return super().answer(slot, turn, tracker)

    def time_change(self, turn: Turn, tracker: Tracker, requested: Optional[str]) -> Optional[Dict[str, Any]]:
        """At the slot question, a new day or time ("do you have anything Saturday?") searches again."""
        if requested != "appointment":
            return None
        offers = tracker.get_slot("offered_slots") or []
        if resolve_pick(turn, offers, clinic()) is not None or turn.is_payload:
            return None
        if self.time_answer(turn, tracker):
            return {"time_preference": turn.text, "appointment": None}
        return None

    async def validate_time_preference(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                       domain: DomainDict) -> Dict[Text, Any]:
        from bot.scheduling import BeyondHorizonError, PastDateError, WeekdayMismatchError, parse_time_preference

        done = self.passthrough("time_preference", value, tracker)
        if done is not None:
            return done
        failure = self.unreadable("time_preference", dispatcher, tracker)
        if failure:
            return failure
        the_clinic, now, language = clinic(), service.now_utc(), patient_language(tracker)
        scope = self.scope(tracker)
        horizon = int(the_clinic.booking["horizon_days"])
        try:
            preference = parse_time_preference(
                str(value), now, scope["timezone"], the_clinic.booking["day_parts"], horizon, language
            )
        except PastDateError as error:
            return self.fail("time_preference", dispatcher, tracker, "utter_time_passed",
                             description=error.description)
        except BeyondHorizonError:
            last = (now + timedelta(days=horizon)).astimezone(service_zone(scope["timezone"]))
            return self.fail("time_preference", dispatcher, tracker, "utter_time_beyond_horizon",
                             horizon_days=horizon, last_day=wording.last_day(last.date(), language))
        except WeekdayMismatchError as error:
            return self.fail("time_preference", dispatcher, tracker, "utter_time_weekday_mismatch",
                             date=wording.date_words(error.day, language),
                             weekday=wording.weekday_name(error.day.weekday(), language),
                             said_weekday=wording.weekday_name(error.said_weekday, language))
        if preference is None:
            return self.fail("time_preference", dispatcher, tracker, "utter_time_not_understood")
        try:
            offer = await service.in_thread(
                service.find_offers, the_clinic, preference.windows, now,
                scope["location_ids"], scope["provider_ids"],
            )
        except Exception as error:
            log.error("could not search open slots (%s)", type(error).__name__)
            dispatcher.utter_message(response="utter_schedule_unavailable")
            return {"time_preference": None}
        if offer.kind == "none":
            return self.nothing_in_horizon(dispatcher, tracker, preference.description, str(value))
        note = {"response": "utter_open_times" if offer.kind == "match" else "utter_open_times_nearest",
                "description": preference.description, "place": scope["place"]}
        windows = [[w.start.isoformat(), w.end.isoformat()] for w in preference.windows]
        return self.ok(
            "time_preference", preference.description, tracker,
            time_request=str(value), time_windows=windows, offered_slots=offer.slots, offer_note=note,
            appointment=None, waitlist=None,
        )

    def validate_appointment(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: DomainDict) -> Dict[Text, Any]:
        done = self.passthrough("appointment", value, tracker)
        if done is not None:
            return done
        offers = tracker.get_slot("offered_slots") or []
        if isinstance(value, dict) and value in offers:
            return self.ok("appointment", value, tracker)
        return self.unreadable("appointment", dispatcher, tracker) or self.fail(
            "appointment", dispatcher, tracker, "utter_appointment_not_understood")


def service_zone(timezone: str) -> Any:
    from zoneinfo import ZoneInfo

    return ZoneInfo(timezone)


# --- the booking form ------------------------------------------------------------------------------------------


class ValidateBookingForm(TimeAndSlotValidation):
    form_slots = BOOKING_SLOTS
    interrupt_intents = set(INTERRUPT_INTENTS) | {"cancel_booking"}

    def name(self) -> Text:
        return "validate_booking_form"

    async def required_slots(self, domain_slots: List[Text], dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: DomainDict) -> List[Text]:
        if tracker.get_slot("waitlist"):
            return list(WAITLIST_SLOTS)
        return list(BOOKING_SLOTS)

    def scope(self, tracker: Tracker, language: Optional[str] = None) -> Dict[str, Any]:
        """`language` words the place for someone other than the patient (the team reads a waitlist wish in
        English); the patient's own language by default."""
        the_clinic = clinic()
        location_id = tracker.get_slot("booking_location")
        provider_id = tracker.get_slot("preferred_provider")
        provider = provider_of(the_clinic, provider_id) if provider_id else None
        location = location_of(the_clinic, location_id) if location_id and location_id != ANY_LOCATION else None
        provider_ids = [provider.id] if provider else None
        if provider and location and location.id not in provider.location_ids:
            provider_ids = None  # they don't work there: any provider at the chosen location
        language = language or patient_language(tracker)
        named = the_clinic.provider_called(provider.id, provider.name, language) if provider_ids else None
        place = wording.place(location.name if location else None, named, language)
        return {
            "timezone": location_timezone(the_clinic, location.id if location else None),
            "location_ids": [location.id] if location else None,
            "provider_ids": provider_ids,
            "place": place,
            "with_location": location is None,
        }

    def wish_in_english(self, tracker: Tracker) -> str:
        """The times and place a waitlisted patient asked for, as the team reads them: in English, whatever the
        patient wrote in; the patient's own words go beside it."""
        from bot.scheduling import BeyondHorizonError, PastDateError, WeekdayMismatchError, parse_time_preference

        scope, the_clinic = self.scope(tracker, "en"), clinic()
        try:
            preference = parse_time_preference(
                tracker.get_slot("time_request") or "", service.now_utc(), scope["timezone"],
                the_clinic.booking["day_parts"], int(the_clinic.booking["horizon_days"]), patient_language(tracker),
                described_in="en",
            )
        except (PastDateError, BeyondHorizonError, WeekdayMismatchError):  # the patient's words still go to the team
            preference = None
        return f"{preference.description if preference else 'a time'}{scope['place']}"

    # --- reading ---

    def answers(self, slot: str, turn: Turn, tracker: Tracker) -> bool:
        if slot == "concern":
            about_area = turn.entity("area") is not None or turn.intent in AREA_INTENTS
            return about_area and ("?" not in turn.text or len(turn.text.split()) <= 3)
        if slot == "booking_location":
            return turn.entity("location") is not None or (_any_location(turn.text) and "?" not in turn.text)
        return super().answers(slot, turn, tracker)

    def answer(self, slot: str, turn: Turn, tracker: Tracker) -> Any:
        if slot == "concern":
            return turn.entity("area") or (AREA_INTENTS.get(turn.intent) if len(turn.text.split()) <= 4 else None) \
                or turn.text
        if slot == "booking_location":
            return turn.entity("location") or (ANY_LOCATION if _any_location(turn.text) else turn.text)
        return super().answer(slot, turn, tracker)

    def opportunistic(self, turn: Turn, tracker: Tracker, requested: Optional[str]) -> Dict[str, Any]:
        """Details given before they were asked for ("book my brows in Austin next Friday")."""
        plan: Dict[str, Any] = {}
        if turn.is_payload:
            return plan
        empty = [slot for slot in BOOKING_SLOTS if tracker.get_slot(slot) is None and slot != requested]
        if "concern" in empty and turn.entity("area"):
            plan["concern"] = turn.entity("area")
        if "booking_location" in empty and turn.entity("location"):
            plan["booking_location"] = turn.entity("location")
        if requested in (None, "concern", "booking_location") and "time_preference" in empty:
            if self.time_answer(turn, tracker):
                plan["time_preference"] = turn.text
        if requested not in ("time_preference", "appointment"):
            if "email" in empty and find_email(turn.text):
                plan["email"] = turn.text
            if "phone" in empty and requested != "email" and find_phone(turn.text):
                plan["phone"] = turn.text
        if requested is None:
            name = _name_in(turn.text)
            if name:
                plan["patient_name"] = name
        change = self.time_change(turn, tracker, requested)
        if change:
            plan.update(change)
        return plan

    def correction(self, dispatcher: CollectingDispatcher, turn: Turn, tracker: Tracker,
                   requested: str) -> Optional[Dict[str, Any]]:
        change_requested = bool(tracker.get_slot("booking_change_requested"))
        said = turn.intent in ("correction", "reschedule_booking") or bool(CORRECTION_MARKERS.search(turn.text))
        if not (said or change_requested):
            return None
        timed = self.time_answer(turn, tracker)
        fields = [f for f in correction_fields(turn, timed) if FIELD_SLOTS[f] in self.current_required(tracker)]
        if change_requested and not fields and turn.entity("booking_field") is None:
            return None  # not a change: read as the answer to the summary question (yes / no / unclear)
        if not fields:
            if not said or turn.intent not in ("correction", "reschedule_booking"):
                return None
            dispatcher.utter_message(response="utter_details_checked_before_booking")
            return {requested: None}
        if fields == [_field_of(requested)] and not change_requested:
            return None  # "sorry, it's 512-555-0199" answers the phone question itself
        plan: Dict[str, Any] = {}
        for field in fields:
            plan.update(self.corrected(field, turn, tracker, timed))
        plan["booking_confirmed"] = None
        missing = [slot for slot, value in plan.items()
                   if value is None and slot in wording.FIELD_NAMES and tracker.get_slot(slot) is not None]
        if missing:
            dispatcher.utter_message(response="utter_fix_fields",
                                     fields=wording.field_names(missing, patient_language(tracker)))
        return {slot: value for slot, value in plan.items() if slot in self.current_required(tracker)}

    def corrected(self, field: str, turn: Turn, tracker: Tracker, timed: bool) -> Dict[str, Any]:
        text = turn.text
        if field == "time":
            return {"time_preference": text if timed else None, "appointment": None}
        if field == "location":
            given = turn.entity("location")
            if not given:
                found = clinic().find_location(text)
                given = found.id if found else (ANY_LOCATION if _any_location(text) else None)
            plan: Dict[str, Any] = {"booking_location": given, "appointment": None}
            request = tracker.get_slot("time_request")
            plan["time_preference"] = (text if timed else request) if given else None
            return plan
        if field == "concern":
            return {"concern": turn.entity("area")}
        if field == "name":
            return {"patient_name": _name_in(text, corrected=True)}
        if field == "phone":
            return {"phone": text if find_phone(text) else None}
        if field == "email":
            return {"email": text if find_email(text) else None}
        if field == "patient_status":
            return {"patient_status": patient_status(turn, asked_if_visited=False)}
        return {}

    def current_required(self, tracker: Tracker) -> List[str]:
        return WAITLIST_SLOTS if tracker.get_slot("waitlist") else BOOKING_SLOTS

    def nothing_in_horizon(self, dispatcher: CollectingDispatcher, tracker: Tracker, description: str,
                           raw: str) -> Dict[Text, Any]:
        the_clinic = clinic()
        place = self.scope(tracker)["place"]
        dispatcher.utter_message(response="utter_no_open_times_offer_waitlist", place=place,
                                 horizon_days=the_clinic.booking["horizon_days"])
        return self.ok("time_preference", description, tracker, time_request=raw, offered_slots=None,
                       appointment=None, waitlist=True)

    # --- checking ---

    def validate_concern(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                         domain: DomainDict) -> Dict[Text, Any]:
        done = self.passthrough("concern", value, tracker)
        if done is not None:
            return done
        failure = self.unreadable("concern", dispatcher, tracker)
        if failure:
            return failure
        concern = clean_text(str(value))
        turn = self.turn(tracker)
        if self.requested(tracker) == "concern" and yes_or_no(turn) is not None and len(concern.split()) <= 3:
            return self.fail("concern", dispatcher, tracker, "utter_concern_not_understood")
        if concern.lower() in known_areas():
            return self.ok("concern", concern.lower(), tracker)
        if len(concern) > MAX_CONCERN_CHARS or sum(ch.isalpha() for ch in concern) < 2:
            return self.fail("concern", dispatcher, tracker, "utter_concern_not_understood")
        return self.ok("concern", concern, tracker)

    def validate_booking_location(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                  domain: DomainDict) -> Dict[Text, Any]:
        done = self.passthrough("booking_location", value, tracker)
        if done is not None:
            return done
        the_clinic = clinic()
        failure = self.unreadable("booking_location", dispatcher, tracker)
        if failure:
            return failure
        text = str(value)
        if text == ANY_LOCATION or text in {loc.id for loc in the_clinic.locations}:
            return self.ok("booking_location", text, tracker)
        found = the_clinic.find_location(text)
        if found:
            return self.ok("booking_location", found.id, tracker)
        if _any_location(text):
            return self.ok("booking_location", ANY_LOCATION, tracker)
        return self.fail("booking_location", dispatcher, tracker, "utter_location_unknown")

    def _validate_typed(self, slot: str, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                        parse: Callable[[str], Optional[str]], not_understood: str) -> Dict[Text, Any]:
        """The shared steps of a typed answer: keep an earlier value, explain unreadable input, parse, or say what
        shape of answer works (the `not_understood` response)."""
        done = self.passthrough(slot, value, tracker)
        if done is not None:
            return done
        failure = self.unreadable(slot, dispatcher, tracker)
        if failure:
            return failure
        parsed = parse(str(value))
        if parsed is None:
            return self.fail(slot, dispatcher, tracker, not_understood)
        return self.ok(slot, parsed, tracker)

    def validate_patient_name(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                              domain: DomainDict) -> Dict[Text, Any]:
        return self._validate_typed("patient_name", value, dispatcher, tracker, parse_person_name,
                                    "utter_name_not_understood")

    def validate_phone(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                       domain: DomainDict) -> Dict[Text, Any]:
        return self._validate_typed("phone", value, dispatcher, tracker, find_phone, "utter_phone_not_understood")

    def validate_email(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                       domain: DomainDict) -> Dict[Text, Any]:
        return self._validate_typed("email", value, dispatcher, tracker, find_email, "utter_email_not_understood")

    def validate_patient_status(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                domain: DomainDict) -> Dict[Text, Any]:
        done = self.passthrough("patient_status", value, tracker)
        if done is not None:
            return done
        if value in ("new", "returning"):
            return self.ok("patient_status", value, tracker)
        return self.unreadable("patient_status", dispatcher, tracker) or self.fail(
            "patient_status", dispatcher, tracker, "utter_patient_status_not_understood")

    def validate_policy_agreed(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                               domain: DomainDict) -> Dict[Text, Any]:
        answer, done = self.yes_no_value("policy_agreed", value, dispatcher, tracker, "utter_policy_yes_or_no")
        if done is not None:
            return done
        the_clinic = clinic()
        if answer:
            return self.ok("policy_agreed", True, tracker, policy_version=str(policy(the_clinic).get("version")),
                           policy_agreed_at=service.now_utc().isoformat())
        return self.fail("policy_agreed", dispatcher, tracker, "utter_policy_declined")

    def validate_booking_confirmed(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                   domain: DomainDict) -> Dict[Text, Any]:
        if value is None:
            return {"booking_confirmed": None, "booking_change_requested": None}
        yes_or_no = ("utter_booking_what_to_change" if tracker.get_slot("booking_change_requested")
                     else "utter_booking_yes_or_no")
        answer, done = self.yes_no_value("booking_confirmed", value, dispatcher, tracker, yes_or_no)
        if done is not None:
            return done
        if answer:
            return self.ok("booking_confirmed", True, tracker, booking_change_requested=None)
        return {"booking_confirmed": None, "booking_change_requested": True}


def _any_location(text: str) -> bool:
    import re

    return bool(re.search(ANY_WORDS, text.lower()))


def _name_in(text: str, corrected: bool = False) -> Optional[str]:
    """A name the patient states: "my name is Jane Doe", or after a correction "... it's Jane Roe"."""
    import re

    match = re.search(r"\b(?:my name is|my name's|my full name is|call me)\s+(.+)$", text, re.I)
    if corrected and not match:
        match = re.search(r"\b(?:it's|it is|is|should be|to|:)\s+(.+)$", text, re.I)
    if not match:
        return None
    return parse_person_name(match.group(1))


def _field_of(slot: Optional[str]) -> Optional[str]:
    return next((field for field, name in FIELD_SLOTS.items() if name == slot), None)


# --- the form's questions -----------------------------------------------------------------------------------------
