"""The monthly front-desk report per location: appointments, cancels (late ones too), no-shows and confirmations.

Months are calendar months in each location's own time zone; an appointment belongs to the month it starts in.

* appointments: bookings starting that month, cancelled ones included. The old booking of a reschedule is not
  counted (its new booking is, in the month it moved to).
* late_cancels: cancels and reschedules inside the cancellation window (`booking.cancellation_window_hours`).
* no-show rate: no-shows / kept visits that are due (started by now, or already marked). Kept means neither
  cancelled nor moved. A due visit nobody marked counts as not a no-show, and shows in `unmarked`.
* confirmation rate: confirmed / kept visits whose reminder was sent. Patients confirm only by answering YES to a
  reminder, so visits that never got one (no channel to send it to, booked after it was due) are left out rather
  than counted as unconfirmed.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timezone
from typing import Iterable, List, Optional, Tuple
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import CANCELLED, NO_SHOW, RESCHEDULED, Appointment, AppointmentOutcome, Location
from bot.db.reminder_models import SENT, ScheduledMessage
from bot.front_desk.day import KEPT, locations
from bot.reminders.timing import REMINDER


def month_bounds_utc(year: int, month: int, tz: str) -> Tuple[datetime, datetime]:
    zone = ZoneInfo(tz)
    following = date(year + month // 12, month % 12 + 1, 1)
    start = datetime.combine(date(year, month, 1), time(0), zone)
    end = datetime.combine(following, time(0), zone)
    return start.astimezone(timezone.utc), end.astimezone(timezone.utc)


def _rate(part: int, whole: int) -> Optional[float]:
    return round(part / whole, 4) if whole else None


@dataclass(frozen=True)
class MonthReport:
    location_id: str
    month: str  # YYYY-MM
    appointments: int
    cancelled: int
    late_cancels: int
    due: int  # kept visits that have started (or were marked already)
    attended: int
    no_shows: int
    unmarked: int
    reminded: int  # kept visits whose reminder was sent
    confirmed: int  # of those, confirmed by the patient

    @property
    def no_show_rate(self) -> Optional[float]:
        return _rate(self.no_shows, self.due)

    @property
    def confirmation_rate(self) -> Optional[float]:
        return _rate(self.confirmed, self.reminded)

    def as_dict(self) -> dict:
        return {**asdict(self), "no_show_rate": self.no_show_rate, "confirmation_rate": self.confirmation_rate}


@dataclass(frozen=True)
class _Visit:
    status: str
    start_utc: datetime
    late_cancel: bool
    confirmed: bool
    outcome: Optional[str]
    reminded: bool


def _visits(session: Session, location: Location, year: int, month: int) -> List[_Visit]:
    start, end = month_bounds_utc(year, month, location.timezone)
    reminder_sent = (
        select(ScheduledMessage.id)
        .where(
            ScheduledMessage.appointment_id == Appointment.id,
            ScheduledMessage.kind == REMINDER,
            or_(ScheduledMessage.status == SENT, ScheduledMessage.delivered_at.is_not(None)),
        )
        .exists()
    )
    rows = session.execute(
        select(
            Appointment.status,
            Appointment.start_utc,
            Appointment.late_cancel,
            Appointment.confirmed_at.is_not(None),
            AppointmentOutcome.outcome,
            reminder_sent,
        )
        .outerjoin(AppointmentOutcome, AppointmentOutcome.appointment_id == Appointment.id)
        .where(Appointment.location_id == location.id, Appointment.start_utc >= start, Appointment.start_utc < end)
    ).all()
    return [_Visit(status, start_utc, bool(late), bool(confirmed), outcome, bool(reminded))
            for status, start_utc, late, confirmed, outcome, reminded in rows]


def _tally(location_id: str, month: str, visits: Iterable[_Visit], now: datetime) -> MonthReport:
    visits = list(visits)
    kept = [v for v in visits if v.status in KEPT]
    due = [v for v in kept if v.start_utc <= now or v.outcome is not None]
    marked = [v.outcome for v in due if v.outcome is not None]
    no_shows = marked.count(NO_SHOW)
    reminded = [v for v in kept if v.reminded]
    return MonthReport(
        location_id=location_id,
        month=month,
        appointments=sum(1 for v in visits if v.status != RESCHEDULED),
        cancelled=sum(1 for v in visits if v.status == CANCELLED),
        late_cancels=sum(1 for v in visits if v.late_cancel),
        due=len(due),
        attended=len(marked) - no_shows,
        no_shows=no_shows,
        unmarked=len(due) - len(marked),
        reminded=len(reminded),
        confirmed=sum(1 for v in reminded if v.confirmed),
    )


def monthly_report(sessions: sessionmaker, year: int, month: int, location_id: Optional[str] = None,
                   now: Optional[datetime] = None) -> List[MonthReport]:
    """One MonthReport per location (by name), or for the one location asked for (NoSuchLocation if unknown)."""
    now = now or datetime.now(timezone.utc)
    label = f"{year:04d}-{month:02d}"
    with sessions() as session:
        return [
            _tally(location.id, label, _visits(session, location, year, month), now)
            for location in locations(session, location_id)
        ]
