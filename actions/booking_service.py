"""The booking conversation's link to the clinic database: created and migrated lazily, then bot.booking's services.

The action server may start with a brand-new DATABASE_URL, so the first action that needs the database runs the
Alembic migrations and seeds the clinic's locations, providers and hours (both idempotent) before anything else.
Database work runs in a worker thread so the action server's event loop keeps serving other conversations.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Dict, List, Optional, Sequence, TypeVar

from bot.clinic import Clinic
from bot.privacy import pseudonym

log = logging.getLogger(__name__)
UTC = timezone.utc
T = TypeVar("T")

_database: Any = None
_database_lock = threading.Lock()


def database() -> Any:
    """The process's Database (from DATABASE_URL), migrated to the latest revision and seeded on first use."""
    global _database
    if _database is None:
        with _database_lock:
            if _database is None:
                from bot.clinic import clinic
                from bot.db import Database
                from bot.db.seed import seed

                db = Database()
                db.upgrade()
                seed(db.sessions, clinic())
                _database = db
                log.info("booking database ready (%s)", db.dialect)
    return _database


def forget_database() -> None:
    """Drops the cached database (tests switch DATABASE_URL)."""
    global _database
    with _database_lock:
        if _database is not None:
            _database.dispose()
        _database = None


def sessions() -> Any:
    return database().sessions


async def in_thread(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    return await asyncio.to_thread(function, *args, **kwargs)


def now_utc() -> datetime:
    return datetime.now(UTC)


# --- slots as slot values (JSON-friendly dicts) ------------------------------------------------------------------


def slot_value(slot: Any) -> Dict[str, str]:
    return {
        "provider_id": slot.provider_id,
        "location_id": slot.location_id,
        "start": slot.start.astimezone(UTC).isoformat(),
        "end": slot.end.astimezone(UTC).isoformat(),
    }


def slot_from_value(value: Dict[str, str]) -> Any:
    from bot.scheduling import Slot

    return Slot(
        value["provider_id"],
        value["location_id"],
        datetime.fromisoformat(value["start"]).astimezone(UTC),
        datetime.fromisoformat(value["end"]).astimezone(UTC),
    )


def slot_key(value: Dict[str, str]) -> str:
    """A button payload's identity of a slot: start, provider and location."""
    return f"{value['start']}|{value['provider_id']}|{value['location_id']}"


def idempotency_key(*parts: str) -> str:
    """The same conversation confirming the same slot twice (a retry, a double click) books once."""
    return pseudonym("\x1f".join(parts))


# --- availability -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Offer:
    """Slots to offer: "match" (in the wanted windows), "alternatives" (the nearest others) or "none"."""

    slots: List[Dict[str, str]]
    kind: str


def _in_any(moment: datetime, windows: Sequence[Any]) -> bool:
    return any(window.start <= moment < window.end for window in windows)


def find_offers(
    the_clinic: Clinic,
    windows: Sequence[Any],
    now: datetime,
    location_ids: Optional[Sequence[str]] = None,
    provider_ids: Optional[Sequence[str]] = None,
    count: Optional[int] = None,
    exclude: Sequence[str] = (),
) -> Offer:
    """Up to `count` varied open slots in the windows; else the nearest alternatives; else none (sync: run it in a
    thread)."""
    from bot.booking import open_slots
    from bot.scheduling import Interval, spread_slots

    count = count or int(the_clinic.booking.get("offer_slots", 5))
    windows = sorted(windows, key=lambda w: w.start)
    if not windows:
        return Offer([], "none")
    excluded = set(exclude)
    with sessions()() as session:
        span = Interval(windows[0].start, max(w.end for w in windows))
        found = [
            slot
            for slot in open_slots(session, the_clinic, span, now, location_ids=location_ids, provider_ids=provider_ids)
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
    session: Any,
    the_clinic: Clinic,
    windows: Sequence[Any],
    now: datetime,
    count: int,
    location_ids: Optional[Sequence[str]],
    provider_ids: Optional[Sequence[str]],
) -> List[Any]:
    """bot.scheduling.nearest_alternatives over the database's hours, bookings and exceptions."""
    from bot import booking
    from bot.scheduling import BookingRules, nearest_alternatives

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
