"""Cancelling and rescheduling by reference code and contact, through the forms' validation and final actions."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from actions import booking_service
from actions.booking import ActionAskAppointment
from actions.booking_manage import (
    ActionAskCancelConfirmed,
    ActionAskRescheduleConfirmed,
    ActionCancelBooking,
    ActionRescheduleBooking,
    ActionStartCancel,
    ActionStartReschedule,
    ValidateCancelForm,
    ValidateRescheduleForm,
)
from bot.booking import BookingRequest, book_consultation, open_slots
from bot.clinic import clinic
from bot.db import models
from bot.offers import slot_from_value
from bot.scheduling import Interval
from tests.actions.driver import FormDriver

NOT_FOUND = "I couldn't find a booking with that reference and phone number or email."


@pytest.fixture
def booked(database, now):
    """A consultation booked for Jane Doe in Austin, two days from now."""
    window = Interval(now + timedelta(days=2), now + timedelta(days=3))
    slot = open_slots(database.sessions()(), clinic(), window, now, location_ids=["austin"])[0]
    request = BookingRequest(slot=slot, patient_name="Jane Doe", phone="+15125550199", email="jane@example.com",
                             is_returning=False, source_channel="web", idempotency_key="jane-1",
                             policy_version="2026-01", policy_accepted_at=now)
    return book_consultation(database.sessions(), request)


def cancel_form() -> FormDriver:
    return FormDriver(ValidateCancelForm(), "cancel_form",
                      ask_actions={"cancel_confirmed": ActionAskCancelConfirmed()}, sender="patient-7")


def status(database, reference: str) -> str:
    with database.sessions()() as session:
        return session.execute(select(models.Appointment.status).where(
            models.Appointment.reference == reference)).scalar_one()


def late_cancel(database, reference: str) -> bool:
    with database.sessions()() as session:
        return session.execute(select(models.Appointment.late_cancel).where(
            models.Appointment.reference == reference)).scalar_one()


def cancel_in_chat(booked) -> FormDriver:
    form = cancel_form()
    form.start("I need to cancel my appointment", "cancel_booking", before=[ActionStartCancel()])
    form.say(booked.reference)
    form.say("512 555 0199")
    form.say("yes", "affirm")
    form.run_action(ActionCancelBooking())
    return form


def test_a_bare_cancel_only_starts_the_lookup(booked, database):
    form = cancel_form()
    reply = form.start("cancel", "cancel_booking", before=[ActionStartCancel()])
    assert "Nothing is cancelled until you confirm" in reply
    assert form.asked == "manage_reference"
    assert status(database, booked.reference) == "booked"


def test_cancel_after_an_explicit_yes(booked, database):
    form = cancel_form()
    form.start("I need to cancel my appointment", "cancel_booking", before=[ActionStartCancel()])
    form.say(booked.reference.lower())
    reply = form.say("512 555 0199")
    assert form.asked == "cancel_confirmed"
    assert "I found your consultation on" in reply and "Please cancel or reschedule at least 24 hours" in reply
    assert status(database, booked.reference) == "booked"
    form.say("yes", "affirm")
    assert form.asked is None and form.slots["cancel_confirmed"] is True
    form.run_action(ActionCancelBooking())
    assert "is cancelled" in form.texts and booked.reference in form.texts
    assert status(database, booked.reference) == "cancelled"
    assert not late_cancel(database, booked.reference)  # two days ahead: outside the 24-hour window


def test_a_cancel_in_chat_inside_the_window_is_a_late_cancel(booked, database, monkeypatch):
    monkeypatch.setattr(booking_service, "now_utc", lambda: booked.start_utc - timedelta(hours=3))
    form = cancel_in_chat(booked)
    assert "is cancelled" in form.texts
    assert status(database, booked.reference) == "cancelled" and late_cancel(database, booked.reference)


def test_no_keeps_the_booking(booked, database):
    form = cancel_form()
    form.start(f"cancel booking {booked.reference}", "cancel_booking", before=[ActionStartCancel()])
    assert form.slots["manage_reference"] == booked.reference and form.asked == "manage_contact"
    form.say("jane@example.com")
    form.say("no", "deny")
    form.run_action(ActionCancelBooking())
    assert "I haven't cancelled anything" in form.texts
    assert status(database, booked.reference) == "booked"


def test_wrong_code_and_wrong_contact_get_the_same_answer(booked):
    form = cancel_form()
    form.start("cancel", "cancel_booking", before=[ActionStartCancel()])
    form.say("ABCD2345")
    wrong_code = form.say("512-555-0199")
    form.say(booked.reference)
    wrong_contact = form.say("512-555-0100")
    assert NOT_FOUND in wrong_code
    assert wrong_code.split("\n")[0] == wrong_contact.split("\n")[0]
    assert form.asked == "manage_reference" and form.slots["manage_contact"] is None


def test_repeated_failures_are_rate_limited(booked):
    form = cancel_form()
    form.start("cancel", "cancel_booking", before=[ActionStartCancel()])
    for attempt in range(5):
        form.say("ABCD2345")
        form.say(f"512-555-01{10 + attempt}")
    form.say(booked.reference)
    reply = form.say("512-555-0199")  # even the right details are refused for a while
    assert "can't look up bookings in this chat for a while" in reply
    assert form.asked is None and form.slots["manage_blocked"] is True
    form.run_action(ActionCancelBooking())
    assert form.messages == []


def test_an_invalid_reference_or_contact_is_explained(booked):
    form = cancel_form()
    form.start("cancel", "cancel_booking", before=[ActionStartCancel()])
    assert "8 letters and numbers" in form.say("123")
    form.say(booked.reference)
    assert "phone number (like 512-555-0199) or the email address" in form.say("not sure")


def test_a_question_during_cancelling_is_left_to_the_rules(booked):
    form = cancel_form()
    form.start("cancel", "cancel_booking", before=[ActionStartCancel()])
    form.say("is there a fee if i cancel late?", "ask_consultation_fee")
    assert form.rejected


@pytest.mark.parametrize("start", [ActionStartCancel(), ActionStartReschedule()], ids=["cancel", "reschedule"])
def test_nothing_is_prefilled_from_the_chat_before_a_booking_change(booked, start):
    """Whoever holds the chat (a shared phone, a guessed id) still has to give the reference and the contact."""
    form = cancel_form()
    for slot, value in (("booking_reference", booked.reference), ("manage_reference", booked.reference),
                        ("manage_contact", "+15125550199"), ("phone", "+15125550199")):
        form.slots[slot] = value
    form.start("cancel", "cancel_booking", before=[start])
    assert form.slots["manage_reference"] is None and form.slots["manage_contact"] is None
    assert form.asked == "manage_reference"


def reschedule_form() -> FormDriver:
    return FormDriver(ValidateRescheduleForm(), "reschedule_form", sender="patient-8",
                      ask_actions={"appointment": ActionAskAppointment(),
                                   "reschedule_confirmed": ActionAskRescheduleConfirmed()})


def test_reschedule_moves_the_booking_atomically(booked, database):
    form = reschedule_form()
    form.start("I need to reschedule", "reschedule_booking", before=[ActionStartReschedule()])
    form.say(booked.reference)
    reply = form.say("jane@example.com")
    assert "Thanks, I found your consultation on" in reply and form.asked == "time_preference"
    reply = form.say("next week in the morning")
    assert form.asked == "appointment" and "in Austin" in reply
    assert all(value["location_id"] == "austin" for value in form.slots["offered_slots"])
    form.say("1", "choose_slot")
    assert form.asked == "reschedule_confirmed" and "Move your consultation from" in form.texts
    form.say("yes", "affirm")
    form.run_action(ActionRescheduleBooking())
    text = form.texts
    assert "Your consultation has moved" in text and booked.reference in text
    new_reference = form.slots["booking_reference"]
    assert new_reference and new_reference != booked.reference
    assert f"/calendar/{new_reference}.ics" in text
    assert status(database, booked.reference) == "rescheduled"
    assert status(database, new_reference) == "booked"


def test_reschedule_no_keeps_the_time(booked, database):
    form = reschedule_form()
    form.start(f"move my appointment {booked.reference}", "reschedule_booking", before=[ActionStartReschedule()])
    form.say("512-555-0199")
    form.say("next week")
    form.say("1", "choose_slot")
    form.say("no", "deny")
    form.run_action(ActionRescheduleBooking())
    assert "I haven't changed anything" in form.texts
    assert status(database, booked.reference) == "booked"


def test_a_slot_taken_while_rescheduling_offers_the_next_ones(booked, database):
    form = reschedule_form()
    form.start("reschedule", "reschedule_booking", before=[ActionStartReschedule()])
    form.say(booked.reference)
    form.say("512-555-0199")
    form.say("next week")
    form.say("1", "choose_slot")
    form.say("yes", "affirm")
    taken = form.slots["appointment"]
    other = BookingRequest(slot=slot_from_value(taken), patient_name="Someone Else",
                           phone="+13035550148", email=None, is_returning=False, source_channel="web",
                           idempotency_key="someone-else", policy_version=None, policy_accepted_at=None)
    book_consultation(database.sessions(), other)
    events = form.run_action(ActionRescheduleBooking())
    assert any(e.get("event") == "followup" and e.get("name") == "reschedule_form" for e in events)
    assert taken not in form.slots["offered_slots"]
    assert status(database, booked.reference) == "booked"


def test_saying_cancel_again_while_cancelling_is_an_answer_not_a_stop(booked):
    form = cancel_form()
    form.start("cancel", "cancel_booking", before=[ActionStartCancel()])
    reply = form.say("cancel", "cancel_booking")
    assert not form.rejected and "8 letters and numbers" in reply
