"""Booking, cancelling and rescheduling through the trained model and a real action server (tests/conftest.py).

The action server starts with a brand-new DATABASE_URL, so these tests also show that it creates and seeds the
database by itself. Dates are whatever "next week" is when the tests run.
"""

from __future__ import annotations

import json
import random
import re
import uuid
from datetime import datetime, timedelta
from typing import Dict, List

import pytest
from sqlalchemy import create_engine, text

from bot.booking import REFERENCE_ALPHABET, REFERENCE_LENGTH


def new_sender(name: str) -> str:
    return f"{name}-{uuid.uuid4().hex[:8]}"


def buttons(messages: List[Dict]) -> List[Dict]:
    return [button for message in messages for button in message.get("buttons") or []]


def texts(messages: List[Dict]) -> str:
    return "\n".join(message.get("text") or "" for message in messages)


def appointment_row(database_url: str, reference: str) -> Dict:
    engine = create_engine(database_url, future=True)
    try:
        with engine.connect() as connection:
            row = connection.execute(
                text("SELECT a.status, a.policy_version, p.phone, p.email, p.name FROM appointments a "
                     "JOIN patients p ON p.id = a.patient_id WHERE a.reference = :reference"),
                {"reference": reference},
            ).mappings().one()
            return dict(row)
    finally:
        engine.dispose()


def book(assistant, sender: str, phone: str = "512-555-0199", email: str = "jane@example.com") -> str:
    """A booking made as briskly as a patient with buttons can; returns the reference."""
    assistant.reply("I'd like to book a consultation for my uneven brows in Austin", sender)
    offers = assistant.messages("next week in the morning", sender)
    assistant.reply(buttons(offers)[0]["payload"], sender)
    for answer in ("Jane Doe", phone, email, '/inform{"patient_type": "new"}', "/affirm"):
        assistant.reply(answer, sender)
    confirmation = assistant.reply("/affirm", sender)
    match = re.search(r"Your reference is ([A-Z0-9]{8})", confirmation)
    assert match, confirmation
    return match.group(1)


def test_a_whole_booking_with_a_question_and_a_correction(assistant, test_database_url):
    sender = new_sender("booking")
    reply = assistant.reply("I'd like to book a consultation for my gummy smile", sender)
    assert "Happy to help you book" in reply
    assert "Which of our locations suits you best?" in reply

    assert "When would you like to come in?" in assistant.reply('/inform{"location": "austin"}', sender)

    reply = assistant.reply("wait, does it hurt?", sender)  # a digression: answered, then the form asks again
    assert "When would you like to come in?" in reply
    assert len(reply) > len("When would you like to come in?") + 100

    offers = assistant.messages("next week in the afternoon", sender)
    assert "Here's what's open for next week" in texts(offers)
    choices = buttons(offers)
    assert 1 <= len(choices) <= 5
    assert all(re.search(r"^\w{3} \w{3} \d{1,2}, \d{1,2}(:\d\d)?(am|pm) C[SD]T with ", b["title"]) for b in choices)

    assert "What's your full name?" in assistant.reply(choices[1]["payload"], sender)
    assert "phone number" in assistant.reply("Jane Doe", sender)
    reply = assistant.reply("12345", sender)
    assert "That doesn't look like a US phone number. Please type it like 512-555-0199." in reply
    assert "email address" in assistant.reply("512-555-0199", sender)
    assert "visited" in assistant.reply("jane@example.com", sender)
    reply = assistant.reply('/inform{"patient_type": "new"}', sender)
    assert "Please cancel or reschedule at least 24 hours before your visit" in reply

    summary = assistant.reply("yes", sender)
    assert "Please check your booking" in summary and "+1 512-555-0199" in summary
    assert choices[1]["title"].split(" with ")[1] in summary

    reply = assistant.reply("actually my number is wrong", sender)  # a correction: the phone is asked again
    assert "let's fix your phone number" in reply and "phone number" in reply
    summary = assistant.reply("303-555-0148", sender)
    assert "+1 303-555-0148" in summary and "Shall I book it?" in summary

    confirmation = assistant.reply("yes", sender)
    reference = re.search(r"Your reference is ([A-Z0-9]{8})", confirmation).group(1)
    assert "CST (Central Time)" in confirmation or "CDT (Central Time)" in confirmation
    assert "100 Example Avenue, Suite 200, Austin, TX 78701" in confirmation
    assert "MSN, FNP-C" in confirmation or "MD, board-certified dermatologist" in confirmation
    assert "a photo ID" in confirmation
    assert f"/calendar/{reference}.ics" in confirmation

    row = appointment_row(test_database_url, reference)
    assert row["status"] == "booked" and row["phone"] == "+13035550148" and row["policy_version"] == "2026-01"

    assert "invite you when it's time for a touch-up" in confirmation

    # the "Yes, book it" button again (a double click) books nothing more, and is no yes to invitations
    again = assistant.reply("/affirm", sender)
    assert "Your reference is" not in again and "You're all set" in again
    assert marketing_answers(test_database_url, reference) == []


@pytest.mark.parametrize("answer, granted", [("yes please", True), ('/deny{"touch_up_answer": "no"}', False)])
def test_the_touch_up_invitation_is_answered_in_words_or_with_its_buttons(assistant, test_database_url, answer,
                                                                          granted):
    sender = new_sender("touch-up")
    reference = book(assistant, sender)
    reply = assistant.reply(answer, sender)
    assert ("we'll invite you" if granted else "no touch-up invitations") in reply
    assert marketing_answers(test_database_url, reference) == [granted]


def marketing_answers(url: str, reference: str) -> List[bool]:
    with create_engine(url).connect() as connection:
        rows = connection.execute(text(
            "SELECT c.granted FROM message_consents c JOIN appointments a ON a.id = c.appointment_id "
            "WHERE a.reference = :reference AND c.purpose = 'marketing'"), {"reference": reference})
        return [bool(granted) for (granted,) in rows]


def test_a_time_taken_meanwhile_gets_the_next_open_ones(assistant, test_database_url):
    from bot.booking import BookingRequest, book_consultation
    from bot.clinic import clinic
    from bot.db import Database
    from bot.scheduling import Slot

    sender = new_sender("race")
    assistant.reply("I'd like to book a consultation for my chin in Denver", sender)
    first = buttons(assistant.messages("next week in the afternoon", sender))[0]
    assistant.reply(first["payload"], sender)
    for answer in ("Ana Lima", "303-555-0177", "ana@example.com", '/inform{"patient_type": "new"}'):
        assistant.reply(answer, sender)
    assert "Shall I book it?" in assistant.reply("/affirm", sender)

    start, provider, location = json.loads(first["payload"][len("/choose_slot"):])["slot_key"].split("|")
    begins = datetime.fromisoformat(start)
    minutes = clinic().appointment_types["consultation"].minutes
    database = Database(test_database_url)
    try:  # someone else books that very time first
        book_consultation(database.sessions, BookingRequest(
            slot=Slot(provider, location, begins, begins + timedelta(minutes=minutes)), patient_name="Someone Else",
            phone="+13035550148", email=None, is_returning=False, source_channel="web",
            idempotency_key=f"race-{sender}", policy_version="2026-01", policy_accepted_at=None,
        ))
    finally:
        database.dispose()

    messages = assistant.messages("yes", sender)
    assert "that time was just taken" in texts(messages) and "Your reference is" not in texts(messages)
    choices = buttons(messages)
    assert choices and first["payload"] not in [choice["payload"] for choice in choices]
    assert "Shall I book it?" in assistant.reply(choices[0]["payload"], sender)  # the other details are kept
    assert "Your reference is" in assistant.reply("yes", sender)


def test_a_past_date_and_unreadable_input_get_clear_replies(assistant):
    sender = new_sender("bad-input")
    assistant.reply("book a consultation for my chin in denver", sender)
    assert "That date has passed" in assistant.reply("last monday", sender)
    for message in ("🙂🙂🙂", "<b>hello</b>", "x" * 1000):
        assert assistant.reply(message, sender).strip(), message


def test_stopping_says_nothing_was_booked(assistant):
    sender = new_sender("stop")
    assistant.reply("I want to make an appointment", sender)
    assistant.reply("my jawline", sender)
    assert "Nothing has been booked" in assistant.reply("stop", sender)


def test_an_emergency_interrupts_the_booking(assistant):
    sender = new_sender("emergency")
    assistant.reply("book a consultation for my brows in austin", sender)
    reply = assistant.reply("I had botox yesterday and now I can't swallow", sender)
    assert "call 911" in reply
    assert "When would you like to come in?" not in reply


def test_cancel_by_reference_and_contact(assistant, test_database_url):
    reference = book(assistant, new_sender("to-cancel"), phone="619-555-0123", email="sam@example.com")
    sender = new_sender("cancel")
    reply = assistant.reply("cancel", sender)  # a bare "cancel" only starts the look-up
    assert "What's your booking reference?" in reply
    assert appointment_row(test_database_url, reference)["status"] == "booked"

    assistant.reply(reference, sender)
    wrong = assistant.reply("619-555-0199", sender)
    assert "I couldn't find a booking with that reference" in wrong
    assistant.reply(reference, sender)
    reply = assistant.reply("sam@example.com", sender)
    assert "Do you want to cancel this appointment?" in reply and "24 hours" in reply
    assert appointment_row(test_database_url, reference)["status"] == "booked"

    assert "is cancelled" in assistant.reply("yes", sender)
    assert appointment_row(test_database_url, reference)["status"] == "cancelled"


def test_a_whole_booking_in_spanish(assistant, test_database_url):
    """Every question, offered time, read-back and confirmation is in Spanish, and the answers are read in Spanish:
    a day and a part of it, a pick by its rank, a name, a first visit, a yes."""
    sender = new_sender("booking-es")
    reply = assistant.reply("Hola, quiero reservar una consulta para mi sonrisa gingival", sender)
    assert "Con gusto le ayudo a reservar una consulta" in reply
    assert "¿Cuál de nuestras clínicas le conviene más?" in reply
    assert "¿Cuándo le gustaría venir?" in assistant.reply('/inform{"location": "austin"}', sender)
    assert "Esa fecha ya pasó (el " in assistant.reply("ayer por la tarde", sender)

    offers = assistant.messages("la próxima semana por la tarde", sender)
    assert "Esto es lo que hay disponible para la próxima semana (del " in texts(offers)
    assert "por la tarde en Austin:" in texts(offers)
    choices = buttons(offers)
    assert choices and all(re.search(r"^\w{3} \d{1,2} \w{3}, \d{1,2}:\d\d C[SD]T con ", b["title"]) for b in choices)

    assert "¿Cuál es su nombre completo?" in assistant.reply("la segunda", sender)
    assert "número de teléfono" in assistant.reply("me llamo María López", sender)
    assert "Eso no parece un número de teléfono de EE. UU." in assistant.reply("12345", sender)
    assert "correo electrónico" in assistant.reply("512-555-0199", sender)
    assert "¿Ha venido antes" in assistant.reply("maria@ejemplo.com", sender)
    assert "política de cancelación" in assistant.reply("es mi primera vez", sender)
    summary = assistant.reply("sí, estoy de acuerdo", sender)
    assert "Por favor, revise su reserva" in summary and "• Primera visita" in summary
    assert choices[1]["title"].split(" con ")[1] in summary and "(hora del Centro)" in summary

    confirmation = assistant.reply("sí", sender)
    reference = re.search(r"Su referencia es ([A-Z0-9]{8})", confirmation).group(1)
    assert "Por favor, traiga una identificación con foto" in confirmation
    assert "board-certified" not in confirmation and "Le enviaremos recordatorios" in confirmation
    row = appointment_row(test_database_url, reference)
    assert row["status"] == "booked" and row["name"] == "María López" and row["phone"] == "+15125550199"

    cancelling = new_sender("cancel-es")
    assert "¿Cuál es la referencia de su reserva?" in assistant.reply("quiero cancelar mi cita", cancelling)
    assistant.reply(reference, cancelling)
    assert "¿Desea cancelar esta cita?" in assistant.reply("512-555-0199", cancelling)
    assert "Listo: he cancelado su consulta del " in assistant.reply("sí, cancélela", cancelling)
    assert appointment_row(test_database_url, reference)["status"] == "cancelled"


def test_reschedule_moves_the_booking(assistant, test_database_url):
    reference = book(assistant, new_sender("to-move"), phone="512-555-0142", email="lee@example.com")
    sender = new_sender("reschedule")
    assistant.reply("I need to reschedule my appointment", sender)
    assistant.reply(reference, sender)
    reply = assistant.reply("512-555-0142", sender)
    assert "I found your consultation" in reply and "instead" in reply
    offers = assistant.messages("next week in the afternoon", sender)
    choices = buttons(offers)
    assert choices
    assert "Move your consultation from" in assistant.reply(choices[0]["payload"], sender)
    confirmation = assistant.reply("yes", sender)
    new_reference = re.search(r"Your new reference is ([A-Z0-9]{8})", confirmation).group(1)
    assert appointment_row(test_database_url, reference)["status"] == "rescheduled"
    assert appointment_row(test_database_url, new_reference)["status"] == "booked"
    assert f"/calendar/{new_reference}.ics" in confirmation


def test_any_booking_reference_answers_the_form(assistant):
    """References are random: some look to a classifier like "bye" or "no", which would end the form."""
    picker = random.Random(20261205)
    references = ["".join(picker.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH)) for _ in range(150)]
    misread = [r for r in references if assistant.parse(r)["intent"]["name"] != "inform"]
    assert misread == []


@pytest.mark.parametrize("text, intent", [
    ("I'd like to book a consultation", "book_consultation"),
    ("cancel my appointment", "cancel_booking"),
    ("I need to reschedule", "reschedule_booking"),
    ("actually make it friday", "correction"),
    ("never mind", "deny"),
])
def test_booking_intents(assistant, text, intent):
    assert assistant.parse(text)["intent"]["name"] == intent
