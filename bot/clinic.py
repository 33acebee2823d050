"""The clinic's configuration (`data/clinic.yml`): locations, hours, providers, prices, aftercare, booking rules."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import time, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Tuple

import yaml

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CLINIC_FILE = PROJECT_ROOT / "data" / "clinic.yml"

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

TimeRange = Tuple[time, time]
WeeklyHours = Dict[int, TimeRange]  # weekday (Monday = 0) -> local opening and closing time


def parse_time_range(text: str) -> TimeRange:
    start, end = (time.fromisoformat(part.strip()) for part in text.split("-"))
    if end <= start:
        raise ValueError(f"time range {text!r} ends before it starts")
    return start, end


def parse_weekly_hours(days: Dict[str, str]) -> WeeklyHours:
    return {WEEKDAYS.index(day): parse_time_range(hours) for day, hours in (days or {}).items()}


@dataclass(frozen=True)
class Location:
    id: str
    name: str
    address: str
    phone: str
    timezone: str
    parking: str
    opening_hours: WeeklyHours


@dataclass(frozen=True)
class Provider:
    id: str
    name: str
    credentials: str
    bio: str
    working_hours: Dict[str, WeeklyHours]  # location id -> weekly hours

    @property
    def location_ids(self) -> List[str]:
        return list(self.working_hours)


@dataclass(frozen=True)
class AppointmentType:
    name: str
    minutes: int
    buffer_before: int
    buffer_after: int


@dataclass(frozen=True)
class Clinic:
    name: str
    phone: str
    email: str
    website: str
    default_timezone: str
    locations: List[Location]
    providers: List[Provider]
    prices: dict
    aftercare: Dict[str, str]
    booking: dict
    staff_hours: WeeklyHours
    handoff_reasons: Dict[str, dict]
    appointment_types: Dict[str, AppointmentType] = field(default_factory=dict)
    reminders: dict = field(default_factory=dict)  # `reminders:` in data/clinic.yml (bot/reminders/settings.py)
    visit: Dict[str, str] = field(default_factory=dict)  # the visit policies patients ask about
    spanish: dict = field(default_factory=dict)  # the facts that are words, as the clinic writes them in Spanish

    @property
    def cancellation_window(self) -> timedelta:
        """Cancelling or moving a visit closer than this to its start is a late cancel
        (`booking.cancellation_window_hours`)."""
        return timedelta(hours=self.booking.get("cancellation_window_hours", 24))

    def location(self, location_id: str) -> Location:
        return next(loc for loc in self.locations if loc.id == location_id)

    def provider(self, provider_id: str) -> Provider:
        return next(p for p in self.providers if p.id == provider_id)

    def provider_called(self, provider_id: str, name: str, language: str | None = None) -> str:
        """How a sentence names a provider ("with Dr. Elena Rivera"; "con la Dra. Elena Rivera"): in Spanish as the
        clinic writes it (`spanish: providers: <id>: name:`), else `name`."""
        if language == "es":
            return (self.spanish.get("providers") or {}).get(provider_id, {}).get("name", name)
        return name

    def find_location(self, words: str) -> Location | None:
        """The location a patient means by a free-text name, e.g. 'san diego' or 'Austin TX'."""
        text = words.lower()
        return next((loc for loc in self.locations if loc.name.lower() in text or loc.id in text), None)


def load_clinic(path: Path | str | None = None) -> Clinic:
    path = Path(path or os.environ.get("CLINIC_FILE") or DEFAULT_CLINIC_FILE)
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    hours = raw.get("opening_hours", {})
    locations = [
        Location(opening_hours=parse_weekly_hours(hours.get(loc["id"], {})), **loc) for loc in raw["locations"]
    ]
    providers = [
        Provider(
            id=p["id"],
            name=p["name"],
            credentials=p["credentials"],
            bio=p.get("bio", ""),
            working_hours={loc: parse_weekly_hours(days) for loc, days in p["working_hours"].items()},
        )
        for p in raw["providers"]
    ]
    types = {
        name: AppointmentType(name=name, **spec) for name, spec in raw["booking"]["appointment_types"].items()
    }
    return Clinic(
        name=raw["name"],
        phone=raw["phone"],
        email=raw["email"],
        website=raw["website"],
        default_timezone=raw["default_timezone"],
        locations=locations,
        providers=providers,
        prices=raw["prices"],
        aftercare=raw["aftercare"],
        booking=raw["booking"],
        staff_hours=parse_weekly_hours(raw.get("staff_hours", {})),
        handoff_reasons=raw.get("handoff", {}).get("reasons", {}),
        appointment_types=types,
        reminders=raw.get("reminders") or {},
        visit=raw["visit"],
        spanish=raw.get("spanish") or {},
    )


@lru_cache(maxsize=1)
def clinic() -> Clinic:
    """The clinic this process serves, read once per process (restart to pick up edits)."""
    return load_clinic()
