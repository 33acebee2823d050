"""Open consultation times to offer a patient, and slots as JSON-friendly values (tracker slots, button payloads):
the booking service's availability side, shared by the booking and reschedule conversations and the reminders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Dict, List, Optional, Sequence

from sqlalchemy.orm import Session, sessionmaker

from bot import booking
from bot.clinic import Clinic
from bot.scheduling import BookingRules, Interval, Slot, nearest_alternatives, spread_slots

UTC = timezone.utc


def slot_value(slot: Slot) -> Dict[str, str]:
    return {
        "provider_id": slot.provider_id,
        "location_id": slot.location_id,
        "start": slot.start.astimezone(UTC).isoformat(),
        "end": slot.end.astimezone(UTC).isoformat(),
    }


def slot_from_value(value: Dict[str, str]) -> Slot:
    return Slot(
        value["provider_id"],
        value["location_id"],
        datetime.fromisoformat(value["start"]).astimezone(UTC),
        datetime.fromisoformat(value["end"]).astimezone(UTC),
    )


def slot_key(value: Dict[str, str]) -> str:
    """A button payload's identity of a slot: start, provider and location."""
    return f"{value['start']}|{value['provider_id']}|{value['location_id']}"


@dataclass(frozen=True)
class Offer:
    """Slots to offer: "match" (in the wanted windows), "alternatives" (the nearest others) or "none"."""

    slots: List[Dict[str, str]]
    kind: str


def _in_any(moment: datetime, windows: Sequence[Interval]) -> bool:
    return any(window.start <= moment < window.end for window in windows)


def find_offers(
    sessions: sessionmaker,
    the_clinic: Clinic,
    windows: Sequence[Interval],
    now: datetime,
    location_ids: Optional[Sequence[str]] = None,
    provider_ids: Optional[Sequence[str]] = None,
    count: Optional[int] = None,
    exclude: Sequence[str] = (),
) -> Offer:
    """Up to `count` varied open slots in the windows; else the nearest alternatives; else none (blocking: run it
    in a thread)."""
    count = count or int(the_clinic.booking.get("offer_slots", 5))
    windows = sorted(windows, key=lambda w: w.start)
    if not windows:
        return Offer([], "none")
    excluded = set(exclude)
    with sessions() as session:
        span = Interval(windows[0].start, max(w.end for w in windows))
        found = [
            slot
            for slot in booking.open_slots(session, the_clinic, span, now, location_ids=location_ids,
                                           provider_ids=provider_ids)
            if _in_any(slot.start, windows) and slot_key(slot_value(slot)) not in excluded
        ]
        if found:
            return Offer([slot_value(s) for s in spread_slots(found, count)], "match")
        nearby = [
            s for s in _nearest(session, the_clinic, windows, now, count + len(excluded), location_ids, provider_ids)
            if slot_key(slot_value(s)) not in excluded
        ][:count]
    if nearby:
        return Offer([slot_value(s) for s in nearby], "alternatives")
    return Offer([], "none")


def _nearest(
    session: Session,
    the_clinic: Clinic,
    windows: Sequence[Interval],
    now: datetime,
    count: int,
    location_ids: Optional[Sequence[str]],
    provider_ids: Optional[Sequence[str]],
) -> List[Slot]:
    """bot.scheduling.nearest_alternatives over the database's hours, bookings and exceptions."""
    rules = BookingRules.for_appointment(the_clinic, "consultation")
    start, end = now - timedelta(days=1), now + rules.horizon + timedelta(days=1)
    return nearest_alternatives(
        booking._provider_weeks(session, the_clinic),
        booking._booked(session, start, end, rules),
        booking._exceptions(session, start, end),
        rules,
        now,
        list(windows),
        count=count,
        provider_ids=provider_ids,
        location_ids=location_ids,
    )


def after_a_lost_slot(sessions: sessionmaker, the_clinic: Clinic, windows: Sequence[Sequence[str]], now: datetime,
                      taken: Dict[str, str], location_ids: Optional[Sequence[str]] = None,
                      provider_ids: Optional[Sequence[str]] = None) -> Offer:
    """The chosen time went to someone else between offer and booking: the next open times for the same wanted
    windows ([start, end] ISO pairs, as the conversation keeps them), without the lost one (blocking)."""
    intervals = [Interval(datetime.fromisoformat(start), datetime.fromisoformat(end)) for start, end in windows]
    return find_offers(sessions, the_clinic, intervals, now, location_ids, provider_ids, exclude=[slot_key(taken)])
