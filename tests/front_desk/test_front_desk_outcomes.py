"""Marking visits attended or no-show, on SQLite and PostgreSQL: only kept visits, from their own day on, by an
active staff account; a correction replaces the outcome and the audit log keeps both."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.booking import cancel_appointment, reschedule_appointment
from bot.db.models import Appointment, AppointmentOutcome, AuditEvent
from bot.front_desk import CannotMark, NoSuchAppointment, NoSuchStaff, record_outcome
from tests.booking.conftest import NOW
from tests.front_desk.conftest import BOOKED_AT, add_staff, rivera_slot


def outcomes(database):
    with database.session() as session:
        return session.execute(
            select(Appointment.reference, AppointmentOutcome.outcome, AppointmentOutcome.staff_username)
            .join(AppointmentOutcome)
        ).all()


def audit(database, reference: str):
    with database.session() as session:
        return session.execute(
            select(AuditEvent.actor, AuditEvent.action, AuditEvent.before, AuditEvent.after)
            .join(Appointment, AuditEvent.appointment_id == Appointment.id)
            .where(Appointment.reference == reference, AuditEvent.action.in_(["attended", "no_show"]))
            .order_by(AuditEvent.id)
        ).all()


def test_a_past_visit_is_marked_with_the_staff_member(database, staff, book) -> None:
    visit = book(day=1, hour=10)  # Sunday, the day before NOW
    marked = record_outcome(database.sessions, visit.reference.lower(), "attended", "Alice", now=NOW)
    assert (marked.reference, marked.outcome, marked.previous, marked.staff) == (
        visit.reference, "attended", None, "alice")
    assert "March 1, 2026 at 10:00 AM" in marked.when_text
    assert outcomes(database) == [(visit.reference, "attended", "alice")]
    assert audit(database, visit.reference) == [("staff:alice", "attended", {"outcome": None},
                                                 {"outcome": "attended"})]


def test_a_correction_replaces_the_outcome_and_the_audit_keeps_both(database, staff, book) -> None:
    visit = book(day=1, hour=10)
    add_staff(database, "bob")
    record_outcome(database.sessions, visit.reference, "no_show", staff, now=NOW)
    corrected = record_outcome(database.sessions, visit.reference, "attended", "bob", now=NOW + timedelta(hours=1))
    assert corrected.previous == "no_show" and corrected.changed
    assert outcomes(database) == [(visit.reference, "attended", "bob")]
    assert [(actor, before, after) for actor, _, before, after in audit(database, visit.reference)] == [
        ("staff:alice", {"outcome": None}, {"outcome": "no_show"}),
        ("staff:bob", {"outcome": "no_show"}, {"outcome": "attended"}),
    ]
    again = record_outcome(database.sessions, visit.reference, "attended", staff, now=NOW + timedelta(hours=2))
    assert not again.changed
    assert outcomes(database) == [(visit.reference, "attended", "bob")]  # nothing rewritten
    assert len(audit(database, visit.reference)) == 2


def test_a_visit_later_today_can_be_marked_but_not_one_tomorrow(database, staff, book) -> None:
    later_today = book(day=2, hour=16)
    tomorrow = book(day=3, hour=9)
    assert record_outcome(database.sessions, later_today.reference, "attended", staff, now=NOW).changed
    with pytest.raises(CannotMark, match="has not come yet") as refused:
        record_outcome(database.sessions, tomorrow.reference, "no_show", staff, now=NOW)
    assert f"{tomorrow.reference} is on Tuesday, March 3, 2026 at 9:00 AM" in str(refused.value)
    # "today" is the location's own day: 23:30 in Austin on the 2nd is already the 3rd in UTC
    late_evening = book(day=2, hour=23, minute=30)
    assert record_outcome(database.sessions, late_evening.reference, "attended", staff, now=NOW).changed


def test_cancelled_and_moved_visits_cannot_be_marked(database, staff, book) -> None:
    cancelled = book(day=1, hour=10)
    cancel_appointment(database.sessions, cancelled.reference, actor="cli", now=BOOKED_AT)
    moved = book(day=1, hour=11)
    new = reschedule_appointment(database.sessions, moved.reference, rivera_slot(day=1, hour=14), actor="cli",
                                 now=BOOKED_AT)
    with pytest.raises(CannotMark, match="was cancelled: only a visit that was kept"):
        record_outcome(database.sessions, cancelled.reference, "no_show", staff, now=NOW)
    with pytest.raises(CannotMark, match=f"was moved to another time: mark its new booking {new.reference}"):
        record_outcome(database.sessions, moved.reference, "attended", staff, now=NOW)
    assert record_outcome(database.sessions, new.reference, "attended", staff, now=NOW).changed
    assert outcomes(database) == [(new.reference, "attended", "alice")]


def test_unknown_references_and_staff_are_refused(database, staff, book) -> None:
    visit = book(day=1, hour=10)
    with pytest.raises(NoSuchAppointment, match="No appointment has the reference 'ZZZZ2222'"):
        record_outcome(database.sessions, "zzzz-2222", "attended", staff, now=NOW)
    with pytest.raises(NoSuchStaff, match="No active staff account is named 'mallory'"):
        record_outcome(database.sessions, visit.reference, "attended", "mallory", now=NOW)
    add_staff(database, "carol", active=False)
    with pytest.raises(NoSuchStaff):
        record_outcome(database.sessions, visit.reference, "attended", "carol", now=NOW)
    with pytest.raises(ValueError):
        record_outcome(database.sessions, visit.reference, "late", staff, now=NOW)
    assert outcomes(database) == []

