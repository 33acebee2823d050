"""Open appointment slots, computed from working hours, bookings and schedule exceptions (pure: no I/O).

Modelled on cal.com's slot generation: each provider's weekly hours become concrete working blocks in the
location's time zone (so DST days get the right UTC offsets and lengths), one-off extra hours are added, and
candidate starts step through each block at the slot interval. A candidate survives if the appointment fits in
the block, misses every closed exception, and the appointment plus its buffers misses every existing
appointment plus the same buffers. Busy lists are merged, sorted and searched with bisect, so a search costs
O(candidates x log(bookings)) rather than O(candidates x bookings).

A search window constrains slot *starts*: a slot starting at 11:45 is "in the morning" even if it ends at 12:15.
"""

from __future__ import annotations

import heapq
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from itertools import islice
from operator import attrgetter
from typing import Collection, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple
from zoneinfo import ZoneInfo

UTC = timezone.utc
_DAY = timedelta(days=1)
_FOREVER = datetime.max.replace(tzinfo=UTC)
Span = Tuple[datetime, datetime]  # a half-open [start, end) in UTC, cheaper than an Interval in the hot loop


@dataclass(frozen=True, slots=True)
class Interval:
    """A half-open [start, end) between two time-zone-aware datetimes."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        _require_aware(self.start, "Interval.start")
        _require_aware(self.end, "Interval.end")
        if self.end < self.start:
            raise ValueError(f"interval ends before it starts: {self.start} > {self.end}")

    def contains(self, moment: datetime) -> bool:
        return self.start <= moment < self.end


@dataclass(frozen=True, slots=True)
class ProviderWeek:
    """A provider's weekly hours at one location, in that location's local time (weekday Monday = 0)."""

    provider_id: str
    location_id: str
    timezone: str
    weekly: Dict[int, Tuple[time, time]]


@dataclass(frozen=True, slots=True)
class ScheduleException:
    """A one-off change: "closed" (holiday, time off) or "extra" (one-off extra hours), in UTC.

    None for provider_id or location_id means every provider or every location. Closed wins over extra.
    """

    start: datetime
    end: datetime
    kind: str
    provider_id: Optional[str] = None
    location_id: Optional[str] = None

    def __post_init__(self) -> None:
        if self.kind not in ("closed", "extra"):
            raise ValueError(f"exception kind must be 'closed' or 'extra', not {self.kind!r}")

    def applies_to(self, provider_id: str, location_id: str) -> bool:
        return self.provider_id in (None, provider_id) and self.location_id in (None, location_id)


@dataclass(frozen=True, slots=True)
class Booked:
    """An existing active appointment, time-zone aware (UTC), without buffers (the engine adds them)."""

    provider_id: str
    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class BookingRules:
    duration: timedelta
    buffer_before: timedelta
    buffer_after: timedelta
    slot_interval: timedelta
    minimum_notice: timedelta
    horizon: timedelta

    def __post_init__(self) -> None:
        if self.duration <= timedelta(0) or self.slot_interval <= timedelta(0):
            raise ValueError("duration and slot_interval must be positive")

    @classmethod
    def for_appointment(cls, clinic, appointment_type: str = "consultation") -> "BookingRules":
        """The rules for one appointment type in `data/clinic.yml` (booking.appointment_types)."""
        try:
            kind = clinic.appointment_types[appointment_type]
        except KeyError:
            known = ", ".join(sorted(clinic.appointment_types))
            raise KeyError(f"unknown appointment type {appointment_type!r} (known: {known})") from None
        booking = clinic.booking
        return cls(
            duration=timedelta(minutes=kind.minutes),
            buffer_before=timedelta(minutes=kind.buffer_before),
            buffer_after=timedelta(minutes=kind.buffer_after),
            slot_interval=timedelta(minutes=booking["slot_interval_minutes"]),
            minimum_notice=timedelta(hours=booking["minimum_notice_hours"]),
            horizon=timedelta(days=booking["horizon_days"]),
        )


@dataclass(frozen=True, slots=True)
class Slot:
    provider_id: str
    location_id: str
    start: datetime
    end: datetime


SLOT_ORDER = attrgetter("start", "provider_id", "location_id")


def provider_weeks(clinic) -> List[ProviderWeek]:
    """Every provider's weekly hours per location, clipped to the location's opening hours."""
    weeks = []
    for provider in clinic.providers:
        for location_id, hours in provider.working_hours.items():
            location = clinic.location(location_id)
            weekly = _clip_week(hours, location.opening_hours)
            weeks.append(ProviderWeek(provider.id, location_id, location.timezone, weekly))
    return weeks


def _clip_week(hours: Dict[int, Tuple[time, time]], opening: Dict[int, Tuple[time, time]]):
    if not opening:
        return dict(hours)
    clipped = {}
    for weekday, (start, end) in hours.items():
        if weekday in opening:
            start, end = max(start, opening[weekday][0]), min(end, opening[weekday][1])
            if start < end:
                clipped[weekday] = (start, end)
    return clipped


# --- the search ---------------------------------------------------------------------------------------------


@dataclass
class _Pair:
    """One provider at one location, prepared for a search: merged, sorted spans in UTC."""

    provider_id: str
    location_id: str
    blocks: List[Span]
    busy_starts: List[datetime]  # the provider's appointments plus buffers, at any location
    busy_ends: List[datetime]
    closed_starts: List[datetime]
    closed_ends: List[datetime]


def find_open_slots(
    weeks: Sequence[ProviderWeek],
    booked: Sequence[Booked],
    exceptions: Sequence[ScheduleException],
    rules: BookingRules,
    now: datetime,
    window: Interval,
    provider_ids: Optional[Collection[str]] = None,
    location_ids: Optional[Collection[str]] = None,
    limit: Optional[int] = None,
) -> List[Slot]:
    """Open slots whose start lies in `window`, sorted by (start, provider_id, location_id)."""
    return find_open_slots_in_windows(
        weeks, booked, exceptions, rules, now, [window], provider_ids, location_ids, limit
    )


def find_open_slots_in_windows(
    weeks: Sequence[ProviderWeek],
    booked: Sequence[Booked],
    exceptions: Sequence[ScheduleException],
    rules: BookingRules,
    now: datetime,
    windows: Sequence[Interval],
    provider_ids: Optional[Collection[str]] = None,
    location_ids: Optional[Collection[str]] = None,
    limit: Optional[int] = None,
) -> List[Slot]:
    """Like find_open_slots for several windows (e.g. a TimePreference's), preparing the busy lists once."""
    spans = _search_spans(windows, rules, now)
    if not spans:
        return []
    pairs = _prepare(weeks, booked, exceptions, rules, spans[0][0], spans[-1][1], provider_ids, location_ids)
    return _collect(pairs, rules, spans, limit)


def _search_spans(windows: Iterable[Interval], rules: BookingRules, now: datetime) -> List[Span]:
    """The windows clipped to [now + minimum notice, now + horizon), merged and sorted."""
    _require_aware(now, "now")
    earliest = now.astimezone(UTC) + rules.minimum_notice
    latest = now.astimezone(UTC) + rules.horizon
    clipped = [(max(w.start.astimezone(UTC), earliest), min(w.end.astimezone(UTC), latest)) for w in windows]
    return _merge(span for span in clipped if span[0] < span[1])


def _collect(pairs: List[_Pair], rules: BookingRules, spans: List[Span], limit: Optional[int]) -> List[Slot]:
    runs = [_pair_slots(pair, rules, spans) for pair in pairs]
    if limit is None:
        slots = [slot for run in runs for slot in run]
        slots.sort(key=SLOT_ORDER)
        return slots
    return list(islice(heapq.merge(*runs, key=SLOT_ORDER), max(limit, 0)))


def _prepare(
    weeks: Sequence[ProviderWeek],
    booked: Sequence[Booked],
    exceptions: Sequence[ScheduleException],
    rules: BookingRules,
    lo: datetime,
    hi: datetime,
    provider_ids: Optional[Collection[str]],
    location_ids: Optional[Collection[str]],
) -> List[_Pair]:
    """Working blocks, busy and closed spans per (provider, location) for slots starting in [lo, hi)."""
    wanted = _wanted(provider_ids, location_ids)
    chosen = {(w.provider_id, w.location_id): w for w in weeks if wanted(w.provider_id, w.location_id)}
    extras = [e for e in exceptions if e.kind == "extra" and e.end > lo - _DAY and e.start < hi + _DAY]
    for extra in extras:  # one-off hours for a provider at a location with no weekly hours there
        key = (extra.provider_id, extra.location_id)
        if None not in key and key not in chosen and wanted(*key):
            chosen[key] = ProviderWeek(key[0], key[1], "UTC", {})
    closed = [e for e in exceptions if e.kind == "closed" and e.end > lo and e.start < hi + rules.duration]
    busy = _busy_by_provider(booked, {p for p, _ in chosen}, rules, lo, hi)
    pairs = []
    for (provider_id, location_id), week in sorted(chosen.items()):
        blocks = _merge([*_weekly_blocks(week, lo, hi), *_spans(extras, provider_id, location_id)], touching=True)
        if not blocks:
            continue
        closed_spans = _merge(_spans(closed, provider_id, location_id))
        busy_starts, busy_ends = busy.get(provider_id, ([], []))
        pairs.append(
            _Pair(
                provider_id,
                location_id,
                blocks,
                busy_starts,
                busy_ends,
                [s for s, _ in closed_spans],
                [e for _, e in closed_spans],
            )
        )
    return pairs


def _wanted(provider_ids: Optional[Collection[str]], location_ids: Optional[Collection[str]]):
    providers = None if provider_ids is None else set(provider_ids)
    locations = None if location_ids is None else set(location_ids)

    def wanted(provider_id: str, location_id: str) -> bool:
        return (providers is None or provider_id in providers) and (locations is None or location_id in locations)

    return wanted


def _weekly_blocks(week: ProviderWeek, lo: datetime, hi: datetime) -> Iterator[Span]:
    """The week's hours as concrete UTC spans on every local date that could hold a start in [lo, hi).

    Not clipped to [lo, hi): slots align to the start of the whole working block, whatever the search window.
    """
    if not week.weekly:
        return
    tz = ZoneInfo(week.timezone)
    day = lo.astimezone(tz).date() - timedelta(days=1)
    last = hi.astimezone(tz).date()
    while day <= last:
        hours = week.weekly.get(day.weekday())
        if hours:
            yield _local_to_utc(day, hours[0], tz), _local_to_utc(day, hours[1], tz)
        day += timedelta(days=1)


def _local_to_utc(day: date, clock: time, tz: ZoneInfo) -> datetime:
    """A local wall-clock time as UTC. A time skipped by a DST jump is read with the offset before the jump."""
    return datetime.combine(day, clock, tzinfo=tz).astimezone(UTC)


def _spans(exceptions: Iterable[ScheduleException], provider_id: str, location_id: str) -> List[Span]:
    return [
        (e.start.astimezone(UTC), e.end.astimezone(UTC)) for e in exceptions if e.applies_to(provider_id, location_id)
    ]


def _busy_by_provider(
    booked: Sequence[Booked], providers: Collection[str], rules: BookingRules, lo: datetime, hi: datetime
) -> Dict[str, Tuple[List[datetime], List[datetime]]]:
    """Each provider's appointments widened by the buffers, merged, as parallel sorted start and end lists."""
    before, after = rules.buffer_before, rules.buffer_after
    # A widened appointment can touch a widened candidate only if it overlaps these bounds.
    starts_before = hi + rules.duration + after + before
    ends_after = lo - before - after
    spans: Dict[str, List[Span]] = {}
    for b in booked:
        if b.start < starts_before and b.end > ends_after and b.provider_id in providers:
            spans.setdefault(b.provider_id, []).append(
                (b.start.astimezone(UTC) - before, b.end.astimezone(UTC) + after)
            )
    result = {}
    for provider_id, provider_spans in spans.items():
        merged = _merge(provider_spans)
        result[provider_id] = ([s for s, _ in merged], [e for _, e in merged])
    return result


def _merge(spans: Iterable[Span], touching: bool = False) -> List[Span]:
    """Sorted, disjoint spans covering the same time. With touching=True, [a, b) and [b, c) become [a, c)."""
    merged: List[Span] = []
    for start, end in sorted(spans):
        if end <= start:
            continue
        if merged and (start < merged[-1][1] or (touching and start == merged[-1][1])):
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _pair_slots(pair: _Pair, rules: BookingRules, spans: List[Span]) -> Iterator[Slot]:
    """The pair's open slots with a start in one of the (sorted, disjoint) spans, in order."""
    for block_start, block_end in pair.blocks:
        for lo, hi in _overlapping(spans, block_start, block_end - rules.duration):
            yield from _block_slots(pair, rules, block_start, block_end, lo, hi)


def _overlapping(spans: List[Span], first_start: datetime, last_start: datetime) -> Iterator[Span]:
    i = bisect_right(spans, (first_start,)) - 1
    for lo, hi in spans[max(i, 0) :]:
        if lo > last_start:
            return
        if hi > first_start:
            yield lo, hi


def _block_slots(
    pair: _Pair, rules: BookingRules, block_start: datetime, block_end: datetime, lo: datetime, hi: datetime
) -> Iterator[Slot]:
    """Slots aligned to the block's start, starting in [lo, hi), ending by the block's end."""
    duration, step = rules.duration, rules.slot_interval
    before, after = rules.buffer_before, rules.buffer_after
    busy_starts, busy_ends = pair.busy_starts, pair.busy_ends
    closed_starts, closed_ends = pair.closed_starts, pair.closed_ends
    last = block_end - duration
    start = _align_up(lo, block_start, step)
    while start <= last and start < hi:
        end = start + duration
        i = bisect_right(busy_ends, start - before)
        if i < len(busy_ends) and busy_starts[i] < end + after:
            start = _align_up(busy_ends[i] + before, block_start, step)  # first start whose buffer clears it
            continue
        j = bisect_right(closed_ends, start)
        if j < len(closed_ends) and closed_starts[j] < end:
            start = _align_up(closed_ends[j], block_start, step)
            continue
        yield Slot(pair.provider_id, pair.location_id, start, end)
        start += step


def _align_up(moment: datetime, origin: datetime, step: timedelta) -> datetime:
    """The first origin + k * step (k >= 0) at or after moment."""
    if moment <= origin:
        return origin
    return origin - ((origin - moment) // step) * step


def _require_aware(moment: datetime, name: str) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be time-zone aware, got {moment!r}")


# --- presenting choices -------------------------------------------------------------------------------------


def spread_slots(
    slots: Sequence[Slot], count: int, min_gap: timedelta = timedelta(hours=2), per_day: int = 2
) -> List[Slot]:
    """Up to `count` varied choices, earliest first: different days and times of day rather than five
    providers at 9:00. Relaxes the variety rules in passes until `count` are found."""
    ordered = sorted(slots, key=SLOT_ORDER)
    if count <= 0 or not ordered:
        return []
    days = _day_clusters(ordered)
    passes = [
        (min_gap, per_day, True, True),
        (min_gap, per_day, False, True),
        (min_gap / 2, count, False, True),
        (min_gap / 8, count, False, True),
        (timedelta(0), count, False, True),
        (timedelta(0), count, False, False),  # last resort: another provider at a time already offered
    ]
    chosen: List[int] = []
    for gap, cap, vary_clock, distinct_starts in passes:
        for index in range(len(ordered)):
            if len(chosen) >= count:
                break
            if index not in chosen and _fits(index, ordered, days, chosen, gap, cap, vary_clock, distinct_starts):
                chosen.append(index)
    return [ordered[i] for i in sorted(chosen)]


def _fits(
    index: int,
    ordered: List[Slot],
    days: List[int],
    chosen: List[int],
    gap: timedelta,
    cap: int,
    vary_clock: bool,
    distinct_starts: bool,
) -> bool:
    slot = ordered[index]
    if sum(1 for c in chosen if days[c] == days[index]) >= cap:
        return False
    for c in chosen:
        other = ordered[c].start
        if distinct_starts and other == slot.start:
            return False
        if abs(other - slot.start) < gap:
            return False
        if vary_clock and _clock_distance(other, slot.start) < timedelta(hours=1):
            return False
    return True


def _clock_distance(a: datetime, b: datetime) -> timedelta:
    """How far apart two moments are on a 24-hour clock face (the date ignored)."""
    seconds = abs(a - b).total_seconds() % 86400
    return timedelta(seconds=min(seconds, 86400 - seconds))


def _day_clusters(ordered: List[Slot], night: timedelta = timedelta(hours=6)) -> List[int]:
    """A day number per slot: a gap of `night` or more between consecutive starts begins a new day.

    Time-zone free, so slots from locations in different zones still group by working day.
    """
    days, day = [], 0
    for i, slot in enumerate(ordered):
        if i and slot.start - ordered[i - 1].start >= night:
            day += 1
        days.append(day)
    return days


def nearest_alternatives(
    weeks: Sequence[ProviderWeek],
    booked: Sequence[Booked],
    exceptions: Sequence[ScheduleException],
    rules: BookingRules,
    now: datetime,
    wanted: Sequence[Interval],
    count: int = 5,
    provider_ids: Optional[Collection[str]] = None,
    location_ids: Optional[Collection[str]] = None,
    distinct_times: bool = True,
) -> List[Slot]:
    """Up to `count` open slots nearest to the `wanted` windows (which had none), in chronological order.

    Searches outward in widening rings (2 hours, 1 day, 2 days, 4 days, ... up to the horizon); within a ring,
    slots after a wanted window rank before slots before it. Never earlier than now + minimum notice. With
    distinct_times, one slot per start time (the first provider by id), so the choices differ.
    """
    windows = _merge((w.start.astimezone(UTC), w.end.astimezone(UTC)) for w in wanted)
    full = _search_spans([Interval(now, now + rules.horizon)], rules, now)
    if not windows or not full or count <= 0:
        return []
    pairs = _prepare(weeks, booked, exceptions, rules, full[0][0], full[0][1], provider_ids, location_ids)
    found: List[Slot] = []
    for reach in _reaches(full[0][1] - full[0][0]):
        region = [(start - reach, end + reach) for start, end in windows]
        spans = _merge((max(s, full[0][0]), min(e, full[0][1])) for s, e in region)
        found = _collect(pairs, rules, spans, None)
        if distinct_times:
            found = _first_per_start(found)
        if len(found) >= count:
            break
    found.sort(key=lambda slot: _rank(slot, windows))
    return sorted(found[:count], key=SLOT_ORDER)


def _reaches(total: timedelta) -> Iterator[timedelta]:
    yield timedelta(hours=2)
    reach = timedelta(days=1)
    while True:
        yield reach
        if reach >= total:
            return
        reach *= 2


def _first_per_start(slots: List[Slot]) -> List[Slot]:
    kept: List[Slot] = []
    for slot in slots:
        if not kept or kept[-1].start != slot.start:
            kept.append(slot)
    return kept


def _rank(slot: Slot, windows: List[Span]) -> Tuple[int, bool, timedelta, datetime, str]:
    """Sort key for an alternative: its search ring, later-than-wanted before earlier, then distance."""
    distance, earlier = _distance(slot.start, windows)
    return _ring(distance), earlier, distance, slot.start, slot.provider_id


def _ring(distance: timedelta) -> int:
    """Which of the rings searched by nearest_alternatives first reaches this distance."""
    ring, reach = 0, timedelta(hours=2)
    while distance > reach:
        ring += 1
        reach = timedelta(days=1) if ring == 1 else reach * 2
    return ring


def _distance(moment: datetime, windows: List[Span]) -> Tuple[timedelta, bool]:
    """How far `moment` is from the nearest (sorted, disjoint) window, and whether it lies before that window."""
    i = bisect_right(windows, (moment, _FOREVER))
    options = []
    if i > 0:  # inside the window that starts at or before the moment, or after its end
        options.append((max(moment - windows[i - 1][1], timedelta(0)), False))
    if i < len(windows):
        options.append((windows[i][0] - moment, True))
    return min(options)
