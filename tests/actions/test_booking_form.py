"""The booking form's validation action, turn by turn, against a fresh database (see conftest.FormDriver)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from actions.booking import (
    ActionAskAppointment,
    ActionAskBookingConfirmed,
    ActionStartBooking,
)
from actions.booking_form import ValidateBookingForm
from actions.booking_support import read_turn
from tests.actions.driver import FormDriver, make_tracker

CHICAGO = ZoneInfo("America/Chicago")


@pytest.fixture
def form(database, now) -> FormDriver:
    return FormDriver(
        ValidateBookingForm(), "booking_form",
        ask_actions={"appointment": ActionAskAppointment(), "booking_confirmed": ActionAskBookingConfirmed()},
    )


def local(value) -> datetime:
    return datetime.fromisoformat(value["start"]).astimezone(CHICAGO)


def start_in_austin(form: FormDriver) -> str:
    return form.start("I'd like to book a consultation for my gummy smile in Austin", "book_consultation",
                      {"area": "gummy smile", "location": "austin"}, before=[ActionStartBooking()])


def fill_to_contact(form: FormDriver) -> None:
    start_in_austin(form)
    form.say("friday afternoon")
    form.say("2", "choose_slot")
    assert form.asked == "patient_name"


def test_details_in_the_first_message_are_kept_and_the_form_asks_for_the_time(form):
    reply = start_in_austin(form)
    assert "Happy to help you book" in reply
    assert form.slots["concern"] == "gummy smile"
    assert form.slots["booking_location"] == "austin"
    assert form.asked == "time_preference"


def test_a_preferred_time_offers_real_open_slots_as_buttons(form, now):
    start_in_austin(form)
    reply = form.say("friday afternoon")
    offers = form.slots["offered_slots"]
    assert 1 <= len(offers) <= 5
    friday = (now.astimezone(CHICAGO) + timedelta(days=4)).date()
    for value in offers:
        assert local(value).date() == friday and 12 <= local(value).hour < 17
        assert value["location_id"] == "austin"
    assert "Here's what's open for Friday" in reply and "in Austin" in reply
    titles = [b["title"] for b in form.buttons()]
    assert len(titles) == len(offers)
    assert all(" CST with " in t or " CDT with " in t for t in titles)
    assert titles[0].startswith(local(offers[0]).strftime("%a %b"))
    assert form.asked == "appointment"


def test_a_slot_is_picked_by_number_by_words_or_by_button(form):
    start_in_austin(form)
    form.say("friday afternoon")
    offers = form.slots["offered_slots"]
    form.say("2", "choose_slot")
    assert form.slots["appointment"] == offers[1]
    form.slots["appointment"] = None
    form.slots["requested_slot"] = "appointment"
    form.say(form.buttons()[0]["payload"] if form.buttons() else ActionAskAppointmentPayload(offers[0]))
    assert form.slots["appointment"] == offers[0]


def ActionAskAppointmentPayload(value) -> str:
    from bot.offers import slot_key

    return '/choose_slot{"slot_key": "%s"}' % slot_key(value)


def test_a_new_day_at_the_slot_question_searches_again(form, now):
    start_in_austin(form)
    form.say("friday afternoon")
    reply = form.say("do you have anything on saturday?", "inform")
    saturday = (now.astimezone(CHICAGO) + timedelta(days=5)).date()
    assert all(local(value).date() == saturday for value in form.slots["offered_slots"])
    assert "Saturday" in reply
    assert form.asked == "appointment"


def test_a_past_date_is_explained(form):
    start_in_austin(form)
    reply = form.say("last monday")
    assert "That date has passed" in reply
    assert form.slots["time_preference"] is None and form.asked == "time_preference"


def test_a_date_beyond_the_horizon_is_explained(form):
    start_in_austin(form)
    reply = form.say("in 10 weeks")
    assert "We book up to 60 days ahead" in reply


def test_a_weekday_that_is_not_the_dates_is_questioned_and_asked_again(form, now):
    thursday = (now + timedelta(days=3)).astimezone(CHICAGO)
    start_in_austin(form)
    reply = form.say(f"monday {thursday:%b} {thursday.day} in the afternoon")
    assert f"Just to check: {thursday:%B} {thursday.day} is a Thursday, not a Monday." in reply
    assert form.slots["time_preference"] is None and form.asked == "time_preference"


def test_gibberish_time_gets_examples(form):
    start_in_austin(form)
    reply = form.say("purple elephants")
    assert "couldn't tell which day or time" in reply and "next Tuesday afternoon" in reply


def test_nothing_open_at_the_wanted_time_offers_the_nearest(form, now):
    start_in_austin(form)
    reply = form.say("sunday morning")  # Austin is closed on Sundays
    assert "nothing is open" in reply and "closest open times" in reply
    assert form.slots["offered_slots"]


def test_a_question_in_the_middle_is_left_to_the_rules(form):
    start_in_austin(form)
    form.say("does it hurt?", "ask_pain")
    assert form.rejected
    assert form.slots["time_preference"] is None


@pytest.mark.parametrize("text, intent, finding", [
    ("friday afternoon. fyi im still nursing in the mornings", "ask_pregnancy", "breastfeeding"),
    ("friday afternoon, also I have an infected pimple right where you inject", "ask_medical_conditions", "infection"),
])
def test_a_contraindication_beside_an_answer_is_deferred_first_and_the_answer_kept(form, text, intent, finding):
    """The safety analyser's deferral wins mid-form too (bot/nlp/rasa_components.SafetyGuard sets the intent and
    the finding); the time the patient gave is not lost."""
    start_in_austin(form)
    reply = form.say(text, intent, {"safety_finding": finding})
    assert not form.rejected
    deferral = "I can move or cancel it for you"  # every English deferral offers it
    assert deferral in reply and "Here's what's open" in reply, reply
    assert reply.index(deferral) < reply.index("Here's what's open")
    assert form.slots["offered_slots"]


def test_stopping_and_emergencies_are_left_to_the_rules(form):
    start_in_austin(form)
    for text, intent in [("stop", "stop"), ("never mind", "deny"), ("i can't breathe", "report_emergency"),
                         ("talk to a person", "request_human"), ("cancel", "cancel_booking")]:
        form.say(text, intent)
        assert form.rejected, text


def test_phone_numbers_are_normalised_and_bad_ones_explained(form):
    fill_to_contact(form)
    form.say("Jane Doe")
    reply = form.say("12345")
    assert "That doesn't look like a US phone number. Please type it like 512-555-0199." in reply
    form.say("(512) 555-0199")
    assert form.slots["phone"] == "+15125550199"
    assert form.asked == "email"


def test_three_misses_offer_a_person(form):
    fill_to_contact(form)
    form.say("Jane Doe")
    form.say("12345")
    form.say("not telling")
    reply = form.say("abc")
    assert "connect you with a person" in reply
    assert {"title": "Talk to a person", "payload": "/request_human"} in form.buttons()


def test_an_email_given_for_the_phone_is_kept(form):
    fill_to_contact(form)
    form.say("Jane Doe")
    form.say("jane@example.com")
    assert form.slots["email"] == "jane@example.com"
    assert form.asked == "phone"


@pytest.mark.parametrize("text", ["", "🙂🙂🙂", "<script>alert('x')</script>", "x" * 2000, "Меня зовут Анна"])
def test_bad_input_gets_a_clear_reply(form, text):
    fill_to_contact(form)
    form.say(text, "nlu_fallback")
    why, asked_again = form.messages
    assert why["response"].startswith("utter_input_") or why["response"] == "utter_name_not_understood"
    assert form.texts_of([why])[0]
    assert asked_again == {"response": "utter_ask_patient_name"}
    assert form.slots["patient_name"] is None and form.asked == "patient_name"


def complete(form: FormDriver) -> None:
    fill_to_contact(form)
    form.say("my name is jane doe")
    form.say("512-555-0199")
    form.say("Jane@Example.com")
    form.say("/inform{\"patient_type\": \"new\"}")
    assert form.asked == "policy_agreed"
    form.say("yes", "affirm")
    assert form.asked == "booking_confirmed"


def test_the_summary_is_read_back_before_booking(form):
    complete(form)
    assert form.slots["patient_name"] == "Jane Doe"
    assert form.slots["email"] == "jane@example.com"
    assert form.slots["patient_status"] == "new"
    assert form.slots["policy_agreed"] is True
    assert form.slots["policy_version"] == "2026-01"
    assert datetime.fromisoformat(form.slots["policy_agreed_at"])
    summary = form.texts
    for part in ("Please check your booking", "gummy smile", "Maya Chen", "Jane Doe", "+1 512-555-0199",
                 "jane@example.com", "First visit", "Shall I book it?", "100 Example Avenue"):
        assert part in summary, part
    form.say("yes", "affirm")
    assert form.slots["booking_confirmed"] is True and form.asked is None


def test_a_returning_patient_is_read_back_as_one(form):
    fill_to_contact(form)
    form.say("my name is jane doe")
    form.say("512-555-0199")
    form.say("jane@example.com")
    form.say("/inform{\"patient_type\": \"returning\"}")
    form.say("yes", "affirm")
    assert "• Returning patient" in form.texts and "First visit" not in form.texts


def test_saying_no_to_the_summary_asks_what_to_change(form):
    complete(form)
    reply = form.say("no", "deny")
    assert "What would you like to change?" in reply
    assert form.slots["booking_confirmed"] is None
    form.say("the phone", "correction")
    assert form.slots["phone"] is None and form.asked == "phone"
    form.say("303-555-0148")
    assert form.slots["phone"] == "+13035550148"
    assert form.asked == "booking_confirmed" and "Please check your booking" in form.texts


def test_corrections_reset_the_right_detail(form):
    complete(form)
    reply = form.say("my number is wrong", "correction")
    assert "let's fix your phone number" in reply
    assert form.slots["phone"] is None and form.slots["email"] == "jane@example.com"
    assert form.asked == "phone"
    form.say("619 555 0123")
    form.say("wrong email", "correction")
    assert form.slots["email"] is None and form.asked == "email"


def test_actually_make_it_another_day_offers_new_times(form, now):
    complete(form)
    form.say("actually make it saturday", "correction")
    saturday = (now.astimezone(CHICAGO) + timedelta(days=5)).date()
    assert form.slots["appointment"] is None and form.asked == "appointment"
    assert all(local(value).date() == saturday for value in form.slots["offered_slots"])
    form.say("1", "choose_slot")
    assert form.asked == "booking_confirmed"  # everything else is kept


def test_refusing_the_policy_explains_why_it_is_needed(form):
    fill_to_contact(form)
    form.say("Jane Doe")
    form.say("512-555-0199")
    form.say("jane@example.com")
    form.say("first time")
    reply = form.say("no", "deny")
    assert "only book a consultation once the cancellation policy is accepted" in reply
    assert form.slots["policy_agreed"] is None and form.asked == "policy_agreed"


def test_any_location_searches_everywhere_and_names_the_place(form):
    form.start("book a consultation", "book_consultation", before=[ActionStartBooking()])
    assert form.asked == "concern"
    form.say("I'd like my smile to look less lopsided", "ask_mouth_asymmetry", {"area": "mouth corners"})
    assert form.slots["concern"] == "mouth corners"
    form.say("any location is fine")
    assert form.slots["booking_location"] == "any"
    form.say("as soon as possible")
    titles = [b["title"] for b in form.buttons()]
    assert titles and all(any(city in t for city in ("Austin", "Denver", "San Diego")) for t in titles)


def test_an_unknown_location_is_explained(form):
    form.start("book a consultation", "book_consultation", before=[ActionStartBooking()])
    form.say("gummy smile", "ask_gummy_smile", {"area": "gummy smile"})
    reply = form.say("Paris")
    assert "We have clinics in Austin, Denver or San Diego" in reply


def test_nothing_within_the_horizon_offers_the_waitlist(form, database, now):
    from bot.db import models

    with database.database().write_session() as session:
        session.add(models.ScheduleException(location_id="denver", start_utc=now - timedelta(days=1),
                                             end_utc=now + timedelta(days=90), kind="closed", reason="renovation"))
    form.start("book a consultation in denver", "book_consultation", {"location": "denver"},
               before=[ActionStartBooking()])
    form.say("brows", "ask_uneven_brows", {"area": "brows"})
    reply = form.say("next week")
    assert "waitlist" in reply
    assert form.slots["waitlist"] is True and form.asked == "patient_name"
    form.say("Jane Doe")
    form.say("512-555-0199")
    form.say("jane@example.com")
    assert form.asked == "booking_confirmed"
    assert "Shall I add you to the waitlist for next week" in form.texts and " in Denver?" in form.texts
    for part in ("• About: brows", "• Name: Jane Doe", "• Phone: +1 512-555-0199", "• Email: jane@example.com"):
        assert part in form.texts, part
    assert "• When:" not in form.texts


def test_the_first_message_is_not_mistaken_for_a_name(form):
    form.start("I'm looking to book a consultation", "book_consultation", before=[ActionStartBooking()])
    assert form.slots["patient_name"] is None
    form.start("book me in please, my name is Ana Lima", "book_consultation", before=[ActionStartBooking()])
    assert form.slots["patient_name"] == "Ana Lima"


def test_a_question_at_the_location_question_is_not_an_answer(form):
    form.start("book a consultation for my chin", "book_consultation", {"area": "chin"},
               before=[ActionStartBooking()])
    assert form.asked == "booking_location"
    form.say("is there any parking?", "ask_parking")
    assert form.rejected and form.slots["booking_location"] is None
    form.say("Denver", "ask_locations", {"location": "denver"})
    assert form.slots["booking_location"] == "denver"


def test_a_question_beside_a_booking_request_mid_form_is_answered_and_the_form_goes_on(form):
    """bot/nlp/sentence_intents.py reads "I'd like to book, is there parking?" as the booking with the question
    `also_asked`; mid-form no form starts to carry the answer, so the form gives it."""
    start_in_austin(form)
    reply = form.say("I'd like to book. Is there parking?", "book_consultation", {"also_asked": "ask_parking"})
    assert "Parking at our clinics" in reply
    assert form.asked == "time_preference"


def test_the_question_beside_a_booking_request_is_not_read_as_booking_details():
    text = "can I work out the next day? I'd like to book"
    event = {"event": "user", "text": text, "parse_data": {
        "intent": {"name": "book_consultation", "confidence": 0.9},
        "entities": [{"entity": "also_asked", "value": "ask_aftercare_exercise", "start": 0, "end": 28}]}}
    assert read_turn(make_tracker("someone", {}, [event], None)).text == "I'd like to book"
