"""The availability engine (bot/scheduling/availability.py): working hours in local time across DST, buffers,
minimum notice, horizon, exceptions, filters, and the choices offered to the patient. No database."""

import random
from dataclasses import replace
from datetime import date, datetime, time, timedelta, timezone
from itertools import pairwise
from typing import List, Sequence
from zoneinfo import ZoneInfo

import pytest

from bot.clinic import load_clinic
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

UTC = timezone.utc
CHICAGO = "America/Chicago"
CHI = ZoneInfo(CHICAGO)
WEEKDAYS_9_TO_5 = {day: (time(9), time(17)) for day in range(5)}
EVERY_DAY_9_TO_5 = {day: (time(9), time(17)) for day in range(7)}
RULES = BookingRules(
    duration=timedelta(minutes=30),
    buffer_before=timedelta(0),
    buffer_after=timedelta(minutes=10),
    slot_interval=timedelta(minutes=15),
    minimum_notice=timedelta(0),
    horizon=timedelta(days=365),
)
LONG_AGO = datetime(2026, 1, 1, tzinfo=UTC)
MONDAY = date(2026, 3, 2)  # a plain week in CST, before the DST change on Sunday, Mar 8


def chi(day: date, hour: int = 0, minute: int = 0) -> datetime:
    """A Chicago wall-clock time, as UTC."""
    return datetime.combine(day, time(hour, minute), tzinfo=CHI).astimezone(UTC)


def week(provider: str = "ana", location: str = "austin", weekly=None, tz: str = CHICAGO) -> ProviderWeek:
    return ProviderWeek(provider, location, tz, WEEKDAYS_9_TO_5 if weekly is None else weekly)


def whole_day(day: date) -> Interval:
    return Interval(chi(day), chi(day + timedelta(days=1)))


def day_slots(weeks, day: date, booked=(), exceptions=(), rules=RULES, now=LONG_AGO, **filters) -> List[Slot]:
    return find_open_slots(weeks, booked, exceptions, rules, now, whole_day(day), **filters)


def clock(slots: Sequence[Slot]) -> List[str]:
    return [f"{slot.start.astimezone(CHI):%H:%M}" for slot in slots]


def quarter_hours(first: str, last: str) -> List[str]:
    start, end = (datetime.strptime(t, "%H:%M") for t in (first, last))
    return [f"{start + timedelta(minutes=15 * n):%H:%M}" for n in range((end - start) // timedelta(minutes=15) + 1)]


def book(provider: str, day: date, start: str, end: str) -> Booked:
    (sh, sm), (eh, em) = (map(int, t.split(":")) for t in (start, end))
    return Booked(provider, chi(day, sh, sm), chi(day, eh, em))


# --- working hours and DST ----------------------------------------------------------------------------------


def test_slots_fill_working_hours_in_local_time():
    slots = day_slots([week()], MONDAY)
    assert clock(slots) == quarter_hours("09:00", "16:30")  # the last one ends at 17:00
    assert len(slots) == 31
    assert slots[0].start == datetime(2026, 3, 2, 15, 0, tzinfo=UTC)  # 9:00 CST is UTC-6
    assert all(s.end - s.start == timedelta(minutes=30) and s.start.tzinfo is UTC for s in slots)
    assert {(s.provider_id, s.location_id) for s in slots} == {("ana", "austin")}


def test_no_slots_on_a_day_off():
    assert day_slots([week()], MONDAY + timedelta(days=5)) == []  # Saturday


@pytest.mark.parametrize(
    "day, offset_hours, first_utc_hour",
    [
        (date(2026, 3, 7), -6, 15),  # Saturday before spring forward: CST
        (date(2026, 3, 8), -5, 14),  # spring forward day (2:00 -> 3:00): CDT
        (date(2026, 10, 31), -5, 14),  # Saturday before fall back: CDT
        (date(2026, 11, 1), -6, 15),  # fall back day (2:00 -> 1:00): CST
    ],
)
def test_dst_change_days_keep_wall_clock_hours(day, offset_hours, first_utc_hour):
    slots = day_slots([week(weekly=EVERY_DAY_9_TO_5)], day)
    assert clock(slots) == quarter_hours("09:00", "16:30")
    assert len(slots) == 31
    assert all(s.start.astimezone(CHI).utcoffset() == timedelta(hours=offset_hours) for s in slots)
    assert slots[0].start.hour == first_utc_hour


def test_spring_forward_night_shift_is_an_hour_shorter():
    """00:00-06:00 on Mar 8, 2026 is five real hours: 2:00-2:59 never happens."""
    slots = day_slots([week(weekly={6: (time(0), time(6))})], date(2026, 3, 8))
    assert clock(slots) == quarter_hours("00:00", "01:45") + quarter_hours("03:00", "05:30")
    assert len(slots) == (5 * 60 - 30) // 15 + 1 == 19
    assert all(b.start - a.start == timedelta(minutes=15) for a, b in pairwise(slots))
    assert slots[-1].end.astimezone(CHI).replace(tzinfo=None) == datetime(2026, 3, 8, 6, 0)


def test_fall_back_night_shift_is_an_hour_longer():
    """00:00-06:00 on Nov 1, 2026 is seven real hours: 1:00-1:59 happens twice."""
    slots = day_slots([week(weekly={6: (time(0), time(6))})], date(2026, 11, 1))
    assert len(slots) == (7 * 60 - 30) // 15 + 1 == 27
    assert clock(slots) == quarter_hours("00:00", "01:45") + quarter_hours("01:00", "05:30")
    offsets = [s.start.astimezone(CHI).utcoffset() for s in slots]
    assert offsets == [timedelta(hours=-5)] * 8 + [timedelta(hours=-6)] * 19
    assert all(b.start - a.start == timedelta(minutes=15) for a, b in pairwise(slots))


def test_each_location_uses_its_own_time_zone():
    weeks = [week("ana", "austin"), week("bo", "san-diego", tz="America/Los_Angeles")]
    slots = day_slots(weeks, MONDAY, limit=None)
    first = {s.provider_id: s.start for s in reversed(slots)}
    assert first["ana"] == datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
    assert first["bo"] == datetime(2026, 3, 2, 17, 0, tzinfo=UTC)  # 9:00 PST


def test_slots_align_to_the_start_of_the_working_block_not_the_window():
    weeks = [week(weekly={0: (time(9, 10), time(11))})]
    window = Interval(chi(MONDAY, 9, 20), chi(MONDAY, 12))
    slots = find_open_slots(weeks, [], [], RULES, LONG_AGO, window)
    assert clock(slots) == ["09:25", "09:40", "09:55", "10:10", "10:25"]


def test_window_limits_start_times_only():
    window = Interval(chi(MONDAY, 10), chi(MONDAY, 11))
    slots = find_open_slots([week()], [], [], RULES, LONG_AGO, window)
    assert clock(slots) == ["10:00", "10:15", "10:30", "10:45"]


# --- bookings and buffers -----------------------------------------------------------------------------------


def test_buffer_after_keeps_appointments_apart():
    slots = day_slots([week()], MONDAY, booked=[book("ana", MONDAY, "10:00", "10:30")])
    # busy 10:00-10:40 with its buffer; a new slot plus its 10-minute buffer must not reach into it
    assert clock(slots) == ["09:00", "09:15"] + quarter_hours("10:45", "16:30")


def test_buffer_before_and_after():
    rules = replace(RULES, buffer_before=timedelta(minutes=15))
    slots = day_slots([week()], MONDAY, booked=[book("ana", MONDAY, "10:00", "10:30")], rules=rules)
    # busy 9:45-10:40; a slot at s occupies s-0:15 to s+0:40
    assert clock(slots) == ["09:00"] + quarter_hours("11:00", "16:30")


def test_another_providers_booking_does_not_block():
    slots = day_slots([week("ana"), week("bo")], MONDAY, booked=[book("bo", MONDAY, "09:00", "17:00")])
    assert {s.provider_id for s in slots} == {"ana"}
    assert len(slots) == 31


def test_a_booking_at_one_location_blocks_the_provider_everywhere():
    weeks = [week("ana", "austin"), week("ana", "denver", tz="America/Denver")]
    slots = day_slots(weeks, MONDAY, booked=[book("ana", MONDAY, "11:00", "12:00")])
    assert not [s for s in slots if chi(MONDAY, 10, 30) < s.start < chi(MONDAY, 12, 10)]
    assert {s.location_id for s in slots} == {"austin", "denver"}


def test_fully_booked_day_has_no_slots_but_the_next_day_does():
    starts = [chi(MONDAY, 9) + timedelta(minutes=30 * n) for n in range(16)]
    booked = [Booked("ana", start, start + timedelta(minutes=30)) for start in starts]
    assert day_slots([week()], MONDAY, booked=booked) == []
    assert len(day_slots([week()], MONDAY + timedelta(days=1), booked=booked)) == 31


# --- minimum notice and horizon -----------------------------------------------------------------------------


def test_minimum_notice():
    rules = replace(RULES, minimum_notice=timedelta(hours=2))
    assert clock(day_slots([week()], MONDAY, rules=rules, now=chi(MONDAY, 9, 50)))[0] == "12:00"
    assert clock(day_slots([week()], MONDAY, rules=rules, now=chi(MONDAY, 9, 0)))[0] == "11:00"


def test_horizon_excludes_starts_from_now_plus_horizon():
    rules = replace(RULES, horizon=timedelta(days=1))
    window = Interval(chi(MONDAY), chi(MONDAY + timedelta(days=3)))
    slots = find_open_slots([week()], [], [], rules, chi(MONDAY, 10), window)
    assert slots[0].start == chi(MONDAY, 10)
    assert slots[-1].start == chi(MONDAY + timedelta(days=1), 9, 45)


def test_window_entirely_in_the_past_or_beyond_the_horizon_is_empty():
    rules = replace(RULES, horizon=timedelta(days=7))
    now = chi(MONDAY, 8)
    assert find_open_slots([week()], [], [], rules, now, whole_day(MONDAY - timedelta(days=7))) == []
    assert find_open_slots([week()], [], [], rules, now, whole_day(MONDAY + timedelta(days=14))) == []


# --- exceptions ---------------------------------------------------------------------------------------------


def test_holiday_closes_every_provider_and_location():
    holiday = ScheduleException(chi(MONDAY), chi(MONDAY + timedelta(days=1)), "closed")
    weeks = [week("ana", "austin"), week("bo", "denver", tz="America/Denver")]
    assert day_slots(weeks, MONDAY, exceptions=[holiday]) == []
    assert {s.provider_id for s in day_slots(weeks, MONDAY + timedelta(days=1), exceptions=[holiday])} == {"ana", "bo"}


def test_time_off_for_one_provider():
    time_off = ScheduleException(chi(MONDAY), chi(MONDAY + timedelta(days=1)), "closed", provider_id="ana")
    slots = day_slots([week("ana"), week("bo")], MONDAY, exceptions=[time_off])
    assert {s.provider_id for s in slots} == {"bo"}
    assert len(slots) == 31


def test_closure_at_one_location_only():
    closed = ScheduleException(chi(MONDAY), chi(MONDAY + timedelta(days=1)), "closed", location_id="austin")
    weeks = [week("ana", "austin"), week("bo", "denver", tz="America/Denver")]
    assert {s.location_id for s in day_slots(weeks, MONDAY, exceptions=[closed])} == {"denver"}


def test_partial_closure_blocks_overlapping_slots_without_buffers():
    lunch = ScheduleException(chi(MONDAY, 12), chi(MONDAY, 13), "closed", provider_id="ana")
    starts = clock(day_slots([week()], MONDAY, exceptions=[lunch]))
    assert "11:30" in starts and "13:00" in starts  # 11:30-12:00 ends as the closure starts
    assert not {"11:45", "12:00", "12:45"} & set(starts)


def test_extra_hours_on_a_day_off():
    saturday = MONDAY + timedelta(days=5)
    extra = ScheduleException(chi(saturday, 10), chi(saturday, 12), "extra", "ana", "austin")
    assert clock(day_slots([week("ana"), week("bo")], saturday, exceptions=[extra])) == quarter_hours("10:00", "11:30")


def test_extra_hours_extend_a_working_day():
    extra = ScheduleException(chi(MONDAY, 17), chi(MONDAY, 19), "extra", "ana", "austin")
    assert clock(day_slots([week()], MONDAY, exceptions=[extra])) == quarter_hours("09:00", "18:30")


def test_extra_hours_at_a_location_without_weekly_hours():
    saturday = MONDAY + timedelta(days=5)
    extra = ScheduleException(chi(saturday, 10), chi(saturday, 11), "extra", "ana", "denver")
    slots = day_slots([week("ana", "austin")], saturday, exceptions=[extra])
    assert {(s.provider_id, s.location_id) for s in slots} == {("ana", "denver")}
    assert len(slots) == 3


def test_closed_wins_over_extra_hours():
    saturday = MONDAY + timedelta(days=5)
    extra = ScheduleException(chi(saturday, 10), chi(saturday, 12), "extra", "ana", "austin")
    closed = ScheduleException(chi(saturday), chi(saturday + timedelta(days=1)), "closed")
    assert day_slots([week()], saturday, exceptions=[extra, closed]) == []


def test_exception_kind_is_checked():
    with pytest.raises(ValueError):
        ScheduleException(chi(MONDAY), chi(MONDAY, 1), "holiday")


# --- filters, order, limit ----------------------------------------------------------------------------------


WEEKS = [
    week("ana", "austin"),
    week("bo", "austin"),
    week("cy", "denver", tz="America/Denver"),
]


@pytest.mark.parametrize(
    "filters, expected",
    [
        ({}, {("ana", "austin"), ("bo", "austin"), ("cy", "denver")}),
        ({"provider_ids": ["bo"]}, {("bo", "austin")}),
        ({"location_ids": {"denver"}}, {("cy", "denver")}),
        ({"provider_ids": ["ana", "cy"], "location_ids": ["austin"]}, {("ana", "austin")}),
        ({"provider_ids": []}, set()),
    ],
)
def test_provider_and_location_filters(filters, expected):
    assert {(s.provider_id, s.location_id) for s in day_slots(WEEKS, MONDAY, **filters)} == expected


def test_sorted_by_start_then_provider_and_limit_takes_the_first():
    slots = day_slots(WEEKS, MONDAY)
    assert slots == sorted(slots, key=lambda s: (s.start, s.provider_id))
    assert [s.provider_id for s in slots[:3]] == ["ana", "bo", "ana"]  # Denver opens an hour later in UTC
    assert day_slots(WEEKS, MONDAY, limit=5) == slots[:5]
    assert day_slots(WEEKS, MONDAY, limit=0) == []


def test_several_windows_at_once():
    windows = [Interval(chi(MONDAY, 9), chi(MONDAY, 10)), Interval(chi(MONDAY, 15), chi(MONDAY, 16))]
    together = find_open_slots_in_windows(WEEKS, [], [], RULES, LONG_AGO, windows)
    apart = [s for w in windows for s in find_open_slots(WEEKS, [], [], RULES, LONG_AGO, w)]
    assert together == sorted(apart, key=lambda s: (s.start, s.provider_id))


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        Interval(datetime(2026, 3, 2, 9), datetime(2026, 3, 2, 10))
    with pytest.raises(ValueError):
        find_open_slots([week()], [], [], RULES, datetime(2026, 1, 1), whole_day(MONDAY))


def brute_force(weeks, booked, exceptions, rules, now, window) -> List[Slot]:
    """Every aligned start in every local working block, checked against every booking and closure."""
    slots = []
    for w in weeks:
        tz = ZoneInfo(w.timezone)
        day = window.start.astimezone(tz).date() - timedelta(days=1)
        while day <= window.end.astimezone(tz).date():
            if day.weekday() in w.weekly:
                opens, closes = (datetime.combine(day, t, tzinfo=tz).astimezone(UTC) for t in w.weekly[day.weekday()])
                start = opens
                while start + rules.duration <= closes:
                    end = start + rules.duration
                    ok = (
                        window.start <= start < window.end
                        and now + rules.minimum_notice <= start < now + rules.horizon
                        and not any(
                            b.provider_id == w.provider_id
                            and b.start - rules.buffer_before < end + rules.buffer_after
                            and b.end + rules.buffer_after > start - rules.buffer_before
                            for b in booked
                        )
                        and not any(
                            e.applies_to(w.provider_id, w.location_id) and e.start < end and e.end > start
                            for e in exceptions
                        )
                    )
                    if ok:
                        slots.append(Slot(w.provider_id, w.location_id, start, end))
                    start += rules.slot_interval
            day += timedelta(days=1)
    return sorted(slots, key=lambda s: (s.start, s.provider_id, s.location_id))


@pytest.mark.parametrize("seed", range(5))
def test_matches_a_brute_force_search(seed):
    rng = random.Random(seed)
    weeks = [
        week("ana", "austin", {d: (time(9), time(17)) for d in range(6)}),
        week("bo", "denver", {d: (time(8, 30), time(16)) for d in (0, 2, 4, 6)}, tz="America/Denver"),
        week("bo", "san-diego", {1: (time(10), time(18)), 3: (time(10), time(18))}, tz="America/Los_Angeles"),
    ]
    start = chi(date(2026, 3, 1))
    booked = []
    for _ in range(120):
        begin = start + timedelta(minutes=5 * rng.randrange(0, 14 * 24 * 12))
        booked.append(Booked(rng.choice(["ana", "bo"]), begin, begin + timedelta(minutes=rng.choice([15, 30, 60]))))
    exceptions = [
        ScheduleException(begin, begin + timedelta(hours=rng.choice([1, 3, 24])), "closed",
                          rng.choice([None, "ana", "bo"]), rng.choice([None, "austin", "denver"]))
        for begin in (start + timedelta(hours=rng.randrange(0, 14 * 24)) for _ in range(4))
    ]  # fmt: skip
    rules = replace(RULES, buffer_before=timedelta(minutes=rng.choice([0, 5])), minimum_notice=timedelta(hours=2),
                    horizon=timedelta(days=10))  # fmt: skip
    now = start + timedelta(hours=30)
    window = Interval(start, start + timedelta(days=14))
    expected = brute_force(weeks, booked, exceptions, rules, now, window)
    assert expected
    assert find_open_slots(weeks, booked, exceptions, rules, now, window) == expected


# --- the clinic's own configuration -------------------------------------------------------------------------


def test_provider_weeks_from_the_clinic_file():
    weeks = {(w.provider_id, w.location_id): w for w in provider_weeks(load_clinic())}
    assert weeks[("dr-rivera", "san-diego")].timezone == "America/Los_Angeles"
    assert weeks[("dr-rivera", "austin")].weekly[3] == (time(10), time(19))
    chen = {2: (time(9), time(18)), 4: (time(9), time(17)), 5: (time(10), time(15))}
    assert weeks[("np-chen", "austin")].weekly == chen
    assert ("pa-okafor", "denver") in weeks and len(weeks) == 7


def test_booking_rules_from_the_clinic_file():
    clinic = load_clinic()
    rules = BookingRules.for_appointment(clinic)
    assert rules == BookingRules(
        duration=timedelta(minutes=30),
        buffer_before=timedelta(0),
        buffer_after=timedelta(minutes=10),
        slot_interval=timedelta(minutes=15),
        minimum_notice=timedelta(hours=2),
        horizon=timedelta(days=60),
    )
    assert BookingRules.for_appointment(clinic, "follow-up").duration == timedelta(minutes=15)
    with pytest.raises(KeyError):
        BookingRules.for_appointment(clinic, "facelift")


# --- choices for the patient --------------------------------------------------------------------------------


def test_spread_slots_varies_days_and_times():
    weeks = [week(name) for name in ("ana", "bo", "cy", "di", "ed")]
    window = Interval(chi(MONDAY), chi(MONDAY + timedelta(days=3)))
    slots = find_open_slots(weeks, [], [], RULES, LONG_AGO, window)
    chosen = spread_slots(slots, 5)
    assert len(chosen) == 5
    assert chosen[0] == slots[0]  # the earliest is always offered
    assert chosen == sorted(chosen, key=lambda s: (s.start, s.provider_id))
    assert len({s.start for s in chosen}) == 5
    days = [s.start.astimezone(CHI).date() for s in chosen]
    assert len(set(days)) >= 2 and max(days.count(d) for d in days) <= 2
    assert len({s.start.astimezone(CHI).time() for s in chosen}) == 5


def test_spread_slots_within_one_afternoon():
    window = Interval(chi(MONDAY, 12), chi(MONDAY, 17))
    chosen = spread_slots(find_open_slots([week("ana"), week("bo")], [], [], RULES, LONG_AGO, window), 5)
    assert clock(chosen) == ["12:00", "13:00", "14:00", "15:00", "16:00"]


def test_spread_slots_with_few_choices():
    slots = day_slots([week("ana"), week("bo")], MONDAY, booked=[book("ana", MONDAY, "09:00", "16:00"),
                                                               book("bo", MONDAY, "09:00", "16:00")])  # fmt: skip
    assert clock(slots) == ["16:15", "16:15", "16:30", "16:30"]
    chosen = spread_slots(slots, 5)
    assert len(chosen) == 4  # distinct times first, then the other provider at a time already offered
    assert clock(spread_slots(slots, 2)) == ["16:15", "16:30"]
    assert spread_slots(slots, 0) == [] and spread_slots([], 3) == []


def test_nearest_alternatives_prefer_later_within_the_same_distance():
    friday = MONDAY + timedelta(days=4)
    booked = [book("ana", friday, "11:00", "13:00")]  # busy 11:00-13:10
    wanted = [Interval(chi(friday, 11, 30), chi(friday, 12, 30))]
    assert find_open_slots_in_windows([week()], booked, [], RULES, LONG_AGO, wanted) == []
    alternatives = nearest_alternatives([week()], booked, [], RULES, LONG_AGO, wanted, count=5)
    # 10:15 is closer than 14:15, but later times come first within the same two-hour ring
    assert clock(alternatives) == ["13:15", "13:30", "13:45", "14:00", "14:15"]


def test_nearest_alternatives_fall_back_to_earlier_times():
    friday = MONDAY + timedelta(days=4)
    booked = [book("ana", friday, "13:00", "17:00")]
    wanted = [Interval(chi(friday, 14), chi(friday, 15))]
    alternatives = nearest_alternatives([week()], booked, [], RULES, LONG_AGO, wanted, count=5)
    # nothing later until Monday; the closest earlier ones on Friday win
    assert [s.start.astimezone(CHI) for s in alternatives] == [
        datetime(2026, 3, 6, h, m, tzinfo=CHI) for h, m in ((11, 15), (11, 30), (11, 45), (12, 0), (12, 15))
    ]


def test_nearest_alternatives_never_before_minimum_notice_nor_past_the_horizon():
    rules = replace(RULES, minimum_notice=timedelta(hours=2), horizon=timedelta(days=1))
    now = chi(MONDAY, 9)
    booked = [book("ana", MONDAY, "11:40", "17:00")]
    wanted = [Interval(chi(MONDAY, 14), chi(MONDAY, 15))]
    alternatives = nearest_alternatives([week()], booked, [], rules, now, wanted, count=5)
    assert clock(alternatives) == ["11:00"]  # 11:00 is the notice limit; Tuesday is past the horizon
    wider = replace(rules, horizon=timedelta(days=2))
    alternatives = nearest_alternatives([week()], booked, [], wider, now, wanted, count=5)
    assert [s.start for s in alternatives] == [
        chi(MONDAY + timedelta(days=1), 9) + timedelta(minutes=15 * n) for n in range(5)
    ]


def test_nearest_alternatives_one_choice_per_time():
    booked = [book(p, MONDAY, "09:00", "12:00") for p in ("ana", "bo")]
    wanted = [Interval(chi(MONDAY, 9), chi(MONDAY, 12))]
    alternatives = nearest_alternatives([week("ana"), week("bo")], booked, [], RULES, LONG_AGO, wanted, count=3)
    assert clock(alternatives) == ["12:15", "12:30", "12:45"]
    assert {s.provider_id for s in alternatives} == {"ana"}
