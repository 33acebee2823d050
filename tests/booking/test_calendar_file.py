from datetime import datetime, timezone

from icalendar import Calendar

from bot.booking import book_consultation, cancel_appointment
from bot.calendar_file import appointment_ics


def test_ics_parses_back_with_the_booking(database, clinic, make_request, rivera, now) -> None:
    booking = book_consultation(database.sessions, make_request(rivera(10)), now=now)
    data = appointment_ics(booking, clinic, now=now)
    assert isinstance(data, bytes)
    calendar = Calendar.from_ical(data)
    (event,) = calendar.walk("VEVENT")
    assert str(event["UID"]).startswith(booking.reference + "@")
    assert event.decoded("DTSTART") == booking.start_utc
    assert event.decoded("DTSTART").tzinfo is not None and event.decoded("DTSTART").utcoffset().total_seconds() == 0
    assert event.decoded("DTEND") == booking.end_utc
    assert b"DTSTART:20260302T160000Z" in data
    assert str(event["LOCATION"]) == booking.location_address
    assert "Dr. Elena Rivera" in str(event["SUMMARY"])
    assert "photo ID" in str(event["DESCRIPTION"]) and booking.reference in str(event["DESCRIPTION"])
    assert str(calendar["METHOD"]) == "PUBLISH" and str(event["STATUS"]) == "CONFIRMED"


def test_a_cancelled_booking_gives_a_cancel(database, clinic, make_request, rivera, now) -> None:
    booking = book_consultation(database.sessions, make_request(rivera(10)), now=now)
    cancelled = cancel_appointment(database.sessions, booking.reference, actor="cli")
    calendar = Calendar.from_ical(appointment_ics(cancelled, clinic, now=datetime(2026, 3, 1, tzinfo=timezone.utc)))
    (event,) = calendar.walk("VEVENT")
    assert str(calendar["METHOD"]) == "CANCEL" and str(event["STATUS"]) == "CANCELLED"
