from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.booking import (
    REFERENCE_ALPHABET,
    BookingNotFound,
    InvalidContact,
    NotChangeable,
    SlotTaken,
    book_again_if_cancelled,
    book_consultation,
    cancel_appointment,
    find_booking,
    reschedule_appointment,
)
from bot.db.models import Appointment, AuditEvent, Patient


def _count(database, model, *where) -> int:
    with database.session() as session:
        return session.execute(select(func.count()).select_from(model).where(*where)).scalar_one()


def test_booking_returns_what_a_confirmation_needs(database, make_request, rivera, now) -> None:
    result = book_consultation(database.sessions, make_request(rivera(10)), now=now)
    assert result.created and result.status == "booked"
    assert len(result.reference) >= 8 and set(result.reference) <= set(REFERENCE_ALPHABET)
    assert result.local_start.hour == 10 and result.timezone == "America/Chicago"
    assert result.when_text == "Monday, March 2, 2026 at 10:00 AM CST (America/Chicago)"
    assert result.location_address.startswith("100 Example Avenue")
    assert (result.provider_name, result.provider_credentials.split(",")[0]) == ("Dr. Elena Rivera", "MD")
    with database.session() as session:
        appointment = session.execute(select(Appointment)).scalar_one()
        assert appointment.hold_end_utc - appointment.end_utc == timedelta(minutes=10)
        assert (appointment.patient.phone, appointment.patient.email) == ("+15125550134", "jamie@example.com")
        assert (appointment.policy_version, appointment.source_channel) == ("2026-01", "web")


def test_every_booking_is_audited_without_contact_data(database, make_request, rivera, now) -> None:
    book_consultation(database.sessions, make_request(rivera(10)), now=now)
    with database.session() as session:
        event = session.execute(select(AuditEvent)).scalar_one()
    assert (event.actor, event.action, event.before) == ("assistant:web", "book", None)
    assert event.after["status"] == "booked" and event.after["provider_id"] == "dr-rivera"
    assert not any(private in str(event.after) for private in ("Jamie", "555", "example.com"))


def test_the_same_idempotency_key_books_once(database, make_request, rivera, now) -> None:
    first = book_consultation(database.sessions, make_request(rivera(10), key="conv-1:book"), now=now)
    again = book_consultation(database.sessions, make_request(rivera(10), key="conv-1:book"), now=now)
    assert again.reference == first.reference and not again.created
    assert _count(database, Appointment) == 1 and _count(database, Patient) == 1


def test_the_same_conversation_booking_a_cancelled_time_again_books_it_anew(database, make_request, rivera,
                                                                               now) -> None:
    request = make_request(rivera(10), key="conv-1:book")
    first = book_again_if_cancelled(database.sessions, request, now=now)
    cancel_appointment(database.sessions, first.reference, actor="assistant:web", contact="jamie@example.com")
    again = book_again_if_cancelled(database.sessions, request, now=now)
    assert again.created and again.status == "booked" and again.reference != first.reference
    retried = book_again_if_cancelled(database.sessions, request, now=now)
    assert retried.reference == again.reference and not retried.created  # a retry still books once


def test_an_overlapping_start_is_refused_buffers_included(database, make_request, rivera, now) -> None:
    book_consultation(database.sessions, make_request(rivera(10)), now=now)  # holds 10:00-10:40
    for start in ((9, 45), (10, 15), (10, 30)):
        with pytest.raises(SlotTaken):
            book_consultation(database.sessions, make_request(rivera(*start)), now=now)
    book_consultation(database.sessions, make_request(rivera(10, 40)), now=now)
    book_consultation(database.sessions, make_request(rivera(9, 20)), now=now)  # 9:20-9:50 +10 touches 10:00
    assert _count(database, Appointment) == 3 and _count(database, Patient) == 1


def test_past_slots_and_bad_contacts_are_refused(database, make_request, rivera, now) -> None:
    with pytest.raises(SlotTaken):
        book_consultation(database.sessions, make_request(rivera(6)), now=now)
    with pytest.raises(InvalidContact):
        book_consultation(database.sessions, make_request(rivera(10), phone="12", email=None), now=now)
    with pytest.raises(InvalidContact):
        book_consultation(database.sessions, make_request(rivera(10), phone=None, email="not-an-address"), now=now)
    with pytest.raises(ValueError):  # Dr. Rivera does not work in Denver
        slot = rivera(10)
        book_consultation(
            database.sessions, make_request(type(slot)("dr-rivera", "denver", slot.start, slot.end)), now=now
        )
    assert _count(database, Appointment) == 0


def test_with_the_clinic_only_offered_slots_can_be_booked(database, make_request, rivera, now, clinic) -> None:
    book_consultation(database.sessions, make_request(rivera(9)), now=now, clinic=clinic)
    for outside_hours in (rivera(17), rivera(10, 5), rivera(10, day=3 + 1)):  # after hours, off-grid, Wednesday
        with pytest.raises(SlotTaken):
            book_consultation(database.sessions, make_request(outside_hours), now=now, clinic=clinic)
    with pytest.raises(SlotTaken):  # minimum notice is two hours
        book_consultation(database.sessions, make_request(rivera(9, 30)), now=now + timedelta(hours=2), clinic=clinic)


def test_find_booking_needs_the_matching_contact(database, make_request, rivera, now) -> None:
    reference = book_consultation(database.sessions, make_request(rivera(10)), now=now).reference
    with database.session() as session:
        for contact in ("512-555-0134", "+1 (512) 555 0134", "JAMIE@example.COM "):
            assert find_booking(session, reference.lower(), contact).reference == reference
        wrong_contact = find_booking(session, reference, "512-555-0199")
        wrong_code = find_booking(session, "ZZZZZZZZ", "512-555-0134")
        nonsense = find_booking(session, reference, "hello")
    assert wrong_contact is None and wrong_code is None and nonsense is None


def test_cancel_frees_the_slot_and_is_audited(database, make_request, rivera, now) -> None:
    reference = book_consultation(database.sessions, make_request(rivera(10)), now=now).reference
    with pytest.raises(BookingNotFound):
        cancel_appointment(database.sessions, reference, actor="assistant:web", contact="512-555-0199")
    result = cancel_appointment(
        database.sessions, reference, actor="staff:alice", reason="patient called", contact="jamie@example.com"
    )
    assert result.status == "cancelled"
    with pytest.raises(NotChangeable):
        cancel_appointment(database.sessions, reference, actor="staff:alice")
    book_consultation(database.sessions, make_request(rivera(10)), now=now)  # the time is free again
    with database.session() as session:
        events = session.execute(select(AuditEvent).where(AuditEvent.action == "cancel")).scalars().all()
    assert [(e.actor, e.before["status"], e.after["status"]) for e in events] == [
        ("staff:alice", "booked", "cancelled")
    ]


def test_reschedule_moves_the_booking_in_one_step(database, make_request, rivera, now) -> None:
    old = book_consultation(database.sessions, make_request(rivera(10)), now=now)
    new = reschedule_appointment(
        database.sessions, old.reference, rivera(10, 15), actor="assistant:web", contact="5125550134", now=now
    )
    assert new.reference != old.reference and new.local_start.minute == 15  # overlapping its own old time is fine
    with database.session() as session:
        statuses = dict(session.execute(select(Appointment.reference, Appointment.status)).all())
        moved = session.execute(select(Appointment).where(Appointment.reference == new.reference)).scalar_one()
        actions = sorted(session.execute(select(AuditEvent.action)).scalars())
    assert statuses == {old.reference: "rescheduled", new.reference: "booked"}
    assert moved.rescheduled_from_id is not None and moved.policy_version == "2026-01"
    assert actions == ["book", "book", "reschedule"]


def test_a_refused_reschedule_keeps_the_old_booking(database, make_request, rivera, now) -> None:
    old = book_consultation(database.sessions, make_request(rivera(10)), now=now)
    book_consultation(database.sessions, make_request(rivera(14), phone="512-555-0177", email=None), now=now)
    with pytest.raises(SlotTaken):
        reschedule_appointment(database.sessions, old.reference, rivera(14, 15), actor="assistant:web", now=now)
    with database.session() as session:
        kept = session.execute(select(Appointment).where(Appointment.reference == old.reference)).scalar_one()
        assert kept.status == "booked" and kept.start_utc == rivera(10).start
    assert _count(database, Appointment) == 2 and _count(database, AuditEvent) == 2


def test_reschedule_retries_with_the_same_key_move_once(database, make_request, rivera, now) -> None:
    old = book_consultation(database.sessions, make_request(rivera(10)), now=now)
    first = reschedule_appointment(
        database.sessions, old.reference, rivera(11), actor="cli", idempotency_key="mv", now=now
    )
    again = reschedule_appointment(
        database.sessions, old.reference, rivera(11), actor="cli", idempotency_key="mv", now=now
    )
    assert again.reference == first.reference and not again.created
    with pytest.raises(NotChangeable):
        reschedule_appointment(database.sessions, old.reference, rivera(12), actor="cli", now=now)
