"""An .ics calendar file for a booked (or cancelled) appointment, made with the icalendar library."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Optional
from urllib.parse import urlparse

from icalendar import Calendar, Event

from bot.booking import BookingResult
from bot.clinic import Clinic

PRODID = "-//Confidence Med Spa//Booking assistant//EN"


def _uid_domain(clinic: Clinic) -> str:
    return urlparse(clinic.website).hostname or "clinic.invalid"


def _description(booking: BookingResult, clinic: Clinic) -> str:
    lines = [
        f"{booking.appointment_type.capitalize()} with {booking.provider_name}, {booking.provider_credentials}.",
        f"Reference: {booking.reference}",
        f"Please bring {clinic.booking.get('what_to_bring', 'a photo ID')}.",
    ]
    policy = clinic.booking.get("cancellation_policy", {}).get("text")
    if policy:
        lines.append(policy)
    lines.append(f"Questions or changes: {clinic.phone}")
    return "\n".join(lines)


def appointment_ics(booking: BookingResult, clinic: Clinic, now: Optional[datetime] = None) -> bytes:
    """A one-event calendar (UID from the reference, times in UTC); a cancelled booking gives a CANCEL."""
    cancelled = booking.status != "booked"
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    event = Event()
    event.add("uid", f"{booking.reference}@{_uid_domain(clinic)}")
    event.add("dtstamp", (now or datetime.now(timezone.utc)).astimezone(timezone.utc))
    event.add("dtstart", booking.start_utc.astimezone(timezone.utc))
    event.add("dtend", booking.end_utc.astimezone(timezone.utc))
    event.add("summary", f"{clinic.name}: {booking.appointment_type} with {booking.provider_name}")
    event.add("location", booking.location_address)
    event.add("description", _description(booking, clinic))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("sequence", 1 if cancelled else 0)
    calendar.add_component(event)
    return calendar.to_ical()
