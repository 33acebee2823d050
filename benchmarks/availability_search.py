"""How fast the availability engine finds open slots, against a naive search measured in the same run.

    .venv/bin/python benchmarks/availability_search.py [--runs 30] [--naive-runs 3]

Synthetic, seeded data: 3 locations in 3 time zones x 8 providers, 20,000 existing appointments spread over
90 days either side of "now", a clinic-wide holiday and a few days off; searches the next 14 days for a
30-minute consultation with a 10-minute buffer, 15-minute steps and 2 hours' notice. The naive search checks
every candidate slot against every appointment and exception of that provider; both must agree.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time as clock
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Callable, Dict, List, Sequence
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.scheduling.availability import (  # noqa: E402
    Booked,
    BookingRules,
    Interval,
    ProviderWeek,
    ScheduleException,
    Slot,
    find_open_slots,
)

UTC = timezone.utc
LOCATIONS = {"austin": "America/Chicago", "denver": "America/Denver", "san-diego": "America/Los_Angeles"}
PROVIDERS_PER_LOCATION = 8
BOOKINGS = 20_000
SEARCH_DAYS = 14
NOW = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)  # the search spans the DST change on Mar 8
RULES = BookingRules(
    duration=timedelta(minutes=30),
    buffer_before=timedelta(0),
    buffer_after=timedelta(minutes=10),
    slot_interval=timedelta(minutes=15),
    minimum_notice=timedelta(hours=2),
    horizon=timedelta(days=60),
)


def synthetic_weeks(rng: random.Random) -> List[ProviderWeek]:
    weeks = []
    for location, tz in LOCATIONS.items():
        for n in range(PROVIDERS_PER_LOCATION):
            days = sorted(rng.sample(range(6), 5))
            opens = rng.choice([8, 9, 10])
            weekly = {day: (time(opens), time(opens + rng.choice([7, 8, 9]))) for day in days}
            weeks.append(ProviderWeek(f"{location}-p{n}", location, tz, weekly))
    return weeks


def synthetic_bookings(rng: random.Random, weeks: Sequence[ProviderWeek]) -> List[Booked]:
    booked = []
    for _ in range(BOOKINGS):
        week = rng.choice(weeks)
        day = NOW.date() + timedelta(days=rng.randrange(-90, 90))
        opens = week.weekly.get(day.weekday(), (time(9), time(17)))[0]
        local = datetime.combine(day, opens, tzinfo=ZoneInfo(week.timezone)) + timedelta(minutes=15 * rng.randrange(32))
        start = local.astimezone(UTC)
        booked.append(Booked(week.provider_id, start, start + timedelta(minutes=rng.choice([15, 30, 45, 60]))))
    return booked


def synthetic_exceptions(rng: random.Random, weeks: Sequence[ProviderWeek]) -> List[ScheduleException]:
    holiday = datetime.combine(NOW.date() + timedelta(days=8), time(6), tzinfo=UTC)
    exceptions = [ScheduleException(holiday, holiday + timedelta(days=1), "closed")]
    for week in rng.sample(list(weeks), 4):
        start = NOW + timedelta(days=rng.randrange(SEARCH_DAYS))
        exceptions.append(
            ScheduleException(start, start + timedelta(hours=rng.choice([3, 24])), "closed", week.provider_id)
        )
    return exceptions


def naive_open_slots(weeks, booked, exceptions, rules, now, window) -> List[Slot]:
    """The straightforward search: every aligned start in every working block, checked against every one of
    the provider's appointments and every exception."""
    by_provider: Dict[str, List[Booked]] = {}
    for b in booked:
        by_provider.setdefault(b.provider_id, []).append(b)
    slots = []
    for week in weeks:
        tz = ZoneInfo(week.timezone)
        for offset in range(-1, (window.end - window.start).days + 2):
            day: date = window.start.astimezone(tz).date() + timedelta(days=offset)
            if day.weekday() not in week.weekly:
                continue
            opens, closes = (datetime.combine(day, t, tzinfo=tz).astimezone(UTC) for t in week.weekly[day.weekday()])
            start = opens
            while start + rules.duration <= closes:
                if _naive_ok(week, start, by_provider.get(week.provider_id, []), exceptions, rules, now, window):
                    slots.append(Slot(week.provider_id, week.location_id, start, start + rules.duration))
                start += rules.slot_interval
    return sorted(slots, key=lambda s: (s.start, s.provider_id, s.location_id))


def _naive_ok(week, start, booked, exceptions, rules, now, window) -> bool:
    end = start + rules.duration
    if not (window.start <= start < window.end and now + rules.minimum_notice <= start < now + rules.horizon):
        return False
    for b in booked:
        if (
            b.start - rules.buffer_before < end + rules.buffer_after
            and b.end + rules.buffer_after > start - rules.buffer_before
        ):
            return False
    return not any(
        e.kind == "closed" and e.applies_to(week.provider_id, week.location_id) and e.start < end and e.end > start
        for e in exceptions
    )


def median_ms(run: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = clock.perf_counter()
        run()
        times.append((clock.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--naive-runs", type=int, default=3)
    args = parser.parse_args()

    rng = random.Random(20261130)
    weeks = synthetic_weeks(rng)
    booked = synthetic_bookings(rng, weeks)
    exceptions = synthetic_exceptions(rng, weeks)
    window = Interval(NOW, NOW + timedelta(days=SEARCH_DAYS))

    def fast() -> List[Slot]:
        return find_open_slots(weeks, booked, exceptions, RULES, NOW, window)

    def first_five() -> List[Slot]:
        return find_open_slots(weeks, booked, exceptions, RULES, NOW, window, limit=5)

    def naive() -> List[Slot]:
        return naive_open_slots(weeks, booked, exceptions, RULES, NOW, window)

    slots = fast()
    if slots != naive():
        sys.exit("the engine and the naive search disagree")
    if first_five() != slots[:5]:
        sys.exit("limit=5 is not the first five slots")

    fast_ms = median_ms(fast, args.runs)
    limited_ms = median_ms(first_five, args.runs)
    naive_ms = median_ms(naive, args.naive_runs)
    locations, per_location = len(LOCATIONS), PROVIDERS_PER_LOCATION
    print(
        f"availability {SEARCH_DAYS}d x {locations} loc x {per_location} prov, {len(booked)} booked: "
        f"median {fast_ms:.1f} ms (naive {naive_ms:.1f} ms, {naive_ms / fast_ms:.0f}x faster)"
    )
    print(f"  {len(slots)} open slots; first 5 only (limit=5): median {limited_ms:.1f} ms")


if __name__ == "__main__":
    main()
