"""Late cancels, with a fixed clock: cancelling or moving a visit inside the cancellation window before its start
(`booking.cancellation_window_hours`, 24 in data/clinic.yml) flags it, and records when the slot was given up."""

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.booking import cancel_appointment, is_late_cancel, reschedule_appointment
from bot.clinic import load_clinic
from bot.db.models import Appointment
from tests.front_desk.conftest import local, rivera_slot

START = local(day=10, hour=10)


def flags(database, reference: str):
    with database.session() as session:
        return session.execute(
            select(Appointment.status, Appointment.cancelled_at, Appointment.late_cancel)
            .where(Appointment.reference == reference)
        ).one()


def test_the_window_comes_from_the_clinic_file() -> None:
    assert load_clinic().cancellation_window == timedelta(hours=24)
    assert load_clinic().booking["cancellation_window_hours"] == 24


@pytest.mark.parametrize("before, late", [(timedelta(hours=25), False), (timedelta(hours=24), False),
                                          (timedelta(hours=23, minutes=59), True), (timedelta(0), True),
                                          (-timedelta(hours=1), True)])
def test_late_means_less_than_the_window_before_the_start(before, late) -> None:
    assert is_late_cancel(START, START - before, timedelta(hours=24)) is late


@pytest.mark.parametrize("hours_before, late", [(25, False), (23, True)])
def test_a_cancel_records_when_and_whether_it_was_late(database, book, hours_before, late) -> None:
    visit = book(day=10, hour=10)
    now = START - timedelta(hours=hours_before)
    result = cancel_appointment(database.sessions, visit.reference, actor="cli", now=now)
    assert result.late_cancel is late
    assert flags(database, visit.reference) == ("cancelled", now, late)


def test_the_window_is_the_clinics_setting(database, book, clinic) -> None:
    two_days = replace(clinic, booking={**clinic.booking, "cancellation_window_hours": 48})
    visit = book(day=10, hour=10)
    result = cancel_appointment(database.sessions, visit.reference, actor="cli", now=START - timedelta(hours=30),
                                clinic=two_days)
    assert result.late_cancel


def test_a_reschedule_inside_the_window_is_a_late_cancel_of_the_old_slot(database, book) -> None:
    early, late = book(day=10, hour=10), book(day=10, hour=11)
    on_time = START - timedelta(days=3)
    moved_early = reschedule_appointment(database.sessions, early.reference, rivera_slot(day=17, hour=10),
                                         actor="cli", now=on_time)
    last_minute = START - timedelta(hours=2)
    moved_late = reschedule_appointment(database.sessions, late.reference, rivera_slot(day=17, hour=11),
                                        actor="cli", now=last_minute)
    assert flags(database, early.reference) == ("rescheduled", on_time, False)
    assert flags(database, late.reference) == ("rescheduled", last_minute, True)
    for new in (moved_early, moved_late):  # the new bookings are ordinary bookings
        assert flags(database, new.reference) == ("booked", None, False) and not new.late_cancel
