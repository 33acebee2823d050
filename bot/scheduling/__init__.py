"""Appointment availability and patients' time preferences, as pure functions (no database, no Rasa)."""

from bot.scheduling.availability import (
    Booked,
    BookingRules,
    Interval,
    ProviderWeek,
    ScheduleException,
    Slot,
    find_open_slots,
    find_open_slots_in_windows,
    nearest_alternatives,
    provider_weeks,
    spread_slots,
)
from bot.scheduling.preferences import (
    BeyondHorizonError,
    PastDateError,
    TimePreference,
    WeekdayMismatchError,
    parse_time_preference,
)

__all__ = [
    "BeyondHorizonError",
    "Booked",
    "BookingRules",
    "Interval",
    "PastDateError",
    "ProviderWeek",
    "ScheduleException",
    "Slot",
    "TimePreference",
    "WeekdayMismatchError",
    "find_open_slots",
    "find_open_slots_in_windows",
    "nearest_alternatives",
    "parse_time_preference",
    "provider_weeks",
    "spread_slots",
]
