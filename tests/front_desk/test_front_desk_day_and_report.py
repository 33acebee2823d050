"""The day's list (first names, statuses, what can be marked) and the monthly report (counts and rates per location,
months in each location's own time zone), on SQLite and PostgreSQL."""

from datetime import date, timedelta

import pytest

from bot.booking import cancel_appointment, reschedule_appointment
from bot.front_desk import NoSuchLocation, day_sheet, day_summary, monthly_report, record_outcome
from tests.booking.conftest import NOW
from tests.front_desk.conftest import BOOKED_AT, local, reminder_sent, rivera_slot

MONDAY = date(2026, 3, 2)


@pytest.fixture
def monday(database, staff, book):
    """Monday 2 March in Austin, seen at 12:00: one visit of each status, and one in Denver."""
    visits = {
        "attended": book(day=2, hour=9, name="Ana Lopez"),
        "no-show": book(day=2, hour=10, name="Ben"),
        "confirmed": book(day=2, hour=13, name="Cleo Park Jones", reminders=True),
        "booked": book(day=2, hour=14, name="Dan Wu"),
        "cancelled": book(day=2, hour=15, name="Eve"),
        "late cancel": book(day=2, hour=16, name="Fay"),
        "denver": book(day=2, hour=10, name="Gus", location="denver"),
    }
    reminder_sent(database, visits["confirmed"].reference, confirmed_at=BOOKED_AT + timedelta(days=28))
    cancel_appointment(database.sessions, visits["cancelled"].reference, actor="cli", now=BOOKED_AT)
    cancel_appointment(database.sessions, visits["late cancel"].reference, actor="cli", now=NOW)
    noon = local(day=2, hour=12)
    record_outcome(database.sessions, visits["attended"].reference, "attended", staff, now=noon)
    record_outcome(database.sessions, visits["no-show"].reference, "no_show", staff, now=noon)
    return visits, noon


def test_the_day_lists_first_names_and_every_status(database, monday) -> None:
    visits, noon = monday
    entries = day_sheet(database.sessions, MONDAY, "austin", now=noon)
    assert [(e.time, e.reference, e.patient, e.status) for e in entries] == [
        ("09:00 CST", visits["attended"].reference, "Ana", "attended"),
        ("10:00 CST", visits["no-show"].reference, "Ben", "no-show"),
        ("13:00 CST", visits["confirmed"].reference, "Cleo", "confirmed"),
        ("14:00 CST", visits["booked"].reference, "Dan", "booked"),
        ("15:00 CST", visits["cancelled"].reference, "Eve", "cancelled"),
        ("16:00 CST", visits["late cancel"].reference, "Fay", "late cancel"),
    ]
    assert [e.markable for e in entries] == [True, True, True, True, False, False]
    assert day_summary(entries) == (
        "6 appointments: 1 confirmed, 1 booked, 1 attended, 1 no-show, 1 late cancel, 1 cancelled.")
    every = day_sheet(database.sessions, MONDAY, now=noon)
    assert [e.location_id for e in every] == ["austin"] * 6 + ["denver"]  # by location name, then time
    assert every[-1].time == "10:00 MST" and every[-1].patient == "Gus"
    assert day_sheet(database.sessions, MONDAY, "san-diego", now=noon) == []
    assert day_sheet(database.sessions, date(2026, 3, 3), "austin", now=noon) == []
    with pytest.raises(NoSuchLocation, match="There is no location 'paris'"):
        day_sheet(database.sessions, MONDAY, "paris", now=noon)


def test_the_report_gives_rates_per_location(database, monday) -> None:
    _, noon = monday
    austin, denver, san_diego = monthly_report(database.sessions, 2026, 3, now=noon)
    assert austin.as_dict() == {
        "location_id": "austin", "month": "2026-03",
        "appointments": 6, "cancelled": 2, "late_cancels": 1,
        "due": 2, "attended": 1, "no_shows": 1, "unmarked": 0,  # 13:00 and 14:00 have not started at noon
        "reminded": 1, "confirmed": 1,
        "no_show_rate": 0.5, "confirmation_rate": 1.0,
    }
    assert (denver.location_id, denver.appointments, denver.due, denver.unmarked) == ("denver", 1, 1, 1)
    assert denver.no_show_rate == 0.0 and denver.confirmation_rate is None  # no reminder was sent there
    assert (san_diego.appointments, san_diego.no_show_rate) == (0, None)
    (evening,) = monthly_report(database.sessions, 2026, 3, "austin", now=local(day=2, hour=20))
    assert (evening.due, evening.unmarked, evening.no_show_rate) == (4, 2, 0.25)
    with pytest.raises(NoSuchLocation):
        monthly_report(database.sessions, 2026, 3, "paris", now=noon)


def test_months_are_the_locations_own_and_moves_count_once(database, staff, book) -> None:
    last_evening = book(day=31, hour=23, minute=30)  # 05:30 UTC on 1 April: still March in Austin
    book(day=1, hour=9, month=4)
    moved = book(day=30, hour=10)
    reschedule_appointment(database.sessions, moved.reference, rivera_slot(day=31, hour=10), actor="cli",
                           now=local(day=29, hour=12))  # inside the window: a late cancel of the old slot
    (march,) = monthly_report(database.sessions, 2026, 3, "austin", now=local(day=5, hour=12, month=4))
    (april,) = monthly_report(database.sessions, 2026, 4, "austin", now=local(day=5, hour=12, month=4))
    assert (march.appointments, march.late_cancels, march.cancelled, march.due) == (2, 1, 0, 2)
    assert (april.appointments, april.due) == (1, 1)
    record_outcome(database.sessions, last_evening.reference, "no_show", staff, now=local(day=1, hour=9, month=4))
    (march,) = monthly_report(database.sessions, 2026, 3, "austin", now=local(day=5, hour=12, month=4))
    assert (march.no_shows, march.unmarked, march.no_show_rate) == (1, 1, 0.5)
