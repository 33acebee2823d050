"""Reading a patient's time preference (bot/scheduling/preferences.py) with a fixed "now":
Monday, Nov 30, 2026, 10:00 in Chicago."""

from datetime import date, datetime, timedelta, timezone
from itertools import pairwise
from typing import List, Tuple
from zoneinfo import ZoneInfo

import pytest

from bot.clinic import load_clinic
from bot.scheduling.preferences import (
    BeyondHorizonError,
    PastDateError,
    TimePreference,
    WeekdayMismatchError,
    parse_time_preference,
)

CHICAGO = "America/Chicago"
CHI = ZoneInfo(CHICAGO)
NOW = datetime(2026, 11, 30, 10, 0, tzinfo=CHI)
DAY_PARTS = load_clinic().booking["day_parts"]  # morning 08-12, afternoon 12-17, evening 17-21


def parse(text: str, now: datetime = NOW, horizon_days: int = 60):
    return parse_time_preference(text, now, CHICAGO, DAY_PARTS, horizon_days)


def local(pref: TimePreference) -> List[Tuple[str, str, str]]:
    """Each window as (local date, start, end), with a midnight end shown as 24:00."""
    windows = []
    for w in pref.windows:
        start, end = w.start.astimezone(CHI), w.end.astimezone(CHI)
        end_text = "24:00" if end.time() == datetime.min.time() and end.date() > start.date() else f"{end:%H:%M}"
        windows.append((start.date().isoformat(), f"{start:%H:%M}", end_text))
    return windows


def whole(day: str) -> Tuple[str, str, str]:
    return day, "00:00", "24:00"


@pytest.mark.parametrize(
    "text, description, windows",
    [
        ("tomorrow", "tomorrow, Tuesday, Dec 1", [whole("2026-12-01")]),
        ("tmrw", "tomorrow, Tuesday, Dec 1", [whole("2026-12-01")]),
        ("today", "today, Monday, Nov 30", [("2026-11-30", "10:00", "24:00")]),
        ("next tuesday afternoon", "Tuesday, Dec 1 in the afternoon", [("2026-12-01", "12:00", "17:00")]),
        ("tuesday", "Tuesday, Dec 1", [whole("2026-12-01")]),
        ("any openings tmrw after 5", "tomorrow, Tuesday, Dec 1 after 5 PM", [("2026-12-01", "17:00", "24:00")]),
        ("after 5pm on friday", "Friday, Dec 4 after 5 PM", [("2026-12-04", "17:00", "24:00")]),
        (
            "this weekend",
            "this weekend (Saturday, Dec 5 to Sunday, Dec 6)",
            [whole("2026-12-05"), whole("2026-12-06")],
        ),
        (
            "next week",
            "next week (Monday, Dec 7 to Sunday, Dec 13)",
            [whole(f"2026-12-{day:02d}") for day in range(7, 14)],
        ),
        ("the 14th", "Monday, Dec 14", [whole("2026-12-14")]),
        ("Dec 3", "Thursday, Dec 3", [whole("2026-12-03")]),
        ("12/3", "Thursday, Dec 3", [whole("2026-12-03")]),
        ("monday morning", "Monday, Nov 30 in the morning", [("2026-11-30", "10:00", "12:00")]),
        ("friday at 2", "Friday, Dec 4 at 2 PM", [("2026-12-04", "14:00", "14:30")]),
        ("Can I come in Thursday between 2 and 4?", "Thursday, Dec 3 between 2 PM and 4 PM",
         [("2026-12-03", "14:00", "16:00")]),
        ("tonight", "today, Monday, Nov 30 in the evening", [("2026-11-30", "17:00", "21:00")]),
        ("Dec 3rd at 10:30am", "Thursday, Dec 3 at 10:30 AM", [("2026-12-03", "10:30", "11:00")]),
        ("wednesday evening after 6", "Wednesday, Dec 2 in the evening after 6 PM", [("2026-12-02", "18:00", "21:00")]),
        ("sat morning", "Saturday, Dec 5 in the morning", [("2026-12-05", "08:00", "12:00")]),
        ("in 2 weeks", "Monday, Dec 14", [whole("2026-12-14")]),
        ("friday 3ish", "Friday, Dec 4 around 3 PM", [("2026-12-04", "14:30", "15:30")]),
        ("next tuesday or wednesday", "Tuesday, Dec 1 or Wednesday, Dec 2", [whole("2026-12-01"), whole("2026-12-02")]),
    ],
)  # fmt: skip
def test_dated_phrases(text, description, windows):
    pref = parse(text)
    assert pref.description == description
    assert local(pref) == windows
    assert not pref.asap


@pytest.mark.parametrize(
    "text, description, first, count",
    [
        ("2pm", "any day at 2 PM", ("2026-11-30", "14:00", "14:30"), 14),
        ("in the evening", "any day in the evening", ("2026-11-30", "17:00", "21:00"), 14),
        ("morning", "any day in the morning", ("2026-11-30", "10:00", "12:00"), 14),  # from now, today
        ("mornings before 10", "any day in the morning before 10 AM", ("2026-12-01", "08:00", "10:00"), 13),
    ],
)
def test_undated_times_cover_the_coming_days(text, description, first, count):
    pref = parse(text)
    assert pref.description == description
    assert local(pref)[0] == first
    assert len(pref.windows) == count
    assert all(b.start - a.start == timedelta(days=1) for a, b in pairwise(pref.windows[1:]))


@pytest.mark.parametrize("text", ["asap", "ASAP!", "soonest", "earliest", "whatever is soonest", "first available"])
def test_asap_covers_now_to_the_horizon(text):
    pref = parse(text)
    assert pref.asap
    assert pref.description == "the earliest available time"
    assert [(w.start, w.end) for w in pref.windows] == [(NOW, NOW + timedelta(days=60))]


def test_asap_with_a_day():
    pref = parse("earliest you have on friday")
    assert pref.asap
    assert pref.description == "the earliest available time on Friday, Dec 4"
    assert local(pref) == [whole("2026-12-04")]
    assert parse("anytime next week").description.startswith("the earliest available time next week (")
    evenings = parse("soonest evening")
    assert evenings.asap and evenings.description == "the earliest available time in the evening"
    assert local(evenings)[0] == ("2026-11-30", "17:00", "21:00")
    assert local(evenings)[-1] == ("2027-01-28", "17:00", "21:00")  # the horizon ends Jan 29 at 10:00


def test_windows_are_utc():
    pref = parse("friday at 2")
    assert pref.windows[0].start == datetime(2026, 12, 4, 20, 0, tzinfo=timezone.utc)
    assert pref.windows[0].start.tzinfo is timezone.utc


def test_dst_day_windows_use_the_new_offset():
    pref = parse("tomorrow at 9am", now=datetime(2026, 3, 7, 12, 0, tzinfo=CHI))
    assert pref.windows[0].start == datetime(2026, 3, 8, 14, 0, tzinfo=timezone.utc)  # 9:00 CDT
    pref = parse("tomorrow at 9am", now=datetime(2026, 10, 31, 12, 0, tzinfo=CHI))
    assert pref.windows[0].start == datetime(2026, 11, 1, 15, 0, tzinfo=timezone.utc)  # 9:00 CST


def test_a_weekday_already_over_today_means_next_week():
    monday_afternoon = datetime(2026, 11, 30, 13, 0, tzinfo=CHI)
    assert local(parse("monday morning", now=monday_afternoon)) == [("2026-12-07", "08:00", "12:00")]
    friday_evening = datetime(2026, 12, 4, 16, 0, tzinfo=CHI)
    assert parse("friday at 2", now=friday_evening).description == "Friday, Dec 11 at 2 PM"


@pytest.mark.parametrize("text", ["Nov 2", "yesterday", "11/15/2026", "last friday"])
def test_past_dates(text):
    with pytest.raises(PastDateError) as raised:
        parse(text)
    assert raised.value.description


def test_today_in_a_part_of_the_day_that_is_over():
    with pytest.raises(PastDateError, match="Monday, Nov 30 in the morning"):
        parse("this morning", now=datetime(2026, 11, 30, 13, 0, tzinfo=CHI))


@pytest.mark.parametrize("text, horizon_days", [("March 15", 60), ("Dec 3", 2), ("12/20/2027", 60)])
def test_beyond_the_horizon(text, horizon_days):
    with pytest.raises(BeyondHorizonError) as raised:
        parse(text, horizon_days=horizon_days)
    assert raised.value.horizon_days == horizon_days


@pytest.mark.parametrize("text", ["asdf", "", "yes please", "I sat down with Dr. Rivera", "maybe 3 areas"])
def test_nothing_date_like(text):
    assert parse(text) is None


def test_naive_now_is_refused():
    with pytest.raises(ValueError):
        parse_time_preference("tomorrow", datetime(2026, 11, 30, 10), CHICAGO, DAY_PARTS)


def test_dates_are_read_in_the_clinic_time_zone():
    """At 11 p.m. in Chicago it is already tomorrow in UTC; "tomorrow" is still Chicago's tomorrow."""
    late = datetime(2026, 11, 30, 23, 0, tzinfo=CHI)
    pref = parse("tomorrow", now=late.astimezone(timezone.utc))
    assert local(pref) == [whole("2026-12-01")]
    assert pref.windows[0].start.astimezone(CHI).date() == date(2026, 12, 1)


# Spanish: read the same way, described in Spanish when the conversation is (patient_language "es").
@pytest.mark.parametrize(
    "text, description, windows",
    [
        ("mañana por la tarde", "mañana, martes 1 de dic por la tarde", [("2026-12-01", "12:00", "17:00")]),
        ("Mañana a las 10 de la mañana", "mañana, martes 1 de dic a las 10:00",
         [("2026-12-01", "10:00", "10:30")]),
        ("el próximo viernes por la mañana", "el viernes 4 de dic por la mañana", [("2026-12-04", "08:00", "12:00")]),
        ("el jueves después de las 3", "el jueves 3 de dic después de las 15:00", [("2026-12-03", "15:00", "24:00")]),
        ("el miércoles 9", "el miércoles 9 de dic", [whole("2026-12-09")]),
        ("el 14 de diciembre a las 11", "el lunes 14 de dic a las 11:00", [("2026-12-14", "11:00", "11:30")]),
        ("el 3 a las 4 y media", "el jueves 3 de dic a las 16:30", [("2026-12-03", "16:30", "17:00")]),
        ("este fin de semana", "este fin de semana (del sábado 5 de dic al domingo 6 de dic)",
         [whole("2026-12-05"), whole("2026-12-06")]),
        ("entre las 2 y las 4 el martes", "el martes 1 de dic entre las 14:00 y las 16:00",
         [("2026-12-01", "14:00", "16:00")]),
        ("el viernes a las 2 p. m.", "el viernes 4 de dic a las 14:00", [("2026-12-04", "14:00", "14:30")]),
        ("Buenas tardes, el viernes a las 10", "el viernes 4 de dic a las 10:00", [("2026-12-04", "10:00", "10:30")]),
        ("la mañana del viernes", "el viernes 4 de dic por la mañana", [("2026-12-04", "08:00", "12:00")]),
        ("el 5 de ene", "el martes 5 de ene", [whole("2027-01-05")]),
        ("el viernes, 5 de la tarde", "el viernes 4 de dic a las 17:00", [("2026-12-04", "17:00", "17:30")]),
        ("mañana a las dos de la tarde", "mañana, martes 1 de dic a las 14:00", [("2026-12-01", "14:00", "14:30")]),
        ("pasado mañana al mediodía", "el miércoles 2 de dic a las 12:00", [("2026-12-02", "12:00", "12:30")]),
    ],
)
def test_spanish_preferences(text, description, windows):
    pref = parse_time_preference(text, NOW, CHICAGO, DAY_PARTS, 60, language="es")
    assert pref.description == description
    if windows is not None:
        assert local(pref) == windows


def test_spanish_as_soon_as_possible_and_the_next_week():
    soonest = parse_time_preference("lo antes posible", NOW, CHICAGO, DAY_PARTS, 60, language="es")
    assert soonest.asap and soonest.description == "el primer horario disponible"
    week = parse_time_preference("la semana que viene", NOW, CHICAGO, DAY_PARTS, 60, language="es")
    assert week.description.startswith("la próxima semana (del lunes 7 de dic")


def test_a_spanish_date_that_has_passed_is_said_in_spanish():
    with pytest.raises(PastDateError) as passed:
        parse_time_preference("ayer", NOW, CHICAGO, DAY_PARTS, 60, language="es")
    assert passed.value.description == "el domingo 29 de nov"


@pytest.mark.parametrize("text", ["hola", "sí", "me llamo Ana", "tengo una pregunta",
                                  "Buenas tardes, quiero reservar una consulta para mis cejas"])
def test_spanish_without_a_time_is_no_preference(text):
    assert parse_time_preference(text, NOW, CHICAGO, DAY_PARTS, 60, language="es") is None


@pytest.mark.parametrize(
    "text, language, windows",
    [
        ("3/12", "es", [whole("2026-12-03")]),  # day first in Spanish: 3 December
        ("el 25/12 a las 10", "es", [("2026-12-25", "10:00", "10:30")]),  # only a day-first reading exists
        ("12/3", None, [whole("2026-12-03")]),  # month first in English: December 3
        ("el 12/1", "es", [whole("2027-01-12")]),
        # the "1" of "3/1" is the month, not the hour of "1 por la mañana"
        ("el 3/1 por la mañana", "es", [("2027-01-03", "08:00", "12:00")]),
        ("el 3/1 en la tarde", "es", [("2027-01-03", "12:00", "17:00")]),
    ],
)
def test_a_numeric_date_is_read_in_the_order_of_the_patients_language(text, language, windows):
    assert local(parse_time_preference(text, NOW, CHICAGO, DAY_PARTS, 60, language=language)) == windows


@pytest.mark.parametrize(
    "text, language, said",
    [
        ("monday the 3rd", None, 0),  # Dec 3 2026 is a Thursday
        ("Friday Dec 8", None, 4),  # a Tuesday
        ("el lunes 3", "es", 0),
        ("el sábado 10 de diciembre por la tarde", "es", 5),
    ],
)
def test_a_weekday_that_is_not_the_dates_is_questioned(text, language, said):
    with pytest.raises(WeekdayMismatchError) as mismatch:
        parse_time_preference(text, NOW, CHICAGO, DAY_PARTS, 60, language=language)
    assert mismatch.value.said_weekday == said


@pytest.mark.parametrize("text, language", [("thursday the 3rd", None), ("el jueves 3 de diciembre", "es"),
                                            ("the 3rd or friday the 4th", None), ("tomorrow, Tuesday", None)])
def test_a_weekday_that_is_the_dates_is_taken(text, language):
    assert parse_time_preference(text, NOW, CHICAGO, DAY_PARTS, 60, language=language) is not None


@pytest.mark.parametrize(
    "text, language, windows",
    [
        ("tomorrow after lunch", None, [("2026-12-01", "12:00", "17:00")]),
        ("wednesday before lunch", None, [("2026-12-02", "08:00", "12:00")]),
        ("friday on my lunch break", None, [("2026-12-04", "11:30", "12:30")]),
        ("mañana temprano", "es", [("2026-12-01", "08:00", "12:00")]),
        ("el jueves después del almuerzo", "es", [("2026-12-03", "12:00", "17:00")]),
        ("el viernes antes de comer", "es", [("2026-12-04", "08:00", "12:00")]),
    ],
)
def test_meals_and_early_are_day_parts(text, language, windows):
    assert local(parse_time_preference(text, NOW, CHICAGO, DAY_PARTS, 60, language=language)) == windows


def test_the_earliest_possible_in_spanish_is_as_soon_as_possible():
    assert parse_time_preference("lo más temprano posible", NOW, CHICAGO, DAY_PARTS, 60, language="es").asap
