"""The day's list for the front desk: the appointments starting that day at each location (in its own time zone),
with the patient's first name only and what became of each visit."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import List, Optional, Tuple
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, sessionmaker

from bot.db.models import ATTENDED, BOOKED, CANCELLED, COMPLETED, RESCHEDULED, Appointment, Location
from bot.front_desk.errors import NoSuchLocation

KEPT = (BOOKED, COMPLETED)  # statuses of a visit that was neither cancelled nor moved
SUMMARY_ORDER = ("confirmed", "booked", "attended", "no-show", "late cancel", "cancelled", "late reschedule",
                 "rescheduled")


def day_bounds_utc(day: date, tz: str) -> Tuple[datetime, datetime]:
    zone = ZoneInfo(tz)
    start = datetime.combine(day, time(0), zone)
    end = datetime.combine(day + timedelta(days=1), time(0), zone)
    return start.astimezone(timezone.utc), end.astimezone(timezone.utc)


def local_day(moment: datetime, tz: str) -> date:
    return moment.astimezone(ZoneInfo(tz)).date()


def first_name(full_name: str) -> str:
    parts = (full_name or "").split()
    return parts[0] if parts else ""


def visit_status(appointment: Appointment) -> str:
    """attended, no-show, cancelled, late cancel, rescheduled, late reschedule, confirmed (YES to a reminder) or
    booked. A recorded outcome wins over everything else."""
    if appointment.outcome is not None:
        return "attended" if appointment.outcome.outcome == ATTENDED else "no-show"
    if appointment.status == CANCELLED:
        return "late cancel" if appointment.late_cancel else "cancelled"
    if appointment.status == RESCHEDULED:
        return "late reschedule" if appointment.late_cancel else "rescheduled"
    if appointment.status == BOOKED and appointment.confirmed_at is not None:
        return "confirmed"
    return appointment.status


def is_markable(appointment: Appointment, now: datetime) -> bool:
    """A kept visit can be marked attended or no-show once it has started, or on its own day (local time)."""
    if appointment.status not in KEPT:
        return False
    tz = appointment.location.timezone
    return appointment.start_utc <= now or local_day(appointment.start_utc, tz) == local_day(now, tz)


@dataclass(frozen=True)
class DayEntry:
    reference: str
    start_utc: datetime
    time: str  # local, e.g. "10:00 CST"
    location_id: str
    location_name: str
    provider: str
    patient: str  # first name only
    status: str  # see visit_status
    markable: bool

    def as_dict(self) -> dict:
        return {
            "reference": self.reference,
            "start_utc": self.start_utc.isoformat(),
            "time": self.time,
            "location": self.location_id,
            "provider": self.provider,
            "patient": self.patient,
            "status": self.status,
            "markable": self.markable,
        }


def _entry(appointment: Appointment, now: datetime) -> DayEntry:
    local = appointment.start_utc.astimezone(ZoneInfo(appointment.location.timezone))
    return DayEntry(
        reference=appointment.reference,
        start_utc=appointment.start_utc,
        time=f"{local:%H:%M} {local.tzname()}",
        location_id=appointment.location_id,
        location_name=appointment.location.name,
        provider=appointment.provider.name,
        patient=first_name(appointment.patient.name),
        status=visit_status(appointment),
        markable=is_markable(appointment, now),
    )


def locations(session: Session, location_id: Optional[str] = None) -> List[Location]:
    """Every location by name, or just the one asked for (NoSuchLocation when there is none)."""
    query = select(Location).order_by(Location.name)
    if location_id:
        query = query.where(Location.id == location_id)
    found = list(session.execute(query).scalars())
    if location_id and not found:
        raise NoSuchLocation(f"There is no location {location_id!r}.")
    return found


def appointments_on(session: Session, day: date, location: Location) -> List[Appointment]:
    """Appointments of any status starting on `day` in the location's own time zone, earliest first."""
    start, end = day_bounds_utc(day, location.timezone)
    query = (
        select(Appointment)
        .options(
            joinedload(Appointment.location),
            joinedload(Appointment.provider),
            joinedload(Appointment.patient),
            joinedload(Appointment.outcome),
        )
        .where(Appointment.location_id == location.id, Appointment.start_utc >= start, Appointment.start_utc < end)
        .order_by(Appointment.start_utc, Appointment.id)
    )
    return list(session.execute(query).scalars())


def day_sheet(sessions: sessionmaker, day: date, location_id: Optional[str] = None,
              now: Optional[datetime] = None) -> List[DayEntry]:
    """The front desk's list for `day`: every location's appointments (or one location's), by location name and
    time."""
    now = now or datetime.now(timezone.utc)
    with sessions() as session:
        return [
            _entry(appointment, now)
            for location in locations(session, location_id)
            for appointment in appointments_on(session, day, location)
        ]


def day_summary(entries: List[DayEntry]) -> str:
    """E.g. "4 appointments: 2 confirmed, 1 booked, 1 late cancel."."""
    counts = Counter(entry.status for entry in entries)
    ordered = [status for status in SUMMARY_ORDER if counts[status]]
    ordered += sorted(status for status in counts if status not in SUMMARY_ORDER)
    parts = ", ".join(f"{counts[status]} {status}" for status in ordered)
    noun = "appointment" if len(entries) == 1 else "appointments"
    return f"{len(entries)} {noun}: {parts}." if entries else "No appointments."


@dataclass(frozen=True)
class Place:
    id: str
    name: str
    timezone: str


def places(sessions: sessionmaker) -> List[Place]:
    """Every location, by name (for choosing one)."""
    with sessions() as session:
        return [Place(location.id, location.name, location.timezone) for location in locations(session)]
