"""Booking, the waitlist, stopping, and the calendar link: the actions that run after (or instead of) the form."""

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from actions import booking_service
from actions.booking import (
    ActionAskAppointment,
    ActionAskBookingConfirmed,
    ActionBookConsultation,
    ActionStartBooking,
    ActionStopForm,
)
from actions.booking_form import ValidateBookingForm
from actions.reminders import ActionAnswerTouchUpInvitation
from bot.db import models
from bot.offers import slot_from_value
from tests.actions.driver import Conversation, FormDriver, load_domain, user_event


@pytest.fixture
def confirmed(database, now, monkeypatch) -> FormDriver:
    """A booking form filled in and confirmed: next comes action_book_consultation (at a clinic with e-mail)."""
    monkeypatch.setenv("SMTP_HOST", "smtp.clinic.test")
    monkeypatch.setenv("EMAIL_LINK_SECRET", "a-test-secret")
    form = FormDriver(ValidateBookingForm(), "booking_form",
                      ask_actions={"appointment": ActionAskAppointment(),
                                   "booking_confirmed": ActionAskBookingConfirmed()},
                      sender="conversation-42")
    form.start("book a consultation for my brows in austin", "book_consultation",
               {"area": "brows", "location": "austin"}, before=[ActionStartBooking()])
    form.say("wednesday morning")
    form.say("1", "choose_slot")
    for text in ("Jane Doe", "512-555-0199", "jane@example.com", "I've been before"):
        form.say(text)
    form.say("yes", "affirm")
    form.say("yes", "affirm")
    assert form.slots["booking_confirmed"] is True and form.asked is None
    form.events.append({"event": "action", "name": "booking_form"})
    return form


def has(events, kind, name, value="any") -> bool:
    return any(e.get("event") == kind and e.get("name") == name and (value == "any" or e.get("value") == value)
               for e in events)


def appointments(database) -> list:
    with database.sessions()() as session:
        query = select(models.Appointment).options(joinedload(models.Appointment.patient))
        return session.execute(query).scalars().all()


def test_booking_confirms_every_detail(confirmed, database, monkeypatch):
    monkeypatch.setenv("WEB_BASE_URL", "https://clinic.example/")
    chosen = confirmed.slots["appointment"]
    events = confirmed.run_action(ActionBookConsultation())
    text = confirmed.texts
    [appointment] = appointments(database)
    reference = appointment.reference
    assert f"You're booked! Your reference is {reference}." in text
    assert "Wednesday" in text and "CST (Central Time)" in text
    assert "100 Example Avenue, Suite 200, Austin, TX 78701" in text
    assert "Maya Chen, MSN, FNP-C, certified aesthetic nurse practitioner" in text
    assert "a photo ID, a list of your medicines and supplements" in text
    assert f"https://clinic.example/calendar/{reference}.ics" in text
    assert "Please cancel or reschedule at least 24 hours" in text
    assert appointment.start_utc.isoformat() == chosen["start"]
    assert appointment.policy_version == "2026-01" and appointment.policy_accepted_at is not None
    assert appointment.patient.phone == "+15125550199" and appointment.patient.is_returning
    assert has(events, "slot", "booking_reference", reference)
    assert confirmed.slots["appointment"] is None and confirmed.slots["patient_name"] is None


def test_a_retried_confirmation_books_once(confirmed, database):
    slots = dict(confirmed.slots)
    confirmed.run_action(ActionBookConsultation())
    first = confirmed.texts
    confirmed.slots = slots  # the same request again (a retry, a double click)
    confirmed.run_action(ActionBookConsultation())
    assert confirmed.texts == first
    assert len(appointments(database)) == 1


def test_a_slot_taken_meanwhile_offers_the_next_times(confirmed, database):
    from bot.booking import BookingRequest, book_consultation

    chosen = confirmed.slots["appointment"]
    other = BookingRequest(slot=slot_from_value(chosen), patient_name="Someone Else",
                           phone="+13035550148", email=None, is_returning=False, source_channel="web",
                           idempotency_key="someone-else", policy_version="2026-01", policy_accepted_at=None)
    book_consultation(database.sessions(), other)
    events = confirmed.run_action(ActionBookConsultation())
    assert has(events, "followup", "booking_form")
    assert confirmed.slots["appointment"] is None and confirmed.slots["booking_confirmed"] is None
    assert chosen not in confirmed.slots["offered_slots"] and confirmed.slots["offered_slots"]
    assert confirmed.slots["patient_name"] == "Jane Doe"  # everything else is kept
    assert len(appointments(database)) == 1
    ask = Conversation()
    ask.slots, ask.active_loop = dict(confirmed.slots), "booking_form"
    ask.run_action(ActionAskAppointment())
    assert "that time was just taken by someone else" in ask.texts and "\n1. " in ask.texts


def test_open_times_noted_as_text_by_an_older_version_are_offered_plainly(confirmed):
    confirmed.slots.update(offered_slots=[confirmed.slots["appointment"]], offer_note="Here's what's open for Friday:")
    confirmed.run_action(ActionAskAppointment())
    assert confirmed.texts.startswith("Here are the open times:\n1. ") and "taken" not in confirmed.texts


def test_nothing_is_booked_without_the_yes(database, now):
    conversation = Conversation()
    conversation.slots.update(appointment={"provider_id": "np-chen", "location_id": "austin",
                                           "start": "2030-01-01T15:00:00+00:00", "end": "2030-01-01T15:30:00+00:00"},
                              patient_name="Jane Doe", phone="+15125550199", booking_confirmed=None)
    assert conversation.run_action(ActionBookConsultation()) == []
    assert conversation.messages == []


def test_the_waitlist_is_recorded_for_the_team(database, now):
    from bot.db.handoff_models import HandoffRequest

    conversation = Conversation(sender="waiting-1")
    conversation.events.append(user_event("yes", "affirm"))
    conversation.slots.update(concern="brows", booking_location="denver", time_preference="next week",
                              time_request="next week", patient_name="Jane Doe", phone="+15125550199",
                              email="jane@example.com", waitlist=True, booking_confirmed=True)
    conversation.run_action(ActionBookConsultation())
    assert "You're on our waitlist for next week in Denver" in conversation.texts
    assert "Nothing is booked yet" in conversation.texts
    with database.sessions()() as session:
        [request] = session.execute(select(HandoffRequest)).scalars().all()
        assert request.reason == "waitlist" and request.contact_phone == "+15125550199"
        assert "Waitlist" in request.question
        assert session.execute(select(func.count(models.Appointment.id))).scalar_one() == 0


def test_the_team_reads_a_spanish_waitlist_wish_in_english(database, now):
    from bot.db.handoff_models import HandoffRequest

    conversation = Conversation(sender="waiting-es")
    conversation.events.append(user_event("sí", "affirm"))
    conversation.slots.update(concern="brows", booking_location="denver", patient_language="es",
                              time_preference="la próxima semana por la tarde",
                              time_request="la próxima semana por la tarde", patient_name="Ana López",
                              phone="+15125550199", waitlist=True, booking_confirmed=True)
    conversation.run_action(ActionBookConsultation())
    assert "la próxima semana por la tarde en Denver" in conversation.texts
    with database.sessions()() as session:
        [request] = session.execute(select(HandoffRequest)).scalars().all()
    assert "wants next week (" in request.question and "in the afternoon in Denver" in request.question
    assert "patient said: 'la próxima semana por la tarde'" in request.question


@pytest.mark.parametrize("intent, expected", [
    ("stop", "Okay, I've stopped. Nothing has been booked."),
    ("deny", "Okay, I've stopped. Nothing has been booked."),
    ("cancel_booking", "Okay, I've stopped. Nothing has been booked."),
    ("request_human", "I've paused this. Nothing has been booked."),
])
def test_stopping_the_form_says_nothing_was_booked(intent, expected):
    conversation = Conversation()
    conversation.active_loop = "booking_form"
    conversation.slots.update(patient_name="Jane Doe", requested_slot="phone")
    conversation.events.append(user_event("stop", intent))
    events = conversation.run_action(ActionStopForm())
    assert conversation.texts == expected
    assert has(events, "active_loop", None)
    kept = intent == "request_human"  # the team sees the details given so far
    assert (conversation.slots["patient_name"] == "Jane Doe") == kept


def test_an_emergency_ends_the_form_silently_after_the_911_answer():
    conversation = Conversation()
    conversation.active_loop = "booking_form"
    conversation.events.append(user_event("my throat is swelling", "report_emergency"))
    events = conversation.run_action(ActionStopForm())
    assert conversation.messages == []
    assert has(events, "active_loop", None)


def test_stop_with_nothing_in_progress():
    conversation = Conversation()
    conversation.events.append(user_event("stop", "stop"))
    conversation.run_action(ActionStopForm())
    assert "nothing in progress" in conversation.texts


def test_the_database_is_created_on_first_use(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'fresh' / 'clinic.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    booking_service.forget_database()
    try:
        with booking_service.sessions()() as session:
            assert session.execute(select(func.count(models.Location.id))).scalar_one() == 3
            assert session.execute(select(func.count(models.WorkingHours.id))).scalar_one() > 0
    finally:
        booking_service.forget_database()


def test_idempotency_keys_differ_per_conversation_and_slot():
    key = booking_service.idempotency_key
    assert key("book", "a", "slot-1") == key("book", "a", "slot-1")
    assert len({key("book", "a", "slot-1"), key("book", "b", "slot-1"), key("book", "a", "slot-2")}) == 3
    assert len(key("book", "a" * 500, "x")) <= 128


def test_the_action_server_registers_every_booking_action():
    from rasa_sdk.executor import ActionExecutor

    executor = ActionExecutor()
    executor.register_package("actions")
    names = set(executor.actions)
    expected = {a for a in load_domain()["actions"] if a.startswith(("action_", "validate_"))
                and ("booking" in a or "cancel" in a or "reschedule" in a or "stop" in a or "appointment" in a)}
    assert expected and expected <= names


def scheduled(database) -> list:
    from bot.db.reminder_models import MessageConsent, ScheduledMessage

    with database.sessions()() as session:
        messages = session.execute(select(ScheduledMessage.channel, ScheduledMessage.recipient)).all()
        consents = session.execute(select(MessageConsent.purpose, MessageConsent.text)).all()
    return messages, consents


def test_a_booking_in_a_text_chat_plans_its_reminders_in_that_chat(confirmed, database):
    for event in confirmed.events:
        if event.get("event") == "user":
            event["input_channel"] = "twilio"
    confirmed.run_action(ActionBookConsultation())
    messages, consents = scheduled(database)
    assert messages and set(messages) == {("twilio", "conversation-42")}
    assert consents == [("reminders", "We'll send appointment reminders here. Reply STOP at any time to stop them.")]
    assert "We'll send appointment reminders here." in confirmed.texts


def test_a_booking_in_the_widget_sends_its_reminders_by_email(confirmed, database):
    confirmed.run_action(ActionBookConsultation())
    messages, consents = scheduled(database)
    assert messages and set(messages) == {("email", "jane@example.com")}
    assert "We'll e-mail appointment reminders to the address you gave." in confirmed.texts
    assert [purpose for purpose, _ in consents] == ["reminders"]


def test_a_widget_booking_without_an_email_gets_no_reminders_and_is_told_nothing_about_them(confirmed, database):
    confirmed.slots["email"] = None
    confirmed.run_action(ActionBookConsultation())
    assert scheduled(database) == ([], [])
    assert "reminders" not in confirmed.texts


def test_a_widget_booking_is_promised_no_emails_when_the_clinic_has_not_set_up_email(confirmed, database, monkeypatch):
    monkeypatch.delenv("SMTP_HOST", raising=False)
    confirmed.run_action(ActionBookConsultation())
    assert scheduled(database) == ([], [])
    assert "reminders" not in confirmed.texts


def responses(conversation) -> list:
    return [m.get("response") for m in conversation.messages if m.get("response")]


def touch_up_state(database) -> tuple:
    from bot.db.reminder_models import MARKETING, MessageConsent, ScheduledMessage

    with database.sessions()() as session:
        granted = session.execute(select(MessageConsent.granted).where(MessageConsent.purpose == MARKETING)).scalars()
        planned = session.execute(select(func.count()).where(ScheduledMessage.kind == "touch_up")).scalar_one()
        return list(granted), planned


@pytest.mark.parametrize("intent, granted, planned, reply", [
    ("affirm", [True], 1, "utter_touch_up_yes"),
    ("deny", [False], 0, "utter_touch_up_no"),
])
def test_the_touch_up_invitation_is_asked_after_booking_and_only_a_yes_plans_it(
        confirmed, database, intent, granted, planned, reply):
    confirmed.run_action(ActionBookConsultation())
    assert responses(confirmed) == ["utter_booked_with_reminders", "utter_ask_touch_up_invitation"]
    assert touch_up_state(database) == ([], 0)  # no invitation without the patient's own yes
    confirmed.run_action(ActionAnswerTouchUpInvitation(), [user_event(intent, intent)])
    assert responses(confirmed) == [reply]
    assert touch_up_state(database) == (granted, planned)
    assert confirmed.slots["touch_up_offer"] is None


def test_without_reminders_no_invitation_is_offered_and_a_yes_just_closes(confirmed, database):
    confirmed.slots["email"] = None
    confirmed.run_action(ActionBookConsultation())
    assert responses(confirmed) == ["utter_booked"]
    confirmed.run_action(ActionAnswerTouchUpInvitation(), [user_event("yes", "affirm")])
    assert responses(confirmed) == ["utter_all_set"]
    assert touch_up_state(database) == ([], 0)
