"""Fixtures of the front desk tests: the booking tests' seeded databases (SQLite and PostgreSQL), a staff account,
and bookings made a month before the fixed "now" (Monday 2 March 2026, 07:00 in Austin) so that any time can be
booked, past or future."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Callable, Optional
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update

from bot.booking import BookingResult, book_consultation
from bot.db.handoff_models import StaffAccount
from bot.db.models import Appointment
from bot.db.reminder_models import SENT, ScheduledMessage
from bot.reminders.schedule import Delivery
from bot.scheduling.availability import Slot
from tests.booking.conftest import (  # noqa: F401 - fixtures
    CHICAGO,
    NOW,
    clinic,
    database,
    make_request,
    postgres_database,
    postgres_session_database,
    sqlite_database,
    sqlite_template,
)

STAFF = "alice"
BOOKED_AT = NOW - timedelta(days=30)
DENVER = ZoneInfo("America/Denver")
SMS = Delivery("twilio", "sms:+15125550134", BOOKED_AT, "We'll send appointment reminders here.")


def local(day: int, hour: int, minute: int = 0, month: int = 3, zone: ZoneInfo = CHICAGO) -> datetime:
    """A local time in 2026 (March unless told), as UTC."""
    return datetime(2026, month, day, hour, minute, tzinfo=zone).astimezone(timezone.utc)


def add_staff(database, username: str = STAFF, active: bool = True) -> str:  # noqa: F811
    """A staff account (once per database: the PostgreSQL one keeps its accounts between tests)."""
    with database.write_session() as session:
        account = session.execute(select(StaffAccount).where(StaffAccount.username == username)).scalar_one_or_none()
        if account is None:
            session.add(StaffAccount(username=username, password_hash="unused", display_name=username.title(),
                                     active=active))
        else:
            account.active = active
    return username


def rivera_slot(day: int, hour: int, minute: int = 0, month: int = 3) -> Slot:
    """A 30-minute slot of Dr. Rivera's in Austin."""
    start = local(day, hour, minute, month)
    return Slot("dr-rivera", "austin", start, start + timedelta(minutes=30))


@pytest.fixture
def staff(database) -> str:  # noqa: F811
    return add_staff(database)


@pytest.fixture
def book(database, make_request) -> Callable[..., BookingResult]:  # noqa: F811
    """book(day, hour, minute=0, month=3, name=..., location="austin", reminders=False): a 30-minute consultation
    (Dr. Rivera in Austin, PA Okafor in Denver), booked a month before NOW."""

    def make(day: int, hour: int, minute: int = 0, month: int = 3, name: str = "Jamie Example",
             location: str = "austin", reminders: bool = False) -> BookingResult:
        provider, zone = ("pa-okafor", DENVER) if location == "denver" else ("dr-rivera", CHICAGO)
        start = local(day, hour, minute, month, zone)
        slot = Slot(provider, location, start, start + timedelta(minutes=30))
        request = make_request(slot, patient_name=name, policy_accepted_at=BOOKED_AT,
                               delivery=SMS if reminders else None)
        return book_consultation(database.sessions, request, now=BOOKED_AT)

    return make


def reminder_sent(database, reference: str, confirmed_at: Optional[datetime] = None) -> None:  # noqa: F811
    """As if the worker had sent the booking's reminders (and the patient answered YES, given `confirmed_at`)."""
    with database.write_session() as session:
        appointment_id = session.execute(
            select(Appointment.id).where(Appointment.reference == reference)
        ).scalar_one()
        session.execute(update(ScheduledMessage).where(
            ScheduledMessage.appointment_id == appointment_id, ScheduledMessage.kind == "reminder"
        ).values(status=SENT, sent_at=BOOKED_AT, delivered_at=BOOKED_AT))
        if confirmed_at is not None:
            session.execute(update(Appointment).where(Appointment.id == appointment_id).values(
                confirmed_at=confirmed_at))
