"""The touch-up invitation offers open times straight away: a few of the next two weeks' open consultation times
at the location of the last visit, with its provider when they have any, else with anyone there."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import List
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.clinic import Clinic
from bot.db.models import Appointment
from bot.scheduling import wording
from bot.scheduling.availability import Interval, Slot, spread_slots

OFFERED = 3
LOOK_AHEAD = timedelta(days=14)


def _open(session: Session, clinic: Clinic, appointment: Appointment, now: datetime) -> List[Slot]:
    from bot.booking import open_slots

    window = Interval(now, now + LOOK_AHEAD)
    place = [appointment.location_id]
    same_provider = open_slots(session, clinic, window, now, location_ids=place,
                               provider_ids=[appointment.provider_id])
    return same_provider or open_slots(session, clinic, window, now, location_ids=place)


def open_times_text(session: Session, clinic: Clinic, appointment: Appointment, now: datetime,
                    language: str = "en") -> str:
    """"Open times in Austin: Tue Mar 3, 10am with Dr. Rivera; ... " (with its trailing space), or "" when none; in
    Spanish "Horarios disponibles en Austin: mar 3 mar, 10:00 con Dr. Rivera; ... "."""
    zone = ZoneInfo(appointment.location.timezone)
    times = [
        wording.offered_time(slot.start.astimezone(zone),
                             clinic.provider_called(slot.provider_id, clinic.provider(slot.provider_id).name, language),
                             language)
        for slot in spread_slots(_open(session, clinic, appointment, now), OFFERED)
    ]
    if not times:
        return ""
    return f"{wording.open_times_in(appointment.location.name, language)}: {'; '.join(times)}. "
